package org.crl4j.envs.spring;

import org.crl4j.core.Rng;
import org.crl4j.envs.ant.MazeArena;
import org.crl4j.envs.ant.OpenArena;
import org.crl4j.envs.humanoid.HumanoidArena;
import org.crl4j.envs.maze.MazeLayout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The inverse kinematics directly: random q, qd for the ant placed by the forward kinematics ({@link SpringBatch#reset})
 * come back from the scalar reference ({@link SpringBatch#readState}, readQ, readQd) to rounding, and the lanewise
 * version ({@code LaneDynamics.inverse}, without a step) gives the reference's bits, for the humanoid's stacked
 * hinges and rotated body frames, and the pusher's hinge on the world and slide link, too.
 */
class InverseKinematicsTest {

    private static final int N = 11; // two full blocks of four and a partial one

    private static SpringSystem[] ants() {
        return new SpringSystem[] {
            SpringSystem.compile(new OpenArena().model(), 0.005, 10),
            SpringSystem.compile(new MazeArena(MazeLayout.U).model(), 0.005, 10)};
    }

    /**
     * A hinge on the world in a rotated body frame with a hinge under it, and a slide link: the pusher's joint kinds
     * with a root body frame the pusher does not have.
     */
    static final String ROTATED_ROOT = """
            <mujoco>
              <custom><numeric name="spring_inertia_scale" data="1"/></custom>
              <worldbody>
                <geom name="floor" type="plane" size="5 5 0.1" contype="1" conaffinity="1"/>
                <body name="arm" pos="0.1 -0.2 0.3" quat="0.9 0.2 -0.3 0.25">
                  <joint name="pan" type="hinge" axis="0.3 0.1 1" range="-2 2"/>
                  <geom type="capsule" fromto="0 0 0 0.4 0 0" size="0.05"/>
                  <body name="fore" pos="0.4 0 0">
                    <joint name="flex" type="hinge" axis="0 1 0" range="-1 1"/>
                    <geom type="capsule" fromto="0 0 0 0.3 0 0" size="0.04"/>
                  </body>
                </body>
                <body name="puck" pos="0.5 0.2 0.05">
                  <joint name="py" type="slide" axis="0 1 0" range="-3 3"/>
                  <joint name="px" type="slide" axis="1 0 0" range="-3 3"/>
                  <geom type="capsule" size="0.05 0.05" contype="1" conaffinity="1"/>
                </body>
              </worldbody>
            </mujoco>
            """;

    /**
     * The ants, the humanoids (stacked hinges, rotated body frames), the pusher and {@link #ROTATED_ROOT} (hinges on
     * the world, slide links), for the lanewise inverse.
     */
    private static SpringSystem[] allJointKinds() {
        return new SpringSystem[] {
            ants()[0], ants()[1],
            SpringSystem.compile(HumanoidArena.open().model(), 0.0015, 10),
            SpringSystem.compile(HumanoidArena.maze(MazeLayout.U).model(), 0.0015, 10),
            SpringSystem.compile(MjcfReader.resource(InverseKinematicsTest.class, SlideAndLinkContactTest.PUSHER), 0.001,
                    50, true),
            SpringSystem.compile(MjcfReader.parse(ROTATED_ROOT), 0.001, 10, true)};
    }

    /** Random generalized coordinates: torso anywhere, a random unit quaternion, hinges over (−3, 3) rad. */
    private static double[][] randomStates(SpringSystem sys, long seed) {
        Rng rng = new Rng(seed);
        double[][] out = new double[2 * N][];
        for (int e = 0; e < N; e++) {
            double[] q = sys.initQ();
            double[] qd = new double[sys.qdSize()];
            for (int l = 0; l < sys.numLinks; l++) {
                int a = sys.qAdr[l], d = sys.qdAdr[l];
                if (sys.free[l]) {
                    for (int k = 0; k < 3; k++) {
                        q[a + k] = 10 * (2 * rng.nextDouble() - 1);
                    }
                    double[] u = Quat.normalized(new double[] {
                        rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()});
                    System.arraycopy(u, 0, q, a + 3, 4);
                    for (int k = 0; k < 6; k++) {
                        qd[d + k] = 3 * rng.nextGaussian();
                    }
                } else {
                    for (int k = 0; k < sys.dofs[l]; k++) {
                        q[a + k] = 3 * (2 * rng.nextDouble() - 1);
                    }
                    for (int k = 0; k < sys.dofs[l]; k++) {
                        qd[d + k] = 3 * rng.nextGaussian();
                    }
                }
            }
            for (SpringSystem.Marker m : sys.markers) { // the goal marker: any place, at rest
                for (int k = 0; k < m.qCount(); k++) {
                    q[m.qAdr() + k] = 10 * (2 * rng.nextDouble() - 1);
                }
            }
            out[2 * e] = q;
            out[2 * e + 1] = qd;
        }
        return out;
    }

    private static SpringBatch placed(SpringSystem sys, double[][] states) {
        SpringBatch b = new SpringBatch(sys, N);
        for (int e = 0; e < N; e++) {
            b.reset(e, states[2 * e], states[2 * e + 1]);
        }
        return b;
    }

    @Test
    void theScalarInverseRecoversTheForwardKinematicsInput() {
        for (SpringSystem sys : ants()) {
            double[][] states = randomStates(sys, 1);
            SpringBatch b = placed(sys, states);
            Object ws = b.newWorkspace();
            double[] q = new double[sys.qSize()], qd = new double[sys.qdSize()];
            double[] q1 = new double[sys.qSize()], qd1 = new double[sys.qdSize()];
            for (int e = 0; e < N; e++) {
                b.readState(e, q, 0, qd, 0, ws);
                assertThat(q).containsExactly(states[2 * e], within(1e-9));
                assertThat(qd).containsExactly(states[2 * e + 1], within(1e-9));
                // readQ and readQd are the same code: the same bits
                b.readQ(e, q1, 0);
                b.readQd(e, qd1, 0);
                assertThat(q1).containsExactly(q);
                assertThat(qd1).containsExactly(qd);
            }
        }
    }

    @Test
    void theLanewiseInverseGivesTheScalarReferenceBitForBit() {
        assumeTrue(org.crl4j.core.Simd.ENABLED, "the Vector API is off: there is no lanewise inverse");
        for (SpringSystem sys : allJointKinds()) {
            for (long seed = 1; seed <= 4; seed++) {
                SpringBatch b = placed(sys, randomStates(sys, seed));
                assertThat(b.hasVectorInverse()).isTrue();
                Object ws = b.newWorkspace();
                int qs = sys.qSize(), qds = sys.qdSize();
                double[] qAll = new double[N * qs], qdAll = new double[N * qds];
                b.readStatesLanewise(0, N, ws, qAll, qdAll);
                // split into calls differently: the same bits
                double[] qSplit = new double[N * qs], qdSplit = new double[N * qds];
                b.readStatesLanewise(0, 3, ws, qSplit, qdSplit);
                b.readStatesLanewise(3, N, ws, qSplit, qdSplit);
                double[] q = new double[qs], qd = new double[qds];
                for (int e = 0; e < N; e++) {
                    b.readState(e, q, 0, qd, 0, ws);
                    for (int k = 0; k < qs; k++) {
                        assertThat(Double.doubleToRawLongBits(qAll[e * qs + k])).as("env %d q[%d]", e, k)
                                .isEqualTo(Double.doubleToRawLongBits(q[k]));
                        assertThat(qSplit[e * qs + k]).isEqualTo(qAll[e * qs + k]);
                    }
                    for (int k = 0; k < qds; k++) {
                        assertThat(Double.doubleToRawLongBits(qdAll[e * qds + k])).as("env %d qd[%d]", e, k)
                                .isEqualTo(Double.doubleToRawLongBits(qd[k]));
                        assertThat(qdSplit[e * qds + k]).isEqualTo(qdAll[e * qds + k]);
                    }
                }
            }
        }
    }
}
