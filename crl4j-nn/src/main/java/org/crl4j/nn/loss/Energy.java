package org.crl4j.nn.loss;

import java.util.Locale;

/**
 * The critic's energy (logit) f(φ, ψ) between a state-action representation φ and a goal representation ψ, with the
 * definitions of JaxGCRL's {@code energy_fn} ({@code jaxgcrl/agents/crl/losses.py}).
 *
 * <p>{@link PairwiseEnergy} evaluates it for every (row of Φ, row of Ψ) pair, the critic's B×B logits;
 * {@link PairedEnergy} for matching rows only, the actor's Q values.
 */
public enum Energy {
    /** f = −sqrt(‖φ − ψ‖² + 1e-6): the paper's default. The 1e-6 keeps the gradient finite at φ = ψ. */
    NORM,
    /** f = −‖φ − ψ‖². */
    L2,
    /** f = φ·ψ. */
    DOT,
    /**
     * f = φ·ψ / (‖Φ‖·‖Ψ‖ + 1e-6), exactly as JaxGCRL writes it: {@code jnp.linalg.norm(x)} there has no axis, so the
     * norms are the Frobenius norms of the whole representation arrays passed in (all B rows of Φ, all B2 rows of Ψ),
     * not the per-row norms of a textbook cosine similarity. Every logit is therefore scaled by the same factor, and
     * each gradient row depends on all rows.
     */
    COSINE;

    /** Added to ‖φ − ψ‖² inside the square root of {@link #NORM}. */
    public static final float NORM_EPS = 1e-6f;
    /** Added to the product of norms in the denominator of {@link #COSINE}. */
    public static final float COSINE_EPS = 1e-6f;

    /** The name JaxGCRL's {@code energy_fn} option uses: norm, l2, dot, cosine. */
    public String jaxName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a JaxGCRL option value (norm, l2, dot, cosine), case-insensitively. */
    public static Energy fromJaxName(String name) {
        for (Energy e : values()) {
            if (e.jaxName().equalsIgnoreCase(name.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown energy function '" + name + "' (expected norm, l2, dot or cosine)");
    }
}
