package org.crl4j.nn.loss;

/**
 * The inner loops of {@link PairwiseEnergy}, with a Vector API implementation and a scalar fallback.
 *
 * <p>Both implementations perform, for every output element, the same IEEE operations in the same order (a chain of
 * fused multiply-adds running over the reduction index), so they give bit-identical results and the outcome does
 * not depend on the SIMD width. Vectors run across independent outputs, never across a reduction.
 */
abstract class PairwiseKernels {

    /** The fastest usable implementation; {@code -Dcrl4j.vector=false} forces the scalar one. */
    static final PairwiseKernels BEST = select();

    static final PairwiseKernels SCALAR = new ScalarPairwiseKernels();

    private static PairwiseKernels select() {
        if (Boolean.parseBoolean(System.getProperty("crl4j.vector", "true"))) {
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
        return new ScalarPairwiseKernels();
    }

    boolean usable() {
        return true;
    }

    /**
     * out[outOff + j] = Σ_k (phi[phiOff + k] − psiT[k·ldT + j])² for j &lt; n, summed over k = 0, 1, …, d−1.
     * {@code psiT} holds Ψ transposed: d rows of stride {@code ldT}.
     */
    abstract void squaredDistances(float[] phi, int phiOff, float[] psiT, int ldT, int n, int d,
                                   float[] out, int outOff);

    /** out[outOff + j] = Σ_k phi[phiOff + k] · psiT[k·ldT + j] for j &lt; n, summed over k = 0, 1, …, d−1. */
    abstract void dots(float[] phi, int phiOff, float[] psiT, int ldT, int n, int d, float[] out, int outOff);

    /**
     * out[outOff + k] = Σ_c w[wOff + c] · (u[uOff + k] − v[c·d + k]) for k &lt; d, summed over c = 0, 1, …, n−1:
     * the gradient of distance-type energies, formed from differences so no cancellation occurs.
     */
    abstract void weightedDifferences(float[] w, int wOff, int n, float[] u, int uOff, float[] v, int d,
                                      float[] out, int outOff);

    /** out[outOff + k] = Σ_c w[wOff + c] · v[c·d + k] for k &lt; d, summed over c = 0, 1, …, n−1. */
    abstract void weightedSum(float[] w, int wOff, int n, float[] v, int d, float[] out, int outOff);
}
