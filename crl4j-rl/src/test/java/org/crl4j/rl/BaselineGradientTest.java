package org.crl4j.rl;

import java.util.function.DoubleSupplier;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The baselines' losses against finite differences (Richardson-extrapolated central differences in float
 * parameters, as {@link CrlAgentTest}): SAC's twin-critic TD loss and its actor loss through the smaller critic,
 * TD3's critic and actor losses, GCBC's negative log-likelihood. Each agent is first trained a few steps on the
 * batch so that no parameter sits at its initial value, and each check also asserts that the loss leaves the
 * other networks alone.
 */
class BaselineGradientTest {
    static final int S = 6;
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

    /** A batch of random transitions: some rewarded, some terminated, some truncated. */
    static ReplayBatch batch(long seed) {
        Rng rng = new Rng(seed);
        ReplayBatch b = new ReplayBatch(B, S, A, G);
        rng.fillGaussian(b.states, 0, b.states.length);
        rng.fillGaussian(b.nextStates, 0, b.nextStates.length);
        rng.fillGaussian(b.goals, 0, b.goals.length);
        rng.fillUniform(b.actions, 0, b.actions.length, -0.95f, 0.95f);
        for (int i = 0; i < B; i++) {
            b.rewards[i] = i % 3 == 0 ? 1f : 0f;
            b.terminated[i] = i % 7 == 3 ? 1f : 0f;
            b.truncated[i] = i % 11 == 5 ? 1f : 0f;
        }
        return b;
    }

    static CrlConfig net() {
        return CrlConfig.paper(16, 4);
    }

    static BaselineConfig hp(Algo algo) {
        // larger steps than the defaults so that a few warm-up steps move every parameter
        return new BaselineConfig(algo, 0.9f, 0.05f, 3e-3f, 3e-3f, 3e-3f, 0.5f, 0.4f, 0.5f, 2, 0.2f, 0.5f, 3e-3f, 2, 0.3f,
                0.95f, 1e-2f);
    }

    static void warmUp(Agent agent, ReplayBatch b) {
        agent.init(new Rng(3));
        Rng rng = new Rng(4);
        for (int t = 0; t < 20; t++) {
            agent.sgdStep(b, rng, null);
        }
    }

    static void check(String what, org.crl4j.nn.ParamStore ps, DoubleSupplier lossAndGrad) {
        lossAndGrad.getAsDouble();
        float[] grads = ps.grads().clone();
        int[] idx = CrlAgentTest.sample(ps, grads, 20, new Rng(9));
        double worst = CrlAgentTest.check(what, ps.params(), grads, idx, lossAndGrad);
        assertThat(worst).isLessThan(CrlAgentTest.TOL);
    }

    @Test
    void sacCriticAndActorGradientsMatchFiniteDifferences() {
        ReplayBatch b = batch(1);
        SacAgent sac = new SacAgent(S, A, G, net(), hp(Algo.SAC_HER), pool);
        warmUp(sac, b);
        float alpha = (float) Math.exp(sac.logAlpha());
        float[] actorBefore = sac.actorParams.params().clone();
        float[] targetBefore = sac.targetParams.params().clone();
        check("SAC critic", sac.criticParams, () -> sac.criticLossAndGradient(b, alpha, new Rng(7))[0]);
        assertThat(sac.actorParams.params()).isEqualTo(actorBefore);
        assertThat(sac.targetParams.params()).isEqualTo(targetBefore);
        float[] criticBefore = sac.criticParams.params().clone();
        float[] criticGrads = sac.criticParams.grads().clone();
        check("SAC actor", sac.actorParams, () -> sac.actorLossAndGradient(b, alpha, new Rng(8)));
        assertThat(sac.criticParams.params()).isEqualTo(criticBefore);
        assertThat(sac.criticParams.grads()).as("the actor loss leaves the critics' gradients alone").isEqualTo(criticGrads);
    }

    @Test
    void td3CriticAndActorGradientsMatchFiniteDifferences() {
        ReplayBatch b = batch(2);
        Td3Agent td3 = new Td3Agent(S, A, G, net(), hp(Algo.TD3_HER), pool);
        warmUp(td3, b);
        check("TD3 critic", td3.criticParams, () -> td3.criticLossAndGradient(b, new Rng(7))[0]);
        float[] criticBefore = td3.criticParams.params().clone();
        check("TD3 actor", td3.actorParams, () -> td3.actorLossAndGradient(b));
        assertThat(td3.criticParams.params()).isEqualTo(criticBefore);
    }

    @Test
    void gcbcGradientMatchesFiniteDifferences() {
        ReplayBatch b = batch(3);
        GcbcAgent bc = new GcbcAgent(S, A, G, net(), hp(Algo.GCBC), pool);
        warmUp(bc, b);
        check("GCBC", bc.actorParams, () -> bc.lossAndGradient(b));
    }

    static BaselineConfig ppo(float clipEpsilon) {
        return new BaselineConfig(Algo.PPO, 0.9f, 0.05f, 3e-3f, 3e-3f, 3e-3f, 0.5f, 0.4f, 0.5f, 2, 0.2f, 0.5f, 3e-3f, 2,
                clipEpsilon, 0.95f, 1e-2f);
    }

    /** A PPO agent (its value network trained a few steps) on a minibatch whose old log π is a little off the current. */
    static PpoAgent ppoOnAMinibatch(float clipEpsilon, float[] adv) {
        Rng rng = new Rng(6);
        float[] obs = new float[B * (S + G)];
        float[] act = new float[B * A];
        float[] old = new float[B];
        float[] target = new float[B];
        rng.fillGaussian(obs, 0, obs.length);
        rng.fillGaussian(target, 0, B);
        PpoAgent ppo = new PpoAgent(S, A, G, net(), ppo(clipEpsilon), pool);
        ppo.init(new Rng(3));
        ppo.act(obs, B, false, rng, act); // on-policy data, as PPO sees it
        ppo.setMinibatch(obs, act, adv, ppo.logProbs(obs, act, B), target, B);
        for (int t = 0; t < 20; t++) { // the value network only: training the policy on a fixed minibatch drives σ to
            ppo.valueLossAndGradient(B); // its floor, where ρ = exp(Δ log π) is too steep for finite differences
            ppo.valueAdam.update(pool);
        }
        // every fifth row's old log π one below the current (ρ = e), the others a little off
        float[] now = ppo.logProbs(obs, act, B);
        for (int i = 0; i < B; i++) {
            old[i] = now[i] + (i % 5 == 0 ? -1f : 0.05f * (float) rng.nextGaussian());
        }
        ppo.setMinibatch(obs, act, adv, old, target, B);
        return ppo;
    }

    static float[] advantages() {
        float[] adv = new float[B];
        new Rng(7).fillGaussian(adv, 0, B);
        return adv;
    }

    @Test
    void ppoPolicyAndValueGradientsMatchFiniteDifferences() {
        // ε large enough that no row is clipped: the clip is a kink finite differences cannot cross (a row's log π moves
        // by ~0.1 over the difference step), and the clipped rows are tested exactly below
        PpoAgent ppo = ppoOnAMinibatch(100f, advantages());
        check("PPO value", ppo.valueParams, () -> ppo.valueLossAndGradient(B));
        check("PPO policy", ppo.policyParams, () -> ppo.policyLossAndGradient(B)[0]);
    }

    @Test
    void aClippedRowAddsNothingToThePolicyGradient() {
        float[] adv = advantages();
        PpoAgent ppo = ppoOnAMinibatch(0.3f, adv);
        float[] m = ppo.policyLossAndGradient(B);
        float[] grads = ppo.policyParams.grads().clone();
        // the rows with ρ = e > 1 + ε and a positive advantage are clipped; with their advantage 0 they are absent
        float[] without = adv.clone();
        int clipped = 0;
        for (int i = 0; i < B; i += 5) {
            if (adv[i] > 0) {
                without[i] = 0;
                clipped++;
            }
        }
        assertThat(clipped).isGreaterThan(0);
        assertThat(m[3]).as("fraction outside the clip range").isGreaterThanOrEqualTo((float) clipped / B);
        PpoAgent same = ppoOnAMinibatch(0.3f, without);
        same.policyLossAndGradient(B);
        float[] g = same.policyParams.grads();
        double worst = 0;
        double scale = 0;
        for (int k = 0; k < g.length; k++) {
            worst = Math.max(worst, Math.abs(g[k] - grads[k]));
            scale = Math.max(scale, Math.abs(grads[k]));
        }
        assertThat(worst).isLessThan(1e-6 * scale);
    }

    @Test
    void gaeMatchesItsRecursionWrittenOut() {
        // one environment, 4 steps: reward at step 1, the episode terminates at step 2, step 3 is truncated
        float[] v = {0.5f, 0.2f, -0.1f, 0.3f};
        float[] boot = {0.7f};
        float[] r = {0f, 1f, 0f, 1f};
        float[] term = {0, 0, 1, 0};
        float[] trunc = {0, 0, 0, 1};
        float[] adv = new float[4];
        float[] target = new float[4];
        double g = 0.9;
        double l = 0.8;
        PpoAgent.gae(v, boot, r, term, trunc, 4, 1, g, l, adv, target);
        double a3 = 0; // truncated: no advantage, the value is its own target
        double a2 = r[2] - v[2]; // terminated: no bootstrap
        double a1 = r[1] + g * v[2] - v[1] + g * l * a2;
        double a0 = r[0] + g * v[1] - v[0] + g * l * a1;
        assertThat(adv).containsExactly((float) a0, (float) a1, (float) a2, (float) a3);
        assertThat(target[3]).isEqualTo(v[3]);
        assertThat(target[0]).isEqualTo((float) (a0 + v[0]));
    }

    @Test
    void theCriticLossIsTheHalfMeanSquareOfTheMaskedTdErrors() {
        // with γ = 0 the target is the reward, so the loss can be written down from the critics' outputs
        ReplayBatch b = batch(4);
        BaselineConfig myopic = new BaselineConfig(Algo.TD3, 0f, 0.005f, 1e-4f, 3e-4f, 3e-4f, 0f, 0.4f, 0.5f, 2, 0.2f, 0.5f,
                1e-4f, 2, 0.3f, 0.95f, 1e-4f);
        Td3Agent td3 = new Td3Agent(S, A, G, net(), myopic, pool);
        td3.init(new Rng(5));
        float loss = td3.criticLossAndGradient(b, new Rng(1))[0];
        float[][] q = td3.criticValues(b);
        double expected = 0;
        for (float[] out : q) {
            for (int i = 0; i < B; i++) {
                double e = (out[i] - b.rewards[i]) * (1 - b.truncated[i]);
                expected += e * e;
            }
        }
        expected = 0.5 * expected / (2 * B);
        assertThat((double) loss).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, expected)));
    }
}
