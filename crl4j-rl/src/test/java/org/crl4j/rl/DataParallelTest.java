package org.crl4j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.rl.ranks.GradientReducer;
import org.crl4j.rl.ranks.LocalRanks;
import org.junit.jupiter.api.Test;

/**
 * Data-parallel SGD: ranks with their own data, gradients averaged before every Adam update. The ranks' parameters
 * must stay bit-identical, and the collective must reduce to the single-process step where it should.
 */
class DataParallelTest {
    private static final int STEPS = 15;

    /** One rank: an agent initialised from the shared seed, stepping on its own batches; returns its parameters. */
    private static float[][] train(CrlConfig cfg, long dataSeed, GradientReducer reducer) {
        try (Parallel pool = new Parallel(1)) {
            CrlAgent agent = new CrlAgent(CrlAgentTest.S, CrlAgentTest.A, CrlAgentTest.G, cfg, pool);
            agent.init(new Rng(3));
            Rng noise = new Rng(17); // the same actor noise on every rank, as a trainer seeded per rank would not need
            for (int step = 0; step < STEPS; step++) {
                CrlAgentTest.Batch batch = new CrlAgentTest.Batch(dataSeed * 1000 + step);
                agent.sgdStep(batch.states, batch.actions, batch.goals, CrlAgentTest.B, noise, reducer);
            }
            long fp = agent.fingerprint();
            return new float[][] {agent.actorParams().params().clone(), agent.criticParams().params().clone(),
                    {agent.logAlpha()}, {Float.intBitsToFloat((int) fp), Float.intBitsToFloat((int) (fp >>> 32))}};
        }
    }

    private static List<float[][]> trainRanks(CrlConfig cfg, long[] dataSeeds) throws Exception {
        LocalRanks ranks = new LocalRanks(dataSeeds.length);
        ExecutorService threads = Executors.newFixedThreadPool(dataSeeds.length);
        try {
            List<Future<float[][]>> results = new ArrayList<>();
            for (int r = 0; r < dataSeeds.length; r++) {
                GradientReducer reducer = ranks.reducer(r);
                long seed = dataSeeds[r];
                results.add(threads.submit(() -> train(cfg, seed, reducer)));
            }
            List<float[][]> out = new ArrayList<>();
            for (Future<float[][]> f : results) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void ranksWithTheirOwnDataStayBitIdenticalAndDifferFromEitherAlone() throws Exception {
        CrlConfig cfg = CrlAgentTest.config(1e-3f, 1e-3f, 0.5f);
        List<float[][]> ranks = trainRanks(cfg, new long[] {1, 2, 3});
        for (int r = 1; r < ranks.size(); r++) {
            assertThat(ranks.get(r)[3]).as("rank " + r + "'s fingerprint (parameters and Adam state)").isEqualTo(ranks.get(0)[3]);
            for (int g = 0; g < 3; g++) {
                assertThat(ranks.get(r)[g]).as("rank " + r + ", group " + g).isEqualTo(ranks.get(0)[g]);
            }
        }
        float[][] alone = train(cfg, 1, GradientReducer.SINGLE);
        assertThat(alone[1]).as("the averaged gradients moved the critic elsewhere").isNotEqualTo(ranks.get(0)[1]);
        assertThat(alone[3]).as("and the fingerprint tells").isNotEqualTo(ranks.get(0)[3]);
        assertThat(alone[0]).isNotEqualTo(ranks.get(0)[0]);
    }

    @Test
    void twoRanksOnTheSameDataAreTheSingleProcessStepBitForBit() throws Exception {
        CrlConfig cfg = CrlAgentTest.config(1e-3f, 1e-3f, 0.5f);
        List<float[][]> ranks = trainRanks(cfg, new long[] {5, 5});
        float[][] alone = train(cfg, 5, GradientReducer.SINGLE);
        for (int g = 0; g < 3; g++) {
            assertThat(ranks.get(0)[g]).as("group " + g).isEqualTo(alone[g]); // (g + g) / 2 = g exactly
            assertThat(ranks.get(1)[g]).isEqualTo(alone[g]);
        }
    }

    @Test
    void theMeanIsTakenInRankOrderAndEveryRankGetsTheSameBits() throws Exception {
        LocalRanks ranks = new LocalRanks(3);
        float[][] grads = {{1e8f, -0f, 1f}, {1f, -0f, 2f}, {-1e8f, -0f, 3f}};
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                GradientReducer reducer = ranks.reducer(r);
                float[] g = grads[r];
                done.add(threads.submit(() -> reducer.allReduceMean(GradientReducer.Group.CRITIC, g)));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        // (1e8 + 1) rounds to 1e8 in float, then − 1e8 = 0: the fixed order, not the exact mean 1/3
        float[] want = {((1e8f + 1f) + -1e8f) * (1f / 3), -0f, ((1f + 2f) + 3f) * (1f / 3)};
        for (float[] g : grads) {
            assertThat(g).containsExactly(want);
            assertThat(Float.floatToRawIntBits(g[1])).as("−0 stays −0").isEqualTo(Float.floatToRawIntBits(-0f));
        }
    }

    @Test
    void aRankThatFailsStopsTheOthersInsteadOfHangingThem() throws Exception {
        LocalRanks ranks = new LocalRanks(2);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Future<?> waiting = threads.submit(() -> ranks.reducer(0).allReduceMean(GradientReducer.Group.ACTOR,
                    new float[4]));
            Thread.sleep(200);
            ranks.abort(); // rank 1 failed before reaching the all-reduce
            assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another rank failed");
            assertThatThrownBy(() -> ranks.reducer(1).allReduceMean(GradientReducer.Group.ACTOR, new float[4]))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void theFingerprintSeesOneBitOfAnyParameterOrMoment() {
        try (Parallel pool = new Parallel(1)) {
            CrlAgent a = new CrlAgent(CrlAgentTest.S, CrlAgentTest.A, CrlAgentTest.G, CrlAgentTest.config(1e-3f, 1e-3f, 0.5f), pool);
            a.init(new Rng(3));
            CrlAgentTest.Batch batch = new CrlAgentTest.Batch(1);
            a.sgdStep(batch.states, batch.actions, batch.goals, CrlAgentTest.B, new Rng(5));
            long before = a.fingerprint();
            assertThat(a.fingerprint()).isEqualTo(before);
            float[] p = a.criticParams().params();
            p[p.length / 2] = Float.intBitsToFloat(Float.floatToRawIntBits(p[p.length / 2]) ^ 1);
            assertThat(a.fingerprint()).isNotEqualTo(before);
            p[p.length / 2] = Float.intBitsToFloat(Float.floatToRawIntBits(p[p.length / 2]) ^ 1);
            assertThat(a.fingerprint()).isEqualTo(before);
            float[] v = a.actorAdam.secondMoment();
            v[3] = Float.intBitsToFloat(Float.floatToRawIntBits(v[3]) ^ 1);
            assertThat(a.fingerprint()).as("an Adam moment").isNotEqualTo(before);
        }
    }
}
