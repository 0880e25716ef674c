package org.crl4j.nn.loss;

import java.util.Random;

import org.crl4j.core.Parallel;
import org.crl4j.core.Simd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.crl4j.nn.loss.DoubleReference.assertClose;

class PairwiseEnergyTest {

    private static Parallel one;
    private static Parallel three;

    @BeforeAll
    static void pools() {
        one = new Parallel(1);
        three = new Parallel(3);
    }

    @AfterAll
    static void closePools() {
        one.close();
        three.close();
    }

    // Φ = [[0,0],[1,0]], Ψ = [[3,4],[0,0]]: distances 5, 0, √20, 1; dots 0, 0, 3, 0; ‖Φ‖ = 1, ‖Ψ‖ = 5.
    private static final float[] PHI = {0, 0, 1, 0};
    private static final float[] PSI = {3, 4, 0, 0};

    @Test
    void handComputedLogits() {
        float[] logits = new float[4];
        new PairwiseEnergy(Energy.NORM, one).forward(PHI, PSI, 2, 2, 2, logits);
        assertThat(logits[0]).isCloseTo((float) -Math.sqrt(25.000001), within(1e-6f));
        assertThat(logits[1]).isCloseTo(-1e-3f, within(1e-9f)); // sqrt(0 + 1e-6)
        assertThat(logits[2]).isCloseTo((float) -Math.sqrt(20.000001), within(1e-6f));
        assertThat(logits[3]).isCloseTo((float) -Math.sqrt(1.000001), within(1e-6f));

        new PairwiseEnergy(Energy.L2, one).forward(PHI, PSI, 2, 2, 2, logits);
        assertThat(logits).containsExactly(-25f, -0f, -20f, -1f); // −(0) is −0, as in JAX

        new PairwiseEnergy(Energy.DOT, one).forward(PHI, PSI, 2, 2, 2, logits);
        assertThat(logits).containsExactly(0f, 0f, 3f, 0f);

        new PairwiseEnergy(Energy.COSINE, one).forward(PHI, PSI, 2, 2, 2, logits);
        assertThat(logits[2]).isCloseTo((float) (3 / (1 * 5 + 1e-6)), within(1e-7f));
        assertThat(logits[0]).isZero();
    }

    @Test
    void handComputedNormGradient() {
        float[] logits = new float[4];
        PairwiseEnergy energy = new PairwiseEnergy(Energy.NORM, one);
        energy.forward(PHI, PSI, 2, 2, 2, logits);
        float[] dPhi = new float[4];
        float[] dPsi = new float[4];
        // Only logit[0][0] = −‖φ0 − ψ0‖ matters: its gradient is −(φ0 − ψ0)/5 = (0.6, 0.8) for φ0.
        energy.backward(PHI, PSI, 2, 2, 2, logits, new float[] {1, 0, 0, 0}, dPhi, dPsi);
        assertThat(dPhi[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(dPhi[1]).isCloseTo(0.8f, within(1e-6f));
        assertThat(dPhi[2]).isZero();
        assertThat(dPsi[0]).isCloseTo(-0.6f, within(1e-6f));
        assertThat(dPsi[1]).isCloseTo(-0.8f, within(1e-6f));
    }

    @Test
    void coincidentRowsHaveFiniteNormGradient() {
        // φ0 = ψ1 exactly: the 1e-6 inside the sqrt keeps the gradient finite (it is 0 there).
        float[] logits = new float[4];
        PairwiseEnergy energy = new PairwiseEnergy(Energy.NORM, one);
        energy.forward(PHI, PSI, 2, 2, 2, logits);
        float[] dPhi = new float[4];
        float[] dPsi = new float[4];
        energy.backward(PHI, PSI, 2, 2, 2, logits, new float[] {0, 1, 0, 0}, dPhi, dPsi);
        assertThat(dPhi).containsOnly(0f);
        assertThat(dPsi).containsOnly(0f);
    }

    @ParameterizedTest
    @EnumSource(Energy.class)
    void forwardMatchesDoubleReference(Energy e) {
        Random r = new Random(11);
        int b = 9;
        int b2 = 70; // a full 4-vector group plus a tail at 16 lanes
        int d = 37;  // vector chunks plus a scalar tail
        float[] phi = DoubleReference.randomFloats(r, b * d, 1);
        float[] psi = DoubleReference.randomFloats(r, b2 * d, 1);
        float[] logits = new float[b * b2];
        new PairwiseEnergy(e, three).forward(phi, psi, b, b2, d, logits);
        double[][] expected = DoubleReference.logits(e, DoubleReference.toDouble(phi), DoubleReference.toDouble(psi),
                b, b2, d);
        assertClose(e + " logits", logits, DoubleReference.flatten(expected), 2e-6, 0);
    }

    @ParameterizedTest
    @EnumSource(Energy.class)
    void backwardMatchesFiniteDifferences(Energy e) {
        Random r = new Random(5);
        int b = 5;
        int b2 = 7;
        int d = 6;
        float[] phi = DoubleReference.randomFloats(r, b * d, 1);
        float[] psi = DoubleReference.randomFloats(r, b2 * d, 1);
        float[] g = DoubleReference.randomFloats(r, b * b2, 1);
        float[] logits = new float[b * b2];
        float[] dPhi = new float[b * d];
        float[] dPsi = new float[b2 * d];
        PairwiseEnergy energy = new PairwiseEnergy(e, one);
        energy.forward(phi, psi, b, b2, d, logits);
        energy.backward(phi, psi, b, b2, d, logits, g, dPhi, dPsi);

        double[] phiD = DoubleReference.toDouble(phi);
        double[] psiD = DoubleReference.toDouble(psi);
        double[] gD = DoubleReference.toDouble(g);
        // L = Σ_ij G_ij·logit_ij in double; its central differences are the reference gradient.
        java.util.function.ToDoubleFunction<double[][]> loss = pair -> {
            double[] l = DoubleReference.flatten(DoubleReference.logits(e, pair[0], pair[1], b, b2, d));
            double s = 0;
            for (int k = 0; k < l.length; k++) {
                s += gD[k] * l[k];
            }
            return s;
        };
        double[] expPhi = DoubleReference.numericGradient(x -> loss.applyAsDouble(new double[][] {x, psiD}), phiD, 1e-6);
        double[] expPsi = DoubleReference.numericGradient(x -> loss.applyAsDouble(new double[][] {phiD, x}), psiD, 1e-6);
        assertClose(e + " dPhi", dPhi, expPhi, 1e-5, 1e-6);
        assertClose(e + " dPsi", dPsi, expPsi, 1e-5, 1e-6);
    }

    @Test
    void vectorKernelsAreSelectedWhenTheModuleIsPresent() {
        // Surefire runs with --add-modules jdk.incubator.vector, so the fast path must be the one in use, unless the
        // one switch (-Dcrl4j.simd=false, the scalar-fallback execution) turns it off.
        assertThat(PairwiseKernels.BEST).isInstanceOf(org.crl4j.core.Simd.ENABLED ? VectorPairwiseKernels.class
                : ScalarPairwiseKernels.class);
    }

    @ParameterizedTest
    @EnumSource(Energy.class)
    void vectorAndScalarKernelsAreBitIdentical(Energy e) {
        // Sizes exercise every path: row pairs and a single row, full and partial panels, more than one
        // 64-row chunk in both backward directions, 4-vector, 1-vector and scalar remainders of d.
        Random r = new Random(3);
        int b = 71;
        int b2 = 83;
        int d = 77;
        float[] phi = DoubleReference.randomFloats(r, b * d, 2);
        float[] psi = DoubleReference.randomFloats(r, b2 * d, 2);
        float[] g = DoubleReference.randomFloats(r, b * b2, 1);
        Run vector = run(new PairwiseEnergy(e, one, PairwiseKernels.BEST), phi, psi, g, b, b2, d);
        Run scalar = run(new PairwiseEnergy(e, one, PairwiseKernels.SCALAR), phi, psi, g, b, b2, d);
        assertThat(vector.logits).isEqualTo(scalar.logits);
        assertThat(vector.dPhi).isEqualTo(scalar.dPhi);
        assertThat(vector.dPsi).isEqualTo(scalar.dPsi);
    }

    @ParameterizedTest
    @EnumSource(Energy.class)
    void resultsDoNotDependOnThreadCount(Energy e) {
        Random r = new Random(4);
        int b = 37;
        int b2 = 45;
        int d = 64;
        float[] phi = DoubleReference.randomFloats(r, b * d, 1);
        float[] psi = DoubleReference.randomFloats(r, b2 * d, 1);
        float[] g = DoubleReference.randomFloats(r, b * b2, 1);
        Run single = run(new PairwiseEnergy(e, one), phi, psi, g, b, b2, d);
        Run multi = run(new PairwiseEnergy(e, three), phi, psi, g, b, b2, d);
        assertThat(multi.logits).isEqualTo(single.logits);
        assertThat(multi.dPhi).isEqualTo(single.dPhi);
        assertThat(multi.dPsi).isEqualTo(single.dPsi);
    }

    @Test
    void nearlyCoincidentLargeVectorsKeepRelativeAccuracy() {
        // |φ| ≈ 800 but ‖φ_i − ψ_j‖ ≈ 1e-2: the expansion ‖φ‖² + ‖ψ‖² − 2φ·ψ would lose every digit here.
        Random r = new Random(8);
        int b = 4;
        int d = 64;
        float[] phi = new float[b * d];
        float[] psi = new float[b * d];
        for (int k = 0; k < b * d; k++) {
            phi[k] = (float) (100 + r.nextGaussian());
            psi[k] = phi[k] + (float) (1e-3 * r.nextGaussian());
        }
        float[] logits = new float[b * b];
        float[] dPhi = new float[b * d];
        PairwiseEnergy energy = new PairwiseEnergy(Energy.NORM, one);
        energy.forward(phi, psi, b, b, d, logits);
        double[][] expected = DoubleReference.logits(Energy.NORM, DoubleReference.toDouble(phi),
                DoubleReference.toDouble(psi), b, b, d);
        for (int i = 0; i < b; i++) {
            assertThat((double) logits[i * b + i]).isCloseTo(expected[i][i], within(1e-5 * Math.abs(expected[i][i])));
        }
        // Gradient of the diagonal logits only: unit vectors (φ_i − ψ_i)/‖·‖ scaled, each of norm ≈ 1.
        float[] g = new float[b * b];
        for (int i = 0; i < b; i++) {
            g[i * b + i] = 1;
        }
        energy.backward(phi, psi, b, b, d, logits, g, dPhi, null);
        for (int i = 0; i < b; i++) {
            double dist = -expected[i][i];
            for (int k = 0; k < d; k++) {
                double exact = -((double) phi[i * d + k] - psi[i * d + k]) / dist;
                assertThat((double) dPhi[i * d + k]).isCloseTo(exact, within(1e-5));
            }
        }
    }

    @Test
    void psiGradientIsOptional() {
        Random r = new Random(9);
        float[] phi = DoubleReference.randomFloats(r, 12, 1);
        float[] psi = DoubleReference.randomFloats(r, 12, 1);
        float[] g = DoubleReference.randomFloats(r, 9, 1);
        float[] logits = new float[9];
        PairwiseEnergy energy = new PairwiseEnergy(Energy.NORM, one);
        energy.forward(phi, psi, 3, 3, 4, logits);
        float[] withBoth = new float[12];
        float[] alone = new float[12];
        energy.backward(phi, psi, 3, 3, 4, logits, g, withBoth, new float[12]);
        energy.backward(phi, psi, 3, 3, 4, logits, g, alone, null);
        assertThat(alone).isEqualTo(withBoth);
    }

    private record Run(float[] logits, float[] dPhi, float[] dPsi) {
    }

    private static Run run(PairwiseEnergy energy, float[] phi, float[] psi, float[] g, int b, int b2, int d) {
        float[] logits = new float[b * b2];
        float[] dPhi = new float[b * d];
        float[] dPsi = new float[b2 * d];
        energy.forward(phi, psi, b, b2, d, logits);
        energy.backward(phi, psi, b, b2, d, logits, g, dPhi, dPsi);
        return new Run(logits, dPhi, dPsi);
    }
}
