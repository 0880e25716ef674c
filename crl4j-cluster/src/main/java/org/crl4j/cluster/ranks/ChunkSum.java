package org.crl4j.cluster.ranks;

import java.util.Arrays;

/**
 * The owner's side of a chunk: keeps the other ranks' contributions until all have come (they arrive in any order),
 * then adds them in {@link org.crl4j.rl.ranks.LocalRanks}' order, rank 0's value first (not 0 + it, which would turn
 * −0 into +0), then ranks 1 .. K−1, in float, times 1/K. Java's float arithmetic is IEEE-exact, so the same operands
 * in the same order give LocalRanks' bits, −0, infinities, subnormals and a NaN's payload included. The one thing Java
 * leaves open is which payload survives when two ranks hand in different NaNs for the same element (the compiled
 * code's operand order decides, in LocalRanks too); every rank still gets the same bits, as one owner computes them.
 * Its buffers live as long as the reducer.
 */
final class ChunkSum {
    private final int rank;
    private final int k;
    private final float[] acc;
    private float[][] pending = new float[0][];
    private int[] count = new int[0];
    private final float[][] sources;
    private final int[] offsets;

    ChunkSum(int rank, int k, int chunkFloats) {
        this.rank = rank;
        this.k = k;
        this.acc = new float[chunkFloats];
        this.sources = new float[k][];
        this.offsets = new int[k];
    }

    void startRound(int chunks) {
        if (count.length < chunks) {
            count = new int[chunks];
            pending = new float[chunks * k][];
        } else {
            Arrays.fill(count, 0, chunks, 0);
            Arrays.fill(pending, 0, chunks * k, null);
        }
    }

    /** Keeps rank {@code from}'s floats of chunk {@code c}; true once every other rank's are in. */
    boolean add(int c, int from, float[] data) {
        if (from < 0 || from >= k || from == rank || pending[c * k + from] != null) {
            throw new IllegalStateException("rank " + rank + " got an unexpected contribution to chunk " + c
                    + " from rank " + from);
        }
        pending[c * k + from] = data;
        return ++count[c] == k - 1;
    }

    /** Replaces {@code grads[off, off + len)}, this rank's part of chunk {@code c}, by the chunk's mean. */
    void reduceInto(int c, float[] grads, int off, int len) {
        for (int r = 0; r < k; r++) {
            sources[r] = r == rank ? grads : pending[c * k + r];
            offsets[r] = r == rank ? off : 0;
        }
        meanInRankOrder(sources, offsets, len, acc, grads, off);
        Arrays.fill(pending, c * k, c * k + k, null);
    }

    /**
     * {@code out[outOff, outOff + len)} = (v₀ + v₁ + … + v_{K−1}) × 1/K, where v_r is {@code values[r]} from
     * {@code offsets[r]}: rank 0's value first (not 0 + it, which would turn −0 into +0), then the others in rank
     * order, in float, as {@link org.crl4j.rl.ranks.LocalRanks} adds them. {@code acc} is scratch of at least
     * {@code len}; {@code out} may be one of the values. Every reducer of crl4j-cluster sums through here.
     */
    static void meanInRankOrder(float[][] values, int[] offsets, int len, float[] acc, float[] out, int outOff) {
        int k = values.length;
        System.arraycopy(values[0], offsets[0], acc, 0, len);
        for (int r = 1; r < k; r++) {
            float[] src = values[r];
            int from = offsets[r];
            for (int i = 0; i < len; i++) {
                acc[i] += src[from + i];
            }
        }
        float scale = 1f / k;
        for (int i = 0; i < len; i++) {
            out[outOff + i] = acc[i] * scale;
        }
    }
}
