package org.crl4j.envs.ant;

import java.io.IOException;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.GoldenTrajectory;
import org.crl4j.envs.VecEnv;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden trajectories: q and qd of 18 environments (not a multiple of any SIMD width, so partial blocks are covered)
 * after 200 control steps (2000 substeps) under fixed random actions, recorded with the scalar reference
 * implementation before it was optimised ({@code golden_<env>.txt}). The optimised pipeline must stay within
 * {@link #TOLERANCE} of it.
 *
 * <p>Why 1e-9: the physics runs in double precision, so a change that only reorders floating-point operations
 * perturbs a state by ~1e-16 relative per operation; the contact dynamics amplify such perturbations, but over 2000
 * substeps they stay many orders of magnitude below 1e-9 unless a contact decision flips (then the trajectories part
 * visibly). Any change of the equations (a coefficient, a friction rule, a missing term) moves these states by
 * 1e-4 or more. The optimised code keeps the reference's order of operations, so in practice the match is exact.
 * Regenerate (only when the physics is meant to change) as {@link GoldenTrajectory} says.
 */
class AntGoldenTest {

    static final double TOLERANCE = 1e-9;
    static final int ENVS = 18;
    static final int STEPS = 200;

    static double[][] run(String id) {
        Ant env = (Ant) Envs.make(id, ENVS, 2024, new Parallel(1), VecEnv.ResetMode.SAME_START);
        Rng rng = new Rng(77);
        float[] act = new float[ENVS * Ant.ACTION_DIM];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < act.length; i++) {
                act[i] = (float) (2 * rng.nextDouble() - 1);
            }
            env.step(act);
        }
        double[][] out = new double[ENVS][17 + 16];
        for (int e = 0; e < ENVS; e++) {
            for (int k = 0; k < 17; k++) {
                out[e][k] = env.q(e, k);
            }
            for (int k = 0; k < 16; k++) {
                out[e][17 + k] = env.qd(e, k);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ant", "ant_u_maze"})
    void matchesTheRecordedReferenceTrajectory(String id) throws IOException {
        GoldenTrajectory.check(AntGoldenTest.class, id, run(id), TOLERANCE);
    }
}
