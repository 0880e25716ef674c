package org.crl4j.nn;

/**
 * e^x in single precision from float additions, multiplications, FMAs and bit operations only, so that the scalar
 * code here and {@link VectorFloatExp} give bit-identical results, and so do interpreted and JIT-compiled runs.
 * (The Vector API's own {@code EXP} is SVML when compiled and {@link Math#exp} per lane when not: training was not
 * reproducible with it.)
 *
 * <p>Method (Cephes {@code expf}): n = round(x·log2 e) by the 1.5·2²³ trick, r = x − n·ln 2 in two steps
 * (Cody–Waite), a degree-7 polynomial for e^r on |r| ≤ ln(2)/2, scaled by 2ⁿ through the exponent bits. Relative
 * error within 2 ulp. Inputs below −87.3 give 0; inputs above 88 are clamped to 88 (e^88 ≈ 1.65e38).
 */
public final class FloatExp {
    private FloatExp() {
    }

    public static final float LOG2E = 1.44269504088896341f;
    public static final float LN2_HI = 0.693359375f;
    public static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds to an integer in the low mantissa bits. */
    public static final float ROUNDING_MAGIC = 12582912f;
    /** Below this e^x is under the smallest normal float. */
    public static final float UNDERFLOW = -87.33654f;
    public static final float CLAMP_HIGH = 88f;
    public static final float P0 = 1.9875691500e-4f;
    public static final float P1 = 1.3981999507e-3f;
    public static final float P2 = 8.3334519073e-3f;
    public static final float P3 = 4.1665795894e-2f;
    public static final float P4 = 1.6666665459e-1f;
    public static final float P5 = 5.0000001201e-1f;

    public static float exp(float x) {
        float c = Math.min(x, CLAMP_HIGH);
        float t = Math.fma(c, LOG2E, ROUNDING_MAGIC);
        float n = t - ROUNDING_MAGIC;
        int bits = Float.floatToRawIntBits(t) - Float.floatToRawIntBits(ROUNDING_MAGIC);
        float r = Math.fma(n, -LN2_HI, c);
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

    /** The logistic function 1 / (1 + e^−u) on this exp. */
    public static float sigmoid(float u) {
        return 1f / (1f + exp(-u));
    }
}
