package org.crl4j.bench;

import java.util.HashMap;
import java.util.Map;

import org.crl4j.bench.torch.TorchCrl;
import org.crl4j.bench.torch.TorchPrecision;
import org.crl4j.bench.torch.TorchTests;
import org.crl4j.bench.torch.TrunkSpec;
import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.GradMode;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;
import org.crl4j.nn.loss.ActorLoss;
import org.crl4j.nn.loss.Energy;
import org.crl4j.nn.loss.EntropyTemperature;
import org.crl4j.nn.loss.InfoNce;
import org.crl4j.nn.loss.PairedEnergy;
import org.crl4j.nn.loss.PairwiseEnergy;
import org.crl4j.nn.loss.TanhGaussian;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * crl4j against libtorch with the same weights and inputs: the critic's InfoNCE loss through two depth-8 encoders,
 * and the actor's tanh-Gaussian loss through the frozen critic. Loss and every gradient must agree to 1e-4
 * (relative, per tensor) with libtorch run in FP64, which stands in for the exact value.
 */
class LibtorchParityTest {
    static final int B = 48;
    static final int S = 11;
    static final int A = 4;
    static final int G = 3;
    static final int W = 64;
    static final int DEPTH = 8;
    static final int REPR = 64;

    @BeforeAll
    static void torch() {
        TorchTests.requireLibtorch();
    }

    /** Nudges LayerNorm scales and all biases away from their initial 1/0 so that their gradients are general. */
    static void jitter(ParamStore ps, Rng rng) {
        float[] p = ps.params();
        for (ParamStore.Entry e : ps.entries()) {
            if (!e.name().endsWith(".kernel")) {
                for (int i = 0; i < e.size(); i++) {
                    p[e.offset() + i] += 0.2f * (rng.nextFloat() - 0.5f);
                }
            }
        }
    }

    static Map<String, float[]> weights(ParamStore... stores) {
        Map<String, float[]> w = new HashMap<>();
        for (ParamStore ps : stores) {
            for (ParamStore.Entry e : ps.entries()) {
                w.put(e.name(), ps.get(e.name()));
            }
        }
        return w;
    }

    static double relativeError(float[] ours, double[] ref) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < ref.length; i++) {
            d += (ours[i] - ref[i]) * (ours[i] - ref[i]);
            n += ref[i] * ref[i];
        }
        return Math.sqrt(d / Math.max(n, 1e-300));
    }

    static void assertGradientsMatch(ParamStore ps, Map<String, double[]> torchGrads) {
        for (ParamStore.Entry e : ps.entries()) {
            double[] ref = torchGrads.get(e.name());
            assertThat(ref).as("libtorch gradient of %s", e.name()).isNotNull();
            assertThat(relativeError(ps.grad(e.name()), ref)).as("relative error of d/d %s", e.name())
                    .isLessThan(1e-4);
        }
    }

    static float[] concat(float[] a, int na, float[] b, int nb, int rows) {
        float[] out = new float[rows * (na + nb)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, r * na, out, r * (na + nb), na);
            System.arraycopy(b, r * nb, out, r * (na + nb) + na, nb);
        }
        return out;
    }

    @Test
    void criticInfoNceLossAndGradientsMatchLibtorch() {
        try (Parallel pool = new Parallel(2)) {
            ParamStore ps = new ParamStore();
            ResidualMlp sa = new ResidualMlp(pool, ps, "sa_encoder", S + A, REPR, MlpOptions.paper(W, DEPTH));
            ResidualMlp g = new ResidualMlp(pool, ps, "g_encoder", G, REPR, MlpOptions.paper(W, DEPTH));
            ps.allocate();
            Rng rng = new Rng(2025);
            sa.init(rng);
            g.init(rng);
            jitter(ps, rng);
            float[] xSa = new float[B * (S + A)];
            float[] xG = new float[B * G];
            rng.fillGaussian(xSa, 0, xSa.length);
            rng.fillGaussian(xG, 0, xG.length);

            float[] phi = sa.forward(xSa, B).clone();
            float[] psi = g.forward(xG, B).clone();
            PairwiseEnergy energy = new PairwiseEnergy(Energy.NORM, pool);
            float[] logits = new float[B * B];
            energy.forward(phi, psi, B, B, REPR, logits);
            float[] dLogits = new float[B * B];
            InfoNce.Result r = new InfoNce(InfoNce.Variant.FORWARD, 0.1f, pool).compute(logits, B, dLogits);
            float[] dPhi = new float[B * REPR];
            float[] dPsi = new float[B * REPR];
            energy.backward(phi, psi, B, B, REPR, logits, dLogits, dPhi, dPsi);
            float[] dxSa = new float[xSa.length];
            float[] dxG = new float[xG.length];
            sa.backward(dPhi, dxSa, GradMode.OVERWRITE);
            g.backward(dPsi, dxG, GradMode.OVERWRITE);

            TorchCrl.CriticResult t = TorchCrl.criticLoss(weights(ps), TrunkSpec.of("sa_encoder", S + A, W, DEPTH, REPR),
                    TrunkSpec.of("g_encoder", G, W, DEPTH, REPR), xSa, xG, B, TorchPrecision.FP64);
            assertThat(Math.abs(r.loss() - t.loss()) / Math.abs(t.loss())).as("critic loss %s vs libtorch %s", r.loss(), t.loss())
                    .isLessThan(1e-5);
            assertThat((double) r.categoricalAccuracy()).isCloseTo(t.accuracy(), org.assertj.core.data.Offset.offset(1e-6));
            assertGradientsMatch(ps, t.grads());
            assertThat(relativeError(dxSa, t.dXsa())).as("input gradient (s, a)").isLessThan(1e-4);
            assertThat(relativeError(dxG, t.dXg())).as("input gradient (g)").isLessThan(1e-4);
        }
    }

    @Test
    void actorTanhGaussianLossAndGradientsMatchLibtorch() {
        try (Parallel pool = new Parallel(2)) {
            ParamStore actorPs = new ParamStore();
            ResidualMlp actor = new ResidualMlp(pool, actorPs, "actor", S + G, 2 * A, MlpOptions.paper(W, DEPTH));
            actorPs.allocate();
            ParamStore criticPs = new ParamStore();
            ResidualMlp sa = new ResidualMlp(pool, criticPs, "sa_encoder", S + A, REPR, MlpOptions.paper(W, DEPTH));
            ResidualMlp g = new ResidualMlp(pool, criticPs, "g_encoder", G, REPR, MlpOptions.paper(W, DEPTH));
            criticPs.allocate();
            Rng rng = new Rng(7);
            actor.init(rng);
            sa.init(rng);
            g.init(rng);
            jitter(actorPs, rng);
            jitter(criticPs, rng);
            float[] s = new float[B * S];
            float[] goal = new float[B * G];
            float[] eps = new float[B * A];
            rng.fillGaussian(s, 0, s.length);
            rng.fillGaussian(goal, 0, goal.length);
            rng.fillGaussian(eps, 0, eps.length);
            float logAlpha = -0.7f;

            float[] head = actor.forward(concat(s, S, goal, G, B), B);
            float[] mean = new float[B * A];
            float[] raw = new float[B * A];
            for (int i = 0; i < B; i++) {
                System.arraycopy(head, i * 2 * A, mean, i * A, A);
                System.arraycopy(head, i * 2 * A + A, raw, i * A, A);
            }
            float[] action = new float[B * A];
            float[] logProb = new float[B];
            TanhGaussian.sample(mean, raw, eps, B, A, action, logProb);
            float[] phi = sa.forward(concat(s, S, action, A, B), B).clone();
            float[] psi = g.forward(goal, B).clone();
            float[] q = new float[B];
            PairedEnergy.forward(Energy.NORM, phi, psi, B, REPR, q);
            float[] dLogProb = new float[B];
            float[] dQ = new float[B];
            float alpha = EntropyTemperature.alpha(logAlpha);
            float loss = ActorLoss.compute(logProb, q, B, alpha, dLogProb, dQ);
            float[] dPhi = new float[B * REPR];
            PairedEnergy.backward(Energy.NORM, phi, psi, B, REPR, dQ, dPhi, null);
            float[] dxSa = new float[B * (S + A)];
            float[] criticGradsBefore = criticPs.grads().clone();
            sa.backward(dPhi, dxSa, GradMode.NONE);
            assertThat(criticPs.grads()).as("the frozen critic's gradients").isEqualTo(criticGradsBefore);
            float[] dAction = new float[B * A];
            for (int i = 0; i < B; i++) {
                System.arraycopy(dxSa, i * (S + A) + S, dAction, i * A, A);
            }
            float[] dMean = new float[B * A];
            float[] dRaw = new float[B * A];
            TanhGaussian.sampleBackward(mean, raw, eps, B, A, dAction, dLogProb, dMean, dRaw);
            float[] dHead = new float[B * 2 * A];
            for (int i = 0; i < B; i++) {
                System.arraycopy(dMean, i * A, dHead, i * 2 * A, A);
                System.arraycopy(dRaw, i * A, dHead, i * 2 * A + A, A);
            }
            actor.backward(dHead, null, GradMode.OVERWRITE);
            float target = EntropyTemperature.targetEntropy(A);
            float alphaLoss = EntropyTemperature.loss(logAlpha, logProb, B, target);
            float alphaGrad = EntropyTemperature.gradient(logAlpha, logProb, B, target);

            Map<String, float[]> w = weights(actorPs, criticPs);
            TorchCrl.ActorResult t = TorchCrl.actorLoss(w, TrunkSpec.of("actor", S + G, W, DEPTH, 2 * A),
                    TrunkSpec.of("sa_encoder", S + A, W, DEPTH, REPR), TrunkSpec.of("g_encoder", G, W, DEPTH, REPR),
                    s, goal, eps, logAlpha, B, TorchPrecision.FP64);
            assertThat(Math.abs(loss - t.loss()) / Math.abs(t.loss())).as("actor loss %s vs libtorch %s", loss, t.loss())
                    .isLessThan(1e-4);
            assertThat(relativeError(action, t.action())).as("actions").isLessThan(1e-5);
            assertThat(relativeError(logProb, t.logPi())).as("log-probabilities").isLessThan(1e-4);
            // libtorch's dL/da also holds the log(1 − a²) path of log π, so compare the head gradients instead,
            // which sum both paths.
            assertThat(relativeError(dMean, t.dMean())).as("dL/d mean").isLessThan(1e-4);
            assertThat(relativeError(dRaw, t.dRawLogStd())).as("dL/d raw log-std").isLessThan(1e-4);
            assertGradientsMatch(actorPs, t.grads());
            assertThat(Math.abs(alphaLoss - t.alphaLoss()) / Math.abs(t.alphaLoss())).as("alpha loss").isLessThan(1e-4);
            assertThat(Math.abs(alphaGrad - t.dAlphaLoss()) / Math.abs(t.dAlphaLoss())).as("d alpha loss / d log alpha")
                    .isLessThan(1e-4);
        }
    }
}
