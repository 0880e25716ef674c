package org.crl4j.nn.loss;

/**
 * The actor's tanh-squashed diagonal Gaussian policy head: sampling with given noise (the reparameterisation
 * trick), its log-density, and the backward pass through both, as JaxGCRL's {@code Actor} ({@code networks.py})
 * and {@code update_actor_and_alpha} ({@code losses.py}) compute them.
 *
 * <p>Per element, from the network's raw mean μ and raw log-std r:
 * <pre>
 *   t = tanh(r),  log σ = −5 + 0.5·(2 − (−5))·(t + 1)   (squashed into [−5, 2])
 *   σ = exp(log σ),  x = μ + σ·ε,  a = tanh(x)
 *   log π = Σ_k [ −ε_k²/2 − log σ_k − log(2π)/2 − log(1 − a_k² + 1e-6) ]
 * </pre>
 * The Gaussian term is log N(x; μ, σ) with (x − μ)/σ written as ε, which it equals exactly (this avoids the
 * cancellation in x − μ). Everything between the float inputs and the float outputs runs in double precision,
 * including 1 − a² = (1 − tanh x)(1 + tanh x): computing it from the float-rounded action instead would carry a
 * relative error of about 6e-8/(1 − a²) into the log term (1e-4 at |x| ≈ 5), which is how float references
 * (JAX, libtorch) differ from the exact value there.
 *
 * <p>All arrays are row-major [rows×actionDim], except log π which is [rows].
 */
public final class TanhGaussian {
    private TanhGaussian() {
    }

    public static final float LOG_STD_MIN = -5f;
    public static final float LOG_STD_MAX = 2f;
    /** Added to 1 − a² inside the log of the tanh change-of-variables term. */
    public static final float TANH_CORRECTION_EPS = 1e-6f;

    private static final float LOG_STD_HALF_RANGE = 0.5f * (LOG_STD_MAX - LOG_STD_MIN);
    private static final double TANH_EPS = 1e-6;
    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2.0 * Math.PI);

    /** The squashed log standard deviation −5 + 3.5·(tanh(raw) + 1), in [−5, 2]. */
    public static float logStd(float raw) {
        return (float) logStdExact(raw);
    }

    private static double logStdExact(float raw) {
        return LOG_STD_MIN + LOG_STD_HALF_RANGE * (Math.tanh(raw) + 1.0);
    }

    /** The evaluation action: action[k] = tanh(mean[k]) for k &lt; n. */
    public static void deterministic(float[] mean, int n, float[] action) {
        PairwiseEnergy.checkLength("mean", mean, n);
        PairwiseEnergy.checkLength("action", action, n);
        for (int k = 0; k < n; k++) {
            action[k] = (float) Math.tanh(mean[k]);
        }
    }

    /**
     * Samples a = tanh(μ + σ·ε) and its log-density.
     *
     * @param mean      μ [rows×actionDim]
     * @param rawLogStd r, before squashing [rows×actionDim]
     * @param noise     ε ~ N(0, 1) [rows×actionDim]
     * @param action    output a [rows×actionDim]
     * @param logProb   output log π [rows]; may be null when only actions are needed (acting)
     */
    public static void sample(float[] mean, float[] rawLogStd, float[] noise, int rows, int actionDim,
                              float[] action, float[] logProb) {
        checkInputs(mean, rawLogStd, noise, rows, actionDim);
        PairwiseEnergy.checkLength("action", action, (long) rows * actionDim);
        if (logProb != null) {
            PairwiseEnergy.checkLength("logProb", logProb, rows);
        }
        for (int i = 0; i < rows; i++) {
            double lp = 0.0;
            for (int k = i * actionDim; k < (i + 1) * actionDim; k++) {
                double logStd = logStdExact(rawLogStd[k]);
                double eps = noise[k];
                double tanhX = Math.tanh(mean[k] + Math.exp(logStd) * eps);
                action[k] = (float) tanhX;
                lp += -0.5 * eps * eps - logStd - HALF_LOG_TWO_PI
                        - Math.log(oneMinusSquare(tanhX) + TANH_EPS);
            }
            if (logProb != null) {
                logProb[i] = (float) lp;
            }
        }
    }

    /**
     * Backward of {@link #sample} through the reparameterisation: given dLoss/da and dLoss/dlog π, <b>overwrites</b>
     * dMean with dLoss/dμ and dRawLogStd with dLoss/dr. Takes the same inputs as the forward call and recomputes
     * what it needs (cheap at rows×actionDim).
     *
     * <p>Per element, with g_a = dLoss/da, g_p = dLoss/dlog π of the row, u = 1 − a²:
     * dLoss/dx = g_a·u + g_p·2a·u/(u + 1e-6) (a's path and the tanh term's path; log N(x; μ, σ) does not depend on
     * μ once x = μ + σε is substituted), dLoss/dμ = dLoss/dx, dLoss/dlog σ = dLoss/dx·σε − g_p (d log N/d log σ =
     * −1 at fixed ε), dLoss/dr = dLoss/dlog σ·3.5·(1 − tanh²(r)).
     *
     * @param dAction  dLoss/da [rows×actionDim], or null for zero
     * @param dLogProb dLoss/dlog π [rows], or null for zero
     */
    public static void sampleBackward(float[] mean, float[] rawLogStd, float[] noise, int rows, int actionDim,
                                      float[] dAction, float[] dLogProb, float[] dMean, float[] dRawLogStd) {
        checkInputs(mean, rawLogStd, noise, rows, actionDim);
        long n = (long) rows * actionDim;
        if (dAction != null) {
            PairwiseEnergy.checkLength("dAction", dAction, n);
        }
        if (dLogProb != null) {
            PairwiseEnergy.checkLength("dLogProb", dLogProb, rows);
        }
        PairwiseEnergy.checkLength("dMean", dMean, n);
        PairwiseEnergy.checkLength("dRawLogStd", dRawLogStd, n);
        for (int i = 0; i < rows; i++) {
            double gp = dLogProb == null ? 0.0 : dLogProb[i];
            for (int k = i * actionDim; k < (i + 1) * actionDim; k++) {
                double t = Math.tanh(rawLogStd[k]);
                double std = Math.exp(LOG_STD_MIN + LOG_STD_HALF_RANGE * (t + 1.0));
                double eps = noise[k];
                double a = Math.tanh(mean[k] + std * eps);
                double u = oneMinusSquare(a);
                double ga = dAction == null ? 0.0 : dAction[k];
                double dx = ga * u + gp * 2.0 * a * u / (u + TANH_EPS);
                double dLogStd = dx * std * eps - gp;
                dMean[k] = (float) dx;
                dRawLogStd[k] = (float) (dLogStd * LOG_STD_HALF_RANGE * oneMinusSquare(t));
            }
        }
    }

    /** How close to ±1 a given action may be before {@link #logProbOf} takes its atanh. */
    public static final double ACTION_CLIP = 1 - 1e-6;

    /**
     * log π(a) of given actions (behaviour cloning): with a clipped to ±{@link #ACTION_CLIP} and x = atanh(a),
     * log π = Σ_k [−z_k²/2 − log σ_k − log(2π)/2 − log(1 − a_k² + 1e-6)], z = (x − μ)/σ: the density {@link #sample}
     * gives the action it draws.
     */
    public static void logProbOf(float[] mean, float[] rawLogStd, float[] action, int rows, int actionDim,
                                 float[] logProb) {
        checkInputs(mean, rawLogStd, action, "action", rows, actionDim);
        PairwiseEnergy.checkLength("logProb", logProb, rows);
        for (int i = 0; i < rows; i++) {
            double lp = 0.0;
            for (int k = i * actionDim; k < (i + 1) * actionDim; k++) {
                double a = clipAction(action[k]);
                double logStd = logStdExact(rawLogStd[k]);
                double z = (atanh(a) - mean[k]) / Math.exp(logStd);
                lp += -0.5 * z * z - logStd - HALF_LOG_TWO_PI - Math.log(oneMinusSquare(a) + TANH_EPS);
            }
            logProb[i] = (float) lp;
        }
    }

    /**
     * Backward of {@link #logProbOf}: given dLoss/dlog π [rows], <b>overwrites</b> dMean and dRawLogStd. With
     * z = (x − μ)/σ: dlog π/dμ = z/σ, dlog π/dlog σ = z² − 1, and dlog σ/dr = 3.5·(1 − tanh²(r)); the tanh term does
     * not depend on the network.
     */
    public static void logProbOfBackward(float[] mean, float[] rawLogStd, float[] action, int rows, int actionDim,
                                         float[] dLogProb, float[] dMean, float[] dRawLogStd) {
        checkInputs(mean, rawLogStd, action, "action", rows, actionDim);
        PairwiseEnergy.checkLength("dLogProb", dLogProb, rows);
        PairwiseEnergy.checkLength("dMean", dMean, (long) rows * actionDim);
        PairwiseEnergy.checkLength("dRawLogStd", dRawLogStd, (long) rows * actionDim);
        for (int i = 0; i < rows; i++) {
            double gp = dLogProb[i];
            for (int k = i * actionDim; k < (i + 1) * actionDim; k++) {
                double t = Math.tanh(rawLogStd[k]);
                double std = Math.exp(LOG_STD_MIN + LOG_STD_HALF_RANGE * (t + 1.0));
                double z = (atanh(clipAction(action[k])) - mean[k]) / std;
                dMean[k] = (float) (gp * z / std);
                dRawLogStd[k] = (float) (gp * (z * z - 1.0) * LOG_STD_HALF_RANGE * oneMinusSquare(t));
            }
        }
    }

    private static double clipAction(float a) {
        return Math.max(-ACTION_CLIP, Math.min(ACTION_CLIP, a));
    }

    private static double atanh(double a) {
        return 0.5 * Math.log((1.0 + a) / (1.0 - a));
    }

    /** 1 − v² as (1 − v)(1 + v), which keeps its relative accuracy near |v| = 1. */
    private static double oneMinusSquare(double v) {
        return (1.0 - v) * (1.0 + v);
    }

    private static void checkInputs(float[] mean, float[] rawLogStd, float[] noise, int rows, int actionDim) {
        checkInputs(mean, rawLogStd, noise, "noise", rows, actionDim);
    }

    /** As above, naming the third array {@code thirdName} in the error (the noise, or given actions). */
    private static void checkInputs(float[] mean, float[] rawLogStd, float[] third, String thirdName, int rows,
                                    int actionDim) {
        if (rows < 0 || actionDim < 0) {
            throw new IllegalArgumentException("negative size: rows=" + rows + " actionDim=" + actionDim);
        }
        long n = (long) rows * actionDim;
        PairwiseEnergy.checkLength("mean", mean, n);
        PairwiseEnergy.checkLength("rawLogStd", rawLogStd, n);
        PairwiseEnergy.checkLength(thirdName, third, n);
    }
}
