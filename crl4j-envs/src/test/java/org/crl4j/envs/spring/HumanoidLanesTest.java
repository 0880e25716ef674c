package org.crl4j.envs.spring;

import org.crl4j.core.Rng;
import org.crl4j.envs.humanoid.HumanoidArena;
import org.crl4j.envs.maze.MazeLayout;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.crl4j.envs.spring.LaneDynamicsTest.assertInverseIsTheReference;
import static org.crl4j.envs.spring.LaneDynamicsTest.assertSameStates;
import static org.crl4j.envs.spring.LaneDynamicsTest.thrown;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Stacked hinges (the humanoid's abdomen, hips and shoulders) in the vectorised step: {@link LaneDynamics} with
 * {@link StackedLanes} against the scalar reference ({@link SpringBatch#stepReference}, {@link SpringBatch#readState})
 * bit for bit, on the open floor and thrown against maze walls, and the lanewise acos they rest on against
 * {@link Math#acos}.
 */
class HumanoidLanesTest {

    private static final int N = 6; // a full block of four and a partial one

    @Test
    void theLanewiseAcosIsMathAcosBitForBit() {
        assumeTrue(org.crl4j.core.Simd.ENABLED, "the Vector API is off: there is no lanewise acos");
        java.util.List<Double> xs = new java.util.ArrayList<>();
        for (double x : new double[] {0, -0.0, 0.5, -0.5, 1, -1, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-300,
            0x1p-57, -0x1p-57, Double.longBitsToDouble(0x3c60000000000000L), Double.longBitsToDouble(0x3c60000100000000L),
            Double.longBitsToDouble(0x3c600000ffffffffL), 1.5, -2, Double.NaN, Double.POSITIVE_INFINITY}) {
            xs.add(x);
            xs.add(Math.nextUp(x));
            xs.add(Math.nextDown(x));
        }
        Rng rng = new Rng(11);
        for (int i = 0; i < 400_000; i++) {
            xs.add(2 * rng.nextDouble() - 1);
            xs.add(1 - Math.pow(10, -16 * rng.nextDouble())); // near ±1, where theta sits near 0 and π
            xs.add(Math.pow(10, -16 * rng.nextDouble()) - 1);
        }
        double[] buf = new double[8];
        for (int i = 0; i + 4 <= xs.size(); i += 4) {
            for (int j = 0; j < 4; j++) {
                buf[j] = xs.get(i + j);
            }
            LaneDynamics.acos(buf, 0, 4);
            for (int j = 0; j < 4; j++) {
                assertThat(Double.doubleToRawLongBits(buf[4 + j])).as("acos(%s)", buf[j])
                        .isEqualTo(Double.doubleToRawLongBits(Math.acos(buf[j])));
            }
        }
    }

    @Test
    void humanoidsStepAsTheScalarReference() {
        SpringSystem sys = SpringSystem.compile(HumanoidArena.open().model(), 0.0015, 10);
        stepsAsTheReference(sys, 0, 0.3, 40, 21);
    }

    @Test
    void humanoidsThrownAgainstMazeWallsStepAsTheScalarReference() {
        SpringSystem sys = SpringSystem.compile(HumanoidArena.maze(MazeLayout.U).model(), 0.0015, 10);
        // the R cell of the U maze (2 m cells): walls 1 m away at x = 1, y = 1 and x = 3
        SpringBatch vec = stepsAsTheReference(sys, 2, 0.1, 40, 22);
        for (int e = 0; e < N; e++) {
            assertThat(vec.comX(e, 0)).isBetween(1.0, 3.0); // rows 0 and 2 of column 1 are walls
            assertThat(vec.comY(e, 0)).isGreaterThan(1.0); // column 0 is wall
        }
    }

    /**
     * N thrown humanoids ({@link LaneDynamicsTest#thrown}) stepped {@code steps} times with random controls in the
     * motors' range: lanewise (all at once, and split into calls) and by the scalar reference, the same states after
     * every step, and the lanewise inverse kinematics gives readState's q and qd.
     */
    private static SpringBatch stepsAsTheReference(SpringSystem sys, double at, double noise, int steps, long seed) {
        assertThat(sys.hasStackedHinges()).isTrue();
        SpringBatch vec = thrown(sys, N, at, noise);
        SpringBatch ref = thrown(sys, N, at, noise);
        SpringBatch split = thrown(sys, N, at, noise);
        if (org.crl4j.core.Simd.ENABLED) {
            assertThat(vec.hasVectorInverse()).as("the humanoid's inverse kinematics is lanewise").isTrue();
        }
        Object ws = vec.newWorkspace(), ws2 = split.newWorkspace();
        int nu = sys.numMotors();
        Rng rng = new Rng(seed);
        float[] ctrl = new float[N * nu];
        double[] q = new double[N * sys.qSize()], qd = new double[N * sys.qdSize()];
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < ctrl.length; i++) {
                ctrl[i] = (float) (0.4 * (2 * rng.nextDouble() - 1));
            }
            vec.step(ctrl, nu, 0, N, ws, q, qd);
            ref.stepReference(ctrl, nu, 0, N);
            split.step(ctrl, nu, 0, 1, ws2);
            split.step(ctrl, nu, 1, N, ws2);
            assertSameStates(vec, ref, "step " + t);
            assertSameStates(split, ref, "split, step " + t);
            assertInverseIsTheReference(vec, ws, q, qd);
        }
        return vec;
    }
}
