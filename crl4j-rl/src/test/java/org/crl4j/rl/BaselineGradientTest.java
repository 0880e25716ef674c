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
        return new BaselineConfig(algo, 0.9f, 0.05f, 3e-3f, 3e-3f, 3e-3f, 0.5f, 0.4f, 0.5f, 2, 0.2f, 0.5f);
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

    @Test
    void theCriticLossIsTheHalfMeanSquareOfTheMaskedTdErrors() {
        // with γ = 0 the target is the reward, so the loss can be written down from the critics' outputs
        ReplayBatch b = batch(4);
        BaselineConfig myopic = new BaselineConfig(Algo.TD3, 0f, 0.005f, 1e-4f, 3e-4f, 3e-4f, 0f, 0.4f, 0.5f, 2, 0.2f, 0.5f);
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
