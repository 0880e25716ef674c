package org.crl4j.envs.humanoid;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.spring.SpringBatch;
import org.crl4j.envs.spring.SpringSystem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The spring humanoid's physics against values derived from the model and the spring equations: masses from the
 * geoms, free fall, each motor on its own hinge (stacked hinges included), limit springs against motors, the floor
 * carrying the standing body's weight, no energy from a landing, walls, and no NaN under random actions.
 */
class HumanoidPhysicsTest {

    static final double G = 9.81;

    static Humanoid make(String id, int n) {
        return (Humanoid) Envs.make(id, n, 7, new Parallel(1), VecEnv.ResetMode.SAME_START);
    }

    static double totalMass(SpringSystem s) {
        double m = 0;
        for (int l = 0; l < s.numLinks(); l++) {
            m += s.mass(l);
        }
        return m;
    }

    /** q address of motor a's hinge (the free torso joint has 7 q entries and 6 qd entries). */
    static int qOf(SpringSystem s, int a) {
        return s.motorDof(a) + 1;
    }

    @Test
    void massesAreMuJoCosFromTheGeomsAtDensity1000() {
        SpringSystem s = make("humanoid", 1).system();
        // torso: capsule r .07 over .14 m, head sphere r .09, upper waist capsule r .06 over .12 m
        double torso = 1000 * (capsule(0.07, 0.14) + sphere(0.09) + capsule(0.06, 0.12));
        assertThat(s.mass(s.link("torso"))).isCloseTo(torso, within(1e-9));
        // the shin carries the foot (a body without joints, fused into it as Brax does)
        double shin = 1000 * (capsule(0.049, 0.3) + sphere(0.075));
        assertThat(s.mass(s.link("right_shin"))).isCloseTo(shin, within(1e-9));
        assertThat(totalMass(s)).isCloseTo(42.116, within(1e-3)); // MuJoCo's body masses sum to 42.11 kg
        assertThat(s.dofs(s.link("lwaist"))).isEqualTo(2);
        assertThat(s.dofs(s.link("right_thigh"))).isEqualTo(3);
        assertThat(s.dofs(s.link("left_upper_arm"))).isEqualTo(2);
        assertThat(s.dofs(s.link("pelvis"))).isEqualTo(1);
    }

    private static double capsule(double r, double length) {
        return Math.PI * r * r * length + 4.0 / 3 * Math.PI * r * r * r;
    }

    private static double sphere(double r) {
        return 4.0 / 3 * Math.PI * r * r * r;
    }

    @Test
    void inFreeFallMomentumFollowsGravityAndThePoseHolds() {
        Humanoid env = make("humanoid", 1);
        SpringSystem s = env.system();
        SpringBatch b = env.batch();
        double[] q = s.initQ();
        q[2] = 30; // far above the floor
        Rng rng = new Rng(3);
        double[] qd = new double[s.qdSize()];
        for (int k = 0; k < 6; k++) {
            qd[k] = rng.nextGaussian();
        }
        b.reset(0, q, qd);
        double[] p0 = b.momentum(0);
        double mass = totalMass(s);
        Object ws = b.newWorkspace();
        float[] a = new float[Humanoid.ACTION_DIM];
        for (int t = 0; t < a.length; t++) {
            a[t] = (float) (0.8 * rng.nextDouble() - 0.4); // joint torques: no net force
        }
        int steps = 5;
        for (int t = 0; t < steps; t++) {
            b.step(a, Humanoid.ACTION_DIM, 0, 1, ws);
        }
        double time = steps * Humanoid.TIMESTEP * Humanoid.SUBSTEPS;
        double[] p1 = b.momentum(0);
        assertThat(p1[0]).isCloseTo(p0[0], within(1e-9));
        assertThat(p1[1]).isCloseTo(p0[1], within(1e-9));
        assertThat(p1[2]).isCloseTo(p0[2] - mass * G * time, within(1e-9));

        // from rest and without motors, uniform gravity strains nothing: every hinge keeps its angle (the knees are
        // started inside their range [−160°, −2°]; at 0 their limit springs would pull them in)
        int rightKnee = qOf(s, 6), leftKnee = qOf(s, 10);
        q[rightKnee] = -0.1;
        q[leftKnee] = -0.1;
        b.reset(0, q, new double[s.qdSize()]);
        float[] zero = new float[Humanoid.ACTION_DIM];
        for (int t = 0; t < 20; t++) {
            b.step(zero, Humanoid.ACTION_DIM, 0, 1, ws);
        }
        double[] now = new double[s.qSize()];
        b.readQ(0, now, 0);
        for (int k = 7; k < 24; k++) {
            assertThat(now[k]).as("hinge q[%d]", k).isCloseTo(q[k], within(1e-6));
        }
        assertThat(now[2]).isCloseTo(30 - 0.5 * G * Math.pow(20 * 0.015, 2), within(0.01));
    }

    @Test
    void eachMotorTurnsItsOwnHingeTheWayItsSignSays() {
        int n = Humanoid.ACTION_DIM + 1; // environment 17 is the reference without motors
        Humanoid env = make("humanoid", n);
        SpringSystem s = env.system();
        SpringBatch b = env.batch();
        double[] q = s.initQ();
        q[2] = 30; // in the air: only the joints act
        float[] a = new float[n * Humanoid.ACTION_DIM];
        double[] sign = new double[Humanoid.ACTION_DIM];
        for (int m = 0; m < Humanoid.ACTION_DIM; m++) {
            b.reset(m, q, new double[s.qdSize()]);
            int l = s.linkOfJoint(jointOf(s, m));
            int k = s.motorDof(m) - s.qdAdr(l);
            // away from the nearer limit (every hinge starts at 0; the knees start 2° past theirs)
            sign[m] = 0 > 0.5 * (s.limitLo(l, k) + s.limitHi(l, k)) ? -1 : 1;
            a[m * Humanoid.ACTION_DIM + m] = (float) (0.4 * sign[m]);
        }
        b.reset(Humanoid.ACTION_DIM, q, new double[s.qdSize()]);
        Object ws = b.newWorkspace();
        for (int t = 0; t < 3; t++) {
            b.step(a, Humanoid.ACTION_DIM, 0, n, ws);
        }
        double[] ref = new double[s.qSize()];
        b.readQ(Humanoid.ACTION_DIM, ref, 0);
        for (int m = 0; m < Humanoid.ACTION_DIM; m++) {
            double[] now = new double[s.qSize()];
            b.readQ(m, now, 0);
            int most = -1;
            double size = 0;
            for (int k = 7; k < 24; k++) {
                double d = Math.abs(now[k] - ref[k]);
                if (d > size) {
                    size = d;
                    most = k;
                }
            }
            assertThat(most).as("motor %d (%s)", m, jointOf(s, m)).isEqualTo(qOf(s, m));
            assertThat((now[most] - ref[most]) * sign[m]).as("motor %d moves its hinge its way", m)
                    .isGreaterThan(0.02);
        }
    }

    /** The file's motor order (each motor is named after its joint). */
    static final String[] MOTORS = {"abdomen_y", "abdomen_z", "abdomen_x", "right_hip_x", "right_hip_z",
        "right_hip_y", "right_knee", "left_hip_x", "left_hip_z", "left_hip_y", "left_knee", "right_shoulder1",
        "right_shoulder2", "right_elbow", "left_shoulder1", "left_shoulder2", "left_elbow"};

    static String jointOf(SpringSystem s, int m) {
        return MOTORS[m];
    }

    @Test
    void aMotorHeldAgainstALimitSettlesWhereTheLimitSpringBalancesIt() {
        // one hinge of each kind: 1 of 1 (knee), 2 of 2 (abdomen_y: theta), 1 and 3 of 3 (hip_x: psi, hip_y: phi)
        String[] joints = {"right_knee", "abdomen_y", "right_hip_x", "right_hip_y", "right_shoulder2"};
        for (String j : joints) {
            Humanoid env = make("humanoid", 1);
            SpringSystem s = env.system();
            SpringBatch b = env.batch();
            double[] q = s.initQ();
            q[2] = 60; // 1.8 s of free fall: 16 m
            b.reset(0, q, new double[s.qdSize()]);
            int m = java.util.Arrays.asList(MOTORS).indexOf(j);
            int l = s.linkOfJoint(j);
            int k = s.motorDof(m) - s.qdAdr(l);
            float[] a = new float[Humanoid.ACTION_DIM];
            a[m] = 0.4f; // full control towards the upper limit
            Object ws = b.newWorkspace();
            for (int t = 0; t < 120; t++) { // the shoulder starts 1 rad from its limit and settles by step 80
                b.step(a, Humanoid.ACTION_DIM, 0, 1, ws);
            }
            double[] now = new double[s.qSize()];
            b.readQ(0, now, 0);
            // gear · 0.4 against the limit stiffness 2500 N·m/rad
            double expected = s.gear(m) * 0.4 / 2500;
            assertThat(now[qOf(s, m)] - s.limitHi(l, k)).as(j).isCloseTo(expected, within(0.05 * expected));
        }
    }

    @Test
    void itStandsAboutASecondWithoutControlThenFallsAndTheFloorCarriesItsWeight() {
        Humanoid env = make("humanoid", 1);
        SpringSystem s = env.system();
        SpringBatch b = env.batch();
        b.reset(0, s.initQ(), new double[s.qdSize()]); // feet 0.107 m above the floor, at rest
        Object ws = b.newWorkspace();
        float[] zero = new float[Humanoid.ACTION_DIM];
        double[] q = new double[s.qSize()];
        int fell = -1;
        for (int t = 0; t < 300; t++) {
            b.step(zero, Humanoid.ACTION_DIM, 0, 1, ws);
            b.readQ(0, q, 0);
            if (t >= 10 && t < 75) {
                // landed and bouncing on its legs near JaxGCRL's 1.25 m target height (measured 1.20-1.33)
                assertThat(q[2]).as("torso z at step %d", t).isBetween(1.15, 1.35);
            }
            if (fell < 0 && q[2] < Humanoid.MIN_Z) {
                fell = t;
            }
        }
        assertThat(fell).isBetween(75, 150); // measured: step 102 (1.5 s)
        // lying still: the floor's vertical impulse over a window = change of momentum + weight · time
        double pz0 = b.momentum(0)[2];
        int window = 80;
        for (int t = 0; t < window; t++) {
            b.step(zero, Humanoid.ACTION_DIM, 0, 1, ws);
        }
        double time = window * Humanoid.TIMESTEP * Humanoid.SUBSTEPS;
        double weight = totalMass(s) * G;
        double floor = (b.momentum(0)[2] - pz0) / time + weight;
        assertThat(floor).isCloseTo(weight, within(0.01 * weight));
        b.readQ(0, q, 0);
        assertThat(q[2]).isBetween(0.1, 0.3); // the torso on the floor
    }

    @Test
    void landingCreatesNoEnergy() {
        Humanoid env = make("humanoid", 1);
        SpringSystem s = env.system();
        SpringBatch b = env.batch();
        double[] q = s.initQ();
        q[2] = 1.7; // 0.3 m higher than the start pose: the feet fall 0.4 m
        b.reset(0, q, new double[s.qdSize()]);
        double e0 = mechanicalEnergy(env);
        double worst = Double.NEGATIVE_INFINITY;
        Object ws = b.newWorkspace();
        float[] zero = new float[Humanoid.ACTION_DIM];
        for (int t = 0; t < 60; t++) {
            b.step(zero, Humanoid.ACTION_DIM, 0, 1, ws);
            worst = Math.max(worst, mechanicalEnergy(env) - e0);
        }
        double drop = totalMass(s) * G * 0.4;
        assertThat(worst).isLessThan(0.02 * drop);
        assertThat(mechanicalEnergy(env)).isLessThan(e0 - 0.5 * drop);
    }

    /** Kinetic (unit rotational inertia) plus gravitational energy; the joint springs are not counted. */
    static double mechanicalEnergy(Humanoid env) {
        SpringBatch b = env.batch();
        double u = 0;
        for (int l = 0; l < env.system().numLinks(); l++) {
            u += env.system().mass(l) * G * b.comZ(0, l);
        }
        return b.kineticEnergy(0) + u;
    }

    @Test
    void wallsStopAHumanoidThrownAtThem() {
        // the U maze's R cell is centred at (2, 2); walls 1 m away at −x, −y and +x (cells of 2 m), the corridor at +y
        int n = 4;
        Humanoid env = make("humanoid_u_maze", n);
        SpringSystem s = env.system();
        SpringBatch b = env.batch();
        double[][] dirs = {{-1, 0}, {0, -1}, {1, 0}, {-Math.sqrt(0.5), -Math.sqrt(0.5)}};
        for (int e = 0; e < n; e++) {
            double[] q = s.initQ();
            q[0] = 2;
            q[1] = 2;
            double[] qd = new double[s.qdSize()];
            qd[0] = 5 * dirs[e][0];
            qd[1] = 5 * dirs[e][1];
            b.reset(e, q, qd);
        }
        Object ws = b.newWorkspace();
        float[] zero = new float[n * Humanoid.ACTION_DIM];
        double worst = 0;
        boolean[] touched = new boolean[n];
        for (int t = 0; t < 60; t++) {
            b.step(zero, Humanoid.ACTION_DIM, 0, n, ws);
            for (int e = 0; e < n; e++) {
                double depth = b.wallDepth(e);
                worst = Math.max(worst, depth);
                touched[e] |= depth > -0.01;
                assertThat(b.comX(e, 0)).as("env %d torso x", e).isBetween(0.5, 3.5);
                assertThat(b.comY(e, 0)).as("env %d torso y", e).isGreaterThan(0.5);
            }
        }
        assertThat(worst).isLessThan(0.05);
        for (int e = 0; e < n; e++) {
            assertThat(touched[e]).as("env %d reached a wall", e).isTrue();
        }
    }

    @Test
    void aMillionRandomStepsStayFiniteAndInsideTheJointRanges() {
        int n = 256;
        Humanoid env = make("humanoid", n);
        SpringSystem s = env.system();
        env.reset(11);
        Rng rng = new Rng(12);
        float[] a = new float[n * Humanoid.ACTION_DIM];
        long steps = 0;
        double worstLimit = 0;
        int episodes = 0;
        while (steps < 1_000_000) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (2 * rng.nextDouble() - 1);
            }
            env.step(a);
            steps += n;
            float[] obs = env.observations();
            int dim = Humanoid.STATE_DIM + Humanoid.GOAL_DIM;
            for (int e = 0; e < n; e++) {
                if (env.terminated()[e] || env.truncated()[e]) {
                    episodes++;
                }
                for (int k = 0; k < dim; k++) {
                    assertThat(Float.isFinite(obs[e * dim + k])).as("obs %d of env %d", k, e).isTrue();
                }
                for (int m = 0; m < Humanoid.ACTION_DIM; m++) {
                    int l = s.linkOfJoint(MOTORS[m]);
                    int k = s.motorDof(m) - s.qdAdr(l);
                    double angle = env.q(e, qOf(s, m));
                    worstLimit = Math.max(worstLimit, Math.max(s.limitLo(l, k) - angle, angle - s.limitHi(l, k)));
                }
            }
        }
        assertThat(episodes).isGreaterThan(1000); // random actions topple it within a few dozen steps
        assertThat(worstLimit).isLessThan(0.35); // the limit springs give (140 N·m / 2500 = 0.06 rad) but hold
        System.out.printf("humanoid random: %d steps, %d episodes, worst limit excess %.3f rad%n", steps, episodes,
                worstLimit);
    }
}
