package org.crl4j.rl;

import org.crl4j.core.Rng;

/**
 * The replay of contrastive RL: for every environment, a FIFO of its last {@code capacity} steps, kept as whole
 * sequences in time order with each step's trajectory id, so that goals can be drawn from a step's own future.
 *
 * <p>Layout: one preallocated float32 block per field, structure of arrays, environment-major:
 * {@code states[(env·capacity + slot)·stateDim + k]}. Each environment's column is a ring; logical time index
 * 0 is its oldest kept step. Memory: numEnvs·capacity·(stateDim + actionDim + 1)·4 bytes.
 *
 * <p>Sampling follows the reference (scaling-crl / JaxGCRL {@code TrajectoryUniformSamplingQueue}): once per
 * training step, every environment contributes one window of {@code windowLength} consecutive steps starting
 * uniformly in [0, size − windowLength) — note the exclusive bound: the newest step is never in a window, so every
 * step in a window has its successor in the replay.
 *
 * <p><b>Outcomes</b> (the TD baselines only; {@code goalDim} &gt; 0): per step also the commanded goal, the goal
 * coordinates reached by the step (the final observation when it ended an episode, which the next slot no longer
 * holds) and whether it terminated or was truncated, so that a sparse reward can be computed for any goal and a
 * TD target knows when not to bootstrap. Contrastive RL reads none of them and keeps them off.
 */
public final class TrajectoryReplay {
    private final int numEnvs;
    private final int capacity;
    private final int stateDim;
    private final int actionDim;
    private final float[] states;
    private final float[] actions;
    private final int[] trajectoryIds;
    private final int goalDim; // 0: no outcomes
    private final float[] commandedGoals;
    private final float[] reachedGoals;
    private final int[] endFlags;
    /** {@link #endFlags} bits. */
    public static final int TERMINATED = 1;
    public static final int TRUNCATED = 2;
    private int head;   // slot the next step goes to (same for all envs: they are inserted together)
    private int size;   // steps kept per env
    private long inserted;

    public TrajectoryReplay(int numEnvs, int capacity, int stateDim, int actionDim) {
        this(numEnvs, capacity, stateDim, actionDim, 0);
    }

    /** With {@code goalDim} &gt; 0 the replay also keeps each step's outcome (see the class comment). */
    public TrajectoryReplay(int numEnvs, int capacity, int stateDim, int actionDim, int goalDim) {
        if (numEnvs < 1 || capacity < 2 || stateDim < 1 || actionDim < 1) {
            throw new IllegalArgumentException("replay needs numEnvs ≥ 1, capacity ≥ 2, state and action dims ≥ 1");
        }
        long floats = (long) numEnvs * capacity * Math.max(stateDim, actionDim);
        if (floats > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("replay too large for one array: " + numEnvs + " envs × " + capacity
                    + " steps × " + Math.max(stateDim, actionDim) + " floats; lower --max-replay-size or --num-envs");
        }
        this.numEnvs = numEnvs;
        this.capacity = capacity;
        this.stateDim = stateDim;
        this.actionDim = actionDim;
        this.states = new float[numEnvs * capacity * stateDim];
        this.actions = new float[numEnvs * capacity * actionDim];
        this.trajectoryIds = new int[numEnvs * capacity];
        this.goalDim = goalDim;
        this.commandedGoals = new float[numEnvs * capacity * goalDim];
        this.reachedGoals = new float[numEnvs * capacity * goalDim];
        this.endFlags = new int[goalDim > 0 ? numEnvs * capacity : 0];
    }

    /** Whether each step's outcome is kept. */
    public boolean keepsOutcomes() {
        return goalDim > 0;
    }

    public int numEnvs() {
        return numEnvs;
    }

    public int capacity() {
        return capacity;
    }

    public int stateDim() {
        return stateDim;
    }

    public int actionDim() {
        return actionDim;
    }

    /** Steps kept per environment. */
    public int size() {
        return size;
    }

    /** Steps inserted per environment since creation (including those already dropped). */
    public long inserted() {
        return inserted;
    }

    /** Bytes held by the preallocated blocks. */
    public long bytes() {
        return 4L * (states.length + actions.length + trajectoryIds.length + commandedGoals.length
                + reachedGoals.length + endFlags.length);
    }

    /**
     * Appends one step for every environment: the state part of each observation row (the first stateDim entries
     * of rows {@code obsStride} apart), the action taken from it, and the trajectory id the state belongs to.
     */
    public void add(float[] observations, int obsStride, float[] actionRows, int[] trajIds) {
        for (int e = 0; e < numEnvs; e++) {
            int slot = e * capacity + head;
            System.arraycopy(observations, e * obsStride, states, slot * stateDim, stateDim);
            System.arraycopy(actionRows, e * actionDim, actions, slot * actionDim, actionDim);
            trajectoryIds[slot] = trajIds[e];
            if (goalDim > 0) {
                System.arraycopy(observations, e * obsStride + stateDim, commandedGoals, slot * goalDim, goalDim);
            }
        }
        head = head + 1 == capacity ? 0 : head + 1;
        size = Math.min(capacity, size + 1);
        inserted++;
    }

    /**
     * Records the outcome of the step {@link #add} just appended (replays that keep outcomes only): the goal
     * coordinates {@code goalIndices} of each environment's observation after the step ({@code finals} where the
     * step ended the episode, else {@code next}) and how it ended.
     */
    public void recordOutcomes(float[] next, float[] finals, int obsStride, int[] goalIndices, boolean[] terminated,
                               boolean[] truncated) {
        if (goalDim == 0) {
            throw new IllegalStateException("this replay keeps no outcomes");
        }
        int last = head == 0 ? capacity - 1 : head - 1;
        for (int e = 0; e < numEnvs; e++) {
            int slot = e * capacity + last;
            boolean ended = terminated[e] || truncated[e];
            float[] obs = ended ? finals : next;
            for (int k = 0; k < goalDim; k++) {
                reachedGoals[slot * goalDim + k] = obs[e * obsStride + goalIndices[k]];
            }
            endFlags[slot] = ((terminated[e] ? TERMINATED : 0) | (truncated[e] ? TRUNCATED : 0));
        }
    }

    /** Copies the goal the environment was commanded at (env, t) into {@code out[off]}. */
    public void copyCommandedGoal(int env, int t, float[] out, int off) {
        System.arraycopy(commandedGoals, slot(env, t) * goalDim, out, off, goalDim);
    }

    /** Copies the goal coordinates the step at (env, t) reached into {@code out[off]}. */
    public void copyReachedGoal(int env, int t, float[] out, int off) {
        System.arraycopy(reachedGoals, slot(env, t) * goalDim, out, off, goalDim);
    }

    /** How the step at (env, t) ended: {@link #TERMINATED}, {@link #TRUNCATED} bits, 0 when its episode went on. */
    public int endFlags(int env, int t) {
        return endFlags[slot(env, t)];
    }

    /** Slot of logical time index {@code t} (0 = oldest kept) of environment {@code env}. */
    int slot(int env, int t) {
        int s = head - size + t;
        if (s < 0) {
            s += capacity;
        }
        return env * capacity + s;
    }

    public int trajectoryId(int env, int t) {
        return trajectoryIds[slot(env, t)];
    }

    /** Copies the state at (env, t) into {@code out[off]}. */
    public void copyState(int env, int t, float[] out, int off) {
        System.arraycopy(states, slot(env, t) * stateDim, out, off, stateDim);
    }

    /** Copies the goal coordinates {@code state[goalIndices]} at (env, t) into {@code out[off]}. */
    public void copyGoal(int env, int t, int[] goalIndices, float[] out, int off) {
        int base = slot(env, t) * stateDim;
        for (int k = 0; k < goalIndices.length; k++) {
            out[off + k] = states[base + goalIndices[k]];
        }
    }

    public void copyAction(int env, int t, float[] out, int off) {
        System.arraycopy(actions, slot(env, t) * actionDim, out, off, actionDim);
    }

    /** Whether windows of {@code windowLength} steps can be sampled (needs size > windowLength). */
    public boolean canSample(int windowLength) {
        return size > windowLength;
    }

    /**
     * Draws one window start per environment, uniform in [0, size − windowLength), into {@code starts}.
     */
    public void sampleWindowStarts(int windowLength, Rng rng, int[] starts) {
        if (!canSample(windowLength)) {
            throw new IllegalStateException("replay holds " + size + " steps per env; windows of " + windowLength
                    + " need more (raise --min-replay-size or prefill longer)");
        }
        int range = size - windowLength;
        for (int e = 0; e < numEnvs; e++) {
            starts[e] = rng.nextInt(range);
        }
    }

    // ---- moving environments between replays ---------------------------------------------------------------------

    /**
     * Makes environment {@code toEnv}'s column (every slot of its ring: states, actions, trajectory ids) a copy of
     * {@code fromEnv}'s in {@code from}, which must be at the same positions (see {@link #copyPositions}): a column is
     * meaningful only with the head and size it was written under.
     */
    public void copyEnvironment(TrajectoryReplay from, int fromEnv, int toEnv) {
        if (from.capacity != capacity || from.stateDim != stateDim || from.actionDim != actionDim) {
            throw new IllegalArgumentException("replays of different shapes (capacity, state and action dims "
                    + from.capacity + ", " + from.stateDim + ", " + from.actionDim + " and " + capacity + ", " + stateDim
                    + ", " + actionDim + ")");
        }
        if (!samePositions(from)) {
            throw new IllegalStateException("replays at different positions (" + from.positionsText() + " and "
                    + positionsText() + "); copy the positions first");
        }
        java.util.Objects.checkIndex(fromEnv, from.numEnvs);
        java.util.Objects.checkIndex(toEnv, numEnvs);
        System.arraycopy(from.states, fromEnv * capacity * stateDim, states, toEnv * capacity * stateDim,
                capacity * stateDim);
        System.arraycopy(from.actions, fromEnv * capacity * actionDim, actions, toEnv * capacity * actionDim,
                capacity * actionDim);
        System.arraycopy(from.trajectoryIds, fromEnv * capacity, trajectoryIds, toEnv * capacity, capacity);
        if (goalDim > 0) {
            if (from.goalDim != goalDim) {
                throw new IllegalArgumentException("replays with different outcomes (goal dims " + from.goalDim + " and "
                        + goalDim + ")");
            }
            int g = capacity * goalDim;
            System.arraycopy(from.commandedGoals, fromEnv * g, commandedGoals, toEnv * g, g);
            System.arraycopy(from.reachedGoals, fromEnv * g, reachedGoals, toEnv * g, g);
            System.arraycopy(from.endFlags, fromEnv * capacity, endFlags, toEnv * capacity, capacity);
        }
    }

    /** Takes {@code from}'s ring positions (head, size, steps inserted); the columns are then copied one by one. */
    public void copyPositions(TrajectoryReplay from) {
        if (from.capacity != capacity) {
            throw new IllegalArgumentException("replays of capacities " + from.capacity + " and " + capacity);
        }
        head = from.head;
        size = from.size;
        inserted = from.inserted;
    }

    /** Whether {@code other} is at the same ring positions (replays filled in lockstep are). */
    public boolean samePositions(TrajectoryReplay other) {
        return other.head == head && other.size == size && other.inserted == inserted;
    }

    /** "head H, size S, inserted I", for messages. */
    public String positionsText() {
        return "head " + head + ", size " + size + ", inserted " + inserted;
    }

    // ---- checkpointing ------------------------------------------------------------------------------------------

    /** The stored steps and positions as tensors (views, no copies: write them before the next {@link #add}). */
    public java.util.List<org.crl4j.core.io.Tensor> stateTensors(String prefix) {
        java.util.List<org.crl4j.core.io.Tensor> t = new java.util.ArrayList<>(java.util.List.of(
                org.crl4j.core.io.Tensor.ofFloats(prefix + "states", new long[] {numEnvs, capacity, stateDim}, states),
                org.crl4j.core.io.Tensor.ofFloats(prefix + "actions", new long[] {numEnvs, capacity, actionDim}, actions),
                org.crl4j.core.io.Tensor.ofInts(prefix + "trajectory_ids", new long[] {numEnvs, capacity}, trajectoryIds),
                org.crl4j.core.io.Tensor.ofLongs(prefix + "positions", new long[] {3}, new long[] {head, size, inserted})));
        if (goalDim > 0) {
            long[] g = {numEnvs, capacity, goalDim};
            t.add(org.crl4j.core.io.Tensor.ofFloats(prefix + "commanded_goals", g, commandedGoals));
            t.add(org.crl4j.core.io.Tensor.ofFloats(prefix + "reached_goals", g, reachedGoals));
            t.add(org.crl4j.core.io.Tensor.ofInts(prefix + "end_flags", new long[] {numEnvs, capacity}, endFlags));
        }
        return t;
    }

    /** Restores what {@link #stateTensors} saved into a replay of the same shape. */
    public void restoreState(org.crl4j.core.io.Safetensors.Contents file, String prefix) throws java.io.IOException {
        file.tensor(prefix + "states").requireShape(numEnvs, capacity, stateDim).copyTo(states, 0);
        file.tensor(prefix + "actions").requireShape(numEnvs, capacity, actionDim).copyTo(actions, 0);
        file.tensor(prefix + "trajectory_ids").requireShape(numEnvs, capacity).copyTo(trajectoryIds, 0);
        if (goalDim > 0) {
            file.tensor(prefix + "commanded_goals").requireShape(numEnvs, capacity, goalDim).copyTo(commandedGoals, 0);
            file.tensor(prefix + "reached_goals").requireShape(numEnvs, capacity, goalDim).copyTo(reachedGoals, 0);
            file.tensor(prefix + "end_flags").requireShape(numEnvs, capacity).copyTo(endFlags, 0);
        }
        long[] pos = new long[3];
        file.tensor(prefix + "positions").requireShape(3).copyTo(pos, 0);
        if (pos[0] < 0 || pos[0] >= capacity || pos[1] < 0 || pos[1] > capacity || pos[2] < pos[1]) {
            throw new org.crl4j.core.io.CorruptFileException(file.source(), "inconsistent replay positions "
                    + java.util.Arrays.toString(pos));
        }
        head = (int) pos[0];
        size = (int) pos[1];
        inserted = pos[2];
    }
}
