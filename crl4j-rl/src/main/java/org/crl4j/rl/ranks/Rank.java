package org.crl4j.rl.ranks;

/**
 * Which share of a data-parallel run a trainer is: rank {@code rank} of {@code ranks}, averaging its gradients with
 * the others through {@code reducer}. Rank 0 evaluates and writes the run's records; every rank steps its own
 * environments and samples its own replay. {@link #SINGLE} is the ordinary one-process run.
 */
public record Rank(int rank, int ranks, GradientReducer reducer) {
    public static final Rank SINGLE = new Rank(0, 1, GradientReducer.SINGLE);

    public Rank {
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank " + rank + " of " + ranks + " is not a rank");
        }
        if (reducer.ranks() != ranks) {
            throw new IllegalArgumentException("the reducer has " + reducer.ranks() + " ranks, not " + ranks);
        }
    }

    public boolean isLead() {
        return rank == 0;
    }

    /** True on every rank when any rank asks (one tiny all-reduce): all stop at the same training step, or none. */
    public boolean anyAsks(boolean asks) {
        if (ranks == 1) {
            return asks;
        }
        float[] flag = {asks ? 1f : 0f};
        reducer.allReduceMean(GradientReducer.Group.CONTROL, flag);
        return flag[0] > 0f;
    }

    /**
     * Checks that every rank holds the same {@code fingerprint}: each rank hands in its 8 bytes as floats and
     * compares the mean with its own (exact for bytes, so any difference shows on at least one rank, which throws;
     * the others then fail in their next all-reduce).
     */
    public void requireSameOnAllRanks(long fingerprint, String what) {
        if (ranks == 1) {
            return;
        }
        float[] bytes = new float[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (fingerprint >>> (8 * i)) & 0xff;
        }
        float[] mean = bytes.clone();
        reducer.allReduceMean(GradientReducer.Group.CONTROL, mean);
        for (int i = 0; i < 8; i++) {
            if (mean[i] != bytes[i]) {
                throw new IllegalStateException("rank " + rank + " of " + ranks + ": " + what + " differs from the "
                        + "other ranks' (fingerprint " + Long.toHexString(fingerprint) + "): the ranks diverged; the last "
                        + "checkpoint is kept, resume the run to continue");
            }
        }
    }
}
