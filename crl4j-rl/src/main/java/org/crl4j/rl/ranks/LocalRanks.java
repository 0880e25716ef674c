package org.crl4j.rl.ranks;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * K ranks in one JVM, each a thread with its own agent: {@link #reducer(int)} is rank r's {@link GradientReducer}.
 * The mean is computed once, by the barrier's action, in a fixed order (rank 0's value, plus ranks 1..K−1 in order, in float, then × 1/K),
 * and copied to every rank, so all ranks get the same bits whatever the thread timing. This order is the reference
 * for any transport (a ring or a tree must give the same sum order, or at least the same bits on every rank).
 */
public final class LocalRanks {
    private final int k;
    private final float[][] handedIn;
    private final CyclicBarrier gathered;
    private final CyclicBarrier copied;
    private float[] mean = new float[0];
    private volatile boolean aborted;

    public LocalRanks(int ranks) {
        if (ranks < 1) {
            throw new IllegalArgumentException("ranks must be at least 1, got " + ranks);
        }
        this.k = ranks;
        this.handedIn = new float[ranks][];
        this.gathered = new CyclicBarrier(ranks, this::reduce);
        this.copied = new CyclicBarrier(ranks);
    }

    private void reduce() {
        int n = handedIn[0].length;
        for (float[] g : handedIn) {
            if (g.length != n) {
                throw new IllegalStateException("ranks reduced gradients of different sizes");
            }
        }
        if (mean.length != n) {
            mean = new float[n];
        }
        float scale = 1f / k;
        for (int i = 0; i < n; i++) {
            float sum = handedIn[0][i]; // not 0 + g: that would turn a −0 gradient into +0
            for (int r = 1; r < k; r++) {
                sum += handedIn[r][i];
            }
            mean[i] = sum * scale;
        }
    }

    /** A rank that fails calls this: every rank waiting in an all-reduce, or entering one, fails instead of hanging. */
    public void abort() {
        aborted = true;
        gathered.reset();
        copied.reset();
    }

    /** Rank {@code rank}'s reducer; each rank must call it from its own thread, for the same groups in order. */
    public GradientReducer reducer(int rank) {
        if (rank < 0 || rank >= k) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + k + ")");
        }
        return new GradientReducer() {
            @Override
            public void allReduceMean(Group group, float[] grads) {
                if (aborted) {
                    throw new IllegalStateException("another rank failed: the all-reduce is aborted");
                }
                handedIn[rank] = grads;
                await(gathered);
                System.arraycopy(mean, 0, grads, 0, grads.length);
                await(copied); // nobody hands in the next group before every rank has its copy of this mean
            }

            @Override
            public int ranks() {
                return k;
            }
        };
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await(600, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("a rank was interrupted in an all-reduce", e);
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new IllegalStateException("another rank failed or stopped in an all-reduce", e);
        }
    }
}
