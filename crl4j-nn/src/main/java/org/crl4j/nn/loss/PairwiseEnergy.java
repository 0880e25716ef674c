package org.crl4j.nn.loss;

import org.crl4j.core.Parallel;

/**
 * The critic's logit matrix: logits[i][j] = f(φ_i, ψ_j) for every row φ_i of Φ [B×d] and every row ψ_j of Ψ [B2×d],
 * with f an {@link Energy}; and its backward pass.
 *
 * <p>Layout: all arrays are row-major and dense from index 0 (Φ row i at {@code phi[i·d]}, logits row i at
 * {@code logits[i·B2]}).
 *
 * <p>Accuracy: distances are summed from the differences φ_ik − ψ_jk (never expanded as ‖φ‖² + ‖ψ‖² − 2φ·ψ), and
 * the gradients of {@link Energy#NORM} and {@link Energy#L2} are built from the same differences, so neither
 * suffers cancellation when φ_i ≈ ψ_j.
 *
 * <p>Determinism: work is split into fixed blocks of rows and every output element is computed by one fixed chain
 * of operations, so results are bit-identical for any thread count and for the vector and scalar kernels.
 *
 * <p>An instance keeps grow-only scratch buffers (a packed copy of Ψ and the B×B2 gradient coefficients), so
 * repeated calls do not allocate; it is not safe for concurrent use. Outputs must not alias inputs.
 */
public final class PairwiseEnergy {

    /** Rows per parallel task: a constant, so the split never depends on the thread count. */
    private static final int ROWS_PER_TASK = 8;

    private final Energy energy;
    private final Parallel pool;
    private final PairwiseKernels kernels;

    private float[] psiPacked = new float[0];
    private float[] coef = new float[0];
    private double[] rowPartial = new double[0];

    public PairwiseEnergy(Energy energy) {
        this(energy, Parallel.shared());
    }

    public PairwiseEnergy(Energy energy, Parallel pool) {
        this(energy, pool, PairwiseKernels.BEST);
    }

    PairwiseEnergy(Energy energy, Parallel pool, PairwiseKernels kernels) {
        if (energy == null || pool == null) {
            throw new NullPointerException("energy and pool are required");
        }
        this.energy = energy;
        this.pool = pool;
        this.kernels = kernels;
    }

    public Energy energy() {
        return energy;
    }

    /**
     * logits[i·b2 + j] = f(φ_i, ψ_j) for i &lt; b, j &lt; b2 (overwritten).
     *
     * @param phi    Φ, b×d
     * @param psi    Ψ, b2×d
     * @param logits output, b×b2
     */
    public void forward(float[] phi, float[] psi, int b, int b2, int d, float[] logits) {
        checkShapes(phi, psi, b, b2, d);
        checkLength("logits", logits, (long) b * b2);
        if (b == 0 || b2 == 0) {
            return;
        }
        final float[] packed = psiPacked = grow(psiPacked, kernels.packedSize(b2, d));
        kernels.pack(psi, b2, d, packed);
        final double cosineDenominator = energy == Energy.COSINE ? cosineDenominator(phi, psi, b, b2, d) : 1.0;
        pool.run(taskCount(b), (task, worker) -> {
            int i0 = task * ROWS_PER_TASK;
            int i1 = Math.min(b, i0 + ROWS_PER_TASK);
            if (energy == Energy.NORM || energy == Energy.L2) {
                kernels.squaredDistances(phi, i0, i1, d, packed, b2, logits, b2);
            } else {
                kernels.dots(phi, i0, i1, d, packed, b2, logits, b2);
            }
            int from = i0 * b2;
            int to = i1 * b2;
            switch (energy) {
                case NORM -> {
                    for (int j = from; j < to; j++) {
                        logits[j] = -(float) Math.sqrt(logits[j] + Energy.NORM_EPS);
                    }
                }
                case L2 -> {
                    for (int j = from; j < to; j++) {
                        logits[j] = -logits[j];
                    }
                }
                case DOT -> {
                }
                case COSINE -> {
                    for (int j = from; j < to; j++) {
                        logits[j] = (float) (logits[j] / cosineDenominator);
                    }
                }
            }
        });
    }

    /**
     * Backward pass: given G = dLoss/dLogits [b×b2], <b>overwrites</b> dPhi [b×d] with dLoss/dΦ and dPsi [b2×d] with
     * dLoss/dΨ. Either output may be null when it is not needed (the actor, for example, needs no goal gradient).
     *
     * @param logits the output of {@link #forward} for the same Φ and Ψ (NORM and COSINE reuse it)
     */
    public void backward(float[] phi, float[] psi, int b, int b2, int d, float[] logits, float[] dLogits,
                         float[] dPhi, float[] dPsi) {
        checkShapes(phi, psi, b, b2, d);
        checkLength("logits", logits, (long) b * b2);
        checkLength("dLogits", dLogits, (long) b * b2);
        if (dPhi != null) {
            checkLength("dPhi", dPhi, (long) b * d);
        }
        if (dPsi != null) {
            checkLength("dPsi", dPsi, (long) b2 * d);
        }
        if (b == 0 || b2 == 0) {
            // Empty sums: every gradient is zero.
            if (dPhi != null) {
                java.util.Arrays.fill(dPhi, 0, b * d, 0f);
            }
            if (dPsi != null) {
                java.util.Arrays.fill(dPsi, 0, b2 * d, 0f);
            }
            return;
        }
        // 1. Per-pair coefficients c_ij such that dΦ_i = Σ_j c_ij·(φ_i − ψ_j) and dΨ_j = Σ_i c_ij·(ψ_j − φ_i) for
        //    the distance energies, or dΦ_i = Σ_j c_ij·ψ_j and dΨ_j = Σ_i c_ij·φ_i for DOT and COSINE.
        final float[] c = coef = grow(coef, b * b2);
        final double[] partial = rowPartial = grow(rowPartial, b);
        final double cosineDenominator = energy == Energy.COSINE ? cosineDenominator(phi, psi, b, b2, d) : 0.0;
        pool.run(taskCount(b), (task, worker) -> {
            int end = Math.min(b, (task + 1) * ROWS_PER_TASK);
            for (int i = task * ROWS_PER_TASK; i < end; i++) {
                int row = i * b2;
                switch (energy) {
                    // d(−sqrt(S + eps))/dφ_i = −(φ_i − ψ_j)/sqrt(S + eps) = (φ_i − ψ_j)/logit_ij
                    case NORM -> {
                        for (int j = row; j < row + b2; j++) {
                            c[j] = dLogits[j] / logits[j];
                        }
                    }
                    case L2 -> {
                        for (int j = row; j < row + b2; j++) {
                            c[j] = -2f * dLogits[j];
                        }
                    }
                    case DOT -> System.arraycopy(dLogits, row, c, row, b2);
                    case COSINE -> {
                        double gDotLogit = 0.0;
                        for (int j = row; j < row + b2; j++) {
                            c[j] = (float) (dLogits[j] / cosineDenominator);
                            gDotLogit += (double) dLogits[j] * logits[j];
                        }
                        partial[i] = gDotLogit;
                    }
                }
            }
        });
        // COSINE: dLoss/dN for the shared denominator N = ‖Φ‖·‖Ψ‖ + eps, summed in row order (deterministic).
        float phiNormScale = 0f;
        float psiNormScale = 0f;
        if (energy == Energy.COSINE) {
            double dN = 0.0;
            for (int i = 0; i < b; i++) {
                dN += partial[i];
            }
            dN = -dN / cosineDenominator;
            double phiNorm = frobenius(phi, b * d);
            double psiNorm = frobenius(psi, b2 * d);
            // dN/dΦ = ‖Ψ‖·Φ/‖Φ‖; at ‖Φ‖ = 0 the norm has no gradient and we take 0.
            phiNormScale = phiNorm > 0 ? (float) (dN * psiNorm / phiNorm) : 0f;
            psiNormScale = psiNorm > 0 ? (float) (dN * phiNorm / psiNorm) : 0f;
        }
        // 2. dΦ rows and dΨ rows (the latter reading C by columns), as one job of independent row blocks.
        final boolean distance = energy == Energy.NORM || energy == Energy.L2;
        final int phiTasks = dPhi == null ? 0 : taskCount(b);
        final int psiTasks = dPsi == null ? 0 : taskCount(b2);
        final float phiExtra = phiNormScale;
        final float psiExtra = psiNormScale;
        pool.run(phiTasks + psiTasks, (task, worker) -> {
            if (task < phiTasks) {
                int i0 = task * ROWS_PER_TASK;
                int i1 = Math.min(b, i0 + ROWS_PER_TASK);
                if (distance) {
                    kernels.weightedDifferences(c, b2, 1, i0, i1, b2, phi, psi, d, dPhi);
                } else {
                    kernels.weightedSum(c, b2, 1, i0, i1, b2, psi, d, dPhi);
                    if (phiExtra != 0f) {
                        addScaled(phiExtra, phi, i0 * d, i1 * d, dPhi);
                    }
                }
            } else {
                int j0 = (task - phiTasks) * ROWS_PER_TASK;
                int j1 = Math.min(b2, j0 + ROWS_PER_TASK);
                if (distance) {
                    kernels.weightedDifferences(c, 1, b2, j0, j1, b, psi, phi, d, dPsi);
                } else {
                    kernels.weightedSum(c, 1, b2, j0, j1, b, phi, d, dPsi);
                    if (psiExtra != 0f) {
                        addScaled(psiExtra, psi, j0 * d, j1 * d, dPsi);
                    }
                }
            }
        });
    }

    private static void addScaled(float scale, float[] x, int from, int to, float[] out) {
        for (int k = from; k < to; k++) {
            out[k] = Math.fma(scale, x[k], out[k]);
        }
    }

    /** ‖Φ‖·‖Ψ‖ + eps with Frobenius norms of the whole arrays, as JaxGCRL's cosine energy. */
    static double cosineDenominator(float[] phi, float[] psi, int b, int b2, int d) {
        return frobenius(phi, b * d) * frobenius(psi, b2 * d) + Energy.COSINE_EPS;
    }

    static double frobenius(float[] x, int n) {
        double s = 0.0;
        for (int i = 0; i < n; i++) {
            s += (double) x[i] * x[i];
        }
        return Math.sqrt(s);
    }

    private static int taskCount(int rows) {
        return (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    private static double[] grow(double[] a, int n) {
        return a.length >= n ? a : new double[n];
    }

    private static void checkShapes(float[] phi, float[] psi, int b, int b2, int d) {
        if (b < 0 || b2 < 0 || d < 0) {
            throw new IllegalArgumentException("negative size: b=" + b + " b2=" + b2 + " d=" + d);
        }
        checkLength("phi", phi, (long) b * d);
        checkLength("psi", psi, (long) b2 * d);
    }

    static void checkLength(String name, float[] a, long needed) {
        if (a == null) {
            throw new NullPointerException(name + " is null");
        }
        if (a.length < needed) {
            throw new IllegalArgumentException(name + " has " + a.length + " elements, needs " + needed);
        }
    }
}
