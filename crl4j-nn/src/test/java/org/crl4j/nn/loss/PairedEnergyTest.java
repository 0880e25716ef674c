package org.crl4j.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.crl4j.nn.loss.DoubleReference.assertClose;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class PairedEnergyTest {

    @Test
    void handComputedEnergiesAndGradient() {
        // φ = [[0,0],[1,0]], ψ = [[3,4],[1,0]]: distances 5 and 0.
        float[] phi = {0, 0, 1, 0};
        float[] psi = {3, 4, 1, 0};
        float[] e = new float[2];
        PairedEnergy.forward(Energy.NORM, phi, psi, 2, 2, e);
        assertThat(e[0]).isCloseTo(-5f, within(1e-6f));
        assertThat(e[1]).isCloseTo(-1e-3f, within(1e-9f));
        float[] dPhi = new float[4];
        float[] dPsi = new float[4];
        PairedEnergy.backward(Energy.NORM, phi, psi, 2, 2, new float[] {2, 1}, dPhi, dPsi);
        // 2·(−(φ0 − ψ0)/5) = (1.2, 1.6); row 1 has φ = ψ, gradient 0.
        assertThat(dPhi).containsExactly(new float[] {1.2f, 1.6f, 0, 0}, within(1e-6f));
        assertThat(dPsi).containsExactly(new float[] {-1.2f, -1.6f, 0, 0}, within(1e-6f));

        PairedEnergy.forward(Energy.L2, phi, psi, 2, 2, e);
        assertThat(e).containsExactly(-25f, -0f);
        PairedEnergy.forward(Energy.DOT, phi, psi, 2, 2, e);
        assertThat(e).containsExactly(0f, 1f);
        // ‖Φ‖ = 1, ‖Ψ‖ = √26 (whole arrays, as JaxGCRL).
        PairedEnergy.forward(Energy.COSINE, phi, psi, 2, 2, e);
        assertThat((double) e[1]).isCloseTo(1 / (Math.sqrt(26) + 1e-6), within(1e-7));
    }

    @ParameterizedTest
    @EnumSource(Energy.class)
    void matchesTheDiagonalOfThePairwiseReference(Energy energy) {
        Random r = new Random(1);
        int b = 7;
        int d = 9;
        float[] phi = DoubleReference.randomFloats(r, b * d, 1);
        float[] psi = DoubleReference.randomFloats(r, b * d, 1);
        float[] e = new float[b];
        PairedEnergy.forward(energy, phi, psi, b, d, e);
        double[][] l = DoubleReference.logits(energy, DoubleReference.toDouble(phi), DoubleReference.toDouble(psi),
                b, b, d);
        double[] diag = new double[b];
        for (int i = 0; i < b; i++) {
            diag[i] = l[i][i];
        }
        assertClose(energy + " energies", e, diag, 1e-6, 0);
    }

    @ParameterizedTest
    @EnumSource(Energy.class)
    void backwardMatchesFiniteDifferences(Energy energy) {
        Random r = new Random(2);
        int b = 4;
        int d = 5;
        float[] phi = DoubleReference.randomFloats(r, b * d, 1);
        float[] psi = DoubleReference.randomFloats(r, b * d, 1);
        float[] g = DoubleReference.randomFloats(r, b, 1);
        float[] dPhi = new float[b * d];
        float[] dPsi = new float[b * d];
        PairedEnergy.backward(energy, phi, psi, b, d, g, dPhi, dPsi);
        double[] phiD = DoubleReference.toDouble(phi);
        double[] psiD = DoubleReference.toDouble(psi);
        java.util.function.ToDoubleFunction<double[][]> loss = pair -> {
            double[] e = DoubleReference.paired(energy, pair[0], pair[1], b, d);
            double s = 0;
            for (int i = 0; i < b; i++) {
                s += g[i] * e[i];
            }
            return s;
        };
        assertClose(energy + " dPhi", dPhi,
                DoubleReference.numericGradient(x -> loss.applyAsDouble(new double[][] {x, psiD}), phiD, 1e-6),
                1e-5, 1e-7);
        assertClose(energy + " dPsi", dPsi,
                DoubleReference.numericGradient(x -> loss.applyAsDouble(new double[][] {phiD, x}), psiD, 1e-6),
                1e-5, 1e-7);
    }
}
