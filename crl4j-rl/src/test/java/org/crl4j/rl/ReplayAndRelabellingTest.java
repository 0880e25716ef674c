package org.crl4j.rl;

import org.crl4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplayAndRelabellingTest {

    /**
     * A replay of {@code envs} environments whose state is (env, global step, trajectory id), episodes of random
     * length in [minLen, maxLen], so every stored value says where it came from.
     */
    static TrajectoryReplay filled(int envs, int capacity, int steps, int minLen, int maxLen, long seed) {
        TrajectoryReplay r = new TrajectoryReplay(envs, capacity, 3, 1);
        Rng rng = new Rng(seed);
        int[] ids = new int[envs];
        int[] left = new int[envs];
        for (int e = 0; e < envs; e++) {
            left[e] = minLen + rng.nextInt(maxLen - minLen + 1);
        }
        float[] obs = new float[envs * 5]; // stride 5: state 3 + goal 2, the goal part must be ignored
        float[] act = new float[envs];
        for (int t = 0; t < steps; t++) {
            for (int e = 0; e < envs; e++) {
                obs[e * 5] = e;
                obs[e * 5 + 1] = t;
                obs[e * 5 + 2] = ids[e];
                obs[e * 5 + 3] = -1;
                obs[e * 5 + 4] = -1;
                act[e] = t + 0.5f;
            }
            r.add(obs, 5, act, ids);
            for (int e = 0; e < envs; e++) {
                if (--left[e] == 0) {
                    ids[e]++;
                    left[e] = minLen + rng.nextInt(maxLen - minLen + 1);
                }
            }
        }
        return r;
    }

    @Test
    void fifoKeepsTheLastCapacityStepsInTimeOrder() {
        TrajectoryReplay r = filled(3, 50, 137, 10, 10, 1);
        assertThat(r.size()).isEqualTo(50);
        assertThat(r.inserted()).isEqualTo(137);
        float[] s = new float[3];
        float[] a = new float[1];
        for (int e = 0; e < 3; e++) {
            for (int t = 0; t < 50; t++) {
                r.copyState(e, t, s, 0);
                r.copyAction(e, t, a, 0);
                assertThat(s[0]).isEqualTo(e);
                assertThat(s[1]).as("oldest kept step is 137 − 50").isEqualTo(87 + t);
                assertThat(a[0]).isEqualTo(87 + t + 0.5f);
                assertThat(r.trajectoryId(e, t)).isEqualTo((87 + t) / 10);
            }
        }
        assertThat(r.bytes()).isEqualTo(4L * (3 * 50 * 3 + 3 * 50 + 3 * 50));
    }

    @Test
    void trajectoryEndsMarkTheLastStepOfEachRun() {
        int[] ids = {4, 4, 4, 5, 6, 6, 7};
        int[] ends = new int[ids.length];
        FutureGoals.trajectoryEnds(ids, ids.length, ends);
        assertThat(ends).containsExactly(2, 2, 2, 3, 5, 5, 6);
    }

    @Test
    void windowStartsAreUniformWithAnExclusiveUpperBound() {
        TrajectoryReplay r = filled(1, 40, 40, 100, 100, 2);
        Rng rng = new Rng(3);
        int[] starts = new int[1];
        int[] counts = new int[40];
        for (int i = 0; i < 30_000; i++) {
            r.sampleWindowStarts(30, rng, starts);
            counts[starts[0]]++;
        }
        for (int s = 0; s < 10; s++) {
            assertThat(counts[s]).as("start %d", s).isBetween(2_700, 3_300);
        }
        for (int s = 10; s < 40; s++) {
            assertThat(counts[s]).as("start %d beyond size − window", s).isZero();
        }
        assertThatThrownBy(() -> r.sampleWindowStarts(40, rng, starts)).hasMessageContaining("need more");
    }

    @Test
    void goalsNeverCrossTrajectoriesOrLeaveTheWindowAndRowsMatchTheReplay() {
        int window = 25;
        TrajectoryReplay r = filled(8, 200, 500, 3, 30, 4);
        HindsightBatches b = new HindsightBatches(r, window, 0.99, new int[] {1, 2}, 16);
        Rng rng = new Rng(5);
        float[] st = new float[16 * 3];
        float[] ac = new float[16];
        float[] go = new float[16 * 2];
        int selfGoals = 0;
        int rareSelf = 0;
        int rows = 0;
        for (int round = 0; round < 20; round++) {
            int n = b.prepare(rng, 1000);
            assertThat(n).isEqualTo(8 * (window - 1) / 16);
            for (int k = 0; k < n; k++) {
                b.fill(k, st, ac, go);
                for (int row = 0; row < 16; row++) {
                    int[] idx = b.indexOf(k, row);
                    int e = idx[0];
                    int t = idx[1];
                    int gt = idx[2];
                    assertThat(r.trajectoryId(e, gt)).as("goal from the same trajectory").isEqualTo(r.trajectoryId(e, t));
                    assertThat(gt).as("goal not in the past").isGreaterThanOrEqualTo(t);
                    assertThat(st[row * 3]).isEqualTo(e);
                    float stepOfT = st[row * 3 + 1];
                    assertThat(ac[row]).isEqualTo(stepOfT + 0.5f);
                    // goal = state_j[goalIndices {1, 2}] = (global step of j, trajectory id of j)
                    assertThat(go[row * 2]).isEqualTo(stepOfT + (gt - t));
                    assertThat(go[row * 2 + 1]).isEqualTo(st[row * 3 + 2]);
                    if (gt == t) {
                        selfGoals++;
                        boolean lastOfTrajectory = t + 1 >= r.size() || r.trajectoryId(e, t + 1) != r.trajectoryId(e, t);
                        // itself when nothing of its trajectory follows; otherwise only with p ≈ 1e-5 per row
                        if (!lastOfTrajectory) {
                            rareSelf++;
                        }
                    }
                    rows++;
                }
            }
        }
        assertThat(rows).isGreaterThan(1000);
        assertThat(selfGoals).as("steps at the end of a trajectory get themselves").isGreaterThan(0);
        assertThat(rareSelf).as("self-goals of steps that have a future (expected ≈ rows × 1e-5)").isLessThanOrEqualTo(2);
    }

    @Test
    void offsetDistributionMatchesTheDiscountedReference() {
        FutureGoals g = new FutureGoals(0.9);
        Rng rng = new Rng(6);
        int n = 12;        // future steps available in the trajectory
        int draws = 400_000;
        int[] counts = new int[n + 1];
        for (int i = 0; i < draws; i++) {
            int j = g.draw(100, 100 + n, rng);
            counts[j - 100]++;
        }
        double total = 0;
        for (int d = 0; d <= n; d++) {
            double p = g.probability(d, n);
            total += p;
            double sd = Math.sqrt(draws * p * (1 - p));
            assertThat((double) counts[d]).as("Δ = %d", d).isCloseTo(draws * p, org.assertj.core.data.Offset.offset(5 * sd + 1));
        }
        assertThat(total).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(g.probability(1, n) / g.probability(2, n)).isCloseTo(1 / 0.9, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void windowEdgesAndStepsWithoutAFuture() {
        FutureGoals g = new FutureGoals(0.99);
        Rng rng = new Rng(7);
        int selfAtEdge = 0;
        for (int i = 0; i < 200_000; i++) {
            int j = g.draw(5, 6, rng); // one future step: Δ = 1 unless the 1e-5 self weight is drawn
            assertThat(j).isBetween(5, 6);
            if (j == 5) {
                selfAtEdge++;
            }
            assertThat(g.draw(9, 9, rng)).as("no future in the trajectory → itself").isEqualTo(9);
        }
        assertThat(selfAtEdge).as("P(self) ≈ 1e-5 / 0.99").isLessThan(15);
        FutureGoals flat = new FutureGoals(1.0);
        int[] c = new int[4];
        for (int i = 0; i < 30_000; i++) {
            c[flat.draw(0, 3, rng)]++;
        }
        assertThat(c[1]).isBetween(9_400, 10_600);
        assertThat(c[3]).isBetween(9_400, 10_600);
    }

    @Test
    void batchesAreCappedAndTheRemainderDropped() {
        TrajectoryReplay r = filled(4, 100, 100, 50, 50, 8);
        HindsightBatches b = new HindsightBatches(r, 20, 0.99, new int[] {0}, 7);
        assertThat(b.prepare(new Rng(1), 1000)).isEqualTo(4 * 19 / 7);
        assertThat(b.prepare(new Rng(1), 3)).isEqualTo(3);
        assertThatThrownBy(() -> new HindsightBatches(r, 20, 0.99, new int[] {0}, 4 * 19 + 1))
                .hasMessageContaining("lower --batch-size");
    }

    @Test
    void sameSeedSameBatches() {
        TrajectoryReplay r = filled(4, 100, 150, 5, 40, 9);
        HindsightBatches a = new HindsightBatches(r, 30, 0.99, new int[] {1}, 8);
        HindsightBatches b = new HindsightBatches(r, 30, 0.99, new int[] {1}, 8);
        a.prepare(new Rng(11), 100);
        b.prepare(new Rng(11), 100);
        for (int k = 0; k < a.batches(); k++) {
            for (int row = 0; row < 8; row++) {
                assertThat(a.indexOf(k, row)).isEqualTo(b.indexOf(k, row));
            }
        }
    }
}
