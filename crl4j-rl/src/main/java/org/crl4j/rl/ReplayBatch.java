package org.crl4j.rl;

/**
 * One minibatch as {@link HindsightBatches#fill} gathers it, row-major, {@link #rows} rows. Every algorithm reads
 * states, actions and goals; the TD baselines also read the transition fields, which are filled only from a replay
 * that {@link TrajectoryReplay#keepsOutcomes keeps outcomes}.
 */
public final class ReplayBatch {
    public final int rows;
    public final int stateDim;
    public final int actionDim;
    public final int goalDim;
    /** s_t [rows × S]. */
    public final float[] states;
    /** a_t as acted (before the environment clips it) [rows × A]. */
    public final float[] actions;
    /** The goal of the row [rows × G]: relabelled from the future, or the commanded one. */
    public final float[] goals;
    /** s_{t+1} [rows × S]; undefined on rows whose step ended the episode (the replay's next slot is a reset). */
    public final float[] nextStates;
    /** 1 when the step ended within the task's success threshold of the row's goal, else 0 [rows]. */
    public final float[] rewards;
    /** 1 when the step ended the episode by the task's failure condition [rows]. */
    public final float[] terminated;
    /** 1 when the step ended the episode by the time limit [rows]. */
    public final float[] truncated;

    public ReplayBatch(int rows, int stateDim, int actionDim, int goalDim) {
        this.rows = rows;
        this.stateDim = stateDim;
        this.actionDim = actionDim;
        this.goalDim = goalDim;
        this.states = new float[rows * stateDim];
        this.actions = new float[rows * actionDim];
        this.goals = new float[rows * goalDim];
        this.nextStates = new float[rows * stateDim];
        this.rewards = new float[rows];
        this.terminated = new float[rows];
        this.truncated = new float[rows];
    }
}
