package org.crl4j.envs;

import java.util.Arrays;

/**
 * What a goal-conditioned task is, independent of how it is simulated.
 *
 * <p>The observation is {@code state ‖ goal}: the first {@link #stateDim} entries are the state, the last
 * {@link #goalDim} the goal. The goal lives in the space of {@code state[goalIndices]} (e.g. the x, y of a
 * point mass): success is {@code ‖state[goalIndices] − goal‖ < successThreshold}, the reward is that success flag
 * (never used by contrastive RL), and the critic's goal encoder sees {@code state[goalIndices]} of future states.
 *
 * @param id               registry id, e.g. {@code simple_u_maze}
 * @param description      one line for {@code crl4j envs list}
 * @param stateDim         length of the state part of the observation
 * @param goalIndices      indices into the state that form the goal
 * @param actionDim        number of actions, each in [−1, 1]
 * @param successThreshold distance below which a step counts as "at goal"
 * @param episodeLength    steps after which an episode is truncated
 */
public record EnvSpec(String id, String description, int stateDim, int[] goalIndices, int actionDim,
                      float successThreshold, int episodeLength) {

    public EnvSpec {
        if (stateDim < 1 || actionDim < 1 || episodeLength < 1 || !(successThreshold > 0)) {
            throw new IllegalArgumentException("invalid spec for " + id);
        }
        goalIndices = goalIndices.clone();
        for (int g : goalIndices) {
            if (g < 0 || g >= stateDim) {
                throw new IllegalArgumentException("goal index " + g + " outside the state of " + id);
            }
        }
    }

    @Override
    public int[] goalIndices() {
        return goalIndices.clone();
    }

    public int goalDim() {
        return goalIndices.length;
    }

    public int observationDim() {
        return stateDim + goalIndices.length;
    }

    public int goalIndex(int k) {
        return goalIndices[k];
    }

    public Box actionSpace() {
        return new Box(actionDim, -1f, 1f);
    }

    public Box observationSpace() {
        return new Box(observationDim(), Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    }

    /**
     * True when an agent trained on this task can act in {@code other}: the same state, goal and action sizes (a
     * maze's _eval layout, say).
     */
    public boolean sameShape(EnvSpec other) {
        return stateDim == other.stateDim && goalIndices.length == other.goalIndices.length && actionDim == other.actionDim;
    }

    /** A copy with another episode length (for short test runs). */
    public EnvSpec withEpisodeLength(int steps) {
        return new EnvSpec(id, description, stateDim, goalIndices, actionDim, successThreshold, steps);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnvSpec s && id.equals(s.id) && stateDim == s.stateDim && actionDim == s.actionDim
                && Arrays.equals(goalIndices, s.goalIndices) && successThreshold == s.successThreshold
                && episodeLength == s.episodeLength && description.equals(s.description);
    }

    @Override
    public int hashCode() {
        return id.hashCode() * 31 + Arrays.hashCode(goalIndices);
    }

    @Override
    public String toString() {
        return id + "(state " + stateDim + ", goal " + Arrays.toString(goalIndices) + ", action " + actionDim
                + ", success < " + successThreshold + ", episode " + episodeLength + ")";
    }
}
