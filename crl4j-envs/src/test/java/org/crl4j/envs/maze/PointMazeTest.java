package org.crl4j.envs.maze;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.VecEnv.ResetMode;
import org.crl4j.envs.VecEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PointMazeTest {

    private static final Parallel POOL = new Parallel(2);
    private static final double TOL = 1e-6;

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    private static EnvFactory factory(String id) {
        return PointMazes.factories().stream().filter(f -> f.spec().id().equals(id)).findFirst().orElseThrow();
    }

    private static PointMaze make(String id, int n, int episodeLength, ResetMode mode) {
        EnvFactory f = factory(id);
        PointMaze env = (PointMaze) f.create(n, POOL, mode);
        return new PointMaze(f.spec().withEpisodeLength(episodeLength), env.layout(), n, POOL, mode);
    }

    private static PointMaze make(MazeLayout layout, int n, int episodeLength, ResetMode mode) {
        EnvSpec spec = PointMazes.of("test_maze", "test maze", layout).spec().withEpisodeLength(episodeLength);
        return new PointMaze(spec, layout, n, POOL, mode);
    }

    // ---- registry ---------------------------------------------------------------------------------------------------

    @Test
    void registersTheJaxGcrlIdsWithTheirSpec() {
        List<EnvFactory> all = PointMazes.factories();
        assertThat(all).extracting(f -> f.spec().id()).containsExactly("simple_u_maze", "simple_u_maze_eval",
                "simple_u4_maze", "simple_u4_maze_eval", "simple_u5_maze", "simple_u5_maze_eval", "simple_big_maze",
                "simple_big_maze_eval", "simple_hardest_maze", "simple_hardest_maze_eval");
        for (EnvFactory f : all) {
            EnvSpec s = f.spec();
            assertThat(s.stateDim()).isEqualTo(4);
            assertThat(s.goalIndices()).containsExactly(0, 1);
            assertThat(s.actionDim()).isEqualTo(2);
            assertThat(s.successThreshold()).isEqualTo(0.5f);
            assertThat(s.episodeLength()).isEqualTo(1000);
            assertThat(s.observationDim()).isEqualTo(6);
        }
        EnvFactory c = PointMazes.custom("my_maze", "#####/#R..#/###.#/#G..#/#####");
        assertThat(c.spec().id()).isEqualTo("my_maze");
        assertThat(c.create(3, POOL, ResetMode.SAME_START).numEnvs()).isEqualTo(3);
        assertThatThrownBy(() -> PointMazes.custom("My Maze", "#####/#RG.#/#####"))
                .hasMessageContaining("invalid environment id");
        assertThatThrownBy(() -> PointMazes.custom("m", "#####/#R..#/#####")).hasMessageContaining("no goal cell");
    }

    // ---- reset --------------------------------------------------------------------------------------------------------

    @Test
    void startsAtTheCentreOfTheStartCellWithSmallVelocityAndGoalsAtGoalCellCentres() {
        for (EnvFactory f : PointMazes.factories()) {
            PointMaze env = (PointMaze) f.create(600, POOL, ResetMode.SAME_START);
            env.reset(11);
            MazeLayout m = env.layout();
            float[] obs = env.observations();
            Set<String> seen = new HashSet<>();
            double speed2 = 0;
            for (int i = 0; i < env.numEnvs(); i++) {
                int o = 6 * i;
                assertThat(obs[o]).isEqualTo(4f * m.startRow());
                assertThat(obs[o + 1]).isEqualTo(4f * m.startCol());
                speed2 += obs[o + 2] * obs[o + 2] + obs[o + 3] * obs[o + 3];
                int gr = Math.round(obs[o + 4] / 4f);
                int gc = Math.round(obs[o + 5] / 4f);
                assertThat(obs[o + 4]).isEqualTo(4f * gr);
                assertThat(obs[o + 5]).isEqualTo(4f * gc);
                assertThat(m.isGoal(gr, gc)).as("goal (%d, %d) of %s", gr, gc, f.spec().id()).isTrue();
                seen.add(gr + "," + gc);
            }
            // every goal cell gets drawn; the velocity noise is 0.1·N(0, 1) per axis
            assertThat(seen).hasSize(m.goalCount());
            assertThat(Math.sqrt(speed2 / (2 * env.numEnvs()))).isCloseTo(0.1, within(0.015));
        }
    }

    @Test
    void evalVariantsDrawOnlyFarGoals() {
        PointMaze env = make("simple_u_maze_eval", 300, 1000, ResetMode.RESAMPLE);
        env.reset(5);
        float[] obs = env.observations();
        for (int i = 0; i < env.numEnvs(); i++) {
            assertThat(obs[6 * i + 4]).isEqualTo(12f); // the bottom row of the U: x = 3 × 4 m
        }
    }

    // ---- dynamics ------------------------------------------------------------------------------------------------------

    @Test
    void freeMotionIsSemiImplicitEulerWithGearFiveAndNoDamping() {
        PointMaze env = make(MazeLayout.U, 1, 1000, ResetMode.SAME_START);
        env.reset(1);
        env.setBall(0, 4, 4, 0, 0);
        env.step(new float[] {1, -0.5f});
        // 10 substeps of dt 0.005 under a = (5, −2.5): v = a·0.05, x moves a·dt²·(1 + … + 10)
        assertThat(env.ballVx(0)).isCloseTo(0.25, within(1e-12));
        assertThat(env.ballVy(0)).isCloseTo(-0.125, within(1e-12));
        assertThat(env.ballX(0)).isCloseTo(4 + 5 * 0.005 * 0.005 * 55, within(1e-12));
        assertThat(env.ballY(0)).isCloseTo(4 - 2.5 * 0.005 * 0.005 * 55, within(1e-12));
        float[] obs = env.observations();
        assertThat(obs[2]).isEqualTo(0.25f);
        // no damping: with zero action the velocity is kept exactly
        double vx = env.ballVx(0);
        double vy = env.ballVy(0);
        env.step(new float[] {0, 0});
        assertThat(env.ballVx(0)).isEqualTo(vx);
        assertThat(env.ballVy(0)).isEqualTo(vy);
        // actions are clipped to [−1, 1], NaN counts as 0
        env.setBall(0, 4, 4, 0, 0);
        env.step(new float[] {7, Float.NaN});
        assertThat(env.ballVx(0)).isCloseTo(0.25, within(1e-12));
        assertThat(env.ballVy(0)).isEqualTo(0.0);
    }

    @Test
    void wallsStopTheBallInelasticallyAndFrictionTakesOffSlip() {
        PointMaze env = make(MazeLayout.U, 1, 1000, ResetMode.SAME_START);
        env.reset(1);
        // U start cell (1, 1) spans x ∈ [2, 6]; row 0 (x < 2) is wall. Head straight at it at 5 m/s.
        env.setBall(0, 4, 4, -5, 0);
        for (int k = 0; k < 20; k++) {
            env.step(new float[] {0, 0});
        }
        assertThat(env.ballX(0)).isCloseTo(2 + PointMaze.RADIUS, within(TOL));
        assertThat(env.ballVx(0)).isEqualTo(0.0); // elasticity 0: no bounce
        // Hit it at 45°: the normal impulse (3 m/s) allows μ·3 of friction, enough to take off nearly all slip.
        env.setBall(0, 2.26, 4, -3, 3);
        env.step(new float[] {0, 0});
        assertThat(env.ballVx(0)).isEqualTo(0.0);
        assertThat(env.ballVy(0)).isBetween(0.0, 0.2);
        // A glancing hit keeps most of the slip: friction is bounded by μ × normal impulse.
        env.setBall(0, 2.252, 4, -0.5, 1.5);
        env.step(new float[] {0, 0});
        assertThat(env.ballVy(0)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void slidingAlongAWallOfManyCellsFeelsOnlyFriction() {
        // A straight 30-cell corridor: the wall beside the ball is 30 boxes with seams every 4 m. The seams must not
        // bump the ball (a box's corner under a ball pressed into the wall beside it is not a contact). Balls slide
        // both ways, from many offsets, pressed into the wall with full force.
        MazeLayout corridor = MazeLayout.parse("#".repeat(32) + "/#R" + ".".repeat(28) + "G#/" + "#".repeat(32));
        int n = 64;
        PointMaze env = make(corridor, n, 1000, ResetMode.SAME_START);
        env.reset(1);
        float[] a = new float[2 * n];
        for (int i = 0; i < n; i++) {
            boolean forward = i % 2 == 0;
            env.setBall(i, 2 + PointMaze.RADIUS, (forward ? 4 : 116) + 0.037 * i, 0, forward ? 20 : -20);
            a[2 * i] = -1f; // 5 N into the wall: μ·5 N of friction, 5 m/s² of deceleration
        }
        for (int k = 0; k < 40; k++) {
            env.step(a);
            for (int i = 0; i < n; i++) {
                assertThat(env.ballX(i)).isCloseTo(2 + PointMaze.RADIUS, within(1e-9));
            }
        }
        for (int i = 0; i < n; i++) {
            // 2 s of friction alone: 20 → 10 m/s, over 30 m (7 or 8 seams)
            assertThat(Math.abs(env.ballVy(i))).as("env %d", i).isCloseTo(10.0, within(1e-9));
            assertThat(Math.abs(env.ballY(i) - ((i % 2 == 0 ? 4 : 116) + 0.037 * i))).isCloseTo(30, within(0.3));
        }
    }

    @Test
    void successFlagMatchesDistanceBelowHalfAMetre() {
        PointMaze env = make(MazeLayout.U, 4, 1000, ResetMode.SAME_START);
        env.reset(2);
        float[] obs = env.observations();
        double[] offsets = {0.0, 0.49, 0.51, 1.2};
        for (int i = 0; i < 4; i++) {
            env.setBall(i, obs[6 * i + 4] + offsets[i], obs[6 * i + 5], 0, 0);
        }
        env.step(new float[8]);
        obs = env.observations();
        for (int i = 0; i < 4; i++) {
            double d = Math.hypot(obs[6 * i] - obs[6 * i + 4], obs[6 * i + 1] - obs[6 * i + 5]);
            assertThat((double) env.distances()[i]).isCloseTo(d, within(1e-5));
            assertThat(env.rewards()[i]).isEqualTo(d < 0.5 ? 1f : 0f);
        }
        assertThat(env.rewards()).containsExactly(1f, 1f, 0f, 0f);
    }

    // ---- episodes ------------------------------------------------------------------------------------------------------

    @Test
    void truncatesAtTheEpisodeLengthAndRestartsFromTheSameStartAndGoal() {
        int len = 37;
        PointMaze env = make("simple_big_maze", 200, len, ResetMode.SAME_START);
        env.reset(9);
        float[] first = env.observations().clone();
        Rng rng = new Rng(3);
        float[] a = new float[400];
        float[] before = null;
        for (int t = 1; t <= len; t++) {
            rng.fillUniform(a, 0, a.length, -1f, 1f);
            before = env.observations().clone();
            env.step(a);
            boolean last = t == len;
            for (int i = 0; i < 200; i++) {
                assertThat(env.truncated()[i]).isEqualTo(last);
                assertThat(env.terminated()[i]).isFalse();
                assertThat(env.trajectoryIds()[i]).isEqualTo(last ? 1 : 0);
            }
        }
        assertThat(env.observations()).containsExactly(first);
        assertThat(env.episodeSteps()).containsOnly(0);
        // the final observation is where the last step went, not the restart
        assertThat(env.finalObservations()).isNotEqualTo(first);
        assertThat(before).isNotEqualTo(env.finalObservations());
        // and the next episode runs normally
        env.step(a);
        assertThat(env.truncated()[0]).isFalse();
        assertThat(env.trajectoryIds()[0]).isEqualTo(1);
    }

    @Test
    void resampleModeDrawsAFreshStartVelocityAndGoal() {
        int len = 5;
        PointMaze env = make("simple_hardest_maze", 300, len, ResetMode.RESAMPLE);
        env.reset(4);
        float[] first = env.observations().clone();
        float[] zero = new float[600];
        for (int t = 0; t < len; t++) {
            env.step(zero);
        }
        float[] obs = env.observations();
        int goalsChanged = 0;
        for (int i = 0; i < 300; i++) {
            assertThat(env.trajectoryIds()[i]).isEqualTo(1);
            assertThat(obs[6 * i]).isEqualTo(4f);
            assertThat(obs[6 * i + 1]).isEqualTo(4f);
            assertThat(obs[6 * i + 2]).isNotEqualTo(first[6 * i + 2]);
            assertThat(MazeLayout.HARDEST.isGoal(Math.round(obs[6 * i + 4] / 4), Math.round(obs[6 * i + 5] / 4)))
                    .isTrue();
            if (obs[6 * i + 4] != first[6 * i + 4] || obs[6 * i + 5] != first[6 * i + 5]) {
                goalsChanged++;
            }
        }
        assertThat(goalsChanged).isGreaterThan(250); // 45 goal cells: a repeat is a 1-in-45 event
    }

    // ---- determinism ----------------------------------------------------------------------------------------------------

    @Test
    void identicalForOneTwoAndThreeThreads() {
        float[] reference = null;
        for (int threads = 1; threads <= 3; threads++) {
            try (Parallel pool = new Parallel(threads)) {
                VecEnv env = factory("simple_hardest_maze").create(700, pool, ResetMode.RESAMPLE);
                env.reset(123);
                Rng rng = new Rng(77);
                float[] a = new float[1400];
                int[] ids = null;
                for (int t = 0; t < 1500; t++) {
                    if (t % 7 == 0) {
                        rng.fillUniform(a, 0, a.length, -1f, 1f);
                    }
                    env.step(a);
                    ids = env.trajectoryIds();
                }
                assertThat(ids[0]).isEqualTo(1);
                float[] obs = env.observations().clone();
                if (reference == null) {
                    reference = obs;
                } else {
                    assertThat(obs).as("observations with %d threads", threads).containsExactly(reference);
                }
            }
        }
    }
}
