package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Analytic gradients of the whole network (float kernels) against central finite differences of an independent
 * double-precision forward pass. Loss = Σ out ⊙ R for a fixed random R, so dL/dout = R.
 */
class ResidualMlpGradientTest {

    static final int IN = 5;
    static final int OUT = 3;
    static final int ROWS = 7;

    /** Perturbs LayerNorm scales/biases away from 1/0 so their gradients are exercised in general position. */
    static void jitter(ParamStore ps, Rng rng) {
        float[] p = ps.params();
        for (ParamStore.Entry e : ps.entries()) {
            if (e.name().endsWith(".ln_scale") || e.name().endsWith(".ln_bias") || e.name().endsWith(".bias")) {
                for (int i = 0; i < e.size(); i++) {
                    p[e.offset() + i] += 0.3f * (rng.nextFloat() - 0.5f);
                }
            }
        }
    }

    @ParameterizedTest(name = "depth {0}, layerNorm {1}, {2}, residual {3}, recompute {4}")
    @CsvSource({
        "8, true, SWISH, true, OFF",
        "8, true, SWISH, true, ON",
        "4, false, SWISH, true, OFF",
        "4, true, RELU, true, OFF",
        "4, true, SWISH, false, OFF",
    })
    void everyParameterAndInputMatchFiniteDifferences(int depth, boolean ln, Activation act, boolean residual,
                                                      MlpOptions.Recompute recompute) {
        Parallel pool = new Parallel(2);
        MlpOptions opt = new MlpOptions(16, depth, ln, act, residual, recompute);
        ParamStore ps = new ParamStore();
        ResidualMlp net = new ResidualMlp(pool, ps, "net", IN, OUT, opt);
        ps.allocate();
        Rng rng = new Rng(42);
        net.init(rng);
        jitter(ps, rng);
        float[] x = new float[ROWS * IN];
        rng.fillGaussian(x, 0, x.length);
        float[] r = new float[ROWS * OUT];
        rng.fillGaussian(r, 0, r.length);

        net.forward(x, ROWS);
        float[] dx = new float[ROWS * IN];
        net.backward(r, dx, GradMode.OVERWRITE);
        float[] grads = ps.grads().clone();
        assertThat(net.trunk().recomputing()).isEqualTo(recompute == MlpOptions.Recompute.ON);

        double[] p = ReferenceMlp.toDouble(ps.params());
        double[] xd = ReferenceMlp.toDouble(x);
        // Central differences of the double-precision loss, w.r.t. every parameter and every input.
        java.util.function.DoubleSupplier loss = () -> loss(ps, p, xd, r, opt);
        assertClose(grads, centralDifferences(p, loss), "parameter gradients");
        double[] numericX = centralDifferences(xd, loss);
        assertClose(dx, numericX, "input gradients");
        pool.close();
    }

    /** d loss / d v[i] for every i by central differences (v is perturbed in place and restored). */
    static double[] centralDifferences(double[] v, java.util.function.DoubleSupplier loss) {
        double h = 1e-5;
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            double keep = v[i];
            v[i] = keep + h;
            double lp = loss.getAsDouble();
            v[i] = keep - h;
            double lm = loss.getAsDouble();
            v[i] = keep;
            out[i] = (lp - lm) / (2 * h);
        }
        return out;
    }

    private static double loss(ParamStore ps, double[] p, double[] x, float[] r, MlpOptions opt) {
        double[] out = ReferenceMlp.forward(ps, p, "net", x, ROWS, IN, OUT, opt);
        double s = 0;
        for (int i = 0; i < out.length; i++) {
            s += out[i] * r[i];
        }
        return s;
    }

    /** Element-wise |a − n| ≤ 2e-3·max|n| + 1e-3·|n|, and the relative error of the whole vector below 1e-3. */
    static void assertClose(float[] analytic, double[] numeric, String what) {
        double maxAbs = 0;
        double diff2 = 0;
        double norm2 = 0;
        for (double v : numeric) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        for (int i = 0; i < numeric.length; i++) {
            double d = analytic[i] - numeric[i];
            diff2 += d * d;
            norm2 += numeric[i] * numeric[i];
            assertThat(Math.abs(d)).as("%s[%d]: analytic %s vs numeric %s", what, i, analytic[i], numeric[i])
                    .isLessThanOrEqualTo(2e-3 * maxAbs + 1e-3 * Math.abs(numeric[i]));
        }
        assertThat(Math.sqrt(diff2 / norm2)).as(what + " relative error").isLessThan(1e-3);
        assertThat(maxAbs).as(what + " are not all zero").isGreaterThan(0);
    }

    @Test
    void accumulateAddsAndNoneLeavesGradientsAlone() {
        Parallel pool = new Parallel(1);
        ParamStore ps = new ParamStore();
        ResidualMlp net = new ResidualMlp(pool, ps, "net", IN, OUT, MlpOptions.paper(8, 4));
        ps.allocate();
        Rng rng = new Rng(1);
        net.init(rng);
        float[] x = new float[ROWS * IN];
        rng.fillGaussian(x, 0, x.length);
        float[] r = new float[ROWS * OUT];
        rng.fillGaussian(r, 0, r.length);
        net.forward(x, ROWS);
        net.backward(r, null, GradMode.OVERWRITE);
        float[] once = ps.grads().clone();
        net.backward(r, null, GradMode.ACCUMULATE);
        float[] twice = ps.grads().clone();
        for (int i = 0; i < once.length; i++) {
            // Accumulation adds into C inside the GEMM, so rounding may differ from a separate doubling by an ulp or so.
            assertThat(twice[i]).isCloseTo(2 * once[i], org.assertj.core.data.Offset.offset(1e-5f * Math.abs(once[i]) + 1e-7f));
        }
        float[] dxNone = new float[ROWS * IN];
        float[] dxOver = new float[ROWS * IN];
        net.backward(r, dxNone, GradMode.NONE);
        assertThat(ps.grads()).isEqualTo(twice);
        net.backward(r, dxOver, GradMode.OVERWRITE);
        assertThat(dxNone).isEqualTo(dxOver);
        pool.close();
    }
}
