package org.crl4j.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.Activation;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.Trunk;
import org.crl4j.policy.Policy;
import org.crl4j.rl.Agent;
import org.crl4j.rl.Algo;
import org.crl4j.rl.BaselineConfig;
import org.crl4j.rl.Checkpoint;
import org.crl4j.rl.CrlConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The exported model, run by ONNX Runtime, against {@link Policy#actBatch} on the same checkpoint: 1,000 random
 * observations per network, at most 1e-5 apart, for a tanh-Gaussian actor (crl) and TD3's, at depth 4 and 64
 * (width 256), and for the ablation trunk (relu, no LayerNorm, no residual connections). When ONNX Runtime's native
 * library cannot load on this machine, the tests that need it are skipped with the loader's message.
 */
class OnnxExportTest {
    static final int S = 7;
    static final int A = 3;
    static final int G = 2;
    static final int ROWS = 1000;
    static final double TOLERANCE = 1e-5;

    static Parallel pool;
    static OrtEnvironment ort;
    static String ortUnavailable;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pool = new Parallel(1);
        try {
            ort = OrtEnvironment.getEnvironment();
        } catch (Throwable e) { // UnsatisfiedLinkError or OrtException from the native loader
            StringBuilder why = new StringBuilder("ONNX Runtime cannot load here: ").append(e);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                why.append(", caused by ").append(c);
            }
            ortUnavailable = why.toString();
        }
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static void needOrt() {
        Assumptions.assumeTrue(ortUnavailable == null, () -> ortUnavailable);
    }

    /** An actor network: algorithm, width, depth and the three ablation switches. */
    record Net(Algo algo, int width, int depth, boolean layerNorm, Activation activation, boolean residual) {
        static Net paper(Algo algo, int width, int depth) {
            return new Net(algo, width, depth, true, Activation.SWISH, true);
        }

        @Override
        public String toString() {
            return algo.id() + " width " + width + " depth " + depth
                    + (layerNorm && residual && activation == Activation.SWISH ? ""
                    : " (" + activation.name().toLowerCase() + (layerNorm ? "" : ", no LN") + (residual ? "" : ", no residual") + ")");
        }
    }

    /**
     * An agent with {@code net} as its actor (the critic small, as it is not exported), every weight moved off its
     * initialisation, saved as a checkpoint. A deep random trunk's output hardly depends on its input (most of it is
     * the same for every row), so the actions of such an actor would be nearly one constant, and a wrongly read input
     * weight could hide in them. The head's mean outputs are therefore rescaled and shifted to mean 0 and standard
     * deviation 1 over {@code probe}: the actions then vary with the observation and stay off tanh's flat tails.
     */
    static void saved(Path file, Net net, float[] probe) throws IOException {
        CrlConfig p = CrlConfig.paper(net.width(), net.depth());
        CrlConfig config = new CrlConfig(16, 4, net.width(), net.depth(), p.reprDim(), p.energy(),
                p.contrastiveLoss(), p.logsumexpPenalty(), p.actorLr(), p.criticLr(), p.alphaLr(), p.entropyParam(),
                p.disableEntropy(), net.layerNorm(), net.activation(), net.residual(), p.recompute());
        BaselineConfig baseline = BaselineConfig.defaults(net.algo());
        Agent agent = Agent.create(S, A, G, config, baseline, pool);
        agent.init(new Rng(5));
        Rng rng = new Rng(6);
        ParamStore actor = null;
        for (ParamStore ps : agent.stores()) {
            float[] w = ps.params();
            for (int i = 0; i < w.length; i++) {
                w[i] += 0.05f * (float) rng.nextGaussian();
            }
            if (ps.entries().stream().anyMatch(e -> e.name().equals("actor.head.kernel"))) {
                actor = ps;
            }
        }
        assertThat(actor).as("the agent has an actor").isNotNull();
        normaliseHead(actor, config.actorMlp(), probe);
        Checkpoint.save(file, agent, new Checkpoint.Info("simple_u_maze", S, A, G, config, baseline, 1234, 10, 1,
                Map.of()));
    }

    /** Sets the head's first A outputs to mean 0 and standard deviation 1 over the rows of {@code probe}. */
    static void normaliseHead(ParamStore actor, MlpOptions mlp, float[] probe) {
        ParamStore copy = new ParamStore();
        Trunk trunk = new Trunk(Parallel.CALLER, copy, "actor", S + G, mlp);
        copy.allocate();
        for (ParamStore.Entry e : copy.entries()) {
            System.arraycopy(actor.get(e.name()), 0, copy.params(), e.offset(), e.size());
        }
        int n = probe.length / (S + G);
        int w = mlp.width();
        float[] h = trunk.infer(probe, n);
        ParamStore.Entry kernel = actor.entry("actor.head.kernel");
        ParamStore.Entry bias = actor.entry("actor.head.bias");
        int outs = kernel.shape()[1];
        float[] p = actor.params();
        for (int k = 0; k < A; k++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double z = p[bias.offset() + k];
                for (int j = 0; j < w; j++) {
                    z += (double) h[i * w + j] * p[kernel.offset() + j * outs + k];
                }
                sum += z;
                sq += z * z;
            }
            double mean = sum / n;
            double sd = Math.sqrt(Math.max(sq / n - mean * mean, 1e-30));
            for (int j = 0; j < w; j++) {
                p[kernel.offset() + j * outs + k] /= (float) sd;
            }
            p[bias.offset() + k] = (float) ((p[bias.offset() + k] - mean) / sd);
        }
    }

    /** The fraction of actions with |a| < 0.95. */
    static double interior(float[] actions) {
        int k = 0;
        for (float a : actions) {
            k += Math.abs(a) < 0.95f ? 1 : 0;
        }
        return (double) k / actions.length;
    }

    /** The smallest, over action dimensions, of the standard deviation of that dimension over the rows. */
    static double spread(float[] actions) {
        int n = actions.length / A;
        double least = Double.MAX_VALUE;
        for (int k = 0; k < A; k++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                sum += actions[i * A + k];
                sq += (double) actions[i * A + k] * actions[i * A + k];
            }
            double mean = sum / n;
            least = Math.min(least, Math.sqrt(Math.max(0, sq / n - mean * mean)));
        }
        return least;
    }

    static float[] observations(int n, long seed) {
        float[] x = new float[n * (S + G)];
        new Rng(seed).fillGaussian(x, 0, x.length);
        return x;
    }

    static float[] runOnnx(OrtSession session, float[] obs, int n, int obsDim) throws OrtException {
        try (OnnxTensor in = OnnxTensor.createTensor(ort, FloatBuffer.wrap(obs), new long[] {n, obsDim});
             OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, in))) {
            OnnxTensor out = (OnnxTensor) r.get(OnnxExport.OUTPUT).orElseThrow();
            assertThat(out.getInfo().getShape()).containsExactly(n, A);
            FloatBuffer fb = out.getFloatBuffer();
            float[] actions = new float[fb.remaining()];
            fb.get(actions);
            return actions;
        }
    }

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of(Net.paper(Algo.CRL, 256, 4)),
                Arguments.of(Net.paper(Algo.TD3, 256, 4)),
                Arguments.of(Net.paper(Algo.CRL, 256, 64)),
                Arguments.of(Net.paper(Algo.TD3, 256, 64)),
                Arguments.of(new Net(Algo.CRL, 256, 8, false, Activation.RELU, false)),
                Arguments.of(new Net(Algo.TD3, 64, 8, false, Activation.RELU, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void onnxRuntimeGivesThePolicysActions(Net net) throws Exception {
        needOrt();
        Path ckpt = dir.resolve("ckpt.safetensors");
        float[] obs = observations(ROWS, 1);
        saved(ckpt, net, obs);
        Policy policy = Policy.load(ckpt);
        Path file = dir.resolve("policy.onnx");
        OnnxExport.Summary summary = OnnxExport.write(policy, file);
        assertThat(Files.size(file)).isEqualTo(summary.bytes());
        int blocks = net.depth() / 4;
        int perLayer = (net.layerNorm() ? 2 : 1) + (net.activation() == Activation.SWISH ? 2 : 1);
        assertThat(summary.nodes()).isEqualTo((1 + 4 * blocks) * perLayer + (net.residual() ? blocks : 0) + 2);
        assertThat(summary.parameters()).isEqualTo(OnnxExport.parameters(policy));

        float[] expected = new float[ROWS * A];
        long t0 = System.nanoTime();
        policy.actBatch(obs, ROWS, expected);
        long javaNs = System.nanoTime() - t0;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = ort.createSession(file.toString(), options)) {
                long t1 = System.nanoTime();
                float[] got = runOnnx(session, obs, ROWS, S + G);
                long ortNs = System.nanoTime() - t1;
                double max = 0;
                for (int i = 0; i < got.length; i++) {
                    max = Math.max(max, Math.abs(got[i] - expected[i]));
                }
                System.out.printf("ONNX %s: max |onnx - actBatch| = %.3g over %d actions (%.0f%% with |a| < 0.95, "
                                + "spread %.3f); %d bytes, %d nodes; actBatch %.0f ms, onnxruntime %.0f ms%n", net, max, got.length,
                        100 * interior(expected), spread(expected), summary.bytes(), summary.nodes(), javaNs / 1e6, ortNs / 1e6);
                assertThat(max).as("max |onnx - actBatch| for %s", net).isLessThanOrEqualTo(TOLERANCE);
                assertThat(interior(expected)).as("the actions are not mostly saturated").isGreaterThanOrEqualTo(0.5);
                assertThat(spread(expected)).as("the actions vary with the observation").isGreaterThanOrEqualTo(0.2);

                // one row, as a controller calls it: the dynamic batch dimension takes 1 as well as 1,000
                float[] one = runOnnx(session, java.util.Arrays.copyOf(obs, S + G), 1, S + G);
                for (int k = 0; k < A; k++) {
                    assertThat((double) Math.abs(one[k] - expected[k])).isLessThanOrEqualTo(TOLERANCE);
                }
            }
        }
    }

    @Test
    void namesShapesAndMetadataAsTheSessionSeesThem() throws Exception {
        needOrt();
        Path ckpt = dir.resolve("crl.safetensors");
        saved(ckpt, Net.paper(Algo.CRL, 32, 8), observations(64, 3));
        Policy policy = Policy.load(ckpt);
        Path file = dir.resolve("policy.onnx");
        OnnxExport.write(policy, file);
        try (OrtSession session = ort.createSession(file.toString(), new OrtSession.SessionOptions())) {
            assertThat(session.getInputNames()).containsExactly("observation");
            assertThat(session.getOutputNames()).containsExactly("action");
            NodeInfo in = session.getInputInfo().get("observation");
            TensorInfo inT = (TensorInfo) in.getInfo();
            assertThat(inT.type).isEqualTo(ai.onnxruntime.OnnxJavaType.FLOAT);
            assertThat(inT.getShape()).containsExactly(-1, S + G);
            assertThat(inT.getDimensionNames()[0]).isEqualTo("batch");
            TensorInfo outT = (TensorInfo) session.getOutputInfo().get("action").getInfo();
            assertThat(outT.type).isEqualTo(ai.onnxruntime.OnnxJavaType.FLOAT);
            assertThat(outT.getShape()).containsExactly(-1, A);
            assertThat(outT.getDimensionNames()[0]).isEqualTo("batch");

            var meta = session.getMetadata();
            assertThat(meta.getProducerName()).isEqualTo("crl4j");
            assertThat(meta.getGraphName()).isEqualTo("crl4j_actor");
            Map<String, String> custom = meta.getCustomMetadata();
            assertThat(custom).containsEntry("env", "simple_u_maze")
                    .containsEntry("algo", "crl")
                    .containsEntry("state_dim", "7")
                    .containsEntry("goal_dim", "2")
                    .containsEntry("action_dim", "3")
                    .containsEntry("observation_layout", "state[0:7] ‖ goal[7:9]")
                    .containsEntry("depth", "8")
                    .containsEntry("width", "32")
                    .containsEntry("layer_norm", "true")
                    .containsEntry("activation", "swish")
                    .containsEntry("residual", "true")
                    .containsEntry("env_steps", "1234");
            String version = custom.get("crl4j_version");
            assertThat(version).as("filtered from the Maven project version").isNotEqualTo("unknown")
                    .doesNotContain("${").matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(custom).isEqualTo(OnnxExport.metadata(policy, version));
        }
    }

    /** The example in docs/export.md, line for line. */
    @Test
    void theDocumentedExampleRuns() throws Exception {
        needOrt();
        Path ckpt = dir.resolve("crl.safetensors");
        float[] observations = observations(5, 7);
        saved(ckpt, Net.paper(Algo.CRL, 16, 4), observations);
        Policy policy = Policy.load(ckpt);
        OnnxExport.write(policy, dir.resolve("policy.onnx"));
        int rows = 5;
        int obsDim = S + G;
        float[] expected = new float[rows * A];
        policy.actBatch(observations, rows, expected);
        String file = dir.resolve("policy.onnx").toString();

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(file, new OrtSession.SessionOptions());
             OnnxTensor obs = OnnxTensor.createTensor(env, FloatBuffer.wrap(observations), new long[] {rows, obsDim});
             OrtSession.Result result = session.run(Map.of("observation", obs))) {
            float[][] actions = (float[][]) result.get("action").orElseThrow().getValue();   // [rows][action_dim]

            assertThat(actions).hasDimensions(rows, A);
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < A; k++) {
                    assertThat((double) Math.abs(actions[i][k] - expected[i * A + k])).isLessThanOrEqualTo(TOLERANCE);
                }
            }
        }
    }

    @Test
    void theModelIsTheSameBytesEveryTimeAndNamesItsTensorsAsCrl4jDoes() throws Exception {
        Path ckpt = dir.resolve("crl.safetensors");
        saved(ckpt, Net.paper(Algo.CRL, 16, 4), observations(64, 4));
        Policy policy = Policy.load(ckpt);
        var model = OnnxExport.model(policy);
        assertThat(model.toByteArray()).isEqualTo(OnnxExport.model(policy).toByteArray());
        assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(17);
        assertThat(model.getGraph().getInitializerList()).extracting(t -> t.getName()).contains(
                "actor.in.kernel", "actor.in.bias", "actor.in.ln_scale", "actor.in.ln_bias",
                "actor.block0.layer3.kernel", "actor.head.kernel.mean", "actor.head.bias.mean");
        var head = model.getGraph().getInitializerList().stream()
                .filter(t -> t.getName().equals("actor.head.kernel.mean")).findFirst().orElseThrow();
        assertThat(head.getDimsList()).containsExactly(16L, (long) A); // the mean's columns of [16 × 2A]
        var ln = model.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("LayerNormalization")).findFirst().orElseThrow();
        assertThat(ln.getAttributeList()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("epsilon");
            assertThat(a.getF()).isEqualTo(org.crl4j.nn.NormAct.LN_EPS);
        });
    }

    @Test
    void aWriteThatFailsLeavesNothingBehind() throws Exception {
        Path ckpt = dir.resolve("crl.safetensors");
        saved(ckpt, Net.paper(Algo.CRL, 16, 4), observations(64, 5));
        Policy policy = Policy.load(ckpt);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        assertThatThrownBy(() -> OnnxExport.write(policy, out.resolve("missing").resolve("policy.onnx")))
                .isInstanceOf(IOException.class).hasMessageContaining("does not exist");
        Path file = out.resolve("policy.onnx");
        Files.writeString(file, "old");
        OnnxExport.write(policy, file);
        assertThat(Files.size(file)).isGreaterThan(3);
        try (Stream<Path> left = Files.list(out)) {
            assertThat(left).containsExactly(file); // no temporary file left behind
        }
    }
}
