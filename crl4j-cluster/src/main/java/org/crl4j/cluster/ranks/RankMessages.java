package org.crl4j.cluster.ranks;

import org.crl4j.rl.ranks.GradientReducer;

/**
 * What ranks send each other. A round is one {@code allReduceMean} call; every rank counts its calls, so the round
 * number, the group and the gradient's length name the same reduction on every rank and a rank that called out of
 * step is caught instead of silently mixing two groups. {@link PartSerializer} writes them (not Jackson-CBOR).
 */
public final class RankMessages {
    private RankMessages() {
    }

    /** Everything a rank's mailbox actor receives. */
    public interface Command {
    }

    /** A chunk of a round's data, from one rank to another. */
    public sealed interface Part extends Command {
        long round();

        GradientReducer.Group group();

        /** The whole gradient's length in floats, to check that both ranks reduce the same thing. */
        int length();

        int chunk();

        /** The sending rank. */
        int from();

        float[] data();
    }

    /** Rank {@code from}'s gradient of one chunk, sent to the chunk's owner. */
    public record Contribution(long round, GradientReducer.Group group, int length, int chunk, int from, float[] data)
            implements Part {
    }

    /** The mean of one chunk, computed by its owner (the rank {@code from}), sent to every other rank. */
    public record Mean(long round, GradientReducer.Group group, int length, int chunk, int from, float[] data)
            implements Part {
    }

    /** A rank that can no longer take part (local only: the mailbox tells its reducer). */
    record Lost(int rank, String why) {
    }
}
