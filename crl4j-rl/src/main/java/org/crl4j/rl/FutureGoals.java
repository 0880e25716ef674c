package org.crl4j.rl;

import org.crl4j.core.Rng;

/**
 * Hindsight relabelling of contrastive RL: for the step at position i of a window, the goal is taken from a later
 * step j of the same trajectory, with P(j) ∝ γ^(j−i) for i &lt; j ≤ end-of-trajectory-in-window. The step itself
 * keeps a tiny weight 1e-5 (so a step with no future in its trajectory gets itself), exactly as the reference's
 * categorical draw over {@code is_future · γ^Δ · same_trajectory + 1e-5·I}.
 *
 * <p>Drawn in O(1) by inverting the truncated geometric distribution instead of materialising the window × window
 * probability matrix.
 */
public final class FutureGoals {
    /** Weight of the step itself in the reference's categorical distribution. */
    public static final double SELF_WEIGHT = 1e-5;

    private final double gamma;
    private final double logGamma;

    public FutureGoals(double gamma) {
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("discount gamma must be in (0, 1], got " + gamma);
        }
        this.gamma = gamma;
        this.logGamma = Math.log(gamma);
    }

    public double gamma() {
        return gamma;
    }

    /**
     * For each position i of a window with trajectory ids {@code ids[0, length)}, the last position of i's
     * trajectory inside the window (ids are non-decreasing in time, so a trajectory is a contiguous run).
     */
    public static void trajectoryEnds(int[] ids, int length, int[] ends) {
        ends[length - 1] = length - 1;
        for (int i = length - 2; i >= 0; i--) {
            ends[i] = ids[i] == ids[i + 1] ? ends[i + 1] : i;
        }
    }

    /** Draws the goal position for position {@code i} whose trajectory ends at {@code end} (≥ i) in the window. */
    public int draw(int i, int end, Rng rng) {
        int n = end - i;
        if (n <= 0) {
            return i;
        }
        double future = gamma == 1.0 ? n : gamma * (1 - Math.pow(gamma, n)) / (1 - gamma);
        double pSelf = SELF_WEIGHT / (SELF_WEIGHT + future);
        double u = rng.nextDouble();
        if (u < pSelf) {
            return i;
        }
        double v = (u - pSelf) / (1 - pSelf); // uniform in [0, 1) given "not self"
        int k;
        if (gamma == 1.0) {
            k = 1 + (int) (v * n);
        } else {
            // P(Δ ≤ k) = (1 − γ^k) / (1 − γ^n): the smallest k with that above v.
            double gn = Math.pow(gamma, n);
            k = (int) Math.floor(Math.log(1 - v * (1 - gn)) / logGamma) + 1;
        }
        return i + Math.max(1, Math.min(n, k));
    }

    /** The probability the reference assigns to goal offset Δ = j − i (0 = itself) when n future steps exist. */
    public double probability(int delta, int n) {
        double norm = SELF_WEIGHT;
        for (int k = 1; k <= n; k++) {
            norm += Math.pow(gamma, k);
        }
        if (delta == 0) {
            return SELF_WEIGHT / norm;
        }
        return delta > n ? 0 : Math.pow(gamma, delta) / norm;
    }
}
