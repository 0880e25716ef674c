package org.crl4j.onnx;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.crl4j.bench.PolicyLatency;
import org.crl4j.core.Rng;
import org.crl4j.policy.Policy;

/**
 * The benchmark of {@link PolicyLatency} ({@code bench policy}) for the exported graph in ONNX Runtime (one intra-op thread): one
 * observation's latency (p50, p99, after a warm-up; a new input tensor per call, as a caller would) and observations/s
 * of 256-row batches. A test-scope program, so ONNX Runtime never reaches the CLI's class path. Run:
 * {@code java -cp <crl4j-onnx test class path> org.crl4j.onnx.OnnxLatency [env] [width] [depths...]}.
 */
public final class OnnxLatency {
    private OnnxLatency() {
    }

    public static void main(String[] args) throws Exception {
        String envId = args.length > 0 ? args[0] : "ant_u_maze";
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int[] depths = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {4, 16, 64};
        Path dir = Files.createTempDirectory("crl4j-onnx-bench");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        System.out.printf("ONNX Runtime %s on %s, width %d, 1 intra-op thread%n", env.getVersion(), envId, width);
        System.out.println("| depth | act p50 (µs) | act p99 (µs) | 256-row batches (observations/s) |");
        System.out.println("|---|---|---|---|");
        for (int depth : depths) {
            Path ckpt = PolicyLatency.checkpoint(dir, envId, width, depth);
            Policy policy = Policy.load(ckpt);
            Path model = dir.resolve("d" + depth + ".onnx");
            OnnxExport.write(policy, model);
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            opts.setIntraOpNumThreads(1);
            opts.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(model.toString(), opts)) {
                int obsDim = policy.observationDim();
                Rng rng = new Rng(2);
                float[] one = new float[obsDim];
                rng.fillGaussian(one, 0, obsDim);
                int calls = depth >= 64 ? 5_000 : 20_000;
                long[] nanos = new long[calls];
                for (int pass = 0; pass < 2; pass++) { // the first pass warms up
                    for (int i = 0; i < calls; i++) {
                        one[i % obsDim] += 1e-3f;
                        long t0 = System.nanoTime();
                        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(one), new long[] {1, obsDim});
                             OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, in))) {
                            ((float[][]) r.get(0).getValue())[0][0] += 0; // read the action, as a caller would
                        }
                        nanos[i] = System.nanoTime() - t0;
                    }
                }
                Arrays.sort(nanos);
                int batch = 256;
                float[] obs = new float[batch * obsDim];
                rng.fillGaussian(obs, 0, obs.length);
                long rows = 0;
                long start = System.nanoTime();
                long end = start + 3_000_000_000L;
                long now;
                do {
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(obs), new long[] {batch, obsDim});
                         OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, in))) {
                        r.get(0);
                    }
                    rows += batch;
                    now = System.nanoTime();
                } while (now < end);
                System.out.printf(java.util.Locale.ROOT, "| %d | %.1f | %.1f | %,.0f |%n", depth, nanos[calls / 2] / 1e3,
                        nanos[(int) (calls * 0.99)] / 1e3, rows / ((now - start) / 1e9));
            }
        }
    }
}
