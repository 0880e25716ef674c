package org.crl4j.bench;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.rl.Agent;
import org.crl4j.rl.Algo;
import org.crl4j.rl.BaselineConfig;
import org.crl4j.rl.CrlConfig;
import org.crl4j.rl.ReplayBatch;

/**
 * SGD steps per second of one algorithm's whole step (every network it trains, its targets and optimisers) on a
 * fixed batch of ant-sized rows ({@link DataParallelBenchmark#STATE}, {@link DataParallelBenchmark#ACTION},
 * {@link DataParallelBenchmark#GOAL}), with the paper's networks at the given width and depth for actor and critic.
 * Some rows are rewarded, terminated and truncated, so that every branch of the TD losses runs. PPO, which learns
 * from unrolls rather than replay batches, is timed over whole updates of a 32-environment × 62-step unroll (its
 * values, old log-probabilities and advantages included) and reported per minibatch SGD step.
 */
public final class AlgoBenchmark {
    private AlgoBenchmark() {
    }

    /** What one measurement saw. */
    public record Result(Algo algo, int width, int depth, int batch, int threads, double stepsPerSecond) {
    }

    public static Result run(Algo algo, int width, int depth, int batch, int threads, int steps, int warmup) {
        try (Parallel pool = new Parallel(threads)) {
            if (algo.onPolicy()) {
                return onPolicy(width, depth, batch, threads, steps, warmup, pool);
            }
            Agent agent = Agent.create(DataParallelBenchmark.STATE, DataParallelBenchmark.ACTION,
                    DataParallelBenchmark.GOAL, CrlConfig.paper(width, depth), BaselineConfig.defaults(algo), pool);
            agent.init(new Rng(1));
            ReplayBatch b = new ReplayBatch(batch, DataParallelBenchmark.STATE, DataParallelBenchmark.ACTION,
                    DataParallelBenchmark.GOAL);
            Rng data = new Rng(2);
            data.fillGaussian(b.states, 0, b.states.length);
            data.fillGaussian(b.nextStates, 0, b.nextStates.length);
            data.fillGaussian(b.goals, 0, b.goals.length);
            data.fillUniform(b.actions, 0, b.actions.length, -1f, 1f);
            for (int i = 0; i < batch; i++) {
                b.rewards[i] = i % 4 == 0 ? 1f : 0f;
                b.terminated[i] = i % 50 == 7 ? 1f : 0f;
                b.truncated[i] = i % 50 == 9 ? 1f : 0f;
            }
            Rng noise = new Rng(3);
            for (int t = 0; t < warmup; t++) {
                agent.sgdStep(b, noise, org.crl4j.rl.ranks.GradientReducer.SINGLE);
            }
            long t0 = System.nanoTime();
            for (int t = 0; t < steps; t++) {
                agent.sgdStep(b, noise, org.crl4j.rl.ranks.GradientReducer.SINGLE);
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            return new Result(algo, width, depth, batch, threads, steps / sec);
        }
    }

    private static Result onPolicy(int width, int depth, int batch, int threads, int steps, int warmup, Parallel pool) {
        int envs = 32;
        int unroll = 62;
        int obsDim = DataParallelBenchmark.STATE + DataParallelBenchmark.GOAL;
        org.crl4j.rl.PpoAgent ppo = (org.crl4j.rl.PpoAgent) Agent.create(DataParallelBenchmark.STATE,
                DataParallelBenchmark.ACTION, DataParallelBenchmark.GOAL, CrlConfig.paper(width, depth),
                BaselineConfig.defaults(Algo.PPO), pool);
        ppo.init(new Rng(1));
        Rng data = new Rng(2);
        float[] obs = new float[envs * obsDim];
        float[] acted = new float[envs * DataParallelBenchmark.ACTION];
        float[] reward = new float[envs];
        boolean[] term = new boolean[envs];
        boolean[] trunc = new boolean[envs];
        org.crl4j.rl.TrainingMetrics sink = new org.crl4j.rl.TrainingMetrics();
        long sgd = 0;
        long nanos = 0;
        int done = 0;
        while (sgd < steps) { // whole updates: the warm-up ones until `warmup` SGD steps are done, then timed ones
            for (int t = 0; t < unroll; t++) {
                data.fillGaussian(obs, 0, obs.length);
                ppo.act(obs, envs, false, data, acted);
                ppo.record(obs, acted, envs);
                for (int e = 0; e < envs; e++) {
                    reward[e] = data.nextInt(4) == 0 ? 1f : 0f;
                }
                ppo.recordOutcome(reward, term, trunc);
            }
            data.fillGaussian(obs, 0, obs.length);
            long t0 = System.nanoTime();
            int n = ppo.update(obs, batch, data, sink);
            if (done >= warmup) {
                nanos += System.nanoTime() - t0;
                sgd += n;
            }
            done += n;
        }
        return new Result(Algo.PPO, width, depth, batch, threads, sgd / (nanos / 1e9));
    }
}
