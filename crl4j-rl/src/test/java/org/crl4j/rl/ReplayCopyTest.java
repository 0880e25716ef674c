package org.crl4j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * {@link TrajectoryReplay#copyEnvironment}: a column copied into a replay of another width, after its positions,
 * gives every window the original gives (states, actions, trajectory ids, in time order across the ring's wrap),
 * and keeps doing so as both go on filling.
 */
class ReplayCopyTest {

    @Test
    void aCopiedColumnGivesTheSameWindowsAndKeepsFillingInStep() {
        TrajectoryReplay a = ReplayAndRelabellingTest.filled(4, 20, 53, 3, 9, 1); // wrapped: 53 steps in a ring of 20
        TrajectoryReplay b = ReplayAndRelabellingTest.filled(2, 20, 7, 3, 9, 2);
        b.copyPositions(a);
        b.copyEnvironment(a, 2, 0);
        b.copyEnvironment(a, 3, 1);
        assertSameColumns(a, 2, b, 0);
        assertSameColumns(a, 3, b, 1);

        // both take the same next steps for those envs: the rings stay in step
        float[] obsA = new float[4 * 3];
        float[] obsB = new float[2 * 3];
        float[] actA = new float[4];
        float[] actB = new float[2];
        int[] idsA = new int[4];
        int[] idsB = new int[2];
        for (int t = 0; t < 11; t++) {
            for (int e = 0; e < 4; e++) {
                obsA[e * 3] = 100 + t * 10 + e;
                actA[e] = -t - e;
                idsA[e] = 50 + t / 4;
            }
            System.arraycopy(obsA, 2 * 3, obsB, 0, 2 * 3);
            System.arraycopy(actA, 2, actB, 0, 2);
            System.arraycopy(idsA, 2, idsB, 0, 2);
            a.add(obsA, 3, actA, idsA);
            b.add(obsB, 3, actB, idsB);
        }
        assertSameColumns(a, 2, b, 0);
        assertSameColumns(a, 3, b, 1);
    }

    @Test
    void aColumnIsCopiedOnlyBetweenReplaysAtTheSamePositions() {
        TrajectoryReplay a = ReplayAndRelabellingTest.filled(2, 20, 53, 3, 9, 1);
        TrajectoryReplay b = ReplayAndRelabellingTest.filled(2, 20, 7, 3, 9, 2);
        assertThatThrownBy(() -> b.copyEnvironment(a, 0, 0)).hasMessageContaining("replays at different positions")
                .hasMessageContaining("copy the positions first");
        assertThatThrownBy(() -> new TrajectoryReplay(1, 21, 3, 1).copyPositions(a)).hasMessageContaining("capacities");
    }

    /** Every window (of every length, from every start) of env {@code ea} in {@code a} is env {@code eb}'s in {@code b}. */
    private static void assertSameColumns(TrajectoryReplay a, int ea, TrajectoryReplay b, int eb) {
        assertThat(b.size()).isEqualTo(a.size());
        assertThat(b.inserted()).isEqualTo(a.inserted());
        float[] sa = new float[3];
        float[] sb = new float[3];
        float[] xa = new float[1];
        float[] xb = new float[1];
        for (int t = 0; t < a.size(); t++) { // a window is consecutive t, so equal at every t is equal for every window
            a.copyState(ea, t, sa, 0);
            b.copyState(eb, t, sb, 0);
            assertThat(sb).as("state at t=%d", t).isEqualTo(sa);
            a.copyAction(ea, t, xa, 0);
            b.copyAction(eb, t, xb, 0);
            assertThat(xb).isEqualTo(xa);
            assertThat(b.trajectoryId(eb, t)).isEqualTo(a.trajectoryId(ea, t));
        }
    }
}
