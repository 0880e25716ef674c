package org.crl4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.rl.CrlAgent;
import org.crl4j.rl.CrlConfig;
import org.crl4j.rl.ranks.GradientReducer;
import org.crl4j.rl.ranks.LocalRanks;

/**
 * The whole CRL SGD step (actor, α, critic; forward, backward, Adam) on K data-parallel ranks in one JVM, each a
 * thread with its own agent, its own {@code threadsPerRank} workers and B/K rows of the batch, gradients averaged by
 * {@link LocalRanks} every step; against K = 1 with the whole batch. One global SGD step = every rank's step. This
 * is the ranks' compute and the all-reduce's arithmetic and copies without a network: the floor for any transport.
 */
public final class DataParallelBenchmark {
    /** Dimensions of the ant tasks (state 29, action 8, goal 2). */
    public static final int STATE = 29;
    public static final int ACTION = 8;
    public static final int GOAL = 2;

    /** Global SGD steps per second, and the mean seconds rank 0 spent inside the all-reduce per step. */
    public record Result(int ranks, int threadsPerRank, int width, int depth, int batch, double stepsPerSecond,
                         double reduceSecondsPerStep) {
    }

    private DataParallelBenchmark() {
    }

    public static Result run(int width, int depth, int batch, int ranks, int threadsPerRank, int steps, int warmup) {
        if (batch % ranks != 0) {
            throw new IllegalArgumentException("--batch " + batch + " is not divisible by --ranks " + ranks);
        }
        CrlConfig cfg = CrlConfig.paper(width, depth);
        int share = batch / ranks;
        LocalRanks local = new LocalRanks(ranks);
        ExecutorService threads = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<RankTime>> results = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                GradientReducer inner = ranks == 1 ? GradientReducer.SINGLE : local.reducer(r);
                results.add(threads.submit(() -> rankLoop(cfg, share, rank, inner, threadsPerRank, steps, warmup)));
            }
            double seconds = 0;
            double reduceSeconds = 0;
            for (int r = 0; r < ranks; r++) {
                RankTime t = results.get(r).get();
                seconds = Math.max(seconds, t.seconds());
                if (r == 0) {
                    reduceSeconds = t.reduceSeconds();
                }
            }
            return new Result(ranks, threadsPerRank, width, depth, batch, steps / seconds, reduceSeconds / steps);
        } catch (java.util.concurrent.ExecutionException e) {
            local.abort();
            throw new IllegalStateException("a rank failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            threads.shutdownNow();
        }
    }

    /** A reducer that adds up the time spent in it once {@link #start} is called. */
    private static final class TimedReducer implements GradientReducer {
        private final GradientReducer inner;
        private boolean counting;
        private long nanos;

        TimedReducer(GradientReducer inner) {
            this.inner = inner;
        }

        void start() {
            counting = true;
        }

        @Override
        public void allReduceMean(Group group, float[] grads) {
            long t0 = System.nanoTime();
            inner.allReduceMean(group, grads);
            if (counting) {
                nanos += System.nanoTime() - t0;
            }
        }

        @Override
        public int ranks() {
            return inner.ranks();
        }
    }

    /** One rank's timed steps: wall seconds, and seconds of them inside the all-reduce. */
    public record RankTime(double seconds, double reduceSeconds) {
    }

    /**
     * One rank: an agent initialised from seed 1, rank {@code rank}'s random batch of {@code share} rows, warm-up
     * steps, then {@code steps} timed ones. Public so that other transports (crl4j-cluster's ranks as processes) time
     * exactly the same work.
     */
    public static RankTime rankLoop(CrlConfig cfg, int share, int rank, GradientReducer inner, int threads, int steps,
            int warmup) {
        TimedReducer timed = new TimedReducer(inner);
        try (Parallel pool = new Parallel(threads)) {
            CrlAgent agent = new CrlAgent(STATE, ACTION, GOAL, cfg, pool);
            agent.init(new Rng(1));
            Rng data = Rng.forStream(7, rank);
            Rng noise = Rng.forStream(11, rank);
            float[] states = new float[share * STATE];
            float[] actions = new float[share * ACTION];
            float[] goals = new float[share * GOAL];
            data.fillGaussian(states, 0, states.length);
            data.fillUniform(actions, 0, actions.length, -0.9f, 0.9f);
            data.fillGaussian(goals, 0, goals.length);
            for (int i = 0; i < warmup; i++) {
                agent.sgdStep(states, actions, goals, share, noise, timed);
            }
            timed.start();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                agent.sgdStep(states, actions, goals, share, noise, timed);
            }
            return new RankTime((System.nanoTime() - t0) / 1e9, timed.nanos / 1e9);
        }
    }
}
