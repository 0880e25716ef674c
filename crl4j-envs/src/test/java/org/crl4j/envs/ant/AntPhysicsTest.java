package org.crl4j.envs.ant;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.spring.ContactModel;
import org.crl4j.envs.spring.SpringBatch;
import org.crl4j.envs.spring.SpringSystem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The spring ant's physics: rest height, limits, contacts, momentum, damping, motor order. */
class AntPhysicsTest {

    private static Ant make(String id, int n) {
        return (Ant) Envs.make(id, n, 7, new Parallel(1), VecEnv.ResetMode.SAME_START);
    }

    private static float[] randomActions(Rng rng, int n) {
        float[] a = new float[n * Ant.ACTION_DIM];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return a;
    }

    @Test
    void standsNearHalfAMetreWithZeroAction() {
        Ant env = make("ant", 1);
        env.setState(0, env.system().initQ(), new double[16]);
        float[] zero = new float[Ant.ACTION_DIM];
        for (int t = 0; t < 100; t++) {
            env.step(zero);
        }
        assertThat(env.q(0, 2)).isBetween(0.51, 0.55);
        ContactModel cm = env.system().contacts();
        for (int g = 0; g < cm.numGeoms(); g++) {
            assertThat(env.batch().geomCentre(0, g)[2]).isCloseTo(cm.geomRadius(g), within(0.01)); // feet on the floor
        }
        assertThat(env.terminated()[0]).isFalse();
        // the pose stays symmetric: no drift, hips at 0, ankles mirrored
        assertThat(env.q(0, 0)).isCloseTo(0, within(1e-9));
        assertThat(env.q(0, 1)).isCloseTo(0, within(1e-9));
        for (int leg = 0; leg < 4; leg++) {
            assertThat(env.q(0, 7 + 2 * leg)).isCloseTo(0, within(1e-6));
            assertThat(Math.abs(env.q(0, 8 + 2 * leg))).isCloseTo(Math.abs(env.q(0, 8)), within(1e-6));
        }
    }

    @Test
    void jointsStayNearTheirLimitsAndFeetAboveTheFloor() {
        Ant env = make("ant", 32);
        SpringSystem sys = env.system();
        Rng rng = new Rng(3);
        double worstLimit = 0;
        double worstFloor = 0;
        int samples = 0;
        int deep = 0;
        ContactModel cm = sys.contacts();
        for (int t = 0; t < 150; t++) {
            env.step(randomActions(rng, 32));
            for (int e = 0; e < 32; e++) {
                for (int l = 1; l < sys.numLinks(); l++) {
                    double psi = env.q(e, sys.qAdr(l));
                    worstLimit = Math.max(worstLimit, Math.max(sys.limitLo(l) - psi, psi - sys.limitHi(l)));
                }
                for (int g = 0; g < cm.numGeoms(); g++) {
                    double[] c = env.batch().geomCentre(e, g);
                    double depth = cm.geomRadius(g) - c[2];
                    worstFloor = Math.max(worstFloor, depth);
                    samples++;
                    if (depth > 0.03) {
                        deep++;
                    }
                }
            }
        }
        // soft limits (1000 N·m/rad springs against 150 N·m motors) and Baumgarte contacts give a little
        assertThat(worstLimit).isLessThan(0.5);
        // Brax's contacts act on velocities with a Baumgarte push-out (erp 0.1), so a foot slammed down by a full
        // 150 N·m kick sinks for a substep or two before it is pushed out; resting and walking feet stay shallow.
        assertThat((double) deep / samples).isLessThan(0.01);
        assertThat(worstFloor).isLessThan(0.3);
    }

    @Test
    void aMotorHeldAgainstALimitSettlesWhereTheLimitSpringBalancesIt() {
        Ant env = make("ant", 1);
        SpringSystem sys = env.system();
        env.setState(0, sys.initQ(), new double[16]);
        int hip = sys.linkOfJoint("hip_1");
        float[] a = new float[Ant.ACTION_DIM];
        a[2] = 1f; // hip_1, pushed to its upper limit
        for (int t = 0; t < 40; t++) {
            env.step(a);
        }
        // 150 N·m against 1000 N·m/rad: 0.15 rad past the limit
        assertThat(env.q(0, sys.qAdr(hip)) - sys.limitHi(hip)).isCloseTo(0.15, within(0.03));
    }

    @Test
    void wallsStopAntsThrownAtThemFromEveryDirection() {
        // 8 envs = two vector lanes of 4; each ant is thrown through the air from the R cell (centre 4, 4), 1.2 m up
        // at 8 m/s, in its own direction: -x, -y, +x and the four diagonals end in wall cells 2 m from the centre,
        // +y runs down the open corridor. Stepped on the batch: the task would end episodes above z = 1.
        int n = 8;
        Ant env = make("ant_u_maze", n);
        SpringBatch b = env.batch();
        ContactModel cm = env.system().contacts();
        for (int e = 0; e < n; e++) {
            double[] q = env.system().initQ();
            q[0] = 4;
            q[1] = 4;
            q[2] = 1.2;
            double angle = e * Math.PI / 4;
            double[] qd = new double[16];
            qd[0] = 8 * Math.cos(angle);
            qd[1] = 8 * Math.sin(angle);
            b.reset(e, q, qd);
        }
        Object ws = b.newWorkspace();
        float[] zero = new float[n * Ant.ACTION_DIM];
        double worst = 0;
        boolean[] touched = new boolean[n];
        for (int t = 0; t < 40; t++) {
            b.step(zero, Ant.ACTION_DIM, 0, n, ws);
            for (int e = 0; e < n; e++) {
                // the broad phase's grid is shared by the vector and scalar paths: check against brute force,
                // along each capsule's whole core
                double depth = b.wallDepth(e);
                worst = Math.max(worst, depth);
                touched[e] |= depth > -0.01;
                double x = b.comX(e, 0), y = b.comY(e, 0);
                assertThat(x).as("env %d torso x", e).isBetween(2.0, 6.0); // never through a wall
                assertThat(y).as("env %d torso y", e).isGreaterThan(2.0);
            }
        }
        assertThat(cm.numBoxes()).isEqualTo(18); // 25 cells, 7 open
        assertThat(worst).isLessThan(0.05); // measured 0.024 m at 8 m/s
        for (int e = 0; e < n; e++) {
            if (e != 2) { // +y: the corridor, whether it reaches the far wall does not matter
                assertThat(touched[e]).as("env %d reached a wall", e).isTrue();
            }
        }
    }

    @Test
    void droppingOntoTheFloorCreatesNoEnergy() {
        Ant env = make("ant", 1);
        SpringBatch b = env.batch();
        SpringSystem sys = env.system();
        double[] q = sys.initQ();
        q[2] = 0.95; // 0.4 m above the standing height, joints at rest, falls flat onto its feet
        b.reset(0, q, new double[16]);
        double e0 = mechanicalEnergy(env);
        double worst = 0;
        Object ws = b.newWorkspace();
        float[] zero = new float[Ant.ACTION_DIM];
        for (int s = 0; s < 60; s++) {
            b.step(zero, Ant.ACTION_DIM, 0, 1, ws);
            worst = Math.max(worst, mechanicalEnergy(env) - e0);
        }
        // the impulse contacts are inelastic and the joints damped; the Baumgarte push-out adds only what it
        // takes to lift a slightly sunk foot (millijoules against the 3 J the drop releases)
        double drop = totalMass(env) * 9.81 * 0.4;
        assertThat(worst).isLessThan(0.02 * drop); // measured: never above the start (0.0 J)
        assertThat(mechanicalEnergy(env)).isLessThan(e0 - 0.5 * drop); // the fall's energy went somewhere
    }

    /** Kinetic plus gravitational energy (the joint springs hold little at rest and are not counted). */
    private static double mechanicalEnergy(Ant env) {
        SpringBatch b = env.batch();
        double u = 0;
        for (int l = 0; l < env.system().numLinks(); l++) {
            u += env.system().mass(l) * 9.81 * b.comZ(0, l);
        }
        return b.kineticEnergy(0) + u;
    }

    @Test
    void internalForcesConserveMomentumInFreeFall() {
        Ant env = make("ant", 1);
        SpringBatch b = env.batch();
        double[] q = env.system().initQ();
        q[2] = 20; // far above the floor: no contacts (stepped on the batch: the task would end the episode)
        Rng rng = new Rng(5);
        double[] qd = new double[16];
        for (int k = 0; k < 14; k++) {
            qd[k] = rng.nextGaussian();
        }
        b.reset(0, q, qd);
        double[] p0 = b.momentum(0);
        double mass = totalMass(env);
        float[] a = randomActions(rng, 1); // motors only apply torques: no net force
        Object ws = b.newWorkspace();
        for (int s = 0; s < 4; s++) {
            b.step(a, Ant.ACTION_DIM, 0, 1, ws);
        }
        double t = 4 * Ant.TIMESTEP * Ant.SUBSTEPS;
        double[] p1 = b.momentum(0);
        assertThat(p1[0]).isCloseTo(p0[0], within(1e-9));
        assertThat(p1[1]).isCloseTo(p0[1], within(1e-9));
        assertThat(p1[2]).isCloseTo(p0[2] - mass * 9.81 * t, within(1e-9));
    }

    @Test
    void dampingDrainsInternalMotionInFreeFall() {
        Ant env = make("ant", 1);
        SpringBatch b = env.batch();
        double[] q = env.system().initQ();
        q[2] = 20;
        double[] qd = new double[16];
        for (int k = 6; k < 14; k++) {
            qd[k] = 2.0; // joints spinning
        }
        b.reset(0, q, qd);
        double before = internalKinetic(env);
        assertThat(before).isGreaterThan(1.0);
        Object ws = b.newWorkspace();
        float[] zero = new float[Ant.ACTION_DIM];
        double last = before;
        for (int s = 0; s < 10; s++) {
            b.step(zero, Ant.ACTION_DIM, 0, 1, ws);
            double now = internalKinetic(env);
            assertThat(now).isLessThanOrEqualTo(last * 1.05); // no energy from nowhere
            last = now;
        }
        // what is left is the rigid spin the joints gave the whole body, which no internal force can remove
        assertThat(last).isLessThan(0.8 * before);
    }

    private static double totalMass(Ant env) {
        double m = 0;
        for (int l = 0; l < env.system().numLinks(); l++) {
            m += env.system().mass(l);
        }
        return m;
    }

    private static double internalKinetic(Ant env) {
        SpringBatch b = env.batch();
        double[] p = b.momentum(0);
        double m = totalMass(env);
        return b.kineticEnergy(0) - (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]) / (2 * m);
    }

    @Test
    void eachMotorTurnsItsOwnJoint() {
        String[] order = {"hip_4", "ankle_4", "hip_1", "ankle_1", "hip_2", "ankle_2", "hip_3", "ankle_3"};
        Ant ref = make("ant", 1);
        ref.setState(0, ref.system().initQ(), new double[16]);
        float[] zero = new float[Ant.ACTION_DIM];
        for (int t = 0; t < 3; t++) {
            ref.step(zero);
        }
        for (int m = 0; m < Ant.ACTION_DIM; m++) {
            Ant env = make("ant", 1);
            SpringSystem sys = env.system();
            env.setState(0, sys.initQ(), new double[16]);
            float[] a = new float[Ant.ACTION_DIM];
            // push away from the nearer limit so that the joint is free to move
            int link = sys.linkOfJoint(order[m]);
            double mid = 0.5 * (sys.limitLo(link) + sys.limitHi(link));
            a[m] = sys.initQ()[sys.qAdr(link)] > mid ? -1f : 1f;
            for (int t = 0; t < 3; t++) {
                env.step(a);
            }
            int moved = -1;
            double most = 0;
            for (int l = 1; l < sys.numLinks(); l++) {
                double d = Math.abs(env.q(0, sys.qAdr(l)) - ref.q(0, sys.qAdr(l)));
                if (d > most) {
                    most = d;
                    moved = l;
                }
            }
            assertThat(sys.jointName(moved)).as("motor %d", m).isEqualTo(order[m]);
            assertThat(sys.motorLink(m)).isEqualTo(link);
            assertThat(most).isGreaterThan(0.05);
        }
    }
}
