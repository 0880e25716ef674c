package org.crl4j.bench.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Stand-alone runner of {@link TorchBench#benchAdam}, for timing libtorch without the CLI:
 * {@code java -cp … org.crl4j.bench.torch.TorchBenchMain [--in 256] [--width 256] [--depth 4,64] [--batch 256]
 * [--out 64] [--warmup 3] [--steps 10] [--threads 1] [--seed 1] [--json]}. Start the JVM with OMP_NUM_THREADS=1 and
 * OPENBLAS_NUM_THREADS=2 (see {@link TorchRuntime}). Prints one line per depth.
 */
public final class TorchBenchMain {
    private TorchBenchMain() {
    }

    /** Prefix of the machine-readable result line that {@code --json} adds after each depth's line. */
    public static final String RESULT_PREFIX = "torch-result ";

    public static void main(String[] args) {
        int in = -1;
        int width = 256;
        List<Integer> depths = new ArrayList<>(List.of(4));
        int batch = 256;
        int out = 64;
        int warmup = 3;
        int steps = 10;
        int threads = 1;
        long seed = 1;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--in" -> in = Integer.parseInt(v);
                case "--width" -> width = Integer.parseInt(v);
                case "--depth" -> {
                    depths.clear();
                    for (String d : v.split(",")) {
                        depths.add(Integer.parseInt(d.trim()));
                    }
                }
                case "--batch" -> batch = Integer.parseInt(v);
                case "--out" -> out = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--steps" -> steps = Integer.parseInt(v);
                case "--threads" -> threads = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                case "--json" -> {
                    json = true;
                    i--; // takes no value
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
            i++;
        }
        TorchRuntime.init(threads);
        System.out.println(TorchRuntime.describe());
        for (int depth : depths) {
            TrunkSpec spec = TrunkSpec.of("bench", in > 0 ? in : width, width, depth, out);
            TorchBench.BenchResult r = TorchBench.benchAdam(spec, null, null, batch, warmup, steps, seed);
            System.out.println(r);
            if (json) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("depth", depth);
                m.put("ms_per_step", r.msPerStep());
                m.put("ms_median", r.msMedian());
                m.put("ms_min", r.msMin());
                m.put("gflops", r.gflops());
                m.put("peak_rss_bytes", r.peakRssKiB() * 1024);
                System.out.println(RESULT_PREFIX + org.crl4j.core.io.Json.write(m));
            }
        }
    }
}
