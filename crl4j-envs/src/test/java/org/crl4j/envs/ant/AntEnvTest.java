package org.crl4j.envs.ant;

import java.util.HashSet;
import java.util.Set;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.maze.MazeLayout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The ant tasks as JaxGCRL defines them: registry, observation layout, resets, termination, determinism. */
class AntEnvTest {

    @Test
    void everyAntTaskIsRegisteredWithJaxGcrlsShape() {
        for (String id : new String[] {"ant", "ant_u_maze", "ant_u_maze_eval", "ant_u4_maze", "ant_u4_maze_eval",
            "ant_u5_maze", "ant_u5_maze_eval", "ant_big_maze", "ant_big_maze_eval", "ant_hardest_maze",
            "ant_hardest_maze_eval"}) {
            EnvSpec s = Envs.spec(id);
            assertThat(s.stateDim()).isEqualTo(29);
            assertThat(s.goalIndices()).containsExactly(0, 1);
            assertThat(s.actionDim()).isEqualTo(8);
            assertThat(s.successThreshold()).isEqualTo(0.5f);
            assertThat(s.episodeLength()).isEqualTo(1000);
        }
    }

    @Test
    void observationIsQAndQdWithoutTheTargetThenTheGoal() {
        VecEnv env = Envs.make("ant", 64, 11);
        float[] obs = env.observations();
        for (int e = 0; e < 64; e++) {
            int o = e * 31;
            // torso near the origin at 0.55 ± 0.1, a unit-ish quaternion (noise is added before normalising)
            assertThat(Math.abs(obs[o])).isLessThanOrEqualTo(0.1f);
            assertThat(obs[o + 2]).isBetween(0.4f, 0.7f);
            double qn = 0;
            for (int k = 3; k < 7; k++) {
                qn += obs[o + k] * obs[o + k];
            }
            assertThat(qn).isCloseTo(1, within(1e-5));
            // ankles start near ±1 rad, in the order ankle_1, ankle_2, ankle_3, ankle_4
            assertThat(obs[o + 8]).isBetween(0.85f, 1.15f);
            assertThat(obs[o + 10]).isBetween(-1.15f, -0.85f);
            assertThat(obs[o + 12]).isBetween(-1.15f, -0.85f);
            assertThat(obs[o + 14]).isBetween(0.85f, 1.15f);
            // the goal lies on the circle of radius 10
            assertThat(Math.hypot(obs[o + 29], obs[o + 30])).isCloseTo(10, within(1e-5));
        }
    }

    @Test
    void mazeAntsStartInTheRCellAndAimAtAGoalCellCentre() {
        VecEnv env = Envs.make("ant_u_maze_eval", 64, 5);
        MazeLayout u = MazeLayout.U_EVAL;
        Set<String> goals = new HashSet<>();
        float[] obs = env.observations();
        for (int e = 0; e < 64; e++) {
            int o = e * 31;
            assertThat(obs[o]).isEqualTo(4f * u.startRow());
            assertThat(obs[o + 1]).isEqualTo(4f * u.startCol());
            int row = Math.round(obs[o + 29] / 4f);
            int col = Math.round(obs[o + 30] / 4f);
            assertThat(u.isGoal(row, col)).isTrue();
            assertThat(obs[o + 29]).isEqualTo(4f * row);
            goals.add(row + "," + col);
        }
        assertThat(goals).hasSize(u.goalCount());
    }

    @Test
    void resultsDependOnSeedAndCountNotOnThreads() {
        VecEnv a = Envs.make("ant_u_maze", 300, 9, new Parallel(1), VecEnv.ResetMode.SAME_START);
        VecEnv b = Envs.make("ant_u_maze", 300, 9, new Parallel(2), VecEnv.ResetMode.SAME_START);
        Rng rng = new Rng(1);
        float[] act = new float[300 * 8];
        for (int t = 0; t < 20; t++) {
            for (int i = 0; i < act.length; i++) {
                act[i] = (float) (2 * rng.nextDouble() - 1);
            }
            a.step(act);
            b.step(act);
        }
        assertThat(a.observations()).containsExactly(b.observations());
        assertThat(a.observations()[3]).isNotEqualTo(Envs.make("ant_u_maze", 300, 10).observations()[3]);
    }

    @Test
    void aFallenAntTerminatesAndRestartsInTheSameStep() {
        Ant env = (Ant) Envs.make("ant", 2, 3, new Parallel(1), VecEnv.ResetMode.SAME_START);
        float[] first = java.util.Arrays.copyOf(env.observations(), 31);
        double[] q = env.system().initQ();
        q[2] = 0.1; // torso below 0.2, upside down: the feet in the air, and the torso itself touches nothing
        q[3] = 0;
        q[4] = 1;
        env.setState(0, q, new double[16]);
        env.step(new float[16]);
        assertThat(env.terminated()[0]).isTrue();
        assertThat(env.truncated()[0]).isFalse();
        assertThat(env.finalObservations()[2]).isLessThan(0.2f);
        assertThat(env.trajectoryIds()[0]).isEqualTo(1);
        assertThat(java.util.Arrays.copyOf(env.observations(), 31)).containsExactly(first); // same start again
        assertThat(env.terminated()[1]).isFalse();
        assertThat(env.trajectoryIds()[1]).isEqualTo(0);
    }

    @Test
    void anAntThrownUpTerminatesAndEpisodesAreTruncatedAtTheirLength() {
        Ant env = new Ant(Envs.spec("ant").withEpisodeLength(5), new OpenArena(), 1, new Parallel(1),
                VecEnv.ResetMode.SAME_START);
        env.reset(1);
        for (int t = 0; t < 4; t++) {
            env.step(new float[8]);
            assertThat(env.truncated()[0]).isFalse();
        }
        env.step(new float[8]);
        assertThat(env.truncated()[0]).isTrue();
        assertThat(env.terminated()[0]).isFalse();
        double[] q = env.system().initQ();
        q[2] = 3; // above 1.0
        env.setState(0, q, new double[16]);
        env.step(new float[8]);
        assertThat(env.terminated()[0]).isTrue();
    }

    @Test
    void aFallOnTheLastStepIsATerminationNotATruncation() {
        Ant env = new Ant(Envs.spec("ant").withEpisodeLength(3), new OpenArena(), 1, new Parallel(1),
                VecEnv.ResetMode.SAME_START);
        env.reset(1);
        env.step(new float[8]);
        env.step(new float[8]);
        double[] q = env.system().initQ();
        q[2] = 3; // leaves [0.2, 1.0] on the step that also reaches the episode length
        env.setState(0, q, new double[16]);
        env.step(new float[8]);
        // a bootstrapping learner must see the fall, not a time limit
        assertThat(env.terminated()[0]).isTrue();
        assertThat(env.truncated()[0]).isFalse();
        assertThat(env.trajectoryIds()[0]).isEqualTo(1);
    }

    @Test
    void aStateThatIsNoLongerANumberTerminatesInsteadOfPoisoningTheBatch() {
        Ant env = (Ant) Envs.make("ant", 5, 3, new Parallel(1), VecEnv.ResetMode.SAME_START);
        double[] q = env.system().initQ();
        q[2] = Double.NaN;
        env.setState(2, q, new double[16]);
        env.step(new float[5 * 8]);
        assertThat(env.terminated()[2]).isTrue();
        // the env restarted from a finite state, and its lane neighbours never saw the NaN
        for (int e = 0; e < 5; e++) {
            assertThat(env.terminated()[e]).as("env %d", e).isEqualTo(e == 2);
            for (int k = 0; k < 31; k++) {
                assertThat(Float.isFinite(env.observations()[e * 31 + k])).as("env %d obs %d", e, k).isTrue();
            }
        }
        env.step(new float[5 * 8]);
        assertThat(env.terminated()).containsOnly(false);
    }
}
