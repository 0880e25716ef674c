package org.crl4j.nn.loss;

import org.crl4j.core.Simd;

/**
 * The inner loops of {@link PairwiseEnergy}, with a Vector API implementation and a scalar fallback.
 *
 * <p>Both implementations compute every output element by the same chain of IEEE operations (fused multiply-adds
 * running over the reduction index in increasing order), so they give bit-identical results and the outcome depends
 * neither on the SIMD width nor on how rows are blocked. Vectors run across independent outputs, never across a
 * reduction.
 *
 * <p>Forward kernels read Ψ from a packed copy made by {@link #pack}: panels of {@link #panelWidth()} consecutive
 * rows of Ψ, each stored transposed ([k][column], zero-padded to the full width), so the inner loop streams through
 * contiguous memory and a panel stays in L1 while a block of Φ rows passes over it.
 */
abstract class PairwiseKernels {

    static final PairwiseKernels SCALAR = new ScalarPairwiseKernels();
    /** The fastest usable implementation; {@link org.crl4j.core.Simd#ENABLED} false (no Vector API module, or
     * {@code -Dcrl4j.simd=false}, the one switch for every kernel) forces the scalar one. */
    static final PairwiseKernels BEST = select();

    private static PairwiseKernels select() {
        if (org.crl4j.core.Simd.ENABLED) {
            try {
                // Loaded reflectively: without --add-modules jdk.incubator.vector the class cannot link.
                Class<?> c = Class.forName("org.crl4j.nn.loss.VectorPairwiseKernels");
                PairwiseKernels k = (PairwiseKernels) c.getDeclaredConstructor().newInstance();
                if (k.usable()) {
                    return k;
                }
            } catch (Throwable ignored) {
                // fall through to the scalar kernels
            }
        }
        return SCALAR;
    }

    boolean usable() {
        return true;
    }

    /** Columns per packed panel. */
    abstract int panelWidth();

    /** Floats needed by {@link #pack} for n rows of dimension d. */
    final int packedSize(int n, int d) {
        int w = panelWidth();
        return (n + w - 1) / w * w * d;
    }

    /** Packs Ψ [n×d] into panels: packed[g·W·d + k·W + jj] = ψ[g·W + jj][k], 0 past row n. */
    final void pack(float[] psi, int n, int d, float[] packed) {
        int w = panelWidth();
        for (int g = 0; g * w < n; g++) {
            int base = g * w * d;
            int width = Math.min(w, n - g * w);
            for (int jj = 0; jj < w; jj++) {
                int src = (g * w + jj) * d;
                for (int k = 0; k < d; k++) {
                    packed[base + k * w + jj] = jj < width ? psi[src + k] : 0f;
                }
            }
        }
    }

    /**
     * out[i·ldOut + j] = Σ_k (φ[i·d + k] − ψ[j][k])² for i0 ≤ i &lt; i1, j &lt; n, summed over k = 0, 1, …, d−1,
     * with Ψ given {@link #pack packed}.
     */
    abstract void squaredDistances(float[] phi, int i0, int i1, int d, float[] packed, int n, float[] out, int ldOut);

    /** out[i·ldOut + j] = Σ_k φ[i·d + k]·ψ[j][k] for i0 ≤ i &lt; i1, j &lt; n, k ascending; Ψ packed. */
    abstract void dots(float[] phi, int i0, int i1, int d, float[] packed, int n, float[] out, int ldOut);

    /**
     * out[r·d + k] = Σ_c w[r·rs + c·cs]·(u[r·d + k] − v[c·d + k]) for r0 ≤ r &lt; r1, k &lt; d, c = 0, 1, …, n−1 in
     * order: the gradient of the distance energies, formed from differences so that no cancellation occurs. The
     * weight strides (rs, cs) let one B×B2 coefficient matrix serve both directions: (B2, 1) for the rows of Φ,
     * (1, B2) for the rows of Ψ, without a transposed copy.
     */
    abstract void weightedDifferences(float[] w, int rs, int cs, int r0, int r1, int n, float[] u, float[] v, int d,
                                      float[] out);

    /** out[r·d + k] = Σ_c w[r·rs + c·cs]·v[c·d + k] for r0 ≤ r &lt; r1, k &lt; d, c = 0, 1, …, n−1 in order. */
    abstract void weightedSum(float[] w, int rs, int cs, int r0, int r1, int n, float[] v, int d, float[] out);
}
