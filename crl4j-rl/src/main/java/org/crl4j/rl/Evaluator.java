package org.crl4j.rl;

import java.util.ArrayList;
import java.util.List;

import org.crl4j.core.Parallel;
import org.crl4j.envs.Envs;
import org.crl4j.envs.EpisodeStats;
import org.crl4j.envs.VecEnv;

/**
 * Evaluation as the reference runs it: {@code numEvalEnvs} environments reset from the same fixed seed every time
 * (so epochs are comparable), one episode each with the deterministic actor tanh(μ), statistics accumulated until
 * each episode ends.
 */
public final class Evaluator {
    private final VecEnv env;
    private final long seed;
    private final float[] actions;

    /** What one evaluation measured; names as JaxGCRL's eval/ metrics. */
    public record Result(double episodeSuccess, double episodeSuccessAny, double episodeDist, double minDist,
                         double avgEpisodeLength, double sps, List<float[]> firstEnvObservations) {
    }

    public Evaluator(String envId, int numEnvs, long seed, int episodeLength, Parallel pool) {
        this.env = Envs.factory(envId).create(numEnvs, pool, VecEnv.ResetMode.SAME_START);
        if (env.spec().episodeLength() != episodeLength) {
            throw new IllegalArgumentException("evaluation env " + envId + " has episodes of "
                    + env.spec().episodeLength() + " steps, training uses " + episodeLength);
        }
        this.seed = seed;
        this.actions = new float[numEnvs * env.spec().actionDim()];
    }

    public VecEnv env() {
        return env;
    }

    /** Maps observation rows to actions; the evaluated behaviour. */
    @FunctionalInterface
    public interface Policy {
        void act(float[] observations, int n, float[] actions);
    }

    /**
     * The agent's evaluation action: the deterministic actor (tanh(μ)), as the reference evaluates contrastive RL.
     * Every algorithm is evaluated this way, so that methods compare on one protocol (JaxGCRL samples SAC's and
     * PPO's stochastic policy at evaluation).
     */
    public static Policy deterministic(Agent agent) {
        return (obs, n, out) -> agent.act(obs, n, true, null, out);
    }

    /** Uniformly random actions in [−1, 1]: the baseline every result is compared with. */
    public static Policy random(long seed) {
        org.crl4j.core.Rng rng = new org.crl4j.core.Rng(seed);
        return (obs, n, out) -> rng.fillUniform(out, 0, out.length, -1f, 1f);
    }

    /** Runs one evaluation of the agent's deterministic actor; records env 0's observations when asked. */
    public Result run(Agent agent, boolean recordFirstEnv) {
        return run(deterministic(agent), recordFirstEnv);
    }

    /** Runs one evaluation; records env 0's observations (for a GIF) when asked. */
    public Result run(Policy policy, boolean recordFirstEnv) {
        return run(policy, recordFirstEnv, null);
    }

    /** How far a long evaluation is: env steps so far, the most it can take (envs × episode length), steps/s. */
    @FunctionalInterface
    public interface Progress {
        void update(long envSteps, long most, double stepsPerSecond);
    }

    /** As {@link #run(Policy, boolean)}, telling {@code progress} (may be null) after each step. */
    public Result run(Policy policy, boolean recordFirstEnv, Progress progress) {
        long t0 = System.nanoTime();
        env.reset(seed);
        int n = env.numEnvs();
        EpisodeStats stats = new EpisodeStats(n);
        List<float[]> frames = recordFirstEnv ? new ArrayList<>() : null;
        int obsDim = env.spec().observationDim();
        if (frames != null) {
            frames.add(java.util.Arrays.copyOf(env.observations(), obsDim));
        }
        long steps = 0;
        boolean firstEnded = false;
        while (!stats.allFinished()) {
            policy.act(env.observations(), n, actions);
            env.step(actions);
            stats.record(env);
            steps += n;
            if (progress != null) {
                progress.update(steps, (long) n * env.spec().episodeLength(), steps / ((System.nanoTime() - t0) / 1e9));
            }
            if (frames != null && !firstEnded) {
                firstEnded = env.terminated()[0] || env.truncated()[0];
                frames.add(java.util.Arrays.copyOf(firstEnded ? env.finalObservations() : env.observations(), obsDim));
            }
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        return new Result(stats.meanStepsAtGoal(), stats.successAny(), stats.meanFinalDistance(),
                stats.meanMinDistance(), stats.meanLength(), steps / sec, frames);
    }
}
