package org.crl4j.cluster.ranks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.crl4j.cluster.ClusterNode;
import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.rl.CrlAgent;
import org.crl4j.rl.CrlConfig;
import org.crl4j.rl.ranks.GradientReducer;
import org.crl4j.rl.ranks.GradientReducer.Group;
import org.crl4j.rl.ranks.LocalRanks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Ranks as separate ActorSystems (cluster nodes) in this JVM on 127.0.0.1: the cluster all-reduce must give
 * LocalRanks' bits on every rank, keep real agents bit-identical, and fail, not hang, when a rank's node goes.
 */
class ClusterRanksTest {
    private static final int CHUNK = ClusterRanks.Settings.DEFAULT_CHUNK_FLOATS;
    /** Gradient sizes: one float, less than a chunk, a non-multiple of the chunk, about 4.5 MB. */
    private static final int[] SIZES = {1, 1000, 2 * CHUNK + 13, 4_500_000 / Float.BYTES};
    private static final Group[] GROUPS = {Group.ACTOR, Group.ALPHA, Group.CRITIC};
    private static final int TWO_NANS = 10;

    private final List<ClusterNode> nodes = new ArrayList<>();
    private final List<ClusterRanks> reducers = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        reducers.forEach(ClusterRanks::close);
        threads.shutdownNow();
        nodes.stream().skip(1).map(n -> CompletableFuture.runAsync(n::close)).toList()
                .forEach(CompletableFuture::join);
        if (!nodes.isEmpty()) {
            nodes.get(0).close();
        }
    }

    /** K nodes (the first is the seed), all Up, and rank r's reducer on node r. */
    private List<ClusterRanks> ranks(int k, String runId, ClusterRanks.Settings settings) throws Exception {
        long t0 = System.nanoTime();
        ClusterNode seed = ClusterNode.startSeed(ClusterNode.LOOPBACK, 0, true, null);
        nodes.add(seed);
        for (int r = 1; r < k; r++) {
            nodes.add(ClusterNode.startJoining(ClusterNode.LOOPBACK, 0, seed.address(), true, null));
        }
        for (ClusterNode n : nodes) {
            n.awaitUp(Duration.ofSeconds(15));
        }
        long up = ms(t0);
        List<Future<ClusterRanks>> joining = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            int rank = r;
            joining.add(threads.submit(() -> ClusterRanks.join(nodes.get(rank).system(), runId, rank, k, settings)));
        }
        for (Future<ClusterRanks> f : joining) {
            reducers.add(f.get(30, TimeUnit.SECONDS));
        }
        System.err.printf("[ClusterRanksTest] %d nodes Up after %d ms, the ranks found each other after %d ms%n", k, up,
                ms(t0));
        return reducers;
    }

    /** Runs {@code body} as every rank at once, each on its own thread, and returns what each returned. */
    private <T> List<T> onEveryRank(int k, IntFunction<T> body) throws Exception {
        List<Future<T>> running = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            int rank = r;
            running.add(threads.submit(() -> body.apply(rank)));
        }
        List<T> out = new ArrayList<>();
        for (Future<T> f : running) {
            out.add(f.get(40, TimeUnit.SECONDS));
        }
        return out;
    }

    /** grads[rank][call]: random, with the awkward values sprinkled over the first elements. */
    private static float[][][] gradients(int k, int steps) {
        float[][][] g = new float[k][steps * SIZES.length * GROUPS.length][];
        Rng rng = new Rng(16);
        int call = 0;
        for (int s = 0; s < steps; s++) {
            for (int size : SIZES) {
                for (Group ignored : GROUPS) {
                    for (int r = 0; r < k; r++) {
                        float[] a = new float[size];
                        rng.fillGaussian(a, 0, size);
                        if (size > 20) {
                            a[1] = -0f; // −0 on every rank stays −0
                            a[2] = r == k - 1 ? Float.NaN : 1f;
                            a[3] = r == 0 ? Float.POSITIVE_INFINITY : 2f;
                            a[4] = r == 0 ? Float.POSITIVE_INFINITY : r == 1 ? Float.NEGATIVE_INFINITY : 0f;
                            a[5] = Float.MAX_VALUE; // overflows to +Inf before the × 1/K
                            a[6] = r == 0 ? 1e8f : r == 1 ? 1f : -1e8f; // the order shows
                            a[7] = r == 0 ? Float.intBitsToFloat(0x7fc00123) : 1f; // a NaN's payload survives
                            a[8] = Float.MIN_VALUE * (r + 1); // subnormals
                            a[9] = r == k - 1 ? Float.intBitsToFloat(0xffc00456) : -1f;
                            a[TWO_NANS] = Float.intBitsToFloat(0x7fc00100 + r); // see matchesLocalRanksBitForBit
                        }
                        g[r][call] = a;
                    }
                    call++;
                }
            }
        }
        return g;
    }

    private static float[][][] copy(float[][][] g) {
        float[][][] c = new float[g.length][][];
        for (int r = 0; r < g.length; r++) {
            c[r] = new float[g[r].length][];
            for (int i = 0; i < g[r].length; i++) {
                c[r][i] = g[r][i].clone();
            }
        }
        return c;
    }

    /** Every rank reduces every call's gradient, in order (group of call i is GROUPS[i % 3]). */
    private List<Long> reduceAll(int k, IntFunction<GradientReducer> reducer, float[][][] g) throws Exception {
        return onEveryRank(k, r -> {
            long t0 = System.nanoTime();
            GradientReducer red = reducer.apply(r);
            for (int i = 0; i < g[r].length; i++) {
                red.allReduceMean(GROUPS[i % GROUPS.length], g[r][i]);
            }
            return System.nanoTime() - t0;
        });
    }

    private void matchesLocalRanksBitForBit(int k, ClusterRanks.Settings settings) throws Exception {
        List<ClusterRanks> cluster = ranks(k, "bits" + k + settings.owners(), settings);
        float[][][] viaCluster = gradients(k, 2);
        float[][][] viaLocal = copy(viaCluster);
        List<Long> nanos = reduceAll(k, cluster::get, viaCluster);
        LocalRanks local = new LocalRanks(k);
        reduceAll(k, local::reducer, viaLocal);
        long floats = 0;
        for (int i = 0; i < viaCluster[0].length; i++) {
            if (viaLocal[0][i].length > TWO_NANS) {
                // Where several ranks hand in NaNs with different payloads, Java leaves open which payload a float
                // addition keeps: the compiled code's operand order decides, in LocalRanks as here. It is still a NaN,
                // and the same bits on every cluster rank.
                assertThat(viaLocal[0][i][TWO_NANS]).isNaN();
                int rankZero = Float.floatToRawIntBits(viaCluster[0][i][TWO_NANS]);
                for (int r = 0; r < k; r++) {
                    assertThat(Float.floatToRawIntBits(viaCluster[r][i][TWO_NANS])).as("rank %d", r)
                            .isEqualTo(rankZero);
                    assertThat(viaCluster[r][i][TWO_NANS]).isNaN();
                    viaCluster[r][i][TWO_NANS] = 0;
                    viaLocal[r][i][TWO_NANS] = 0;
                }
            }
            int[] want = rawBits(viaLocal[0][i]);
            floats += want.length;
            for (int r = 0; r < k; r++) {
                int[] got = rawBits(viaCluster[r][i]);
                int at = java.util.Arrays.mismatch(got, want);
                assertThat(at).as("rank %d, call %d (%d floats): first difference at %d, %s instead of %s", r, i,
                        want.length, at, at < 0 ? "" : Integer.toHexString(got[at]),
                        at < 0 ? "" : Integer.toHexString(want[at])).isEqualTo(-1);
            }
        }
        assertThat(Float.floatToRawIntBits(viaCluster[0][3][1])).as("−0 stays −0") // call 3: SIZES[1], ACTOR
                .isEqualTo(Float.floatToRawIntBits(-0f));
        System.err.printf("[ClusterRanksTest] %d ranks, %s: %d all-reduces of %d floats in all, rank 0 took %d ms,"
                + " LocalRanks' bits on every rank%n", k, settings.owners(), viaCluster[0].length, floats,
                nanos.get(0) / 1_000_000);
    }

    @Test
    void twoRanksReduceScatterGiveLocalRanksBits() throws Exception {
        matchesLocalRanksBitForBit(2, ClusterRanks.Settings.defaults());
    }

    @Test
    void threeRanksReduceScatterGiveLocalRanksBits() throws Exception {
        matchesLocalRanksBitForBit(3, ClusterRanks.Settings.defaults());
    }

    @Test
    void threeRanksGatheredAtRankZeroGiveLocalRanksBits() throws Exception {
        matchesLocalRanksBitForBit(3, ClusterRanks.Settings.defaults().withOwners(ClusterRanks.Owners.RANK_ZERO));
    }

    @Test
    void chunksTravelThroughTheirOwnSerializerWithTheirBits() throws Exception {
        ClusterNode node = ClusterNode.start(ClusterNode.LOOPBACK, 0, false, null);
        nodes.add(node);
        org.apache.pekko.serialization.Serialization ser = org.apache.pekko.serialization.SerializationExtension
                .get(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node.system()));
        RankMessages.Mean m = new RankMessages.Mean(7, Group.CRITIC, 9, 2, 1,
                new float[] {-0f, Float.intBitsToFloat(0x7fc00123), Float.NEGATIVE_INFINITY});
        assertThat(ser.findSerializerFor(m)).isInstanceOf(PartSerializer.class);
        RankMessages.Mean back = (RankMessages.Mean) ser.deserialize(ser.serialize(m).get(), PartSerializer.ID, "M")
                .get();
        assertThat(back).usingRecursiveComparison().ignoringFields("data").isEqualTo(m);
        assertThat(rawBits(back.data())).isEqualTo(rawBits(m.data()));
    }

    // ---- real agents ----

    private static final int S = 5;
    private static final int A = 3;
    private static final int G = 2;
    private static final int HALF = 12;
    private static final int STEPS = 5;

    private static CrlConfig smallConfig() {
        CrlConfig p = CrlConfig.paper(32, 4);
        return new CrlConfig(32, 4, 32, 4, 16, p.energy(), p.contrastiveLoss(), p.logsumexpPenalty(), 1e-3f, 1e-3f,
                1e-3f, 0.5f, false, true, p.activation(), true, p.recompute());
    }

    /** Rank r's agent after STEPS steps on its half of each batch; returns its fingerprint. */
    private static long train(int rank, GradientReducer reducer) {
        try (Parallel pool = new Parallel(1)) {
            CrlAgent agent = new CrlAgent(S, A, G, smallConfig(), pool);
            agent.init(new Rng(3));
            Rng noise = Rng.forStream(17, rank);
            for (int step = 0; step < STEPS; step++) {
                Rng data = Rng.forStream(1000 + step, rank); // rank r's half of step `step`'s batch
                float[] states = new float[HALF * S];
                float[] actions = new float[HALF * A];
                float[] goals = new float[HALF * G];
                data.fillGaussian(states, 0, states.length);
                data.fillUniform(actions, 0, actions.length, -0.9f, 0.9f);
                data.fillGaussian(goals, 0, goals.length);
                agent.sgdStep(states, actions, goals, HALF, noise, reducer);
            }
            return agent.fingerprint();
        }
    }

    @Test
    void twoAgentsOnHalfBatchesStayBitIdenticalAndMatchLocalRanks() throws Exception {
        List<ClusterRanks> cluster = ranks(2, "agents", ClusterRanks.Settings.defaults());
        List<Long> viaCluster = onEveryRank(2, r -> train(r, cluster.get(r)));
        LocalRanks local = new LocalRanks(2);
        List<Long> viaLocal = onEveryRank(2, r -> train(r, local.reducer(r)));
        assertThat(viaCluster.get(1)).isEqualTo(viaCluster.get(0));
        assertThat(viaCluster.get(0)).isEqualTo(viaLocal.get(0)).isEqualTo(viaLocal.get(1));
        assertThat(viaCluster.get(0)).as("the other half moved the agent").isNotEqualTo(
                train(0, GradientReducer.SINGLE));
    }

    // ---- failure ----

    @Test
    void aRankWhoseNodeStopsMakesEveryOtherRankThrowNamingIt() throws Exception {
        List<ClusterRanks> cluster = ranks(3, "loss", ClusterRanks.Settings.defaults());
        onEveryRank(3, r -> {
            cluster.get(r).allReduceMean(Group.ACTOR, new float[] {r});
            return null;
        });
        List<Future<Throwable>> blocked = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            ClusterRanks red = cluster.get(r);
            blocked.add(threads.submit(() -> {
                try {
                    red.allReduceMean(Group.CRITIC, new float[3 * CHUNK]);
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            }));
        }
        Thread.sleep(300); // ranks 0 and 1 are waiting for rank 2
        long t0 = System.nanoTime();
        nodes.get(2).system().terminate();
        for (int r = 0; r < 2; r++) {
            Throwable e = blocked.get(r).get(15, TimeUnit.SECONDS);
            assertThat(e).as("rank %d", r).isInstanceOf(IllegalStateException.class);
            assertThat(e.getMessage()).contains("rank 2 of 3").doesNotContain("\n");
            System.err.printf("[ClusterRanksTest] rank %d threw %d ms after rank 2's node was told to stop: %s%n", r,
                    ms(t0), e.getMessage());
        }
        assertThatThrownBy(() -> cluster.get(0).allReduceMean(Group.ACTOR, new float[1]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("rank 2 of 3");
    }

    private static int[] rawBits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Float.floatToRawIntBits(a[i]);
        }
        return b;
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
