package org.crl4j.envs.spring;

import org.crl4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.crl4j.envs.spring.LaneDynamicsTest.assertSameStates;

/**
 * Every kind of link–link pair in the vectorised step ({@link PairLanes}): sphere–sphere, sphere–capsule and
 * capsule–capsule contacts between free bodies, against the scalar reference bit for bit (the pusher has only
 * capsule–capsule pairs; {@link PusherLanesTest}).
 */
class LinkContactLanesTest {

    private static final int N = 7; // a full block of four and a partial one of three

    /** Two spheres and a capsule, free, without gravity or damping: only contacts change their velocities. */
    static final String BODIES = """
            <mujoco>
              <option timestep="0.001" gravity="0 0 0"/>
              <custom><numeric name="spring_mass_scale" data="0"/><numeric name="spring_inertia_scale" data="1"/></custom>
              <worldbody>
                <body name="a" pos="0 0 0">
                  <joint name="fa" type="free"/>
                  <geom type="sphere" size="0.05" contype="1" conaffinity="1" density="1000"/>
                </body>
                <body name="b" pos="1 0 0">
                  <joint name="fb" type="free"/>
                  <geom type="capsule" fromto="0 -0.15 0 0 0.15 0.02" size="0.04" contype="1" conaffinity="1" density="500"/>
                </body>
                <body name="c" pos="2 0 0">
                  <joint name="fc" type="free"/>
                  <geom type="sphere" size="0.06" contype="1" conaffinity="1" density="800"/>
                </body>
              </worldbody>
            </mujoco>
            """;

    @Test
    void spheresAndCapsulesCollideAsTheScalarReference() {
        SpringSystem sys = SpringSystem.compile(MjcfReader.parse(BODIES), 0.001, 10, true);
        assertThat(sys.contacts().numPairs()).isEqualTo(3);
        SpringBatch vec = new SpringBatch(sys, N), ref = new SpringBatch(sys, N);
        Rng rng = new Rng(21);
        // environment e throws two of the bodies at each other (a–b, a–c, b–c in turn), off centre and spinning;
        // the third waits 3 m away
        int[][] throwers = {{0, 1}, {0, 2}, {1, 2}};
        for (int e = 0; e < N; e++) {
            double[] q = sys.initQ(), qd = new double[sys.qdSize()];
            int[] two = throwers[e % 3];
            for (int l = 0; l < 3; l++) {
                int a = sys.qAdr(l), d = sys.qdAdr(l);
                boolean thrown = l == two[0] || l == two[1];
                double side = l == two[0] ? -1 : 1;
                q[a] = thrown ? 0.25 * side : 3 + l;
                q[a + 1] = thrown ? 0.03 * (2 * rng.nextDouble() - 1) : 3;
                q[a + 2] = thrown ? 0.03 * (2 * rng.nextDouble() - 1) : 0;
                double[] u = Quat.normalized(new double[] {
                    rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()});
                System.arraycopy(u, 0, q, a + 3, 4);
                if (thrown) {
                    qd[d] = -side * (0.5 + rng.nextDouble());
                    for (int k = 3; k < 6; k++) {
                        qd[d + k] = 2 * rng.nextGaussian();
                    }
                }
            }
            vec.reset(e, q, qd);
            ref.reset(e, q, qd);
        }
        double[] v0 = new double[3 * N * 3];
        speeds(ref, v0);
        Object ws = vec.newWorkspace();
        float[] none = new float[0];
        for (int t = 0; t < 60; t++) {
            vec.step(none, 0, 0, N, ws);
            ref.stepReference(none, 0, 0, N);
            assertSameStates(vec, ref, "step " + t);
        }
        double[] v1 = new double[v0.length];
        speeds(ref, v1);
        for (int e = 0; e < N; e++) {
            for (int l : throwers[e % 3]) {
                int i = 3 * (e * 3 + l);
                double change = Math.abs(v1[i] - v0[i]) + Math.abs(v1[i + 1] - v0[i + 1]) + Math.abs(v1[i + 2] - v0[i + 2]);
                assertThat(change).as("env %d: body %d was struck", e, l).isGreaterThan(0.1);
            }
        }
    }

    /** Every link's velocity, (env · links + link) · 3. */
    private static void speeds(SpringBatch b, double[] out) {
        for (int i = 0; i < b.vx.length; i++) {
            out[3 * i] = b.vx[i];
            out[3 * i + 1] = b.vy[i];
            out[3 * i + 2] = b.vz[i];
        }
    }
}
