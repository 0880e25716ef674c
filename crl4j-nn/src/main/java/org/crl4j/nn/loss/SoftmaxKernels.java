package org.crl4j.nn.loss;

/**
 * The inner loops of {@link LogSumExp}: row maximum, a single-precision exp, and fixed-order sums. B² exps per
 * InfoNCE step would cost more through {@link Math#exp} than the rest of the loss, so exp is evaluated here with a
 * Vector API implementation and a scalar one that give bit-identical results (the same float operations per
 * element).
 *
 * <p>exp method (Cephes {@code expf}): round n = x·log2(e) to an integer with the 1.5·2²³ trick, reduce
 * r = x − n·ln 2 in two steps (Cody–Waite), evaluate a degree-7 polynomial for e^r on |r| ≤ ln(2)/2 and scale by
 * 2ⁿ through the exponent bits. Relative error within 2 ulp over the supported range. Inputs below −87.3 give 0;
 * inputs are clamped at 88 above (callers pass x − max ≤ 0).
 */
abstract class SoftmaxKernels {

    static final SoftmaxKernels SCALAR = new ScalarSoftmaxKernels();
    /** The fastest usable implementation; {@code -Dcrl4j.vector=false} forces the scalar one. */
    static final SoftmaxKernels BEST = select();

    static final float LOG2E = 1.44269504088896341f;
    static final float LN2_HI = 0.693359375f;
    static final float LN2_LO = -2.12194440e-4f;
    static final float ROUNDING_MAGIC = 12582912f; // 1.5·2²³: adding it rounds to an integer in the low bits
    static final float UNDERFLOW = -87.33654f;     // below this e^x is under the smallest normal float
    static final float CLAMP_HIGH = 88f;
    static final float P0 = 1.9875691500e-4f;
    static final float P1 = 1.3981999507e-3f;
    static final float P2 = 8.3334519073e-3f;
    static final float P3 = 4.1665795894e-2f;
    static final float P4 = 1.6666665459e-1f;
    static final float P5 = 5.0000001201e-1f;

    private static SoftmaxKernels select() {
        if (Boolean.parseBoolean(System.getProperty("crl4j.vector", "true"))) {
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

    /** e^x in float; the per-element definition both implementations follow. */
    static float exp(float x) {
        float t = Math.fma(Math.min(x, CLAMP_HIGH), LOG2E, ROUNDING_MAGIC);
        float n = t - ROUNDING_MAGIC;
        int bits = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUNDING_MAGIC);
        float r = Math.fma(n, -LN2_HI, Math.min(x, CLAMP_HIGH));
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(P0, r, P1);
        p = Math.fma(p, r, P2);
        p = Math.fma(p, r, P3);
        p = Math.fma(p, r, P4);
        p = Math.fma(p, r, P5);
        float y = Math.fma(p, r * r, r) + 1f;
        float scaled = y * Float.intBitsToFloat((bits + 127) << 23);
        return x < UNDERFLOW ? 0f : scaled;
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
