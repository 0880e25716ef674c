package org.crl4j.rl.ranks;

/**
 * Data-parallel training's one collective: before each optimiser update, every rank hands in its gradient of one
 * parameter group and gets back the mean over all ranks, the same bits on every rank (so the parameters, updated by
 * the same Adam from the same state, stay bit-identical). One process is the identity, {@link #SINGLE}.
 *
 * <p>Implementations: {@link LocalRanks} (ranks as threads of one JVM, for tests and the reference order of the
 * sum); the cluster transport comes with crl4j-cluster.
 */
public interface GradientReducer {
    /**
     * Which parameters a gradient belongs to. CrlAgent reduces ALL (the actor's, α's and the critic's gradients end
     * to end) once per SGD step; the single groups are for callers that reduce them apart. CONTROL carries the
     * trainer's own agreements (stop requests, the epoch's parameter fingerprint), not gradients.
     */
    enum Group { ACTOR, ALPHA, CRITIC, ALL, CONTROL }

    /** Replaces {@code grads} (this rank's gradient of {@code group}) by the mean over all ranks. */
    void allReduceMean(Group group, float[] grads);

    /** Number of ranks taking part (1 for a single process). */
    int ranks();

    /** The single-process reducer: the gradient is already the mean. */
    GradientReducer SINGLE = new GradientReducer() {
        @Override
        public void allReduceMean(Group group, float[] grads) {
        }

        @Override
        public int ranks() {
            return 1;
        }
    };
}
