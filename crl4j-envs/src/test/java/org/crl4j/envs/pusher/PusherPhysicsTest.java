package org.crl4j.envs.pusher;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.spring.MjcfReader;
import org.crl4j.envs.spring.SpringBatch;
import org.crl4j.envs.spring.SpringSystem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The pusher's physics against values derived from the spring equations: the object slides freely in x-y under the
 * global velocity damping only, rides a damped z spring, keeps its orientation; link–link contacts conserve momentum
 * and angular momentum and stop interpenetration; the wrist pushes the object; random actions stay finite.
 */
class PusherPhysicsTest {

    static Pusher make(String id, int n) {
        return (Pusher) Envs.make(id, n, 7, new Parallel(1), VecEnv.ResetMode.SAME_START);
    }

    @Test
    void theModelIsBraxsPusher() {
        SpringSystem s = make("pusher", 1).system();
        assertThat(s.numLinks()).isEqualTo(8); // 7 arm links and the object; the goal is a marker
        assertThat(s.qSize()).isEqualTo(11);
        assertThat(s.isSlide(s.link("object"))).isTrue();
        assertThat(s.qAdr(s.link("object"))).isEqualTo(7);
        for (int l = 0; l < s.numLinks(); l++) {
            assertThat(s.mass(l)).isEqualTo(1.0); // spring_mass_scale 1
        }
        for (int a = 0; a < 7; a++) {
            assertThat(s.gear(a)).isEqualTo(20.0);
        }
        assertThat(s.contacts().numPairs()).isEqualTo(3); // the wrist's three capsules against the object
    }

    @Test
    void aPushedObjectSlidesUnderTheVelocityDampingAlone() {
        Pusher env = make("pusher", 1);
        SpringSystem s = env.system();
        SpringBatch b = env.batch();
        double[] q = new double[11];
        q[7] = -0.3; // well away from the arm (at q = 0 it lies along +x at z = 0, 0.275 m above the object)
        double[] qd = new double[11];
        qd[7] = 0.2; // y
        qd[8] = -0.4; // x
        b.reset(0, q, qd);
        int obj = s.link("object");
        double y0 = b.comY(0, obj), x0 = b.comX(0, obj), z0 = b.comZ(0, obj);
        Object ws = b.newWorkspace();
        float[] zero = new float[7];
        int steps = 10;
        for (int t = 0; t < steps; t++) {
            b.step(zero, 7, 0, 1, ws);
        }
        // v_k = v0·f^k with f = exp(vel_damping·dt) = exp(−0.001); x_N = x0 + dt·Σ_{k=1..N} v0·f^k
        double f = Math.exp(-1 * Pusher.TIMESTEP);
        int n = steps * Pusher.SUBSTEPS;
        double sum = f * (1 - Math.pow(f, n)) / (1 - f);
        assertThat(b.comY(0, obj) - y0).isCloseTo(0.2 * Pusher.TIMESTEP * sum, within(1e-9));
        assertThat(b.comX(0, obj) - x0).isCloseTo(-0.4 * Pusher.TIMESTEP * sum, within(1e-9));
        assertThat(b.comZ(0, obj)).isCloseTo(z0, within(1e-12)); // the z spring is at rest
        double[] now = new double[11];
        b.readQ(0, now, 0);
        assertThat(now[7] + 0.3).isCloseTo(0.2 * Pusher.TIMESTEP * sum, within(1e-9)); // q reads the slides back
    }

    @Test
    void theWristPushesTheObjectAndNeitherPassesThroughTheOther() {
        Pusher env = make("pusher", 1);
        SpringSystem s = env.system();
        SpringBatch b = env.batch();
        // shoulder lift 0.36 rad lowers the wrist fork to the object's height; the object straight ahead of it
        double[] q = new double[11];
        q[1] = 0.36;
        b.reset(0, q, new double[11]);
        int wrist = s.link("r_wrist_roll_link"), obj = s.link("object");
        double[] tip = b.linkPoint(0, wrist, new double[] {0.1, 0, 0}); // the fork's cross-bar centre + 0.1 m: its prongs' ends
        q[8] = tip[0] + 0.15 - 0.45; // obj_slidex: 15 cm beyond the prong ends
        q[7] = tip[1] + 0.05;         // obj_slidey: the object's body sits at y −0.05
        double[] qd = new double[11];
        qd[8] = -0.5; // thrown at the wrist at 0.5 m/s
        b.reset(0, q, qd);
        Object ws = b.newWorkspace();
        float[] zero = new float[7];
        double armRate = 0;
        double nearest = Double.MAX_VALUE;
        double[] wrist0 = b.linkPoint(0, wrist, new double[3]);
        double wristMoved = 0, objectLeast = Double.MAX_VALUE;
        for (int t = 0; t < 20; t++) {
            b.step(zero, 7, 0, 1, ws);
            double[] now = new double[11], rates = new double[11];
            b.readQ(0, now, 0);
            b.readQd(0, rates, 0);
            for (int k = 0; k < 7; k++) {
                armRate = Math.max(armRate, Math.abs(rates[k]));
            }
            double[] w = b.linkPoint(0, wrist, new double[3]);
            wristMoved = Math.max(wristMoved, Math.abs(w[0] - wrist0[0]));
            objectLeast = Math.min(objectLeast, b.comX(0, obj));
            // the object's centre against the wrist's cross-bar (capsule (0, ±0.1, 0), r 0.02) and prongs
            double[] c = {b.comX(0, obj), b.comY(0, obj), b.comZ(0, obj)};
            for (double[][] seg : new double[][][] {{{0, -0.1, 0}, {0, 0.1, 0}}, {{0, -0.1, 0}, {0.1, -0.1, 0}},
                {{0, 0.1, 0}, {0.1, 0.1, 0}}}) {
                double[] p0 = b.linkPoint(0, wrist, seg[0]), p1 = b.linkPoint(0, wrist, seg[1]);
                nearest = Math.min(nearest, distanceToSegmentXy(c, p0, p1));
            }
        }
        // measured: the object stops against the cross-bar at 0.0700 m (the two radii) and bounces back slowly; the
        // wrist gives 5 mm and the arm's joints turn at up to 0.017 rad/s
        assertThat(nearest).isGreaterThan(0.07 - 0.005);
        assertThat(objectLeast).isLessThan(tip[0] + 0.15 - 0.1); // it got between the prongs
        assertThat(b.comX(0, obj)).isGreaterThan(objectLeast); // and came back off the cross-bar
        assertThat(wristMoved).as("the wrist was pushed").isGreaterThan(0.002);
        assertThat(armRate).isGreaterThan(0.005);
    }

    private static double distanceToSegmentXy(double[] c, double[] a, double[] b) {
        double abx = b[0] - a[0], aby = b[1] - a[1];
        double t = ((c[0] - a[0]) * abx + (c[1] - a[1]) * aby) / (abx * abx + aby * aby);
        t = Math.max(0, Math.min(1, t));
        return Math.hypot(c[0] - a[0] - t * abx, c[1] - a[1] - t * aby);
    }

    @Test
    void randomActionsStayFiniteAndTheObjectOnItsSpring() {
        int n = 64;
        Pusher env = make("pusher_hard", n);
        env.reset(3);
        Rng rng = new Rng(4);
        float[] a = new float[n * 7];
        int dim = Pusher.STATE_DIM + Pusher.GOAL_DIM;
        double worstZ = 0;
        for (int t = 0; t < 1500; t++) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (2 * rng.nextDouble() - 1);
            }
            env.step(a);
            float[] obs = env.observations();
            for (int e = 0; e < n; e++) {
                for (int k = 0; k < dim; k++) {
                    assertThat(Float.isFinite(obs[e * dim + k])).as("obs %d of env %d", k, e).isTrue();
                }
                worstZ = Math.max(worstZ, Math.abs(obs[e * dim + 12] + 0.275));
            }
        }
        // pushed down or up by the wrist at most a few centimetres (k = 3000 N/m against at most ~40 N)
        assertThat(worstZ).isLessThan(0.05);
    }
}
