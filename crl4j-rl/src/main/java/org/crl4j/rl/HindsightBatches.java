package org.crl4j.rl;

import org.crl4j.core.Rng;

/**
 * The minibatches of one training step, as the reference builds them: one window of {@code windowLength} steps
 * per environment, every position but the last relabelled with a goal from its own future ({@link FutureGoals}),
 * all numEnvs × (windowLength − 1) transitions shuffled together and cut into batches of {@code batchSize}
 * (the remainder dropped), of which at most {@code maxBatches} are used. Because the shuffle is uniform, using the
 * first k batches is the same in distribution as the reference's random choice of k batches.
 *
 * <p>Contrastive RL and GCBC relabel every row. The TD baselines relabel each row with probability
 * {@code relabelProbability} (HER's "future" strategy, with the same future-goal distribution; 0 for plain SAC and
 * TD3) and keep the goal the environment was commanded otherwise; their batches also carry the next state and the
 * sparse reward of the row's goal (see {@link ReplayBatch}).
 *
 * <p>Only indices are kept (environment, time, goal time); {@link #fill} gathers a batch's rows.
 */
public final class HindsightBatches {
    private final TrajectoryReplay replay;
    private final int windowLength;
    private final FutureGoals goals;
    private final int[] goalIndices;
    private final int batchSize;
    private final double relabelProbability;
    private final float successThreshold;
    private final float[] reached;

    private final int[] starts;
    private final int[] windowIds;
    private final int[] windowEnds;
    private final int[] envOf;
    private final int[] timeOf;
    private final int[] goalTimeOf;
    private int batches;

    /** Contrastive RL's batches: every row relabelled. */
    public HindsightBatches(TrajectoryReplay replay, int windowLength, double gamma, int[] goalIndices, int batchSize) {
        this(replay, windowLength, gamma, goalIndices, batchSize, 1.0, Float.NaN);
    }

    /**
     * Rows relabelled with probability {@code relabelProbability}, else given their commanded goal (a replay that
     * keeps outcomes); rewards 1 within {@code successThreshold} of the row's goal.
     */
    public HindsightBatches(TrajectoryReplay replay, int windowLength, double gamma, int[] goalIndices, int batchSize,
                            double relabelProbability, float successThreshold) {
        if (!(relabelProbability >= 0 && relabelProbability <= 1)) {
            throw new IllegalArgumentException("relabelling probability must be in [0, 1], got " + relabelProbability);
        }
        if (relabelProbability < 1 && !replay.keepsOutcomes()) {
            throw new IllegalArgumentException("commanded goals need a replay that keeps outcomes");
        }
        if (windowLength < 2) {
            throw new IllegalArgumentException("window length must be at least 2, got " + windowLength);
        }
        int transitions = replay.numEnvs() * (windowLength - 1);
        if (batchSize < 1 || batchSize > transitions) {
            throw new IllegalArgumentException("batch size " + batchSize + " is larger than the " + transitions
                    + " transitions one training step samples (num_envs × (episode_length − 1)); lower --batch-size "
                    + "or raise --num-envs");
        }
        this.replay = replay;
        this.windowLength = windowLength;
        this.goals = new FutureGoals(gamma);
        this.goalIndices = goalIndices.clone();
        this.batchSize = batchSize;
        this.relabelProbability = relabelProbability;
        this.successThreshold = successThreshold;
        this.reached = new float[goalIndices.length];
        this.starts = new int[replay.numEnvs()];
        this.windowIds = new int[windowLength];
        this.windowEnds = new int[windowLength];
        this.envOf = new int[transitions];
        this.timeOf = new int[transitions];
        this.goalTimeOf = new int[transitions];
    }

    public int batchSize() {
        return batchSize;
    }

    /** Batches available after the last {@link #prepare}. */
    public int batches() {
        return batches;
    }

    /** Samples windows, relabels, shuffles; returns the number of batches to use (≤ maxBatches). */
    public int prepare(Rng rng, int maxBatches) {
        replay.sampleWindowStarts(windowLength, rng, starts);
        int n = 0;
        for (int e = 0; e < replay.numEnvs(); e++) {
            int s = starts[e];
            for (int i = 0; i < windowLength; i++) {
                windowIds[i] = replay.trajectoryId(e, s + i);
            }
            FutureGoals.trajectoryEnds(windowIds, windowLength, windowEnds);
            for (int i = 0; i < windowLength - 1; i++) {
                envOf[n] = e;
                timeOf[n] = s + i;
                // the draw for relabelling only when it is a choice, so that relabelling everything (CRL) or nothing
                // uses the random stream as before
                boolean relabel = relabelProbability == 1 || relabelProbability > 0 && rng.nextDouble() < relabelProbability;
                goalTimeOf[n] = relabel ? s + goals.draw(i, windowEnds[i], rng) : COMMANDED;
                n++;
            }
        }
        // Fisher–Yates over the three parallel arrays.
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            swap(envOf, i, j);
            swap(timeOf, i, j);
            swap(goalTimeOf, i, j);
        }
        batches = Math.min(maxBatches, n / batchSize);
        return batches;
    }

    /** {@link #goalTimeOf} of a row that keeps its commanded goal. */
    private static final int COMMANDED = -1;

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /**
     * Gathers batch {@code k}: states [B × stateDim], actions [B × actionDim], goals [B × goalDim]
     * (the goal coordinates of the drawn future state, or the commanded goal).
     */
    public void fill(int k, float[] states, float[] actions, float[] goalsOut) {
        if (k < 0 || k >= batches) {
            throw new IndexOutOfBoundsException("batch " + k + " of " + batches);
        }
        int s = replay.stateDim();
        int a = replay.actionDim();
        int g = goalIndices.length;
        for (int r = 0; r < batchSize; r++) {
            int idx = k * batchSize + r;
            int e = envOf[idx];
            replay.copyState(e, timeOf[idx], states, r * s);
            replay.copyAction(e, timeOf[idx], actions, r * a);
            if (goalTimeOf[idx] == COMMANDED) {
                replay.copyCommandedGoal(e, timeOf[idx], goalsOut, r * g);
            } else {
                replay.copyGoal(e, goalTimeOf[idx], goalIndices, goalsOut, r * g);
            }
        }
    }

    /**
     * Gathers batch {@code k} into {@code out}: as {@link #fill(int, float[], float[], float[])}, plus, from a replay
     * that keeps outcomes, each row's next state, sparse reward for its goal and how its step ended.
     */
    public void fill(int k, ReplayBatch out) {
        fill(k, out.states, out.actions, out.goals);
        if (!replay.keepsOutcomes()) {
            return;
        }
        int s = replay.stateDim();
        int g = goalIndices.length;
        for (int r = 0; r < batchSize; r++) {
            int idx = k * batchSize + r;
            int e = envOf[idx];
            int t = timeOf[idx];
            replay.copyState(e, t + 1, out.nextStates, r * s); // a window's steps all have a successor
            replay.copyReachedGoal(e, t, reached, 0);
            out.rewards[r] = successAt(reached, out.goals, r * g, g) ? 1f : 0f;
            int flags = replay.endFlags(e, t);
            out.terminated[r] = (flags & TrajectoryReplay.TERMINATED) != 0 ? 1f : 0f;
            out.truncated[r] = (flags & TrajectoryReplay.TRUNCATED) != 0 ? 1f : 0f;
        }
    }

    /** The environments' success test ({@code VecEnv}): Euclidean distance, summed in double, below the threshold. */
    private boolean successAt(float[] reached, float[] goals, int off, int g) {
        double sum = 0;
        for (int k = 0; k < g; k++) {
            double d = reached[k] - goals[off + k];
            sum += d * d;
        }
        return (float) Math.sqrt(sum) < successThreshold;
    }

    /** The (env, time, goal time) of row {@code r} of batch {@code k}; for tests and diagnostics. */
    public int[] indexOf(int k, int r) {
        int idx = k * batchSize + r;
        return new int[] {envOf[idx], timeOf[idx], goalTimeOf[idx]};
    }
}
