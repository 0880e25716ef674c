package org.crl4j.envs.spring;

import org.crl4j.core.Parallel;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.VecEnv;

/**
 * What every task on the spring pipeline shares (ant, humanoid, pusher): the compiled model, the batch of N
 * environments, one stepping workspace per chunk of environments, and each environment's q and qd after its last step
 * (Brax's {@code pipeline_state.q, qd}, which observations read). A task adds its start distribution, its observation
 * and, where it needs one, its own state beyond the physics ({@link #taskState}).
 */
public abstract class SpringEnv extends VecEnv {

    protected final SpringSystem system;
    protected final SpringBatch batch;
    protected final int qSize, qdSize;
    private final Object[] workspaces; // one per chunk of ENVS_PER_TASK environments
    private final double[] q;          // [N × qSize]
    private final double[] qd;         // [N × qdSize]

    protected SpringEnv(EnvSpec spec, SpringSystem system, int numEnvs, Parallel pool, ResetMode resetMode) {
        super(spec, numEnvs, pool, resetMode);
        this.system = system;
        this.batch = new SpringBatch(system, numEnvs);
        this.qSize = system.qSize();
        this.qdSize = system.qdSize();
        this.workspaces = new Object[chunks()];
        for (int k = 0; k < workspaces.length; k++) {
            workspaces[k] = batch.newWorkspace();
        }
        this.q = new double[numEnvs * qSize];
        this.qd = new double[numEnvs * qdSize];
    }

    /** Number of chunks of ENVS_PER_TASK environments (a subclass may keep scratch per chunk). */
    protected final int chunks() {
        return (numEnvs + ENVS_PER_TASK - 1) / ENVS_PER_TASK;
    }

    public SpringSystem system() {
        return system;
    }

    public SpringBatch batch() {
        return batch;
    }

    /** Generalized coordinate k of environment env after the last step (Brax's q, markers included). */
    public double q(int env, int k) {
        return q[env * qSize + k];
    }

    public double qd(int env, int k) {
        return qd[env * qdSize + k];
    }

    /** Places environment env at (q, qd) directly, as a reset would; for tests and tools. */
    public void setState(int env, double[] newQ, double[] newQd) {
        place(env, newQ, newQd);
    }

    /** Puts environment env at (q, qd) by forward kinematics and reads its q and qd back; for {@code sampleStart}. */
    protected void place(int env, double[] newQ, double[] newQd) {
        batch.reset(env, newQ, newQd);
        batch.readQ(env, q, env * qSize);
        batch.readQd(env, qd, env * qdSize);
    }

    /** One control step of environments [from, to) with controls {@code ctrl[e · actionDim + a]}. */
    protected final void stepPhysics(float[] ctrl, int from, int to) {
        batch.step(ctrl, spec.actionDim(), from, to, workspaces[from / ENVS_PER_TASK], q, qd);
    }

    @Override
    protected void simulate(float[] actions, int from, int to) {
        stepPhysics(actions, from, to);
    }

    /** State a task keeps beyond the physics, environment-major, saved and restored with it (none by default). */
    protected double[][] taskState() {
        return new double[0][];
    }

    @Override
    protected final double[][] physicalState() {
        double[][] a = batch.arrays();
        double[][] extra = taskState();
        double[][] out = java.util.Arrays.copyOf(a, a.length + 2 + extra.length);
        out[a.length] = q;
        out[a.length + 1] = qd;
        System.arraycopy(extra, 0, out, a.length + 2, extra.length);
        return out;
    }
}
