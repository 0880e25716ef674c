package org.crl4j.nn.loss;

import org.crl4j.core.Simd;

/**
 * The inner loops of {@link LogSumExp}: row maximum, a single-precision exp, and fixed-order sums. B² exps per
 * InfoNCE step would cost more through {@link Math#exp} than the rest of the loss, so exp is evaluated here with a
 * Vector API implementation and a scalar one that give bit-identical results (the same float operations per
 * element).
 *
 * <p>exp is {@link org.crl4j.nn.FloatExp} (and {@link org.crl4j.nn.VectorFloatExp}); callers pass x − max ≤ 0.
 */
abstract class SoftmaxKernels {

    static final SoftmaxKernels SCALAR = new ScalarSoftmaxKernels();
    /** The fastest usable implementation; {@link org.crl4j.core.Simd#ENABLED} false (no Vector API module, or
     * {@code -Dcrl4j.simd=false}, the one switch for every kernel) forces the scalar one. */
    static final SoftmaxKernels BEST = select();

    static final float CLAMP_HIGH = org.crl4j.nn.FloatExp.CLAMP_HIGH;

    private static SoftmaxKernels select() {
        if (org.crl4j.core.Simd.ENABLED) {
            try {
                Class<?> c = Class.forName("org.crl4j.nn.loss.VectorSoftmaxKernels");
                SoftmaxKernels k = (SoftmaxKernels) c.getDeclaredConstructor().newInstance();
                if (k.usable()) {
                    return k;
                }
            } catch (Throwable ignored) {
                // fall through to the scalar implementation
            }
        }
        return SCALAR;
    }

    boolean usable() {
        return true;
    }

    /** out[outOff + j] = exp(x[xOff + j] − shift) for j &lt; n (in float: the difference is rounded first). */
    abstract void expShifted(float[] x, int xOff, int n, float shift, float[] out, int outOff);

    /**
     * max_j x[off + j] for j &lt; n with {@link Math#max} semantics (NaN wins, +0 over −0), so the result does not
     * depend on the order of comparison; −∞ when n = 0.
     */
    abstract float max(float[] x, int off, int n);

    /** e^x in float; the per-element definition both implementations follow (one kernel for the project). */
    static float exp(float x) {
        return org.crl4j.nn.FloatExp.exp(x);
    }

    /**
     * Σ_j v[off + j] for j &lt; n in double precision, in a fixed order (four interleaved partial sums, combined as
     * (s0 + s1) + (s2 + s3)), so every caller gets the same result and the add latency is hidden.
     */
    static double sum(float[] v, int off, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 4 <= n; j += 4) {
            s0 += v[off + j];
            s1 += v[off + j + 1];
            s2 += v[off + j + 2];
            s3 += v[off + j + 3];
        }
        for (; j < n; j++) {
            switch (j & 3) {
                case 0 -> s0 += v[off + j];
                case 1 -> s1 += v[off + j];
                case 2 -> s2 += v[off + j];
                default -> s3 += v[off + j];
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Σ_j exp(x[xOff + j·stride] − shift) for j &lt; n, with the same per-element values and order as {@link #sum}. */
    static double sumExpShifted(float[] x, int xOff, int stride, int n, float shift) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int j = 0; j < n; j++) {
            float e = exp(x[xOff + j * stride] - shift);
            switch (j & 3) {
                case 0 -> s0 += e;
                case 1 -> s1 += e;
                case 2 -> s2 += e;
                default -> s3 += e;
            }
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static final class ScalarSoftmaxKernels extends SoftmaxKernels {
        @Override
        float max(float[] x, int off, int n) {
            float m = Float.NEGATIVE_INFINITY;
            for (int j = off; j < off + n; j++) {
                m = Math.max(m, x[j]);
            }
            return m;
        }

        @Override
        void expShifted(float[] x, int xOff, int n, float shift, float[] out, int outOff) {
            for (int j = 0; j < n; j++) {
                out[outOff + j] = exp(x[xOff + j] - shift);
            }
        }
    }
}
