package org.crl4j.rl;

import java.util.ArrayList;
import java.util.List;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.rl.ranks.GradientReducer;
import org.crl4j.rl.ranks.Rank;

/**
 * The saved ranks of a data-parallel run, cut again for another number of ranks (in memory; {@link RunResharding}
 * does it to a run directory, crash-safely).
 *
 * <p><b>Global environment order.</b> Of a run's N environments, rank r of K holds the global environments
 * [r·N/K, (r+1)·N/K) as its local 0, 1, …. For K2 ranks, new rank r2 gets the global environments
 * [r2·N/K2, (r2+1)·N/K2), each with its whole state: the environment itself ({@link org.crl4j.envs.VecEnv#copyEnvironment})
 * and its replay column ({@link TrajectoryReplay#copyEnvironment}). The ring positions are the same on every rank
 * (they insert in lockstep), as is the schedule position; both are checked.
 *
 * <p><b>The rest.</b> The parameters and Adam state are the same on every rank (checked by fingerprint): rank 0's
 * agent is taken. New rank r2 &lt; K keeps old rank r2's act, sample and SGD streams, so a reshard to the same K
 * changes nothing; a new rank r2 ≥ K, which has no streams of its own, gets streams derived from old rank
 * (r2 mod K)'s: {@code Rng.forStream(state, r2)} of each. The wall time is rank 0's.
 */
public final class Resharding {
    private final List<Trainer> from;
    private final int numEnvs;

    /** {@code fromRanks}: the trainers of ranks 0..K−1 of one run, in rank order, all at the same position. */
    public Resharding(List<Trainer> fromRanks) {
        if (fromRanks.isEmpty()) {
            throw new IllegalArgumentException("no ranks to reshard");
        }
        this.from = List.copyOf(fromRanks);
        int k = from.size();
        Trainer lead = from.get(0);
        this.numEnvs = lead.config().numEnvs();
        for (int r = 0; r < k; r++) {
            Trainer t = from.get(r);
            if (t.rank().rank() != r || t.rank().ranks() != k) {
                throw new IllegalArgumentException("state " + r + " of " + k + " is rank " + t.rank().rank() + " of "
                        + t.rank().ranks());
            }
            String mismatch = !t.config().equals(lead.config()) ? "its options differ"
                    : !t.schedulePosition().equals(lead.schedulePosition()) ? "it is at " + t.schedulePosition()
                    + ", rank 0 at " + lead.schedulePosition()
                    : !t.replay().samePositions(lead.replay()) ? "its replay is at " + t.replay().positionsText()
                    + ", rank 0's at " + lead.replay().positionsText()
                    : t.agent().fingerprint() != lead.agent().fingerprint() ? "its parameters or Adam state differ"
                    : null;
            if (mismatch != null) {
                throw new IllegalStateException("rank " + r + "'s saved state does not match rank 0's (" + mismatch
                        + "); the ranks' states do not belong together and cannot be resharded");
            }
        }
    }

    /** K, the number of ranks the states were saved by. */
    public int fromRanks() {
        return from.size();
    }

    public long envSteps() {
        return from.get(0).envSteps();
    }

    public TrainConfig config() {
        return from.get(0).config();
    }

    /**
     * New rank {@code rank} of {@code ranks}, to be saved ({@link Trainer#saveResumeState}) and resumed, not trained
     * as it is: it shares rank 0's agent and its reducer refuses to all-reduce. Throws the one-line
     * {@link Trainer#requireSplit} error when the environments or the batch do not split over {@code ranks}
     * (check that first, before loading the states).
     */
    public Trainer rank(int rank, int ranks, Parallel pool) {
        Trainer to = Trainer.withAgent(config(), pool, from.get(0).agent(), new Rank(rank, ranks, savedOnly(ranks)));
        int oldShare = numEnvs / fromRanks();
        int share = numEnvs / ranks;
        to.replay().copyPositions(from.get(0).replay());
        for (int local = 0; local < share; local++) {
            int global = rank * share + local;
            Trainer owner = from.get(global / oldShare);
            int ownerLocal = global % oldShare;
            to.env().copyEnvironment(owner.env(), ownerLocal, local);
            to.replay().copyEnvironment(owner.replay(), ownerLocal, local);
        }
        to.takeSchedulePosition(from.get(0));
        long[] streams = from.get(rank % fromRanks()).streamStates();
        if (rank < fromRanks()) {
            to.setStreamStates(streams[0], streams[1], streams[2]);
        } else {
            to.setStreamStates(Rng.forStream(streams[0], rank).state(), Rng.forStream(streams[1], rank).state(),
                    Rng.forStream(streams[2], rank).state());
        }
        return to;
    }

    /**
     * Where the environments go, for the one line a reshard prints: for each new rank, the ranges of old ranks'
     * (global) environments it gets, e.g. "envs 0-3 of rank 0, 4-7 of rank 1 → rank 0".
     */
    public String moves(int ranks) {
        int oldShare = numEnvs / fromRanks();
        int share = numEnvs / ranks;
        List<String> perRank = new ArrayList<>();
        for (int r2 = 0; r2 < ranks; r2++) {
            List<String> ranges = new ArrayList<>();
            int global = r2 * share;
            int end = global + share;
            while (global < end) {
                int owner = global / oldShare;
                int last = Math.min(end, (owner + 1) * oldShare) - 1;
                ranges.add((global == last ? "" + global : global + "-" + last) + " of rank " + owner);
                global = last + 1;
            }
            perRank.add("envs " + String.join(", ", ranges) + " → rank " + r2);
        }
        return String.join("; ", perRank);
    }

    /** The reducer of a trainer that is only saved: training it (or any all-reduce) is a mistake. */
    private static GradientReducer savedOnly(int ranks) {
        return new GradientReducer() {
            @Override
            public void allReduceMean(Group group, float[] grads) {
                throw new IllegalStateException("a resharded state is saved, not trained: resume it to train");
            }

            @Override
            public int ranks() {
                return ranks;
            }
        };
    }

    /** The reducer to load the saved states of a run's ranks with ({@link Trainer#resume} needs a Rank): saved only. */
    static Rank loadingRank(int rank, int ranks) {
        return new Rank(rank, ranks, savedOnly(ranks));
    }
}
