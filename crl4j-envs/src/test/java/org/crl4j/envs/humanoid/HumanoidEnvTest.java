package org.crl4j.envs.humanoid;

import java.awt.image.BufferedImage;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.core.io.Safetensors;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.maze.MazeLayout;
import org.crl4j.envs.spring.SpringBatch;
import org.crl4j.envs.spring.SpringSystem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The humanoid tasks' interface: registry shapes, JaxGCRL's 268-dim state, goals, resets, checkpoints, pictures. */
class HumanoidEnvTest {

    static final int DIM = Humanoid.STATE_DIM + Humanoid.GOAL_DIM;

    static Humanoid make(String id, int n, long seed) {
        return (Humanoid) Envs.make(id, n, seed, new Parallel(1), VecEnv.ResetMode.SAME_START);
    }

    @Test
    void everyHumanoidTaskIsRegisteredWithJaxGcrlsShape() {
        for (String id : new String[] {"humanoid", "humanoid_u_maze", "humanoid_u_maze_eval", "humanoid_big_maze",
            "humanoid_big_maze_eval", "humanoid_hardest_maze", "humanoid_hardest_maze_eval"}) {
            EnvSpec s = Envs.spec(id);
            assertThat(s.stateDim()).as(id).isEqualTo(268);
            assertThat(s.goalIndices()).as(id).containsExactly(0, 1, 2);
            assertThat(s.actionDim()).isEqualTo(17);
            assertThat(s.successThreshold()).isEqualTo(0.5f);
            assertThat(s.episodeLength()).isEqualTo(1000);
        }
    }

    @Test
    void theStateIsQQdComInertiaComVelocityAndActuatorForcesThenTheGoal() {
        Humanoid env = make("humanoid", 8, 3);
        SpringSystem s = env.system();
        Rng rng = new Rng(4);
        float[] a = new float[8 * 17];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (2 * rng.nextDouble() - 1);
            }
            env.step(a);
        }
        float[] obs = env.observations();
        double total = HumanoidPhysicsTest.totalMass(s) + 1; // the target's 1 kg counts, as upstream
        for (int e = 0; e < 8; e++) {
            int o = e * DIM;
            for (int k = 0; k < 26; k++) {
                assertThat(obs[o + k]).isEqualTo((float) env.q(e, k));
            }
            for (int k = 0; k < 25; k++) {
                assertThat(obs[o + 26 + k]).isEqualTo((float) env.qd(e, k));
            }
            // com inertia: per link I + m(|p|² − p pᵀ) about the system's centre of mass, then m
            double[] weighted = new double[3];
            for (int l = 0; l < 12; l++) {
                int c = o + Humanoid.CINERT_OFF + 10 * l;
                double m = l < 11 ? s.mass(l) : 1.0;
                assertThat(obs[c + 9]).isEqualTo((float) m);
                for (int i = 0; i < 3; i++) {
                    for (int j = 0; j < 3; j++) {
                        assertThat(obs[c + 3 * i + j]).isEqualTo(obs[c + 3 * j + i]); // symmetric
                    }
                }
                // trace = 3 + 2m|p|²; the diagonal gives |p|² − p_i², hence each |p_i|
                double pp = (obs[c] + obs[c + 4] + obs[c + 8] - 3) / (2 * m);
                double px2 = pp - (obs[c] - 1) / m;
                assertThat(px2).isGreaterThan(-1e-4);
            }
            // com velocity rows: m·v/M summed over the links is the velocity of the centre of mass
            SpringBatch b = env.batch();
            double[] p = b.momentum(e);
            double[] sum = new double[3];
            for (int l = 0; l < 12; l++) {
                for (int k = 0; k < 3; k++) {
                    sum[k] += obs[o + Humanoid.CVEL_OFF + 6 * l + k];
                }
            }
            for (int k = 0; k < 3; k++) {
                assertThat(sum[k]).isCloseTo(p[k] / total, within(1e-4));
            }
            double[] links = new double[9 * 11];
            b.readLinkStates(e, links, 0);
            for (int l = 0; l < 11; l++) {
                for (int k = 0; k < 3; k++) {
                    assertThat(obs[o + Humanoid.CVEL_OFF + 6 * l + 3 + k]).isEqualTo((float) links[9 * l + 6 + k]);
                }
            }
            // actuator forces: gear · 0.4 · action on each motor's dof (the file's gears replaced by the spring ones)
            for (int m = 0; m < 17; m++) {
                double expected = HumanoidArena.SPRING_GEARS[m] * 0.4 * a[e * 17 + m];
                assertThat(obs[o + Humanoid.QFRC_OFF + s.motorDof(m)]).isCloseTo((float) expected, within(1e-3f));
            }
            assertThat(obs[o + Humanoid.QFRC_OFF]).isZero(); // the free joint
            // the goal: the target's x, y at the torso's standing height, the target also in q
            assertThat(obs[o + 268]).isEqualTo(obs[o + 24]);
            assertThat(obs[o + 269]).isEqualTo(obs[o + 25]);
            assertThat(obs[o + 270]).isEqualTo(1.25f);
        }
    }

    @Test
    void comInertiaDoesNotDependOnWhereTheBodyStands() {
        Humanoid a = make("humanoid", 1, 1);
        Humanoid b = make("humanoid", 1, 1);
        double[] q = a.system().initQ();
        q[24] = 3; // the target
        q[25] = -1;
        a.setState(0, q, new double[25]);
        q[0] += 7; // the body and its goal moved together
        q[1] -= 2;
        q[24] += 7;
        q[25] -= 2;
        b.setState(0, q, new double[25]);
        float[] oa = new float[DIM], ob = new float[DIM];
        // setState leaves the observation of the last reset; step both once with the same actions
        float[] act = new float[17];
        act[3] = 0.5f;
        a.step(act);
        b.step(act);
        System.arraycopy(a.observations(), 0, oa, 0, DIM);
        System.arraycopy(b.observations(), 0, ob, 0, DIM);
        for (int k = Humanoid.CINERT_OFF; k < Humanoid.STATE_DIM; k++) {
            assertThat(ob[k]).as("entry %d", k).isCloseTo(oa[k], within(2e-3f));
        }
        assertThat(ob[0] - oa[0]).isCloseTo(7f, within(1e-4f));
    }

    @Test
    void goalsLieOneToFiveMetresAwayAndEveryEpisodeStartsFromTheSamePose() {
        int n = 200;
        Humanoid env = make("humanoid", n, 5);
        float[] obs = env.observations();
        double[] init = env.system().initQ();
        for (int e = 0; e < n; e++) {
            double r = Math.hypot(obs[e * DIM + 268], obs[e * DIM + 269]);
            assertThat(r).isBetween(1.0, 5.0);
            for (int k = 0; k < 24; k++) {
                assertThat(env.q(e, k)).isEqualTo(init[k]); // reset_noise_scale 0
            }
        }
    }

    @Test
    void mazeHumanoidsStartInTheRCellAndAimAtAGoalCellCentre() {
        MazeLayout u = MazeLayout.U;
        Humanoid env = make("humanoid_u_maze", 50, 6);
        float[] obs = env.observations();
        for (int e = 0; e < 50; e++) {
            assertThat(env.q(e, 0)).isEqualTo(u.startRow() * 2.0);
            assertThat(env.q(e, 1)).isEqualTo(u.startCol() * 2.0);
            double gx = obs[e * DIM + 268] / 2.0, gy = obs[e * DIM + 269] / 2.0;
            assertThat(u.isGoal((int) gx, (int) gy)).as("goal cell of env %d", e).isTrue();
            assertThat(gx).isEqualTo(Math.rint(gx));
        }
        assertThat(env.system().contacts().numBoxes()).isEqualTo(18);
    }

    @Test
    void withoutControlItFallsTerminatesAndRestartsInTheSameStep() {
        Humanoid env = make("humanoid", 1, 8);
        float[] mid = new float[17]; // action 0: control 0
        int steps = 0;
        while (!env.terminated()[0] && steps < 400) {
            env.step(mid);
            steps++;
        }
        assertThat(env.terminated()[0]).isTrue();
        assertThat(steps).isBetween(75, 150);
        assertThat(env.finalObservations()[2]).isLessThan(1.0f); // the torso below 1 m
        assertThat(env.observations()[2]).isEqualTo(1.4f); // the next episode's first observation
        assertThat(env.episodeSteps()[0]).isZero();
    }

    @Test
    void resultsDependOnSeedNotOnThreadsAndACheckpointContinuesExactly() throws Exception {
        VecEnv a = Envs.make("humanoid_u_maze", 150, 9, new Parallel(1), VecEnv.ResetMode.SAME_START);
        VecEnv b = Envs.make("humanoid_u_maze", 150, 9, new Parallel(2), VecEnv.ResetMode.SAME_START);
        Rng rng = new Rng(1);
        float[] act = new float[150 * 17];
        for (int t = 0; t < 12; t++) {
            for (int i = 0; i < act.length; i++) {
                act[i] = (float) (2 * rng.nextDouble() - 1);
            }
            a.step(act);
            b.step(act);
        }
        assertThat(a.observations()).containsExactly(b.observations());
        java.nio.file.Path f = java.nio.file.Files.createTempFile("humanoid", ".safetensors");
        try {
            Safetensors.write(f, a.stateTensors("env."), java.util.Map.of());
            VecEnv c = Envs.make("humanoid_u_maze", 150, 123, new Parallel(1), VecEnv.ResetMode.SAME_START);
            c.restoreState(Safetensors.read(f), "env.");
            for (int t = 0; t < 5; t++) {
                for (int i = 0; i < act.length; i++) {
                    act[i] = (float) (2 * rng.nextDouble() - 1);
                }
                a.step(act);
                c.step(act);
            }
            assertThat(c.observations()).containsExactly(a.observations());
        } finally {
            java.nio.file.Files.deleteIfExists(f);
        }
    }

    @Test
    void thePictureShowsTheBodyStandingThenLying() {
        Humanoid env = make("humanoid", 1, 2);
        BufferedImage standing = env.renderer().render(env.observations(), 0, 400);
        assertThat(standing.getWidth()).isEqualTo(400);
        assertThat(standing.getHeight()).isEqualTo(200 + 400); // side view, then the floor from above
        // side view: 100 px per metre, z = 1.8 m at the top; the torso (z 1.4) at the centre column, y ≈ 40 px
        int sky = standing.getRGB(5, 5);
        assertThat(standing.getRGB(200, 40)).isNotEqualTo(sky);
        float[] lying = env.observations().clone();
        lying[2] = 0.2f; // the torso 0.2 m up, turned 90° about y
        lying[3] = (float) Math.sqrt(0.5);
        lying[5] = (float) Math.sqrt(0.5);
        BufferedImage fallen = env.renderer().render(lying, 0, 400);
        assertThat(fallen.getRGB(200, 40)).isEqualTo(sky);
        assertThat(fallen.getRGB(200, 160)).isNotEqualTo(fallen.getRGB(200, 199));
    }
}
