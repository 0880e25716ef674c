package org.crl4j.nn.loss;

/**
 * The actor's objective through the frozen contrastive critic, as JaxGCRL's {@code update_actor_and_alpha}:
 * L = mean_i(α·log π_i − q_i), with q_i = f(φ(s_i, a_i), ψ(g_i)) the {@link PairedEnergy} of the sampled action.
 * scaling-crl's {@code disable_entropy} variant, L = −mean_i(q_i), is α = 0.
 */
public final class ActorLoss {
    private ActorLoss() {
    }

    /**
     * Returns L and <b>overwrites</b> dLogProb[i] = α/rows and dQ[i] = −1/rows (either may be null).
     *
     * @param alpha exp(log α), treated as a constant (the actor does not update α)
     */
    public static float compute(float[] logProb, float[] q, int rows, float alpha, float[] dLogProb, float[] dQ) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be at least 1, got " + rows);
        }
        PairwiseEnergy.checkLength("logProb", logProb, rows);
        PairwiseEnergy.checkLength("q", q, rows);
        double s = 0.0;
        for (int i = 0; i < rows; i++) {
            s += (double) alpha * logProb[i] - q[i];
        }
        if (dLogProb != null) {
            PairwiseEnergy.checkLength("dLogProb", dLogProb, rows);
            java.util.Arrays.fill(dLogProb, 0, rows, (float) ((double) alpha / rows));
        }
        if (dQ != null) {
            PairwiseEnergy.checkLength("dQ", dQ, rows);
            java.util.Arrays.fill(dQ, 0, rows, (float) (-1.0 / rows));
        }
        return (float) (s / rows);
    }
}
