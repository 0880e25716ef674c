package org.crl4j.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.crl4j.nn.loss.DoubleReference.assertClose;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TanhGaussianTest {

    @Test
    void logStdIsSquashedIntoItsRange() {
        assertThat(TanhGaussian.logStd(0f)).isEqualTo(-1.5f);      // −5 + 3.5·1
        assertThat(TanhGaussian.logStd(50f)).isEqualTo(2f);
        assertThat(TanhGaussian.logStd(-50f)).isEqualTo(-5f);
    }

    @Test
    void handComputedSampleAtZeroNoise() {
        // raw = atanh(3/7) gives log σ = −5 + 3.5·(10/7) = 0; with ε = 0 and μ = 0: x = 0, a = 0 and
        // log π = −log(2π)/2 − log(1 + 1e-6) per dimension.
        float raw = (float) (0.5 * Math.log((1 + 3.0 / 7) / (1 - 3.0 / 7)));
        float[] action = new float[2];
        float[] logProb = new float[1];
        TanhGaussian.sample(new float[] {0, 0}, new float[] {raw, raw}, new float[] {0, 0}, 1, 2, action, logProb);
        assertThat(action).containsExactly(0f, 0f);
        assertThat((double) logProb[0]).isCloseTo(2 * (-0.5 * Math.log(2 * Math.PI) - Math.log1p(1e-6)),
                within(2e-6));
    }

    @Test
    void matchesTheJaxGcrlFormula() {
        // Wide inputs reach |x| ≈ 10, where 1 − a² is tiny: accuracy must hold there too.
        Random r = new Random(1);
        int rows = 6;
        int dim = 5;
        float[] mean = DoubleReference.randomFloats(r, rows * dim, 3);
        float[] raw = DoubleReference.randomFloats(r, rows * dim, 2);
        float[] eps = DoubleReference.randomFloats(r, rows * dim, 1);
        float[] action = new float[rows * dim];
        float[] logProb = new float[rows];
        TanhGaussian.sample(mean, raw, eps, rows, dim, action, logProb);
        double[] m = DoubleReference.toDouble(mean);
        double[] s = DoubleReference.toDouble(raw);
        double[] e = DoubleReference.toDouble(eps);
        assertClose("action", action, DoubleReference.actions(m, s, e), 1e-6, 0);
        assertClose("logProb", logProb, DoubleReference.logProb(m, s, e, rows, dim), 1e-6, 0);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random r = new Random(2);
        int rows = 4;
        int dim = 3;
        float[] mean = DoubleReference.randomFloats(r, rows * dim, 0.8);
        float[] raw = DoubleReference.randomFloats(r, rows * dim, 0.8);
        float[] eps = DoubleReference.randomFloats(r, rows * dim, 1);
        float[] dAction = DoubleReference.randomFloats(r, rows * dim, 1);
        float[] dLogProb = DoubleReference.randomFloats(r, rows, 1);
        float[] dMean = new float[rows * dim];
        float[] dRaw = new float[rows * dim];
        TanhGaussian.sampleBackward(mean, raw, eps, rows, dim, dAction, dLogProb, dMean, dRaw);

        double[] m = DoubleReference.toDouble(mean);
        double[] s = DoubleReference.toDouble(raw);
        double[] e = DoubleReference.toDouble(eps);
        // L = Σ dAction·a + Σ dLogProb·log π through x = μ + σ(r)·ε (ε fixed).
        java.util.function.ToDoubleFunction<double[][]> loss = p -> {
            double[] a = DoubleReference.actions(p[0], p[1], e);
            double[] lp = DoubleReference.logProb(p[0], p[1], e, rows, dim);
            double total = 0;
            for (int k = 0; k < a.length; k++) {
                total += dAction[k] * a[k];
            }
            for (int i = 0; i < rows; i++) {
                total += dLogProb[i] * lp[i];
            }
            return total;
        };
        assertClose("dMean", dMean,
                DoubleReference.numericGradient(x -> loss.applyAsDouble(new double[][] {x, s}), m, 1e-6), 1e-5, 1e-7);
        assertClose("dRawLogStd", dRaw,
                DoubleReference.numericGradient(x -> loss.applyAsDouble(new double[][] {m, x}), s, 1e-6), 1e-5, 1e-7);
    }

    @Test
    void saturatedActionsStayFinite() {
        // μ = ±20: a rounds to ±1, so 1 − a² = 0 and the tanh term is −log(1e-6); no NaN or infinity anywhere.
        float[] mean = {20, -20};
        float[] raw = {3, 3};
        float[] eps = {0.5f, -0.5f};
        float[] action = new float[2];
        float[] logProb = new float[1];
        TanhGaussian.sample(mean, raw, eps, 1, 2, action, logProb);
        assertThat(action).containsExactly(1f, -1f);
        assertThat(Float.isFinite(logProb[0])).isTrue();
        float[] dMean = new float[2];
        float[] dRaw = new float[2];
        TanhGaussian.sampleBackward(mean, raw, eps, 1, 2, new float[] {1, 1}, new float[] {1}, dMean, dRaw);
        // Through a saturated tanh only the Gaussian term's d log π/d log σ = −1 remains.
        assertThat(dMean).containsExactly(0f, 0f);
        double expectedRaw = -3.5 * (1 - Math.tanh(3f) * Math.tanh(3f));
        assertThat((double) dRaw[0]).isCloseTo(expectedRaw, within(1e-6));
    }

    @Test
    void missingUpstreamGradientsCountAsZero() {
        Random r = new Random(3);
        float[] mean = DoubleReference.randomFloats(r, 6, 1);
        float[] raw = DoubleReference.randomFloats(r, 6, 1);
        float[] eps = DoubleReference.randomFloats(r, 6, 1);
        float[] dLogProb = DoubleReference.randomFloats(r, 2, 1);
        float[] dAction = DoubleReference.randomFloats(r, 6, 1);
        float[] expectedMean = new float[6];
        float[] expectedRaw = new float[6];
        float[] dMean = new float[6];
        float[] dRaw = new float[6];
        TanhGaussian.sampleBackward(mean, raw, eps, 2, 3, new float[6], dLogProb, expectedMean, expectedRaw);
        TanhGaussian.sampleBackward(mean, raw, eps, 2, 3, null, dLogProb, dMean, dRaw);
        assertThat(dMean).isEqualTo(expectedMean);
        assertThat(dRaw).isEqualTo(expectedRaw);
        TanhGaussian.sampleBackward(mean, raw, eps, 2, 3, dAction, new float[2], expectedMean, expectedRaw);
        TanhGaussian.sampleBackward(mean, raw, eps, 2, 3, dAction, null, dMean, dRaw);
        assertThat(dMean).isEqualTo(expectedMean);
        assertThat(dRaw).isEqualTo(expectedRaw);
    }

    @Test
    void deterministicActionIsTanhOfTheMean() {
        float[] action = new float[3];
        TanhGaussian.deterministic(new float[] {0, 1, -30}, 3, action);
        assertThat(action).containsExactly(0f, (float) Math.tanh(1), -1f);
    }
}
