package org.crl4j.nn.loss;

import java.util.Random;

import org.crl4j.core.Parallel;
import org.crl4j.nn.loss.InfoNce.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.crl4j.nn.loss.DoubleReference.assertClose;

class InfoNceTest {

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

    /** logits [[2, 0], [1, 0]]: row 1's largest logit is off the diagonal. */
    private static final float[] LOGITS = {2, 0, 1, 0};
    /** 0.1·mean_i(logsumexp_j(l_ij + 1e-6)²), computed with numpy for LOGITS. */
    private static final double PENALTY = 0.3124242952221912;

    @Test
    void handComputedLossesOfEveryVariant() {
        // Contrastive parts computed with numpy from the JaxGCRL formulas.
        assertLoss(Variant.FORWARD, 0.7200948492805977);
        assertLoss(Variant.BACKWARD, 0.5032044340390842);
        assertLoss(Variant.SYMMETRIC, 1.2232992833196819);
        assertLoss(Variant.BINARY_NCE, -0.6529639141519717);
        assertLoss(Variant.SIGMOID_BCE, 0.7066210149202715);
    }

    private static void assertLoss(Variant v, double contrastive) {
        InfoNce.Result r = new InfoNce(v, 0.1f, one).compute(LOGITS, 2, new float[4]);
        assertThat((double) r.contrastiveLoss()).as(v.name()).isCloseTo(contrastive, within(1e-6));
        assertThat((double) r.penalty()).as(v.name()).isCloseTo(PENALTY, within(1e-6));
        assertThat((double) r.loss()).as(v.name()).isCloseTo(contrastive + PENALTY, within(2e-6));
    }

    @Test
    void handComputedMetrics() {
        InfoNce.Result r = new InfoNce().compute(LOGITS, 2, null);
        assertThat(r.categoricalAccuracy()).isEqualTo(0.5f);   // row 0 right, row 1 wrong
        assertThat(r.logitsPos()).isEqualTo(1f);               // (2 + 0) / 2
        assertThat(r.logitsNeg()).isEqualTo(0.5f);             // (0 + 1) / 2
        assertThat((double) r.logsumexp()).isCloseTo(1.7200958492805978, within(1e-6));
    }

    @Test
    void handComputedForwardGradientWithoutPenalty() {
        // dLoss/dl_ij = (softmax_j(l_i·)_j − δ_ij)/B; softmax([2,0]) = (0.880797, 0.119203),
        // softmax([1,0]) = (0.731059, 0.268941).
        float[] g = new float[4];
        new InfoNce(Variant.FORWARD, 0f, one).compute(LOGITS, 2, g);
        assertThat(g[0]).isCloseTo(-0.0596015f, within(1e-6f));
        assertThat(g[1]).isCloseTo(0.0596015f, within(1e-6f));
        assertThat(g[2]).isCloseTo(0.3655293f, within(1e-6f));
        assertThat(g[3]).isCloseTo(-0.3655293f, within(1e-6f));
    }

    @Test
    void tiesResolveToTheFirstMaximumLikeArgmax() {
        // Row 0 ties at j = 0 and 1 → argmax 0 (correct); row 1 ties → argmax 0 (wrong).
        InfoNce.Result r = new InfoNce().compute(new float[] {1, 1, 3, 3}, 2, null);
        assertThat(r.categoricalAccuracy()).isEqualTo(0.5f);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void lossMatchesReferenceAndGradientMatchesFiniteDifferences(Variant v) {
        Random r = new Random(21);
        int b = 6;
        float[] logits = DoubleReference.randomFloats(r, b * b, 2);
        float[] g = new float[b * b];
        InfoNce.Result result = new InfoNce(v, 0.1f, one).compute(logits, b, g);

        double[] x = DoubleReference.toDouble(logits);
        java.util.function.ToDoubleFunction<double[]> loss = flat -> {
            double[][] m = new double[b][b];
            for (int i = 0; i < b; i++) {
                System.arraycopy(flat, i * b, m[i], 0, b);
            }
            return DoubleReference.infoNce(v, 0.1, m);
        };
        assertThat((double) result.loss()).isCloseTo(loss.applyAsDouble(x), within(1e-6));
        assertClose(v + " dLogits", g, DoubleReference.numericGradient(loss, x, 1e-6), 1e-5, 1e-7);
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void largeLogitsStayFinite(Variant v) {
        // Spread of ±1e4: a naive exp would overflow (float exp overflows above 88.7).
        Random r = new Random(2);
        int b = 8;
        float[] logits = DoubleReference.randomFloats(r, b * b, 1e4);
        for (int i = 0; i < b; i++) {
            logits[i * b + i] += 100; // the diagonal need not be the largest everywhere
        }
        float[] g = new float[b * b];
        InfoNce.Result result = new InfoNce(v, 0.1f, one).compute(logits, b, g);
        double expected = DoubleReference.infoNce(v, 0.1, DoubleReference.toMatrix(logits, b, b));
        assertThat(Double.isFinite(result.loss())).isTrue();
        assertThat((double) result.loss()).isCloseTo(expected, within(1e-6 * Math.abs(expected)));
        for (float x : g) {
            assertThat(Float.isFinite(x)).isTrue();
        }
        if (v == Variant.FORWARD) {
            // Softmax rows are one-hot here: dLoss/dl_ij = (1 + 2·0.1·lse_i)/B at the row maximum, minus δ_ij/B.
            for (int i = 0; i < b; i++) {
                int argmax = 0;
                for (int j = 1; j < b; j++) {
                    if (logits[i * b + j] > logits[i * b + argmax]) {
                        argmax = j;
                    }
                }
                double lse = logits[i * b + argmax];
                for (int j = 0; j < b; j++) {
                    double exp = (j == argmax ? (1 + 0.2 * lse) / b : 0) - (i == j ? 1.0 / b : 0);
                    assertThat((double) g[i * b + j]).isCloseTo(exp, within(1e-6 * Math.max(1, Math.abs(exp))));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Variant.class)
    void resultsDoNotDependOnThreadCount(Variant v) {
        Random r = new Random(7);
        int b = 45;
        float[] logits = DoubleReference.randomFloats(r, b * b, 3);
        float[] g1 = new float[b * b];
        float[] g3 = new float[b * b];
        InfoNce.Result r1 = new InfoNce(v, 0.1f, one).compute(logits, b, g1);
        InfoNce.Result r3 = new InfoNce(v, 0.1f, three).compute(logits, b, g3);
        assertThat(r3).isEqualTo(r1);
        assertThat(g3).isEqualTo(g1);
    }

    @Test
    void withoutGradientBufferTheResultIsUnchanged() {
        Random r = new Random(8);
        int b = 10;
        float[] logits = DoubleReference.randomFloats(r, b * b, 1);
        for (Variant v : Variant.values()) {
            InfoNce loss = new InfoNce(v, 0.1f, one);
            assertThat(loss.compute(logits, b, null)).isEqualTo(loss.compute(logits, b, new float[b * b]));
        }
    }

    @Test
    void endToEndWithNormEnergyMatchesDoubleReference() {
        // Critic loss from representations: logits = −‖φ_i − ψ_j‖, forward InfoNCE + penalty, chained backward.
        Random r = new Random(12);
        int b = 5;
        int d = 4;
        float[] phi = DoubleReference.randomFloats(r, b * d, 1);
        float[] psi = DoubleReference.randomFloats(r, b * d, 1);
        PairwiseEnergy energy = new PairwiseEnergy(Energy.NORM, one);
        float[] logits = new float[b * b];
        float[] g = new float[b * b];
        float[] dPhi = new float[b * d];
        energy.forward(phi, psi, b, b, d, logits);
        new InfoNce(Variant.FORWARD, 0.1f, one).compute(logits, b, g);
        energy.backward(phi, psi, b, b, d, logits, g, dPhi, null);
        double[] psiD = DoubleReference.toDouble(psi);
        double[] expected = DoubleReference.numericGradient(x -> DoubleReference.infoNce(Variant.FORWARD, 0.1,
                DoubleReference.logits(Energy.NORM, x, psiD, b, b, d)), DoubleReference.toDouble(phi), 1e-6);
        assertClose("dPhi", dPhi, expected, 1e-5, 1e-7);
    }

    @Test
    void variantsParseJaxGcrlNames() {
        assertThat(Variant.fromJaxName("fwd_infonce")).isEqualTo(Variant.FORWARD);
        assertThat(Variant.fromJaxName("bwd_infonce")).isEqualTo(Variant.BACKWARD);
        assertThat(Variant.fromJaxName("sym_infonce")).isEqualTo(Variant.SYMMETRIC);
        assertThat(Variant.fromJaxName("binary_nce")).isEqualTo(Variant.BINARY_NCE);
        assertThat(Energy.fromJaxName("norm")).isEqualTo(Energy.NORM);
        assertThat(Energy.fromJaxName("COSINE")).isEqualTo(Energy.COSINE);
    }
}
