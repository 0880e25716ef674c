package org.crl4j.envs.humanoid;

import java.io.IOException;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.GoldenTrajectory;
import org.crl4j.envs.VecEnv;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Golden trajectories of the humanoid: the full 268-dim state and the goal of 18 environments (not a multiple of any
 * SIMD width) after 150 control steps under fixed random actions, episodes ending and restarting on the way,
 * recorded with the scalar reference implementation when the humanoid landed ({@code golden_<env>.txt}). Any
 * faster path (the lanewise step) must reproduce them; the tolerance is AntGoldenTest's, for the same reasons.
 */
class HumanoidGoldenTest {

    static final int ENVS = 18;
    static final int STEPS = 150;

    static double[][] run(String id) {
        VecEnv env = Envs.make(id, ENVS, 2024, new Parallel(1), VecEnv.ResetMode.SAME_START);
        Rng rng = new Rng(77);
        float[] act = new float[ENVS * Humanoid.ACTION_DIM];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < act.length; i++) {
                act[i] = (float) (2 * rng.nextDouble() - 1);
            }
            env.step(act);
        }
        Humanoid h = (Humanoid) env;
        int dim = Humanoid.STATE_DIM + Humanoid.GOAL_DIM;
        double[][] out = new double[ENVS][26 + 25 + dim];
        float[] obs = env.observations();
        for (int e = 0; e < ENVS; e++) {
            for (int k = 0; k < 26; k++) {
                out[e][k] = h.q(e, k);
            }
            for (int k = 0; k < 25; k++) {
                out[e][26 + k] = h.qd(e, k);
            }
            for (int k = 0; k < dim; k++) {
                out[e][51 + k] = obs[e * dim + k];
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"humanoid", "humanoid_u_maze"})
    void matchesTheRecordedReferenceTrajectory(String id) throws IOException {
        GoldenTrajectory.check(HumanoidGoldenTest.class, id, run(id), 1e-9);
    }
}
