package org.crl4j.envs.spring;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Slide links (Brax's translational link type '2') and link–link contacts against the spring equations: the object's
 * z spring step for step, its rotation held, and two free capsules colliding with momentum and angular momentum kept.
 */
class SlideAndLinkContactTest {

    static final String PUSHER = "/org/crl4j/envs/pusher/pusher.xml";

    @Test
    void aSlideLinksHeightFollowsTheSpringAndDamperStepForStep() {
        SpringSystem s = SpringSystem.compile(MjcfReader.resource(SlideAndLinkContactTest.class, PUSHER), 0.001, 1,
                true);
        SpringBatch b = new SpringBatch(s, 1);
        double[] q = new double[11];
        q[7] = -0.3; // away from the arm
        b.reset(0, q, new double[11]);
        int obj = s.link("object");
        int i = obj; // environment 0
        double rest = b.pz[i];
        b.vz[i] = 0.3; // kicked upwards
        // semi-implicit Euler of m z'' = −k z − c z' (k 3000, c 50, m 1), then vel_damping: v·exp(−dt)
        double z = 0, v = 0.3, dt = 0.001, f = Math.exp(-dt);
        Object ws = b.newWorkspace();
        float[] zero = new float[7];
        double top = 0;
        for (int t = 0; t < 300; t++) {
            v = (v + dt * (-3000 * z - 50 * v)) * f;
            z += v * dt;
            b.step(zero, 7, 0, 1, ws);
            assertThat(b.pz[i] - rest).as("substep %d", t).isCloseTo(z, within(1e-12));
            top = Math.max(top, z);
        }
        assertThat(top).isCloseTo(0.3 / 54.8 * Math.exp(-0.46 * Math.atan(Math.sqrt(1 - 0.21) / 0.46)
                / Math.sqrt(1 - 0.21)), within(0.0005)); // the damped oscillator's first peak, ζ 0.46
        assertThat(Math.abs(b.pz[i] - rest)).isLessThan(1e-5); // settled after 0.3 s
    }

    @Test
    void aSlideLinkKeepsItsOrientation() {
        SpringSystem s = SpringSystem.compile(MjcfReader.resource(SlideAndLinkContactTest.class, PUSHER), 0.001, 50,
                true);
        SpringBatch b = new SpringBatch(s, 1);
        double[] q = new double[11];
        q[7] = -0.3;
        b.reset(0, q, new double[11]);
        int obj = s.link("object");
        b.wx[obj] = 3;
        b.wz[obj] = -2;
        Object ws = b.newWorkspace();
        float[] zero = new float[7];
        // unit inertia: ω' = −k_a·ω − (the lock's ~50 rad/s stiffness): ζ ≈ 0.1, decaying as e^(−5t)
        for (int t = 0; t < 60; t++) {
            b.step(zero, 7, 0, 1, ws);
        }
        assertThat(b.qw[obj]).isCloseTo(1.0, within(1e-6));
        assertThat(Math.abs(b.wx[obj]) + Math.abs(b.wy[obj]) + Math.abs(b.wz[obj])).isLessThan(1e-4);
    }

    static final String TWO_CAPSULES = """
            <mujoco>
              <option timestep="0.001" gravity="0 0 0"/>
              <custom><numeric name="spring_mass_scale" data="0"/><numeric name="spring_inertia_scale" data="1"/></custom>
              <worldbody>
                <body name="a" pos="0 0 0">
                  <joint name="fa" type="free"/>
                  <geom type="capsule" size="0.05 0.2" contype="1" conaffinity="1" density="1000"/>
                </body>
                <body name="b" pos="0.4 0.1 0.05">
                  <joint name="fb" type="free"/>
                  <geom type="capsule" fromto="0 -0.15 0 0 0.15 0" size="0.04" contype="1" conaffinity="1" density="500"/>
                </body>
              </worldbody>
            </mujoco>
            """;

    @Test
    void twoFreeCapsulesCollideKeepingMomentumAndAngularMomentum() {
        SpringSystem s = SpringSystem.compile(MjcfReader.parse(TWO_CAPSULES), 0.001, 10, true);
        assertThat(s.contacts().numPairs()).isEqualTo(1);
        SpringBatch b = new SpringBatch(s, 1);
        double[] q = s.initQ();
        double[] qd = new double[12];
        qd[0] = 1.0;  // a towards b
        qd[6] = -0.5; // b towards a
        b.reset(0, q, qd);
        double[] p0 = b.momentum(0), l0 = angularMomentum(s, b);
        Object ws = b.newWorkspace();
        float[] none = new float[0];
        double closest = Double.MAX_VALUE;
        for (int t = 0; t < 60; t++) {
            b.step(none, 0, 0, 1, ws);
            // the two axes' distance, against the radii 0.05 + 0.04
            closest = Math.min(closest, axisDistance(b));
        }
        double[] p1 = b.momentum(0), l1 = angularMomentum(s, b);
        for (int k = 0; k < 3; k++) {
            assertThat(p1[k]).isCloseTo(p0[k], within(1e-12));
            assertThat(l1[k]).isCloseTo(l0[k], within(1e-12));
        }
        double va = b.vx[0], vb = b.vx[1];
        assertThat(va).as("a was stopped").isLessThan(0.9);
        assertThat(vb - va).as("no longer approaching").isGreaterThan(-1e-3);
        assertThat(closest).isGreaterThan(0.09 - 0.005);
    }

    /** Σ m·c × v + ω (unit rotational inertia), about the origin. */
    private static double[] angularMomentum(SpringSystem s, SpringBatch b) {
        double[] l = new double[3];
        for (int k = 0; k < s.numLinks(); k++) {
            double m = s.mass(k);
            l[0] += m * (b.py[k] * b.vz[k] - b.pz[k] * b.vy[k]) + b.wx[k];
            l[1] += m * (b.pz[k] * b.vx[k] - b.px[k] * b.vz[k]) + b.wy[k];
            l[2] += m * (b.px[k] * b.vy[k] - b.py[k] * b.vx[k]) + b.wz[k];
        }
        return l;
    }

    private static double axisDistance(SpringBatch b) {
        double[] v = new double[24];
        double[] a0 = b.linkPoint(0, 0, new double[] {0, 0, -0.2}), a1 = b.linkPoint(0, 0, new double[] {0, 0, 0.2});
        double[] b0 = b.linkPoint(0, 1, new double[] {0, -0.15, 0}), b1 = b.linkPoint(0, 1, new double[] {0, 0.15, 0});
        System.arraycopy(a0, 0, v, 0, 3);
        System.arraycopy(a1, 0, v, 3, 3);
        System.arraycopy(b0, 0, v, 6, 3);
        System.arraycopy(b1, 0, v, 9, 3);
        Segments.closestBetween(v, 0, 6, v, 12);
        return Math.sqrt(Math.pow(v[15] - v[12], 2) + Math.pow(v[16] - v[13], 2) + Math.pow(v[17] - v[14], 2));
    }
}
