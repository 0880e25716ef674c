package org.crl4j.envs.ant;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.render.SceneRenderer;
import org.crl4j.envs.spring.SpringEnv;
import org.crl4j.envs.spring.SpringSystem;

/**
 * JaxGCRL's ant tasks on Brax's spring pipeline, N at a time. State (29): q without the target's two coordinates
 * (torso x, y, z, orientation w, x, y, z, the 8 joint angles hip_1, ankle_1, …, hip_4, ankle_4) and qd without the
 * target's (torso linear velocity, torso angular velocity in the torso frame, the 8 joint rates); goal: the target's
 * x, y, matched against state[0:2]. Actions drive the motors in the model's order: hip_4, ankle_4, hip_1, ankle_1,
 * hip_2, ankle_2, hip_3, ankle_3 (gear 150). Control step 10 × 0.005 s. An episode terminates when the torso's z
 * leaves [0.2, 1.0] and is truncated after 1000 steps. Reset: q = init_qpos + U(−0.1, 0.1) per entry, qd = 0.1·N(0, 1)
 * per entry, then the arena's start and goal, and zero target velocity.
 */
public final class Ant extends SpringEnv {

    public static final int STATE_DIM = 29;
    public static final int ACTION_DIM = 8;
    /** goal_reach_thresh. */
    public static final float SUCCESS_THRESHOLD = 0.5f;
    public static final int EPISODE_LENGTH = 1000;
    /** JaxGCRL's spring-backend overrides: opt.timestep 0.005 and n_frames 10. */
    public static final double TIMESTEP = 0.005;
    public static final int SUBSTEPS = 10;
    public static final double RESET_NOISE = 0.1;
    /** healthy_z_range. */
    public static final double MIN_Z = 0.2;
    public static final double MAX_Z = 1.0;

    private final AntArena arena;

    public Ant(EnvSpec spec, AntArena arena, int numEnvs, Parallel pool, ResetMode resetMode) {
        super(spec, SpringSystem.compile(arena.model(), TIMESTEP, SUBSTEPS), numEnvs, pool, resetMode);
        this.arena = arena;
        if (qSize != 17 || qdSize != 16 || system.numMotors() != ACTION_DIM || system.markers().size() != 1) {
            throw new IllegalArgumentException("not the ant model: q " + qSize + ", qd " + qdSize + ", motors "
                    + system.numMotors());
        }
    }

    public AntArena arena() {
        return arena;
    }

    // ---- VecEnv hooks -------------------------------------------------------------------------------------------

    @Override
    protected void sampleStart(int env, Rng rng) {
        double[] q0 = system.initQ();
        double[] qd0 = new double[qdSize];
        for (int k = 0; k < qSize; k++) {
            q0[k] += RESET_NOISE * (2 * rng.nextDouble() - 1);
        }
        for (int k = 0; k < qdSize; k++) {
            qd0[k] = RESET_NOISE * rng.nextGaussian();
        }
        arena.place(rng, q0);
        qd0[qdSize - 2] = 0;
        qd0[qdSize - 1] = 0;
        place(env, q0, qd0);
    }

    @Override
    protected void writeState(int env, float[] out, int off) {
        for (int k = 0; k < qSize - 2; k++) {
            out[off + k] = (float) q(env, k);
        }
        for (int k = 0; k < qdSize - 2; k++) {
            out[off + qSize - 2 + k] = (float) qd(env, k);
        }
    }

    @Override
    protected void writeGoal(int env, float[] out, int off) {
        out[off] = (float) q(env, qSize - 2);
        out[off + 1] = (float) q(env, qSize - 1);
    }

    @Override
    protected boolean isTerminal(int env) {
        double z = q(env, 2);
        return z < MIN_Z || z > MAX_Z || z != z;
    }

    @Override
    public SceneRenderer renderer() {
        return arena.renderer(system);
    }
}
