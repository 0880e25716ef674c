package org.crl4j.rl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleSupplier;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.Adam;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.loss.InfoNce;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The algorithm on one fixed minibatch: the critic's InfoNCE falls and its accuracy rises, the three gradients
 * (critic, actor, log α) match finite differences, and α steers the policy's entropy to its target
 * (−entropyParam·|A|). Small networks (depth 4, width 32, batch 24) on one thread; bit-reproducible for the seeds
 * used, so none of this is flaky.
 */
class CrlAgentTest {

    static final int S = 5;
    static final int A = 3;
    static final int G = 2;
    static final int B = 24;

    static Parallel pool;

    @BeforeAll
    static void startPool() {
        pool = new Parallel(1);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    static CrlConfig config(float lr, float alphaLr, float entropyParam) {
        CrlConfig p = CrlConfig.paper(32, 4);
        return new CrlConfig(32, 4, 32, 4, 16, p.energy(), p.contrastiveLoss(), p.logsumexpPenalty(), lr, lr, alphaLr,
                entropyParam, false, true, p.activation(), true, p.recompute());
    }

    /** One fixed minibatch: Gaussian states, actions in (−0.9, 0.9), goals a noisy function of the states. */
    static final class Batch {
        final float[] states = new float[B * S];
        final float[] actions = new float[B * A];
        final float[] goals = new float[B * G];

        Batch(long seed) {
            Rng r = new Rng(seed);
            r.fillGaussian(states, 0, states.length);
            r.fillUniform(actions, 0, actions.length, -0.9f, 0.9f);
            for (int i = 0; i < B; i++) {
                goals[i * G] = states[i * S] + 0.5f * actions[i * A] + 0.3f * (float) r.nextGaussian();
                goals[i * G + 1] = states[i * S + 1] - 0.5f * actions[i * A + 1] + 0.3f * (float) r.nextGaussian();
            }
        }
    }

    static CrlAgent agent(CrlConfig cfg, long seed) {
        CrlAgent agent = new CrlAgent(S, A, G, cfg, pool);
        agent.init(new Rng(seed));
        return agent;
    }

    // ---- 1. the critic learns a fixed batch ---------------------------------------------------------------------

    @Test
    void onAFixedBatchTheInfoNceLossFallsAndTheAccuracyRises() {
        CrlAgent agent = agent(config(1e-3f, 1e-3f, 0.5f), 1);
        Batch batch = new Batch(2);
        Rng rng = new Rng(3);
        int steps = 300;
        CrlAgent.StepMetrics first = null;
        CrlAgent.StepMetrics last = null;
        for (int t = 0; t < steps; t++) {
            last = agent.sgdStep(batch.states, batch.actions, batch.goals, B, rng);
            if (first == null) {
                first = last;
            }
        }
        System.out.printf(Locale.ROOT, "critic on a fixed batch of %d over %d steps: loss %.4f -> %.4f, accuracy %.3f -> %.3f,"
                        + " logits pos/neg %.3f/%.3f -> %.3f/%.3f (log B = %.4f)%n", B, steps, first.criticLoss(),
                last.criticLoss(), first.categoricalAccuracy(), last.categoricalAccuracy(), first.logitsPos(),
                first.logitsNeg(), last.logitsPos(), last.logitsNeg(), Math.log(B));
        // At initialisation the representations barely separate the goals: the loss is near log B, accuracy near 1/B.
        assertThat((double) first.criticLoss()).isGreaterThan(0.8 * Math.log(B));
        assertThat(first.categoricalAccuracy()).isLessThan(0.5f);
        assertThat(last.criticLoss()).isLessThan(first.criticLoss() / 3);
        assertThat(last.categoricalAccuracy()).isGreaterThanOrEqualTo(0.95f);
        assertThat(last.logitsPos()).isGreaterThan(last.logitsNeg());
    }

    // ---- 2. gradients against finite differences ----------------------------------------------------------------

    /** An agent trained a few steps on the batch, so that LayerNorm scales, biases and log α are in general position. */
    static CrlAgent trainedAgent(Batch batch) {
        CrlAgent agent = agent(config(3e-3f, 3e-2f, 0.5f), 4);
        Rng rng = new Rng(5);
        for (int t = 0; t < 25; t++) {
            agent.sgdStep(batch.states, batch.actions, batch.goals, B, rng);
        }
        assertThat(agent.logAlpha()).isNotEqualTo(0f);
        return agent;
    }

    /**
     * Richardson-extrapolated central difference of {@code loss} in {@code p[i]}: D(h) = (L(p+h) − L(p−h))/(actual
     * 2h), R = (4·D(h) − D(2h))/3, truncation error O(h⁴); p[i] is restored.
     */
    static double richardson(float[] p, int i, double h, DoubleSupplier loss) {
        return (4 * central(p, i, h, loss) - central(p, i, 2 * h, loss)) / 3;
    }

    static double central(float[] p, int i, double h, DoubleSupplier loss) {
        float keep = p[i];
        float plus = (float) (keep + h);
        float minus = (float) (keep - h);
        p[i] = plus;
        double lp = loss.getAsDouble();
        p[i] = minus;
        double lm = loss.getAsDouble();
        p[i] = keep;
        return (lp - lm) / ((double) plus - (double) minus);
    }

    /**
     * The indices to check: in every tensor the entry with the largest |gradient| (so every layer, LayerNorm
     * scale and bias and the head are covered), plus {@code random} entries anywhere.
     */
    static int[] sample(ParamStore ps, float[] grads, int random, Rng rng) {
        List<Integer> idx = new ArrayList<>();
        for (ParamStore.Entry e : ps.entries()) {
            int best = e.offset();
            for (int k = e.offset(); k < e.offset() + e.size(); k++) {
                if (Math.abs(grads[k]) > Math.abs(grads[best])) {
                    best = k;
                }
            }
            idx.add(best);
        }
        for (int k = 0; k < random; k++) {
            idx.add(rng.nextInt(ps.size()));
        }
        return idx.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * FD step and tolerance of the per-parameter checks. The losses come back as float from float networks, so h
     * cannot be tiny (rounding noise ~ulp(L)/h); h = 3e-3 with Richardson is where the extrapolation has converged
     * for the most curved parameter seen (a first-layer bias of the goal encoder: at h = 1e-2 it was off by 0.8%).
     * Measured worst relative errors: critic 3.5e-3, actor 4.9e-3, log α 4.8e-6.
     */
    static final double H = 3e-3;
    static final double TOL = 1e-2;

    /**
     * Asserts |analytic − numeric| ≤ TOL·max(|numeric|, 1e-2·max|analytic|) at every sampled index (relative, with a
     * floor at 1% of the largest gradient so that float rounding in entries with a tiny gradient does not count);
     * returns the worst such relative error.
     */
    static double check(String what, float[] params, float[] analytic, int[] idx, DoubleSupplier loss) {
        double gMax = 0;
        for (float g : analytic) {
            gMax = Math.max(gMax, Math.abs(g));
        }
        assertThat(gMax).as(what + " gradient is not zero").isGreaterThan(0);
        double worst = 0;
        String worstAt = "";
        for (int i : idx) {
            double numeric = richardson(params, i, H, loss);
            double err = Math.abs(analytic[i] - numeric) / Math.max(Math.abs(numeric), 1e-2 * gMax);
            if (err > worst) {
                worst = err;
                worstAt = String.format(Locale.ROOT, "[%d] analytic %.6g numeric %.6g", i, analytic[i], numeric);
            }
            assertThat(err).as("%s[%d]: analytic %s vs numeric %s", what, i, analytic[i], numeric).isLessThan(TOL);
        }
        System.out.printf(Locale.ROOT, "%s: %d parameters checked (max |grad| %.3g), worst relative error %.2e at %s%n",
                what, idx.length, gMax, worst, worstAt);
        return worst;
    }

    @Test
    void criticGradientMatchesFiniteDifferences() {
        Batch batch = new Batch(2);
        CrlAgent agent = trainedAgent(batch);
        agent.embedGoals(batch.goals, B);
        agent.criticLossAndGradient(batch.states, batch.actions, B);
        float[] grads = agent.criticParams.grads().clone();
        DoubleSupplier loss = () -> {
            agent.embedGoals(batch.goals, B);
            return agent.criticLossAndGradient(batch.states, batch.actions, B).loss();
        };
        int[] idx = sample(agent.criticParams, grads, 40, new Rng(6));
        check("critic InfoNCE + penalty wrt critic parameters", agent.criticParams.params(), grads, idx, loss);
    }

    @Test
    void actorGradientMatchesFiniteDifferences() {
        Batch batch = new Batch(2);
        CrlAgent agent = trainedAgent(batch);
        long noiseSeed = 77;
        agent.embedGoals(batch.goals, B);
        agent.actorLossAndGradient(batch.states, batch.goals, B, new Rng(noiseSeed));
        float[] grads = agent.actorParams.grads().clone();
        float[] criticBefore = agent.criticParams.params().clone();
        // The same noise ε at every evaluation: the loss is then a deterministic function of the actor's parameters.
        DoubleSupplier loss = () -> agent.actorLossAndGradient(batch.states, batch.goals, B, new Rng(noiseSeed));
        int[] idx = sample(agent.actorParams, grads, 40, new Rng(7));
        check("actor loss wrt actor parameters", agent.actorParams.params(), grads, idx, loss);
        assertThat(agent.criticParams.params()).as("the actor loss leaves the critic alone").isEqualTo(criticBefore);
    }

    @Test
    void alphaGradientMatchesFiniteDifferences() {
        Batch batch = new Batch(2);
        CrlAgent agent = trainedAgent(batch);
        agent.embedGoals(batch.goals, B);
        agent.actorLossAndGradient(batch.states, batch.goals, B, new Rng(8));
        agent.alphaLossAndGradient(B);
        float[] grads = agent.alphaParams.grads().clone();
        // log π is held fixed (stop-gradient): only log α varies.
        DoubleSupplier loss = () -> agent.alphaLossAndGradient(B);
        double worst = check("alpha loss wrt log alpha", agent.alphaParams.params(), grads, new int[] {0}, loss);
        assertThat(worst).isLessThan(1e-3);
        // dL_α/dlog α = α·mean(−log π − target) has the sign of (entropy − target).
        double gap = agent.sampleEntropy(B) - agent.targetEntropy();
        assertThat((double) Math.signum(grads[0])).isEqualTo(Math.signum(gap));
    }

    // ---- 3. α tracks its target entropy -------------------------------------------------------------------------

    @Test
    void logAlphaMovesAgainstTheEntropyGap() {
        Batch batch = new Batch(2);
        // The paper's target −0.5·|A| = −1.5 nats. The initial policy is below it (its means are O(1), so the tanh
        // squashing concentrates the density): α must rise to push the entropy up.
        CrlAgent below = agent(config(3e-4f, 3e-4f, 0.5f), 9);
        assertThat(below.targetEntropy()).isEqualTo(-0.5f * A);
        CrlAgent.StepMetrics m = below.sgdStep(batch.states, batch.actions, batch.goals, B, new Rng(10));
        assertThat(m.sampleEntropy()).isLessThan(below.targetEntropy());
        assertThat(m.alphaLoss()).isNegative();
        assertThat(m.logAlpha()).isPositive();
        // The same agent and noise with target −2·|A| = −6 nats, below the same entropy: α must fall.
        CrlAgent above = agent(config(3e-4f, 3e-4f, 2f), 9);
        m = above.sgdStep(batch.states, batch.actions, batch.goals, B, new Rng(10));
        assertThat(m.sampleEntropy()).isGreaterThan(above.targetEntropy());
        assertThat(m.alphaLoss()).isPositive();
        assertThat(m.logAlpha()).isNegative();
    }

    @Test
    void theSampleEntropySettlesNearItsTarget() {
        Batch batch = new Batch(2);
        CrlAgent agent = agent(config(1e-3f, 1e-2f, 0.5f), 11);
        Rng rng = new Rng(12);
        float target = agent.targetEntropy();
        int steps = 1500;
        int window = 300;
        double[] entropy = new double[steps];
        double[] logAlpha = new double[steps];
        for (int t = 0; t < steps; t++) {
            CrlAgent.StepMetrics m = agent.sgdStep(batch.states, batch.actions, batch.goals, B, rng);
            entropy[t] = m.sampleEntropy();
            logAlpha[t] = m.logAlpha();
        }
        double start = entropy[0];
        double end = mean(entropy, steps - window, steps);
        System.out.printf(Locale.ROOT, "entropy vs target %.3f: start %.3f, mean of the last %d steps %.3f"
                        + " (min %.3f, max %.3f); log alpha %.3f -> %.3f%n", target, start, window, end,
                Arrays.stream(entropy, steps - window, steps).min().getAsDouble(),
                Arrays.stream(entropy, steps - window, steps).max().getAsDouble(), logAlpha[0], logAlpha[steps - 1]);
        assertThat(Math.abs(start - target)).as("starts away from the target").isGreaterThan(1.0);
        assertThat(Math.abs(end - target)).as("ends near the target").isLessThan(0.25 * Math.abs(start - target));
    }

    static double mean(double[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s / (to - from);
    }

    // ---- the pieces are the step ---------------------------------------------------------------------------------

    /** sgdStep is exactly its package-private pieces followed by the three Adam updates, bit for bit. */
    @Test
    void thePiecesComposeToTheSgdStepBitForBit() {
        Batch batch = new Batch(2);
        CrlConfig cfg = config(1e-3f, 1e-3f, 0.5f);
        CrlAgent whole = agent(cfg, 13);
        CrlAgent pieces = agent(cfg, 13);
        Rng r1 = new Rng(14);
        Rng r2 = new Rng(14);
        for (int t = 0; t < 20; t++) {
            CrlAgent.StepMetrics m = whole.sgdStep(batch.states, batch.actions, batch.goals, B, r1);
            pieces.embedGoals(batch.goals, B);
            float actorLoss = pieces.actorLossAndGradient(batch.states, batch.goals, B, r2);
            pieces.actorAdam.update(pool);
            float alphaLoss = pieces.alphaLossAndGradient(B);
            pieces.alphaAdam.update(pool);
            InfoNce.Result c = pieces.criticLossAndGradient(batch.states, batch.actions, B);
            pieces.criticAdam.update(pool);
            assertThat(actorLoss).isEqualTo(m.actorLoss());
            assertThat(alphaLoss).isEqualTo(m.alphaLoss());
            assertThat(c.loss()).isEqualTo(m.criticLoss());
        }
        assertThat(pieces.actorParams.params()).isEqualTo(whole.actorParams.params());
        assertThat(pieces.criticParams.params()).isEqualTo(whole.criticParams.params());
        assertThat(pieces.alphaParams.params()).isEqualTo(whole.alphaParams.params());
        for (Adam[] pair : new Adam[][] {{pieces.actorAdam, whole.actorAdam}, {pieces.criticAdam, whole.criticAdam}}) {
            assertThat(pair[0].secondMoment()).isEqualTo(pair[1].secondMoment());
        }
    }
}
