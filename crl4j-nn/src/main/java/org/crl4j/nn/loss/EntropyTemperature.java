package org.crl4j.nn.loss;

/**
 * SAC's automatic entropy temperature as JaxGCRL ({@code update_actor_and_alpha}) and scaling-crl tune it: the
 * parameter is log α (initialised to 0), the target entropy is −0.5·|A|, and
 * L_α = α·mean_i(stopgrad(−log π_i − target)).
 *
 * <p>Because α = exp(log α) and the mean is a constant under stop-gradient, dL_α/dlog α = α·mean(−log π − target)
 * = L_α itself.
 */
public final class EntropyTemperature {
    private EntropyTemperature() {
    }

    /** The factor of −|A| in the target entropy (scaling-crl's {@code entropy_param}). */
    public static final float DEFAULT_ENTROPY_PARAM = 0.5f;
    /** log α at initialisation (α = 1). */
    public static final float INITIAL_LOG_ALPHA = 0f;

    /** −0.5·actionDim. */
    public static float targetEntropy(int actionDim) {
        return targetEntropy(actionDim, DEFAULT_ENTROPY_PARAM);
    }

    /** −entropyParam·actionDim. */
    public static float targetEntropy(int actionDim, float entropyParam) {
        return -entropyParam * actionDim;
    }

    public static float alpha(float logAlpha) {
        return (float) Math.exp(logAlpha);
    }

    /** L_α = α·mean_i(−logProb[i] − targetEntropy) over the first {@code rows} entries. */
    public static float loss(float logAlpha, float[] logProb, int rows, float targetEntropy) {
        return (float) (Math.exp(logAlpha) * meanNegLogProbMinusTarget(logProb, rows, targetEntropy));
    }

    /** dL_α/dlog α; equal to {@link #loss} (see the class comment). */
    public static float gradient(float logAlpha, float[] logProb, int rows, float targetEntropy) {
        return loss(logAlpha, logProb, rows, targetEntropy);
    }

    /** mean_i(−logProb[i]): the sampled entropy estimate logged as {@code sample_entropy} / {@code entropy}. */
    public static float sampleEntropy(float[] logProb, int rows) {
        return (float) meanNegLogProbMinusTarget(logProb, rows, 0f);
    }

    private static double meanNegLogProbMinusTarget(float[] logProb, int rows, float targetEntropy) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        }
        PairwiseEnergy.checkLength("logProb", logProb, rows);
        double s = 0.0;
        for (int i = 0; i < rows; i++) {
            s += -(double) logProb[i] - targetEntropy;
        }
        return s / rows;
    }
}
