package org.crl4j.envs.reacher;

import java.util.List;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.VecEnv.ResetMode;
import org.crl4j.envs.VecEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReacherEnvTest {

    static final int OBS = 13;
    static Parallel pool;

    @BeforeAll
    static void start() {
        pool = new Parallel(1);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static Reacher[] bothEngines(EnvSpec spec, int n, ResetMode mode) {
        return new Reacher[] {
            new SpringReacher(spec, n, pool, mode, SpringModel.brax()),
            new ArticulatedReacher(spec, n, pool, mode, ArticulatedModel.springRigidLimit()),
        };
    }

    static void randomActions(Rng rng, float[] act) {
        rng.fillUniform(act, 0, act.length, -1f, 1f);
    }

    @Test
    void specIsJaxGcrlsReacher() {
        EnvSpec s = Reacher.SPEC;
        assertThat(s.id()).isEqualTo("reacher");
        assertThat(s.stateDim()).isEqualTo(10);
        assertThat(s.goalIndices()).containsExactly(4, 5, 6);
        assertThat(s.actionDim()).isEqualTo(2);
        assertThat(s.successThreshold()).isEqualTo(0.05f);
        assertThat(s.episodeLength()).isEqualTo(1000);
        assertThat(s.observationDim()).isEqualTo(OBS);

        List<EnvFactory> factories = Reachers.factories();
        assertThat(factories).extracting(f -> f.spec().id()).containsExactly("reacher");
        VecEnv env = factories.get(0).create(3, pool, ResetMode.SAME_START);
        assertThat(env).isInstanceOf(SpringReacher.class);
        assertThat(env.spec()).isEqualTo(Reacher.SPEC);

        EnvFactory other = Reachers.articulated("reacher_generalized", ArticulatedModel.generalized());
        assertThat(other.spec().id()).isEqualTo("reacher_generalized");
        assertThat(other.spec().goalIndices()).containsExactly(4, 5, 6);
        assertThat(other.create(2, pool, ResetMode.RESAMPLE)).isInstanceOf(ArticulatedReacher.class);
    }

    @Test
    void anglesAreUnitCirclePointsAndTheTipIsTheirForwardKinematics() {
        int n = 64;
        Rng rng = new Rng(1);
        float[] act = new float[2 * n];
        for (Reacher env : bothEngines(Reacher.SPEC, n, ResetMode.SAME_START)) {
            env.reset(2);
            for (int t = 0; t < 400; t++) {
                randomActions(rng, act);
                env.step(act);
                float[] o = env.observations();
                for (int i = 0; i < n; i++) {
                    int b = OBS * i;
                    double c0 = o[b], c1 = o[b + 1], s0 = o[b + 2], s1 = o[b + 3];
                    assertThat(c0 * c0 + s0 * s0).isCloseTo(1.0, within(1e-6));
                    assertThat(c1 * c1 + s1 * s1).isCloseTo(1.0, within(1e-6));
                    double c01 = c0 * c1 - s0 * s1, s01 = s0 * c1 + c0 * s1;
                    double x = ReacherGeometry.ELBOW * c0 + ReacherGeometry.TIP * c01;
                    double y = ReacherGeometry.ELBOW * s0 + ReacherGeometry.TIP * s01;
                    // the rigid chain is exact up to float rounding; the spring arm's tip is off by at most the
                    // give of its two joint springs (tip − FK = shoulder gap + elbow gap, as vectors)
                    double give = 0;
                    if (env instanceof SpringReacher spring) {
                        give = spring.shoulderGap(i) + spring.elbowGap(i);
                        assertThat(give).isLessThan(5e-3);
                    }
                    assertThat(Math.hypot(o[b + 4] - x, o[b + 5] - y)).isLessThan(give + 2e-6);
                }
            }
        }
    }

    @Test
    void tipVelocityIsJaxGcrlsElbowVelocityPlusOmegaCrossWorldOffset() {
        int n = 8;
        ArticulatedReacher env = new ArticulatedReacher(n, pool, ResetMode.SAME_START,
                ArticulatedModel.springRigidLimit());
        env.reset(3);
        Rng rng = new Rng(4);
        float[] act = new float[2 * n];
        for (int t = 0; t < 50; t++) {
            randomActions(rng, act);
            env.step(act);
            float[] o = env.observations();
            for (int i = 0; i < n; i++) {
                double q0 = env.shoulderAngle(i), v0 = env.shoulderVelocity(i), w1 = v0 + env.elbowVelocity(i);
                // elbow velocity, plus (0, 0.11·ω₁, 0): the offset is not rotated with link 1
                double vx = -ReacherGeometry.ELBOW * v0 * Math.sin(q0);
                double vy = ReacherGeometry.ELBOW * v0 * Math.cos(q0) + ReacherGeometry.TIP * w1;
                assertThat((double) o[OBS * i + 7]).isCloseTo(vx, within(1e-5 + 1e-6 * Math.abs(vx)));
                assertThat((double) o[OBS * i + 8]).isCloseTo(vy, within(1e-5 + 1e-6 * Math.abs(vy)));
                assertThat(o[OBS * i + 9]).isZero();
            }
        }

        // the spring engine reports the same for a rigid arm it was just put in
        SpringReacher spring = new SpringReacher(1, pool, ResetMode.SAME_START);
        spring.reset(5);
        spring.place(0, 0.7, -1.2, 1.5, -0.4);
        float[] row = new float[10];
        spring.writeState(0, row, 0);
        double w1 = 1.5 - 0.4;
        assertThat((double) row[7]).isCloseTo(-0.1 * 1.5 * Math.sin(0.7), within(1e-6));
        assertThat((double) row[8]).isCloseTo(0.1 * 1.5 * Math.cos(0.7) + 0.11 * w1, within(1e-6));
        assertThat((double) row[1]).isCloseTo(Math.cos(-1.2), within(1e-6));
        assertThat((double) row[3]).isCloseTo(Math.sin(-1.2), within(1e-6));
    }

    @Test
    void rewardIsTheSuccessFlagOfTheTipToTargetDistance() {
        int n = 256;
        for (Reacher env : bothEngines(Reacher.SPEC, n, ResetMode.SAME_START)) {
            env.reset(6);
            // put half of the targets next to the fingertips so that some steps succeed
            float[] o = env.observations();
            Rng rng = new Rng(7);
            for (int i = 0; i < n; i += 2) {
                double r = 0.1 * rng.nextDouble();
                double a = 2 * Math.PI * rng.nextDouble();
                env.targetX[i] = o[OBS * i + 4] + r * Math.cos(a);
                env.targetY[i] = o[OBS * i + 5] + r * Math.sin(a);
            }
            float[] zero = new float[2 * n];
            int successes = 0;
            for (int t = 0; t < 3; t++) {
                env.step(zero);
                float[] obs = env.observations();
                for (int i = 0; i < n; i++) {
                    int b = OBS * i;
                    double dx = obs[b + 4] - obs[b + 10], dy = obs[b + 5] - obs[b + 11], dz = obs[b + 6] - obs[b + 12];
                    double d = Math.sqrt(dx * dx + dy * dy + dz * dz);
                    assertThat((double) env.distances()[i]).isCloseTo(d, within(1e-6));
                    assertThat(env.rewards()[i]).isEqualTo(env.distances()[i] < 0.05f ? 1f : 0f);
                    successes += (int) env.rewards()[i];
                }
            }
            assertThat(successes).isBetween(n / 4, 3 * n / 2);
        }
    }

    @Test
    void startsAndGoalsFollowTheResetDistribution() {
        int n = 4096;
        for (Reacher env : bothEngines(Reacher.SPEC, n, ResetMode.SAME_START)) {
            env.reset(8);
            float[] o = env.observations();
            double sumR = 0;
            int[] quadrants = new int[4];
            for (int i = 0; i < n; i++) {
                int b = OBS * i;
                double gx = o[b + 10], gy = o[b + 11];
                double r = Math.hypot(gx, gy);
                assertThat(r).isLessThan(Reacher.TARGET_MAX_RADIUS + 1e-6);
                // reachable: inside the arm's reach 0.1 + 0.11
                assertThat(r).isLessThan(ReacherGeometry.ELBOW + ReacherGeometry.TIP);
                assertThat((double) o[b + 12]).isCloseTo(ReacherGeometry.HEIGHT, within(1e-7));
                sumR += r;
                quadrants[(gx >= 0 ? 0 : 1) + (gy >= 0 ? 0 : 2)]++;
                // joint angles within ±0.1 rad of zero, nearly at rest, tip at its height
                assertThat(Math.abs(Math.atan2(o[b + 2], o[b]))).isLessThanOrEqualTo(0.1 + 1e-6);
                assertThat(Math.abs(Math.atan2(o[b + 3], o[b + 1]))).isLessThanOrEqualTo(0.1 + 1e-6);
                assertThat(Math.hypot(o[b + 7], o[b + 8])).isLessThan(0.21 * 0.01 + 1e-6);
                assertThat((double) o[b + 6]).isCloseTo(ReacherGeometry.HEIGHT, within(1e-7));
            }
            // radius uniform in [0, 0.2): mean 0.1 (a uniform disc would give 0.133)
            assertThat(sumR / n).isCloseTo(0.1, within(0.004));
            for (int q : quadrants) {
                assertThat(q).isBetween(n / 4 - 150, n / 4 + 150);
            }
        }
    }

    @Test
    void episodesTruncateAndRestartWithNewTrajectoryIds() {
        int n = 5;
        int len = 7;
        EnvSpec shortSpec = Reacher.SPEC.withEpisodeLength(len);
        for (ResetMode mode : ResetMode.values()) {
            for (Reacher env : bothEngines(shortSpec, n, mode)) {
                env.reset(9);
                float[] first = env.observations().clone();
                Rng rng = new Rng(10);
                float[] act = new float[2 * n];
                for (int t = 1; t <= 3 * len; t++) {
                    randomActions(rng, act);
                    env.step(act);
                    boolean end = t % len == 0;
                    for (int i = 0; i < n; i++) {
                        assertThat(env.truncated()[i]).isEqualTo(end);
                        assertThat(env.terminated()[i]).isFalse();
                        assertThat(env.trajectoryIds()[i]).isEqualTo(t / len);
                        assertThat(env.episodeSteps()[i]).isEqualTo(t % len);
                    }
                    if (end) {
                        float[] o = env.observations();
                        for (int i = 0; i < n; i++) {
                            boolean sameAsFirst = java.util.Arrays.equals(o, OBS * i, OBS * i + OBS,
                                    first, OBS * i, OBS * i + OBS);
                            assertThat(sameAsFirst).isEqualTo(mode == ResetMode.SAME_START);
                            // the final observation is the state reached, not the restart
                            assertThat(java.util.Arrays.equals(env.finalObservations(), OBS * i, OBS * i + OBS,
                                    o, OBS * i, OBS * i + OBS)).isFalse();
                        }
                    }
                }
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int n = 300; // three chunks of 128
        for (int engine = 0; engine < 2; engine++) {
            float[] reference = null;
            for (int threads = 1; threads <= 3; threads++) {
                try (Parallel p = new Parallel(threads)) {
                    EnvSpec spec = Reacher.SPEC.withEpisodeLength(25);
                    Reacher env = engine == 0
                            ? new SpringReacher(spec, n, p, ResetMode.RESAMPLE, SpringModel.brax())
                            : new ArticulatedReacher(spec, n, p, ResetMode.RESAMPLE, ArticulatedModel.generalized());
                    env.reset(11);
                    Rng rng = new Rng(12);
                    float[] act = new float[2 * n];
                    float[] trace = new float[60 * (n * OBS + n)];
                    for (int t = 0; t < 60; t++) {
                        randomActions(rng, act);
                        env.step(act);
                        System.arraycopy(env.observations(), 0, trace, t * (n * OBS + n), n * OBS);
                        System.arraycopy(env.rewards(), 0, trace, t * (n * OBS + n) + n * OBS, n);
                    }
                    if (reference == null) {
                        reference = trace;
                    } else {
                        assertThat(trace).as("engine %d with %d threads", engine, threads).isEqualTo(reference);
                    }
                }
            }
        }
    }

    @Test
    void sameSeedSameRolloutDifferentSeedDifferentGoals() {
        Reacher a = new SpringReacher(16, pool, ResetMode.SAME_START);
        Reacher b = new SpringReacher(16, pool, ResetMode.SAME_START);
        a.reset(13);
        b.reset(13);
        assertThat(a.observations()).isEqualTo(b.observations());
        b.reset(14);
        assertThat(a.observations()).isNotEqualTo(b.observations());
    }
}
