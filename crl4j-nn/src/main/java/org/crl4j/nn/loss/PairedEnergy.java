package org.crl4j.nn.loss;

/**
 * Row-wise energies e_i = f(φ_i, ψ_i) for matching rows of Φ [B×d] and Ψ [B×d] (the actor's Q value of its own
 * action for its own goal), and their backward pass. f is an {@link Energy}; sums run in double precision.
 *
 * <p>For {@link Energy#COSINE} the denominator uses the Frobenius norms of the whole Φ and Ψ, as JaxGCRL's
 * {@code energy_fn} does when the actor calls it on B×d arrays.
 */
public final class PairedEnergy {
    private PairedEnergy() {
    }

    /** energies[i] = f(φ_i, ψ_i) for i &lt; b (overwritten). */
    public static void forward(Energy energy, float[] phi, float[] psi, int b, int d, float[] energies) {
        checkShapes(phi, psi, b, d);
        PairwiseEnergy.checkLength("energies", energies, b);
        double cosineDenominator = energy == Energy.COSINE ? PairwiseEnergy.cosineDenominator(phi, psi, b, b, d) : 1.0;
        for (int i = 0; i < b; i++) {
            int off = i * d;
            energies[i] = switch (energy) {
                case NORM -> (float) -Math.sqrt(squaredDistance(phi, psi, off, d) + Energy.NORM_EPS);
                case L2 -> (float) -squaredDistance(phi, psi, off, d);
                case DOT -> (float) dot(phi, psi, off, d);
                case COSINE -> (float) (dot(phi, psi, off, d) / cosineDenominator);
            };
        }
    }

    /**
     * Backward pass: given dEnergies [b] = dLoss/de, <b>overwrites</b> dPhi [b×d] and dPsi [b×d] (either may be
     * null when not needed). Recomputes what it needs from Φ and Ψ, so it takes no forward output.
     */
    public static void backward(Energy energy, float[] phi, float[] psi, int b, int d, float[] dEnergies,
                                float[] dPhi, float[] dPsi) {
        checkShapes(phi, psi, b, d);
        PairwiseEnergy.checkLength("dEnergies", dEnergies, b);
        if (dPhi != null) {
            PairwiseEnergy.checkLength("dPhi", dPhi, (long) b * d);
        }
        if (dPsi != null) {
            PairwiseEnergy.checkLength("dPsi", dPsi, (long) b * d);
        }
        switch (energy) {
            case NORM, L2 -> {
                for (int i = 0; i < b; i++) {
                    int off = i * d;
                    // de/dφ_i = c·(φ_i − ψ_i), de/dψ_i = −c·(φ_i − ψ_i)
                    double c = energy == Energy.NORM
                            ? -1.0 / Math.sqrt(squaredDistance(phi, psi, off, d) + Energy.NORM_EPS)
                            : -2.0;
                    double g = dEnergies[i] * c;
                    for (int k = off; k < off + d; k++) {
                        double diff = (double) phi[k] - psi[k];
                        if (dPhi != null) {
                            dPhi[k] = (float) (g * diff);
                        }
                        if (dPsi != null) {
                            dPsi[k] = (float) (-g * diff);
                        }
                    }
                }
            }
            case DOT -> {
                for (int i = 0; i < b; i++) {
                    double g = dEnergies[i];
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        if (dPhi != null) {
                            dPhi[k] = (float) (g * psi[k]);
                        }
                        if (dPsi != null) {
                            dPsi[k] = (float) (g * phi[k]);
                        }
                    }
                }
            }
            case COSINE -> {
                double phiNorm = PairwiseEnergy.frobenius(phi, b * d);
                double psiNorm = PairwiseEnergy.frobenius(psi, b * d);
                double denominator = phiNorm * psiNorm + Energy.COSINE_EPS;
                // dLoss/dN for the shared denominator N, from all rows.
                double dN = 0.0;
                for (int i = 0; i < b; i++) {
                    dN += dEnergies[i] * dot(phi, psi, i * d, d);
                }
                dN = -dN / (denominator * denominator);
                double phiScale = phiNorm > 0 ? dN * psiNorm / phiNorm : 0.0;
                double psiScale = psiNorm > 0 ? dN * phiNorm / psiNorm : 0.0;
                for (int i = 0; i < b; i++) {
                    double g = dEnergies[i] / denominator;
                    for (int k = i * d; k < (i + 1) * d; k++) {
                        if (dPhi != null) {
                            dPhi[k] = (float) (g * psi[k] + phiScale * phi[k]);
                        }
                        if (dPsi != null) {
                            dPsi[k] = (float) (g * phi[k] + psiScale * psi[k]);
                        }
                    }
                }
            }
        }
    }

    private static double squaredDistance(float[] phi, float[] psi, int off, int d) {
        double s = 0.0;
        for (int k = off; k < off + d; k++) {
            double diff = (double) phi[k] - psi[k];
            s += diff * diff;
        }
        return s;
    }

    private static double dot(float[] phi, float[] psi, int off, int d) {
        double s = 0.0;
        for (int k = off; k < off + d; k++) {
            s += (double) phi[k] * psi[k];
        }
        return s;
    }

    private static void checkShapes(float[] phi, float[] psi, int b, int d) {
        if (b < 0 || d < 0) {
            throw new IllegalArgumentException("negative size: b=" + b + " d=" + d);
        }
        PairwiseEnergy.checkLength("phi", phi, (long) b * d);
        PairwiseEnergy.checkLength("psi", psi, (long) b * d);
    }
}
