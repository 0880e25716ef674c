package org.crl4j.bench.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TorchCrlTest {
    @BeforeAll
    static void load() {
        TorchTests.requireLibtorch();
    }

    /**
     * Width-1 trunks with LayerNorm bias 0 output swish(0)·k + b = b, whatever the input: phi = sa head bias and
     * psi = g head bias, so every logit is l = −sqrt(‖b_sa − b_g‖² + 1e-6) and everything is hand-computable.
     */
    private static Map<String, float[]> constantEncoders(TrunkSpec sa, TrunkSpec g, float[] bSa, float[] bG) {
        Map<String, float[]> w = new HashMap<>(sa.initWeights(1));
        w.putAll(g.initWeights(2));
        w.put(sa.prefix() + ".head.bias", bSa);
        w.put(g.prefix() + ".head.bias", bG);
        return w;
    }

    @Test
    void criticLossOnAHandComputableCase() {
        int batch = 2;
        TrunkSpec sa = TrunkSpec.of("sa_encoder", 3, 1, 4, 2);
        TrunkSpec g = TrunkSpec.of("g_encoder", 2, 1, 4, 2);
        float[] bSa = {3, 0};
        float[] bG = {0, 4};
        Map<String, float[]> w = constantEncoders(sa, g, bSa, bG);
        float[] xSa = JavaRef.gaussianF(batch * 3, 1);
        float[] xG = JavaRef.gaussianF(batch * 2, 2);
        double d = Math.sqrt(25 + 1e-6);
        double l = -d;
        double lse = l + Math.log(batch);
        double expected = Math.log(batch) + 0.1 * lse * lse;
        // dL/dlogit summed over all logits = 0.2·lse (softmax rows sum to 1, diagonal terms cancel);
        // dl/db_sa = −(b_sa − b_g)/d
        double[] dbSa = {0.2 * lse * -(3 - 0) / d, 0.2 * lse * -(0 - 4) / d};
        for (TorchPrecision p : TorchPrecision.values()) {
            TorchCrl.CriticResult r = TorchCrl.criticLoss(w, sa, g, xSa, xG, batch, p);
            double tol = p == TorchPrecision.FP64 ? 1e-12 : 1e-5;
            assertThat(r.loss()).as("%s loss", p).isCloseTo(expected, within(tol));
            assertThat(r.infoNce()).isCloseTo(Math.log(batch), within(tol));
            assertThat(r.logits()).hasSize(batch * batch);
            for (double v : r.logits()) {
                assertThat(v).isCloseTo(l, within(tol));
            }
            for (int k = 0; k < 2; k++) {
                assertThat(r.grads().get("sa_encoder.head.bias")[k]).isCloseTo(dbSa[k], within(tol));
                assertThat(r.grads().get("g_encoder.head.bias")[k]).isCloseTo(-dbSa[k], within(tol));
            }
            // LayerNorm over one unit forgets its input: no gradient reaches the inputs or the kernels below it
            for (double v : r.dXsa()) {
                assertThat(v).isCloseTo(0, within(tol));
            }
            assertThat(r.grads()).containsKeys("sa_encoder.block0.layer3.ln_scale", "g_encoder.in.kernel");
        }
    }

    @Test
    void criticLossMatchesItsDefinitionAndFiniteDifferences() {
        int batch = 5;
        TrunkSpec sa = TrunkSpec.of("sa_encoder", 4, 6, 4, 3);
        TrunkSpec g = TrunkSpec.of("g_encoder", 2, 6, 4, 3);
        Map<String, float[]> wf = new HashMap<>(JavaRef.randomWeights(sa, 31));
        wf.putAll(JavaRef.randomWeights(g, 32));
        Map<String, double[]> w = TorchCrl.toDoubles(wf);
        double[] xSa = JavaRef.gaussian(batch * 4, 33);
        double[] xG = JavaRef.gaussian(batch * 2, 34);
        TorchCrl.CriticResult r;
        try (TorchTrunk saT = TorchTrunk.fromDoubles(sa, w, TorchPrecision.FP64, true);
             TorchTrunk gT = TorchTrunk.fromDoubles(g, w, TorchPrecision.FP64, true)) {
            r = TorchCrl.criticLoss(saT, gT, xSa, xG, batch);
            // a second call on the same trunks must not accumulate gradients
            TorchCrl.CriticResult again = TorchCrl.criticLoss(saT, gT, xSa, xG, batch);
            assertThat(again.grads().get("sa_encoder.in.kernel")).containsExactly(r.grads().get("sa_encoder.in.kernel"));
        }
        assertThat(r.loss()).isCloseTo(javaCriticLoss(sa, g, w, xSa, xG, batch), within(1e-12));
        assertThat(r.accuracy()).isBetween(0.0, 1.0);

        SplittableRandom pick = new SplittableRandom(35);
        double h = 1e-6;
        for (String name : new String[] {"sa_encoder.in.kernel", "sa_encoder.block0.layer2.ln_scale",
                                         "sa_encoder.head.kernel", "g_encoder.block0.layer3.bias", "g_encoder.head.bias"}) {
            double[] v = w.get(name);
            for (int k = 0; k < 2; k++) {
                int i = pick.nextInt(v.length);
                double old = v[i];
                v[i] = old + h;
                double up = javaCriticLoss(sa, g, w, xSa, xG, batch);
                v[i] = old - h;
                double down = javaCriticLoss(sa, g, w, xSa, xG, batch);
                v[i] = old;
                double fd = (up - down) / (2 * h);
                assertThat(r.grads().get(name)[i]).as("%s[%d]", name, i).isCloseTo(fd, within(1e-7));
            }
        }
        int i = pick.nextInt(xG.length);
        double old = xG[i];
        xG[i] = old + h;
        double up = javaCriticLoss(sa, g, w, xSa, xG, batch);
        xG[i] = old - h;
        double down = javaCriticLoss(sa, g, w, xSa, xG, batch);
        xG[i] = old;
        assertThat(r.dXg()[i]).isCloseTo((up - down) / (2 * h), within(1e-7));
    }

    /** The critic loss written out in plain Java from algorithm.md §2. */
    static double javaCriticLoss(TrunkSpec sa, TrunkSpec g, Map<String, double[]> w, double[] xSa, double[] xG,
                                 int batch) {
        double[] phi = JavaRef.forward(sa, w, xSa, batch);
        double[] psi = JavaRef.forward(g, w, xG, batch);
        int o = sa.outDim();
        double loss = 0;
        for (int i = 0; i < batch; i++) {
            double[] row = new double[batch];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < batch; j++) {
                double s = 0;
                for (int k = 0; k < o; k++) {
                    double d = phi[i * o + k] - psi[j * o + k];
                    s += d * d;
                }
                row[j] = -Math.sqrt(s + 1e-6);
                max = Math.max(max, row[j]);
            }
            double sum = 0;
            for (double v : row) {
                sum += Math.exp(v - max);
            }
            double lse = max + Math.log(sum);
            loss += -(row[i] - lse) + 0.1 * lse * lse;
        }
        return loss / batch;
    }

    @Test
    void actorLossOnAHandComputableCase() {
        // A = 1, |S| = 2, |G| = 1; width-1 trunks make mean/raw and phi/psi equal to their head biases.
        int batch = 2;
        TrunkSpec actor = TrunkSpec.of("actor", 3, 1, 4, 2);
        TrunkSpec sa = TrunkSpec.of("sa_encoder", 3, 1, 4, 2);
        TrunkSpec g = TrunkSpec.of("g_encoder", 1, 1, 4, 2);
        Map<String, float[]> w = constantEncoders(sa, g, new float[] {1, 2}, new float[] {-1, 0});
        w.putAll(actor.initWeights(5));
        w.put("actor.head.bias", new float[] {0.3f, 0f});
        float[] s = {0.1f, -0.2f, 0.5f, 0.7f};
        float[] goal = {1f, -1f};
        float[] eps = {0.5f, -1.25f};
        double logAlpha = Math.log(0.2);
        double mean = 0.3f;
        double logStd = -5 + 3.5 * (Math.tanh(0) + 1);
        double std = Math.exp(logStd);
        double f = -Math.sqrt(4 + 4 + 1e-6);
        double lossSum = 0;
        double logPiSum = 0;
        double dMeanExpected0 = 0;
        for (int i = 0; i < batch; i++) {
            double x = mean + std * eps[i];
            double a = Math.tanh(x);
            double logPi = -0.5 * eps[i] * eps[i] - logStd - 0.5 * Math.log(2 * Math.PI) - Math.log(1 - a * a + 1e-6);
            logPiSum += logPi;
            lossSum += 0.2 * logPi - f;
            if (i == 0) {
                // d/dmean of −log(1 − a² + 1e-6), with da/dx = 1 − a²; the Gaussian term has zero mean-gradient
                dMeanExpected0 = 0.2 * (2 * a * (1 - a * a) / (1 - a * a + 1e-6)) / batch;
            }
        }
        double target = -0.5;
        double alphaLoss = 0.2 * (-logPiSum / batch - target);
        for (TorchPrecision p : TorchPrecision.values()) {
            TorchCrl.ActorResult r = TorchCrl.actorLoss(w, actor, sa, g, s, goal, eps, logAlpha, batch, p);
            double tol = p == TorchPrecision.FP64 ? 1e-9 : 1e-4;
            assertThat(r.loss()).as("%s loss", p).isCloseTo(lossSum / batch, within(tol));
            assertThat(r.energy()).containsOnly(r.energy()[0]);
            assertThat(r.energy()[0]).isCloseTo(f, within(tol));
            assertThat(r.logPi()[0] + r.logPi()[1]).isCloseTo(logPiSum, within(tol * 10));
            assertThat(r.mean()).containsExactly(new double[] {mean, mean}, within(1e-7));
            assertThat(r.rawLogStd()).containsExactly(new double[] {0, 0}, within(1e-12));
            assertThat(r.dMean()[0]).isCloseTo(dMeanExpected0, within(tol));
            assertThat(r.targetEntropy()).isEqualTo(target);
            assertThat(r.alphaLoss()).isCloseTo(alphaLoss, within(tol));
            assertThat(r.dAlphaLoss()).isCloseTo(alphaLoss, within(tol)); // d(e^x·c)/dx = e^x·c
            // the head bias gradient is the column sum of d loss / d head output
            double[] db = r.grads().get("actor.head.bias");
            assertThat(db[0]).isCloseTo(r.dMean()[0] + r.dMean()[1], within(1e-12));
            assertThat(db[1]).isCloseTo(r.dRawLogStd()[0] + r.dRawLogStd()[1], within(1e-12));
            assertThat(r.grads()).containsOnlyKeys(actor.paramNames().toArray(new String[0]));
        }
    }

    @Test
    void actorGradientsMatchFiniteDifferences() {
        int batch = 4;
        int a = 2;
        TrunkSpec actor = TrunkSpec.of("actor", 5, 6, 4, 2 * a);
        TrunkSpec sa = TrunkSpec.of("sa_encoder", 3 + a, 6, 4, 4);
        TrunkSpec g = TrunkSpec.of("g_encoder", 2, 6, 4, 4);
        Map<String, float[]> wf = new HashMap<>(JavaRef.randomWeights(actor, 41));
        wf.putAll(JavaRef.randomWeights(sa, 42));
        wf.putAll(JavaRef.randomWeights(g, 43));
        Map<String, double[]> w = TorchCrl.toDoubles(wf);
        double[] s = JavaRef.gaussian(batch * 3, 44);
        double[] goal = JavaRef.gaussian(batch * 2, 45);
        double[] eps = JavaRef.gaussian(batch * a, 46);
        double logAlpha = -0.7;
        TorchCrl.ActorResult r = actorFp64(actor, sa, g, w, s, goal, eps, logAlpha, batch);
        SplittableRandom pick = new SplittableRandom(47);
        double h = 1e-6;
        for (String name : new String[] {"actor.in.kernel", "actor.block0.layer1.ln_bias", "actor.head.kernel",
                                         "actor.head.bias"}) {
            double[] v = w.get(name);
            for (int k = 0; k < 2; k++) {
                int i = pick.nextInt(v.length);
                double old = v[i];
                v[i] = old + h;
                double up = actorFp64(actor, sa, g, w, s, goal, eps, logAlpha, batch).loss();
                v[i] = old - h;
                double down = actorFp64(actor, sa, g, w, s, goal, eps, logAlpha, batch).loss();
                v[i] = old;
                assertThat(r.grads().get(name)[i]).as("%s[%d]", name, i).isCloseTo((up - down) / (2 * h), within(1e-7));
            }
        }
        // d alphaLoss / d log_alpha by finite difference
        double up = actorFp64(actor, sa, g, w, s, goal, eps, logAlpha + h, batch).alphaLoss();
        double down = actorFp64(actor, sa, g, w, s, goal, eps, logAlpha - h, batch).alphaLoss();
        assertThat(r.dAlphaLoss()).isCloseTo((up - down) / (2 * h), within(1e-7));
        // actions are squashed into (−1, 1)
        for (double v : r.action()) {
            assertThat(Math.abs(v)).isLessThan(1);
        }
    }

    private static TorchCrl.ActorResult actorFp64(TrunkSpec actor, TrunkSpec sa, TrunkSpec g, Map<String, double[]> w,
                                                  double[] s, double[] goal, double[] eps, double logAlpha, int batch) {
        try (TorchTrunk at = TorchTrunk.fromDoubles(actor, w, TorchPrecision.FP64, true);
             TorchTrunk st = TorchTrunk.fromDoubles(sa, w, TorchPrecision.FP64, true);
             TorchTrunk gt = TorchTrunk.fromDoubles(g, w, TorchPrecision.FP64, true)) {
            TorchCrl.ActorResult r = TorchCrl.actorLoss(at, st, gt, s, goal, eps, logAlpha, batch);
            // the critic stayed frozen
            assertThat(st.gradDoubles("sa_encoder.in.kernel")).containsOnly(0.0);
            return r;
        }
    }
}
