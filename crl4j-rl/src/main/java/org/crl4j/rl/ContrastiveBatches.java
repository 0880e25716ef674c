package org.crl4j.rl;

import org.crl4j.core.Rng;

/**
 * The minibatches of one training step, as the reference builds them: one window of {@code windowLength} steps
 * per environment, every position but the last relabelled with a goal from its own future ({@link FutureGoals}),
 * all numEnvs × (windowLength − 1) transitions shuffled together and cut into batches of {@code batchSize}
 * (the remainder dropped), of which at most {@code maxBatches} are used. Because the shuffle is uniform, using the
 * first k batches is the same in distribution as the reference's random choice of k batches.
 *
 * <p>Only indices are kept (environment, time, goal time); {@link #fill} gathers a batch's rows.
 */
public final class ContrastiveBatches {
    private final TrajectoryReplay replay;
    private final int windowLength;
    private final FutureGoals goals;
    private final int[] goalIndices;
    private final int batchSize;

    private final int[] starts;
    private final int[] windowIds;
    private final int[] windowEnds;
    private final int[] envOf;
    private final int[] timeOf;
    private final int[] goalTimeOf;
    private int batches;

    public ContrastiveBatches(TrajectoryReplay replay, int windowLength, double gamma, int[] goalIndices, int batchSize) {
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
                goalTimeOf[n] = s + goals.draw(i, windowEnds[i], rng);
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

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /**
     * Gathers batch {@code k}: states [B × stateDim], actions [B × actionDim], goals [B × goalDim]
     * (the goal coordinates of the drawn future state).
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
            replay.copyGoal(e, goalTimeOf[idx], goalIndices, goalsOut, r * g);
        }
    }

    /** The (env, time, goal time) of row {@code r} of batch {@code k}; for tests and diagnostics. */
    public int[] indexOf(int k, int r) {
        int idx = k * batchSize + r;
        return new int[] {envOf[idx], timeOf[idx], goalTimeOf[idx]};
    }
}
