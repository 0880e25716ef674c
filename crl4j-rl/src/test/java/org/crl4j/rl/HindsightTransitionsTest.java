package org.crl4j.rl;

import org.crl4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TD baselines' batches, on a replay whose every value is known: env e's state at time t is (e, t, trajectory),
 * its goal coordinates the first two; it is commanded the goal (100 + e, t mod 7); each episode is 10 steps, the
 * last one truncated, except trajectory 2 of env 1, terminated after 4; the observation an episode ends on
 * (kept as the final observation) is (e, t + 0.25), while the next slot holds the next episode's start.
 */
class HindsightTransitionsTest {
    static final int ENVS = 2;
    static final int S = 3;
    static final int G = 2;
    static final int STEPS = 300;
    static final float THRESHOLD = 0.5f;
    static final int[] GOAL_INDICES = {0, 1};

    /** Whether env e's step at time t ends its episode, and how: 0 not, 1 terminated, 2 truncated. */
    static int ending(int e, int t) {
        if (e == 1 && t == 23) {
            return 1;
        }
        return t % 10 == 9 ? 2 : 0;
    }

    /** Env 1's third episode ends at step 23, so its later episodes are numbered one higher than env 0's. */
    static int trajectory(int e, int t) {
        return t / 10 + (e == 1 && t > 23 ? 1 : 0);
    }

    static TrajectoryReplay replay() {
        TrajectoryReplay r = new TrajectoryReplay(ENVS, STEPS, S, 1, G);
        int obs = S + G;
        float[] o = new float[ENVS * obs];
        float[] next = new float[ENVS * obs];
        float[] finals = new float[ENVS * obs];
        float[] actions = new float[ENVS];
        int[] ids = new int[ENVS];
        boolean[] term = new boolean[ENVS];
        boolean[] trunc = new boolean[ENVS];
        for (int t = 0; t < STEPS; t++) {
            for (int e = 0; e < ENVS; e++) {
                o[e * obs] = e;
                o[e * obs + 1] = t;
                o[e * obs + 2] = trajectory(e, t);
                o[e * obs + 3] = 100 + e;
                o[e * obs + 4] = t % 7;
                actions[e] = t + 0.5f * e;
                ids[e] = trajectory(e, t);
                next[e * obs] = e;
                next[e * obs + 1] = t + 1;
                finals[e * obs] = e;
                finals[e * obs + 1] = t + 0.25f;
                term[e] = ending(e, t) == 1;
                trunc[e] = ending(e, t) == 2;
            }
            r.add(o, obs, actions, ids);
            r.recordOutcomes(next, finals, obs, GOAL_INDICES, term, trunc);
        }
        return r;
    }

    @Test
    void withoutRelabellingEveryRowKeepsItsCommandedGoalAndItsOwnOutcome() {
        TrajectoryReplay r = replay();
        HindsightBatches hb = new HindsightBatches(r, 40, 0.9, GOAL_INDICES, 16, 0.0, THRESHOLD);
        int n = hb.prepare(new Rng(1), 1000);
        ReplayBatch b = new ReplayBatch(16, S, 1, G);
        int rows = 0;
        for (int k = 0; k < n; k++) {
            hb.fill(k, b);
            for (int i = 0; i < 16; i++, rows++) {
                int e = (int) b.states[i * S];
                int t = (int) b.states[i * S + 1];
                assertThat(b.actions[i]).isEqualTo(t + 0.5f * e);
                assertThat(b.goals[i * G]).isEqualTo(100f + e);
                assertThat(b.goals[i * G + 1]).isEqualTo(t % 7);
                assertThat(b.rewards[i]).as("the commanded goal is never reached").isZero();
                assertThat(b.terminated[i]).isEqualTo(ending(e, t) == 1 ? 1f : 0f);
                assertThat(b.truncated[i]).isEqualTo(ending(e, t) == 2 ? 1f : 0f);
                assertThat(b.nextStates[i * S + 1]).as("s' is the next slot").isEqualTo(t + 1f);
            }
        }
        assertThat(rows).isEqualTo(n * 16).isGreaterThan(50);
    }

    @Test
    void relabelledRowsAreRewardedExactlyWhenTheirStepReachesTheGoal() {
        TrajectoryReplay r = replay();
        HindsightBatches hb = new HindsightBatches(r, 40, 0.5, GOAL_INDICES, 16, 1.0, THRESHOLD);
        Rng rng = new Rng(2);
        ReplayBatch b = new ReplayBatch(16, S, 1, G);
        int rewarded = 0;
        int endRowsRewarded = 0;
        for (int rep = 0; rep < 20; rep++) {
            int n = hb.prepare(rng, 1000);
            for (int k = 0; k < n; k++) {
                hb.fill(k, b);
                for (int i = 0; i < 16; i++) {
                    int e = (int) b.states[i * S];
                    int t = (int) b.states[i * S + 1];
                    float gt = b.goals[i * G + 1];
                    assertThat(b.goals[i * G]).as("a goal from the same environment's states").isEqualTo((float) e);
                    assertThat(gt).as("from the step's future (or itself)").isGreaterThanOrEqualTo(t);
                    assertThat(trajectory(e, (int) gt)).as("in its own trajectory").isEqualTo(trajectory(e, t));
                    // reached: (e, t + 1), or (e, t + 0.25) when the step ended the episode
                    float reached = ending(e, t) != 0 ? t + 0.25f : t + 1f;
                    float expected = Math.abs(reached - gt) < THRESHOLD ? 1f : 0f;
                    assertThat(b.rewards[i]).as("row (%d, %d) goal %s", e, t, gt).isEqualTo(expected);
                    rewarded += (int) b.rewards[i];
                    if (ending(e, t) != 0 && b.rewards[i] == 1f) {
                        endRowsRewarded++;
                    }
                }
            }
        }
        assertThat(rewarded).isGreaterThan(0);
        assertThat(endRowsRewarded).as("an episode's last step is scored on its final observation").isGreaterThan(0);
    }

    @Test
    void herRatioIsTheFractionOfRelabelledRows() {
        TrajectoryReplay r = replay();
        HindsightBatches hb = new HindsightBatches(r, 40, 0.9, GOAL_INDICES, 16, 0.3, THRESHOLD);
        Rng rng = new Rng(3);
        ReplayBatch b = new ReplayBatch(16, S, 1, G);
        int commanded = 0;
        int rows = 0;
        for (int rep = 0; rep < 40; rep++) {
            int n = hb.prepare(rng, 1000);
            for (int k = 0; k < n; k++) {
                hb.fill(k, b);
                for (int i = 0; i < 16; i++, rows++) {
                    commanded += b.goals[i * G] >= 100 ? 1 : 0;
                }
            }
        }
        double relabelled = 1 - (double) commanded / rows;
        // 40 × 78 rows: the binomial SE is 0.008
        assertThat(relabelled).as("of %d rows", rows).isBetween(0.26, 0.34);
    }
}
