package org.crl4j.envs;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;

/**
 * N copies of a goal-conditioned task stepped together, structure of arrays: every output is one flat array with
 * one row per environment, overwritten by each {@link #step}.
 *
 * <p><b>Auto-reset, in the same step, as Brax does.</b> When a step ends an episode (terminated: the task's own
 * failure condition; truncated: {@link EnvSpec#episodeLength} steps reached), {@link #rewards()},
 * {@link #terminated()}, {@link #truncated()} and {@link #distances()} describe that last step, the observation it
 * reached is kept in {@link #finalObservations()}, and {@link #observations()} already holds the first observation
 * of the next episode, whose {@link #trajectoryIds() trajectory id} is one higher. In {@link ResetMode#SAME_START}
 * (Brax's AutoResetWrapper, what JaxGCRL trains with) an environment restarts from exactly the state and goal it
 * was first reset to; in {@link ResetMode#RESAMPLE} it draws a new start and goal.
 *
 * <p><b>Determinism.</b> Environment i draws its randomness from its own stream, derived from the seed and i, and
 * environments are stepped in fixed chunks, so results depend on the seed and N but not on the thread count.
 *
 * <p>Subclasses own the physical state (their own arrays) and implement the hooks; this class does the
 * bookkeeping common to all tasks.
 */
public abstract class VecEnv {

    /** What an environment restarts from after an episode ends. */
    public enum ResetMode {
        /** The start state and goal of the environment's first reset (Brax AutoResetWrapper; JaxGCRL training). */
        SAME_START,
        /** A freshly sampled start and goal. */
        RESAMPLE;

        public static ResetMode parse(String s) {
            for (ResetMode m : values()) {
                if (m.name().equalsIgnoreCase(s.replace('-', '_'))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown reset mode '" + s + "'; use same_start or resample");
        }
    }

    /**
     * Environments per parallel task; fixed so that the split never depends on the thread count. {@link #simulate}
     * is called for [k·ENVS_PER_TASK, …) ranges, so a subclass may keep scratch per chunk k.
     */
    protected static final int ENVS_PER_TASK = 128;

    protected final EnvSpec spec;
    protected final int numEnvs;
    private final Parallel pool;
    private final ResetMode resetMode;
    private final int obsDim;
    private final int stateDim;
    private final int[] goalIdx;

    private final float[] observations;
    private final float[] finalObservations;
    private final float[] rewards;
    private final float[] distances;
    private final boolean[] terminated;
    private final boolean[] truncated;
    private final int[] trajectoryIds;
    private final int[] episodeSteps;
    private final float[] clippedActions;
    private final Rng[] rngs;
    private final long[] firstResetRngState;
    private boolean wasReset;

    protected VecEnv(EnvSpec spec, int numEnvs, Parallel pool, ResetMode resetMode) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException("need at least one environment, got " + numEnvs);
        }
        this.spec = spec;
        this.numEnvs = numEnvs;
        this.pool = pool;
        this.resetMode = resetMode;
        this.obsDim = spec.observationDim();
        this.stateDim = spec.stateDim();
        this.goalIdx = spec.goalIndices();
        this.observations = new float[numEnvs * obsDim];
        this.finalObservations = new float[numEnvs * obsDim];
        this.rewards = new float[numEnvs];
        this.distances = new float[numEnvs];
        this.terminated = new boolean[numEnvs];
        this.truncated = new boolean[numEnvs];
        this.trajectoryIds = new int[numEnvs];
        this.episodeSteps = new int[numEnvs];
        this.clippedActions = new float[numEnvs * spec.actionDim()];
        this.rngs = new Rng[numEnvs];
        this.firstResetRngState = new long[numEnvs];
    }

    // ---- hooks --------------------------------------------------------------------------------------------------

    /** Draws a start state and a goal for environment {@code env} (all randomness from {@code rng}). */
    protected abstract void sampleStart(int env, Rng rng);

    /**
     * Advances environments [from, to) by one control step. {@code actions} holds row-major actions already
     * clipped to [−1, 1]; row i is environment i's.
     */
    protected abstract void simulate(float[] actions, int from, int to);

    /** Writes environment {@code env}'s state ({@link EnvSpec#stateDim} floats) at {@code out[off]}. */
    protected abstract void writeState(int env, float[] out, int off);

    /** Writes environment {@code env}'s goal ({@link EnvSpec#goalDim} floats) at {@code out[off]}. */
    protected abstract void writeGoal(int env, float[] out, int off);

    /**
     * The arrays that hold the physical state of all environments (positions, velocities, goals, …), by reference:
     * a checkpoint saves them and a resume overwrites them in place. Scratch arrays need not be listed.
     */
    protected abstract double[][] physicalState();

    /** The task's own failure condition (e.g. a fallen ant); none by default. */
    protected boolean isTerminal(int env) {
        return false;
    }

    // ---- API ----------------------------------------------------------------------------------------------------

    public EnvSpec spec() {
        return spec;
    }

    public int numEnvs() {
        return numEnvs;
    }

    public ResetMode resetMode() {
        return resetMode;
    }

    /** Resets every environment: trajectory ids and step counters to 0, a new start and goal each from the seed. */
    public void reset(long seed) {
        pool.run(tasks(), (t, w) -> {
            int to = Math.min(numEnvs, (t + 1) * ENVS_PER_TASK);
            for (int i = t * ENVS_PER_TASK; i < to; i++) {
                rngs[i] = Rng.forStream(seed, i);
                firstResetRngState[i] = rngs[i].state();
                sampleStart(i, rngs[i]);
                trajectoryIds[i] = 0;
                episodeSteps[i] = 0;
                rewards[i] = 0f;
                terminated[i] = false;
                truncated[i] = false;
                writeObservation(i);
                distances[i] = distanceFromObservation(i);
            }
        });
        wasReset = true;
    }

    /** Steps every environment with {@code actions} [numEnvs × actionDim] (clipped to [−1, 1]; NaN counts as 0). */
    public void step(float[] actions) {
        if (!wasReset) {
            throw new IllegalStateException("step before reset: call reset(seed) first");
        }
        int n = numEnvs * spec.actionDim();
        if (actions.length < n) {
            throw new IllegalArgumentException("expected " + n + " actions (" + numEnvs + " envs × "
                    + spec.actionDim() + "), got " + actions.length);
        }
        pool.run(tasks(), (t, w) -> {
            int from = t * ENVS_PER_TASK;
            int to = Math.min(numEnvs, from + ENVS_PER_TASK);
            int a = spec.actionDim();
            for (int k = from * a; k < to * a; k++) {
                float v = actions[k];
                clippedActions[k] = v > 1f ? 1f : v < -1f ? -1f : v == v ? v : 0f;
            }
            simulate(clippedActions, from, to);
            for (int i = from; i < to; i++) {
                writeObservation(i);
                float d = distanceFromObservation(i);
                distances[i] = d;
                rewards[i] = d < spec.successThreshold() ? 1f : 0f;
                episodeSteps[i]++;
                boolean term = isTerminal(i);
                boolean trunc = !term && episodeSteps[i] >= spec.episodeLength();
                terminated[i] = term;
                truncated[i] = trunc;
                if (term || trunc) {
                    System.arraycopy(observations, i * obsDim, finalObservations, i * obsDim, obsDim);
                    if (resetMode == ResetMode.SAME_START) {
                        rngs[i].setState(firstResetRngState[i]);
                    }
                    sampleStart(i, rngs[i]);
                    trajectoryIds[i]++;
                    episodeSteps[i] = 0;
                    writeObservation(i);
                }
            }
        });
    }

    /** [numEnvs × observationDim]: state ‖ goal after the last step (the next episode's first after a reset). */
    public float[] observations() {
        return observations;
    }

    /** [numEnvs × observationDim]: for environments whose episode ended in the last step, the observation reached. */
    public float[] finalObservations() {
        return finalObservations;
    }

    /** [numEnvs]: 1 when the last step ended within the success threshold of the goal, else 0. */
    public float[] rewards() {
        return rewards;
    }

    /** [numEnvs]: distance from state[goalIndices] to the goal after the last step (before any reset). */
    public float[] distances() {
        return distances;
    }

    public boolean[] terminated() {
        return terminated;
    }

    public boolean[] truncated() {
        return truncated;
    }

    /** [numEnvs]: episode counter per environment, +1 at every auto-reset. */
    public int[] trajectoryIds() {
        return trajectoryIds;
    }

    /** [numEnvs]: steps taken in the current episode. */
    public int[] episodeSteps() {
        return episodeSteps;
    }

    /** Draws this task from an observation row; every built-in task has one. */
    public abstract org.crl4j.envs.render.SceneRenderer renderer();

    /** Everything needed to continue exactly where this batch is (for checkpoints), as named tensors. */
    public java.util.List<org.crl4j.core.io.Tensor> stateTensors(String prefix) {
        if (!wasReset) {
            throw new IllegalStateException("nothing to save before reset");
        }
        java.util.List<org.crl4j.core.io.Tensor> out = new java.util.ArrayList<>();
        long[] rngStates = new long[numEnvs];
        for (int i = 0; i < numEnvs; i++) {
            rngStates[i] = rngs[i].state();
        }
        int[] flags = new int[2 * numEnvs];
        for (int i = 0; i < numEnvs; i++) {
            flags[i] = terminated[i] ? 1 : 0;
            flags[numEnvs + i] = truncated[i] ? 1 : 0;
        }
        out.add(org.crl4j.core.io.Tensor.ofFloats(prefix + "observations", new long[] {numEnvs, obsDim}, observations.clone()));
        out.add(org.crl4j.core.io.Tensor.ofFloats(prefix + "final_observations", new long[] {numEnvs, obsDim}, finalObservations.clone()));
        out.add(org.crl4j.core.io.Tensor.ofFloats(prefix + "rewards", new long[] {numEnvs}, rewards.clone()));
        out.add(org.crl4j.core.io.Tensor.ofFloats(prefix + "distances", new long[] {numEnvs}, distances.clone()));
        out.add(org.crl4j.core.io.Tensor.ofInts(prefix + "done_flags", new long[] {2, numEnvs}, flags));
        out.add(org.crl4j.core.io.Tensor.ofInts(prefix + "trajectory_ids", new long[] {numEnvs}, trajectoryIds.clone()));
        out.add(org.crl4j.core.io.Tensor.ofInts(prefix + "episode_steps", new long[] {numEnvs}, episodeSteps.clone()));
        out.add(org.crl4j.core.io.Tensor.ofLongs(prefix + "rng", new long[] {numEnvs}, rngStates));
        out.add(org.crl4j.core.io.Tensor.ofLongs(prefix + "first_reset_rng", new long[] {numEnvs}, firstResetRngState.clone()));
        double[][] phys = physicalState();
        for (int k = 0; k < phys.length; k++) {
            out.add(org.crl4j.core.io.Tensor.ofDoubles(prefix + "physics." + k, new long[] {phys[k].length}, phys[k].clone()));
        }
        return out;
    }

    /** Restores what {@link #stateTensors} saved (same task and number of environments). */
    public void restoreState(org.crl4j.core.io.Safetensors.Contents file, String prefix) throws java.io.IOException {
        file.tensor(prefix + "observations").requireShape(numEnvs, obsDim).copyTo(observations, 0);
        file.tensor(prefix + "final_observations").requireShape(numEnvs, obsDim).copyTo(finalObservations, 0);
        file.tensor(prefix + "rewards").requireShape(numEnvs).copyTo(rewards, 0);
        file.tensor(prefix + "distances").requireShape(numEnvs).copyTo(distances, 0);
        int[] flags = new int[2 * numEnvs];
        file.tensor(prefix + "done_flags").requireShape(2, numEnvs).copyTo(flags, 0);
        file.tensor(prefix + "trajectory_ids").requireShape(numEnvs).copyTo(trajectoryIds, 0);
        file.tensor(prefix + "episode_steps").requireShape(numEnvs).copyTo(episodeSteps, 0);
        long[] rngStates = new long[numEnvs];
        file.tensor(prefix + "rng").requireShape(numEnvs).copyTo(rngStates, 0);
        file.tensor(prefix + "first_reset_rng").requireShape(numEnvs).copyTo(firstResetRngState, 0);
        double[][] phys = physicalState();
        for (int k = 0; k < phys.length; k++) {
            file.tensor(prefix + "physics." + k).requireShape(phys[k].length).copyTo(phys[k], 0);
        }
        for (int i = 0; i < numEnvs; i++) {
            terminated[i] = flags[i] != 0;
            truncated[i] = flags[numEnvs + i] != 0;
            rngs[i] = new Rng(rngStates[i]);
        }
        wasReset = true;
    }

    /**
     * Makes environment {@code toEnv} of this batch a copy of environment {@code fromEnv} of {@code from} (the same
     * task): its observations, rewards, distances, done flags, trajectory id, episode step, random streams and its
     * block of every physics array, so that both continue identically under the same actions. This is how a
     * data-parallel run's environments move between ranks when it is resumed with another number of them. Every
     * physics array is environment-major, numEnvs × a block of its own length, which is what lets one copy serve
     * every task.
     */
    public void copyEnvironment(VecEnv from, int fromEnv, int toEnv) {
        if (from.getClass() != getClass() || !from.spec.id().equals(spec.id())) {
            throw new IllegalArgumentException("cannot copy an environment of " + from.spec.id() + " into a batch of "
                    + spec.id());
        }
        if (!from.wasReset) {
            throw new IllegalStateException("the environment to copy was never reset");
        }
        java.util.Objects.checkIndex(fromEnv, from.numEnvs);
        java.util.Objects.checkIndex(toEnv, numEnvs);
        System.arraycopy(from.observations, fromEnv * obsDim, observations, toEnv * obsDim, obsDim);
        System.arraycopy(from.finalObservations, fromEnv * obsDim, finalObservations, toEnv * obsDim, obsDim);
        rewards[toEnv] = from.rewards[fromEnv];
        distances[toEnv] = from.distances[fromEnv];
        terminated[toEnv] = from.terminated[fromEnv];
        truncated[toEnv] = from.truncated[fromEnv];
        trajectoryIds[toEnv] = from.trajectoryIds[fromEnv];
        episodeSteps[toEnv] = from.episodeSteps[fromEnv];
        rngs[toEnv] = new Rng(from.rngs[fromEnv].state());
        firstResetRngState[toEnv] = from.firstResetRngState[fromEnv];
        double[][] source = from.physicalState();
        double[][] target = physicalState();
        if (source.length != target.length) {
            throw new IllegalStateException(spec.id() + " batches of different physics layouts (" + source.length
                    + " and " + target.length + " arrays)");
        }
        for (int k = 0; k < target.length; k++) {
            int block = target[k].length / numEnvs;
            if (source[k].length != block * from.numEnvs || target[k].length != block * numEnvs) {
                throw new IllegalStateException(spec.id() + " physics array " + k + " is not numEnvs × one block per "
                        + "environment (" + source[k].length + " for " + from.numEnvs + " envs, " + target[k].length
                        + " for " + numEnvs + ")");
            }
            System.arraycopy(source[k], fromEnv * block, target[k], toEnv * block, block);
        }
    }

    /** Parallel pool the environments are stepped on. */
    public Parallel pool() {
        return pool;
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private int tasks() {
        return (numEnvs + ENVS_PER_TASK - 1) / ENVS_PER_TASK;
    }

    private void writeObservation(int i) {
        int off = i * obsDim;
        writeState(i, observations, off);
        writeGoal(i, observations, off + stateDim);
    }

    private float distanceFromObservation(int i) {
        int off = i * obsDim;
        double s = 0;
        for (int k = 0; k < goalIdx.length; k++) {
            double d = observations[off + goalIdx[k]] - observations[off + stateDim + k];
            s += d * d;
        }
        return (float) Math.sqrt(s);
    }
}
