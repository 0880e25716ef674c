package org.crl4j.bench.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TorchTrunkTest {
    @BeforeAll
    static void load() {
        TorchTests.requireLibtorch();
    }

    @Test
    void runtimeIsPinnedToOneThread() {
        TorchRuntime.init(1);
        assertThat(TorchRuntime.describe()).contains("intra-op threads 1");
        assertThat(TorchRuntime.problem()).isEmpty();
        assertThat(TorchRuntime.peakRssKiB()).isPositive();
    }

    @Test
    void namesAndShapes() {
        TrunkSpec s = TrunkSpec.of("sa_encoder", 5, 8, 8, 64);
        assertThat(s.paramNames()).startsWith("sa_encoder.in.kernel", "sa_encoder.in.bias", "sa_encoder.in.ln_scale",
                "sa_encoder.in.ln_bias", "sa_encoder.block0.layer0.kernel");
        assertThat(s.paramNames()).endsWith("sa_encoder.block1.layer3.ln_bias", "sa_encoder.head.kernel",
                "sa_encoder.head.bias");
        assertThat(s.paramNames()).hasSize(4 * 9 + 2);
        assertThat(s.shape("sa_encoder.in.kernel")).containsExactly(5, 8);
        assertThat(s.shape("sa_encoder.head.kernel")).containsExactly(8, 64);
        assertThat(s.shape("sa_encoder.block1.layer2.ln_scale")).containsExactly(8);
        assertThat(s.withLayerNorm(false).paramNames()).noneMatch(n -> n.contains("ln_"));
        // paper: 4·(W² + 3W) parameters per block at W=256
        TrunkSpec w256 = TrunkSpec.of("p", 256, 256, 4, 64);
        assertThat(w256.paramCount() - TrunkSpec.of("p", 256, 256, 0, 64).paramCount())
                .isEqualTo(4L * (256 * 256 + 3 * 256));
    }

    static Stream<Arguments> variants() {
        TrunkSpec base = TrunkSpec.of("t", 3, 6, 4, 5);
        return Stream.of(Arguments.of(base), Arguments.of(base.withLayerNorm(false)),
                Arguments.of(base.withActivation(TrunkSpec.Activation.RELU)), Arguments.of(base.withResidual(false)),
                Arguments.of(TrunkSpec.of("t", 4, 5, 8, 3)));
    }

    /** torch's forward equals a plain-Java forward written from the spec (wiring, layout, residual placement). */
    @ParameterizedTest
    @MethodSource("variants")
    void forwardMatchesPlainJava(TrunkSpec spec) {
        int batch = 3;
        Map<String, float[]> w = JavaRef.randomWeights(spec, 11);
        double[] x = JavaRef.gaussian(batch * spec.inDim(), 12);
        double[] expected = JavaRef.forward(spec, TorchCrl.toDoubles(w), x, batch);
        try (TorchTrunk t = TorchTrunk.fromFloats(spec, w, TorchPrecision.FP64, false)) {
            double[] got = t.forward(x, batch);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("out[%d]", i).isCloseTo(expected[i], within(1e-12));
            }
        }
        try (TorchTrunk t = TorchTrunk.fromFloats(spec, w, TorchPrecision.FP32, false)) {
            double[] got = t.forward(x, batch);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("fp32 out[%d]", i).isCloseTo(expected[i], within(1e-4));
            }
        }
    }

    /** Autograd gradient of L = Σ out·R equals a central finite difference, FP64, depth 4, every tensor. */
    @ParameterizedTest
    @MethodSource("variants")
    void autogradMatchesFiniteDifference(TrunkSpec spec) {
        int batch = 3;
        Map<String, double[]> w = TorchCrl.toDoubles(JavaRef.randomWeights(spec, 21));
        double[] x = JavaRef.gaussian(batch * spec.inDim(), 22);
        double[] r = JavaRef.gaussian(batch * spec.outDim(), 23);
        Map<String, double[]> grads;
        double[] dx;
        try (TorchTrunk t = TorchTrunk.fromDoubles(spec, w, TorchPrecision.FP64, true);
             PointerScope ignored = new PointerScope()) {
            Tensor xt = TorchTensors.of(x, TorchPrecision.FP64, batch, spec.inDim()).requires_grad_(true);
            Tensor rt = TorchTensors.of(r, TorchPrecision.FP64, batch, spec.outDim());
            t.forward(xt).mul(rt).sum().backward();
            grads = t.gradsDoubles();
            dx = TorchTensors.toDoubles(xt.grad());
        }
        SplittableRandom pick = new SplittableRandom(24);
        double h = 1e-6;
        for (String name : spec.paramNames()) {
            double[] v = w.get(name);
            for (int k = 0; k < 3; k++) {
                int i = pick.nextInt(v.length);
                double old = v[i];
                v[i] = old + h;
                double up = objective(spec, w, x, r, batch);
                v[i] = old - h;
                double down = objective(spec, w, x, r, batch);
                v[i] = old;
                double fd = (up - down) / (2 * h);
                assertThat(grads.get(name)[i]).as("%s[%d]", name, i)
                        .isCloseTo(fd, within(1e-6 * Math.max(1, Math.abs(fd))));
            }
        }
        for (int k = 0; k < 3; k++) {
            int i = pick.nextInt(x.length);
            double old = x[i];
            x[i] = old + h;
            double up = objective(spec, w, x, r, batch);
            x[i] = old - h;
            double down = objective(spec, w, x, r, batch);
            x[i] = old;
            assertThat(dx[i]).as("dx[%d]", i).isCloseTo((up - down) / (2 * h), within(1e-6));
        }
    }

    private static double objective(TrunkSpec spec, Map<String, double[]> w, double[] x, double[] r, int batch) {
        double[] out = JavaRef.forward(spec, w, x, batch);
        double s = 0;
        for (int i = 0; i < out.length; i++) {
            s += out[i] * r[i];
        }
        return s;
    }

    @Test
    void missingWeightIsReported() {
        TrunkSpec spec = TrunkSpec.of("t", 2, 4, 4, 3);
        Map<String, float[]> w = spec.initWeights(1);
        w.remove("t.block0.layer2.ln_bias");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TorchTrunk.fromFloats(spec, w, TorchPrecision.FP32, true))
                .hasMessageContaining("t.block0.layer2.ln_bias");
    }

    @Test
    void initFollowsTheReferenceScheme() {
        TrunkSpec spec = TrunkSpec.of("t", 16, 32, 4, 8);
        Map<String, float[]> w = spec.initWeights(3);
        for (float v : w.get("t.in.kernel")) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo(0.25f);
        }
        for (float v : w.get("t.head.kernel")) {
            assertThat(Math.abs(v)).isLessThanOrEqualTo((float) (1 / Math.sqrt(32)));
        }
        assertThat(w.get("t.block0.layer1.ln_scale")).containsOnly(1f);
        assertThat(w.get("t.block0.layer1.ln_bias")).containsOnly(0f);
        assertThat(w.get("t.head.bias")).containsOnly(0f);
    }
}
