package org.crl4j.envs.reacher;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.VecEnv.ResetMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReacherPhysicsTest {

    /** Long enough that nothing truncates during a test. */
    static final EnvSpec LONG = Reacher.SPEC.withEpisodeLength(1_000_000);

    static Parallel pool;

    @BeforeAll
    static void start() {
        pool = new Parallel(1);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static SpringModel withoutLimit(SpringModel m) {
        return new SpringModel(m.gear(), m.timestep(), m.substeps(), m.stiffness0(), m.stiffness1(),
                m.targetStiffness(), m.velDamping0(), m.velDamping1(), m.targetVelDamping(), m.angDamping(), 0.0,
                m.gravity(), m.rotorInertia());
    }

    static ArticulatedModel withoutLimit(ArticulatedModel m) {
        return new ArticulatedModel(m.inertia0(), m.inertia1(), m.armature(), m.damping(), m.gear(), m.timestep(),
                m.substeps(), 0.0);
    }

    /** Every environment gets a random pose and joint velocities of up to ±maxSpeed rad/s. */
    static void scramble(Reacher env, long seed, double maxSpeed) {
        env.reset(seed);
        Rng rng = new Rng(seed * 31 + 7);
        for (int i = 0; i < env.numEnvs(); i++) {
            env.place(i, Math.PI * (2 * rng.nextDouble() - 1), 2.9 * (2 * rng.nextDouble() - 1),
                    maxSpeed * (2 * rng.nextDouble() - 1), maxSpeed * (2 * rng.nextDouble() - 1));
        }
    }

    static Reacher[] smoothEngines(boolean damped) {
        SpringModel spring = withoutLimit(SpringModel.brax());
        ArticulatedModel rigid = withoutLimit(ArticulatedModel.springRigidLimit());
        ArticulatedModel generalized = withoutLimit(ArticulatedModel.generalized());
        if (!damped) {
            spring = spring.withDampingScaled(0);
            rigid = rigid.withDamping(0);
            generalized = generalized.withDamping(0);
        }
        return new Reacher[] {
            new SpringReacher(LONG, 32, pool, ResetMode.SAME_START, spring),
            new ArticulatedReacher(LONG, 32, pool, ResetMode.SAME_START, rigid),
            new ArticulatedReacher(LONG, 32, pool, ResetMode.SAME_START, generalized),
        };
    }

    @Test
    void dampedEnergyNeverIncreasesWithoutAction() {
        // the smooth dynamics (no elbow limit): gravity, joint springs and rotation only lose energy to damping
        for (Reacher env : smoothEngines(true)) {
            scramble(env, 3, 20);
            float[] zero = new float[2 * env.numEnvs()];
            double[] prev = new double[env.numEnvs()];
            double[] first = new double[env.numEnvs()];
            for (int i = 0; i < env.numEnvs(); i++) {
                prev[i] = first[i] = env.energy(i);
            }
            for (int t = 0; t < 300; t++) {
                env.step(zero);
                for (int i = 0; i < env.numEnvs(); i++) {
                    double e = env.energy(i);
                    assertThat(e).as("%s env %d step %d", env.getClass().getSimpleName(), i, t)
                            .isLessThanOrEqualTo(prev[i] * (1 + 1e-12) + 1e-15);
                    prev[i] = e;
                }
            }
            for (int i = 0; i < env.numEnvs(); i++) {
                assertThat(prev[i]).isLessThan(first[i]);
            }
        }
    }

    @Test
    void undampedEnergyIsConservedToIntegratorAccuracy() {
        for (Reacher env : smoothEngines(false)) {
            scramble(env, 4, 20);
            float[] zero = new float[2 * env.numEnvs()];
            double[] first = new double[env.numEnvs()];
            for (int i = 0; i < env.numEnvs(); i++) {
                first[i] = env.energy(i);
            }
            for (int t = 0; t < 300; t++) {
                env.step(zero);
                for (int i = 0; i < env.numEnvs(); i++) {
                    // semi-implicit Euler: bounded O(dt) oscillation of the energy, no drift
                    assertThat(env.energy(i)).as("%s env %d step %d", env.getClass().getSimpleName(), i, t)
                            .isCloseTo(first[i], within(2e-4 * first[i]));
                }
            }
        }
    }

    @Test
    void elbowLimitSpringDoesNotPumpEnergyIntoTheDampedArm() {
        // with the limit the penalty spring may gain a little within one impact, but never over a rollout
        Reacher[] engines = {
            new SpringReacher(LONG, 32, pool, ResetMode.SAME_START, SpringModel.brax()),
            new ArticulatedReacher(LONG, 32, pool, ResetMode.SAME_START, ArticulatedModel.springRigidLimit()),
        };
        for (Reacher env : engines) {
            scramble(env, 5, 20);
            float[] zero = new float[2 * env.numEnvs()];
            double[] first = new double[env.numEnvs()];
            for (int i = 0; i < env.numEnvs(); i++) {
                first[i] = env.energy(i);
            }
            for (int t = 0; t < 500; t++) {
                env.step(zero);
                for (int i = 0; i < env.numEnvs(); i++) {
                    assertThat(env.energy(i)).isLessThan(first[i] * 1.25);
                }
            }
            for (int i = 0; i < env.numEnvs(); i++) {
                assertThat(env.energy(i)).isLessThan(first[i]);
            }
        }
    }

    @Test
    void noBlowUpUnderRandomAndMaximalTorques() {
        int n = 16;
        EnvSpec spec = Reacher.SPEC; // 1000-step episodes: the runs cross auto-resets
        Reacher[] engines = {
            new SpringReacher(spec, n, pool, ResetMode.SAME_START, SpringModel.brax()),
            new ArticulatedReacher(spec, n, pool, ResetMode.SAME_START, ArticulatedModel.springRigidLimit()),
            new ArticulatedReacher(spec, n, pool, ResetMode.SAME_START, ArticulatedModel.generalized()),
        };
        float[][] patterns = {{1, 1}, {1, -1}, {-1, 1}, {0, -1}};
        for (Reacher env : engines) {
            boolean rigid = env instanceof ArticulatedReacher;
            for (int mode = 0; mode <= patterns.length; mode++) {
                env.reset(mode);
                Rng rng = new Rng(100 + mode);
                float[] act = new float[2 * n];
                for (int t = 0; t < 2100; t++) {
                    for (int i = 0; i < n; i++) {
                        if (mode < patterns.length) {
                            act[2 * i] = patterns[mode][0];
                            act[2 * i + 1] = patterns[mode][1];
                        } else {
                            act[2 * i] = rng.nextDouble() < 0.5 ? -1f : 1f;
                            act[2 * i + 1] = (float) (2 * rng.nextDouble() - 1);
                        }
                    }
                    env.step(act);
                    float[] obs = env.observations();
                    for (int i = 0; i < n; i++) {
                        for (int k = 0; k < 13; k++) {
                            assertThat(Float.isFinite(obs[13 * i + k])).isTrue();
                        }
                        double reach = Math.hypot(obs[13 * i + 4], obs[13 * i + 5]);
                        // rigid arms never leave their reach; the spring arm stretches at extreme spin rates
                        assertThat(reach).isLessThan(rigid ? ReacherGeometry.ELBOW + ReacherGeometry.TIP + 1e-4 : 1.0);
                        assertThat(env.energy(i)).isLessThan(1e6);
                    }
                }
            }
        }
    }

    @Test
    void springPhysicsTendsToTheRigidArticulatedChain() {
        // without the elbow limit (where the two differ by design, see the next test) the spring pipeline's
        // arm moves like a rigid chain with unit rotor inertias: its joint springs give only micrometres
        int n = 16;
        SpringReacher spring = new SpringReacher(LONG, n, pool, ResetMode.SAME_START,
                withoutLimit(SpringModel.brax()));
        ArticulatedReacher rigid = new ArticulatedReacher(LONG, n, pool, ResetMode.SAME_START,
                withoutLimit(ArticulatedModel.springRigidLimit()));
        spring.reset(9);
        rigid.reset(9);
        Rng rng = new Rng(10);
        float[] act = new float[2 * n];
        for (int t = 0; t < 300; t++) {
            rng.fillUniform(act, 0, act.length, -1f, 1f);
            spring.step(act);
            rigid.step(act);
            float[] a = spring.observations();
            float[] b = rigid.observations();
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < 4; k++) {
                    assertThat(a[13 * i + k]).isCloseTo(b[13 * i + k], within(0.03f));
                }
                assertThat(Math.hypot(a[13 * i + 4] - b[13 * i + 4], a[13 * i + 5] - b[13 * i + 5]))
                        .isLessThan(5e-3);
                assertThat(spring.elbowGap(i)).isLessThan(1e-3);
            }
        }
    }

    @Test
    void elbowLimitHoldsAModeratePushButAHardSpinWrapsThroughItAsInBrax() {
        // Brax's spring pipeline applies the limit spring to the elbow angle wrapped into (−π, π]: pushing past π
        // flips the spring's direction, so a fast enough elbow spins through the limit; a rigid chain cannot
        int n = 1;
        SpringReacher spring = new SpringReacher(LONG, n, pool, ResetMode.SAME_START, SpringModel.brax());
        ArticulatedReacher rigid = new ArticulatedReacher(LONG, n, pool, ResetMode.SAME_START,
                ArticulatedModel.springRigidLimit());
        for (Reacher env : new Reacher[] {spring, rigid}) {
            env.reset(1);
            env.place(0, 0, 2.95, 0, 0);
        }
        float[] push = {0f, 0.1f};
        double maxSpring = 0;
        double maxRigid = 0;
        for (int t = 0; t < 400; t++) {
            spring.step(push);
            rigid.step(push);
            maxSpring = Math.max(maxSpring, Math.abs(spring.elbowAngle(0)));
            maxRigid = Math.max(maxRigid, Math.abs(rigid.elbowAngle(0)));
        }
        // 2.5 N·m from 2.95 rad against the 1000 N·m/rad limit spring: held within about 20 mrad past 3 rad
        assertThat(maxSpring).isBetween(3.0, 3.03);
        assertThat(maxRigid).isBetween(3.0, 3.03);

        for (Reacher env : new Reacher[] {spring, rigid}) {
            env.place(0, 0, 0, 0, 0);
        }
        float[] hard = {0f, 1f};
        boolean wrapped = false;
        for (int t = 0; t < 100; t++) {
            double before = spring.elbowAngle(0);
            spring.step(hard);
            rigid.step(hard);
            wrapped |= before > 2.5 && spring.elbowAngle(0) < -2.5;
            // the rigid chain's penalty spring lets 25 N·m over 3 rad (75 J) overshoot by about 0.4 rad, no more
            assertThat(rigid.elbowAngle(0)).isLessThan(3.5);
        }
        assertThat(wrapped).as("spring elbow spins through ±π").isTrue();
    }

    @Test
    void gravitySagsTheBodiesOntoTheirJointSprings() {
        SpringReacher env = new SpringReacher(LONG, 4, pool, ResetMode.SAME_START, SpringModel.brax());
        env.reset(2);
        float[] zero = new float[8];
        for (int t = 0; t < 100; t++) {
            env.step(zero);
        }
        SpringModel m = env.model();
        double g = m.gravity();
        double tipZ = ReacherGeometry.HEIGHT - (ReacherGeometry.MASS0 + ReacherGeometry.MASS1) * g / m.stiffness0()
                - ReacherGeometry.MASS1 * g / m.stiffness1();
        double targetZ = ReacherGeometry.HEIGHT - ReacherGeometry.TARGET_MASS * g / m.targetStiffness();
        float[] obs = env.observations();
        for (int i = 0; i < 4; i++) {
            assertThat((double) obs[13 * i + 6]).isCloseTo(tipZ, within(1e-6));
            assertThat((double) obs[13 * i + 12]).isCloseTo(targetZ, within(1e-6));
            assertThat((double) obs[13 * i + 9]).isCloseTo(0.0, within(1e-5));
        }
        assertThat(targetZ).isCloseTo(0.007, within(1e-4));
    }

    @Test
    void geometryFollowsMujocoInertiaRules() {
        // capsule r 0.01, length 0.1, density 1000: π r² l ρ + 4/3 π r³ ρ
        assertThat(ReacherGeometry.MASS0).isCloseTo(0.0356047, within(1e-7));
        assertThat(ReacherGeometry.MASS1).isCloseTo(0.0397935, within(1e-7));
        assertThat(ReacherGeometry.COM1).isCloseTo(0.0563158, within(1e-7));
        assertThat(ReacherGeometry.INERTIA0).isCloseTo(3.91757e-5, within(1e-10));
        assertThat(ReacherGeometry.INERTIA1).isCloseTo(5.28355e-5, within(1e-10));
        assertThat(ReacherGeometry.TARGET_MASS).isCloseTo(0.00305363, within(1e-8));
    }

    @Test
    void elbowExcessMatchesTheWrappedAngle() {
        for (double q = -Math.PI + 1e-6; q < Math.PI; q += 0.001) {
            double expected = q > 3 ? q - 3 : q < -3 ? q + 3 : 0;
            assertThat(Reacher.elbowExcess(Math.cos(q), Math.sin(q))).as("q=%f", q)
                    .isCloseTo(expected, within(1e-10));
        }
    }
}
