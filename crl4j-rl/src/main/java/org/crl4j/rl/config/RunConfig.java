package org.crl4j.rl.config;

import org.crl4j.nn.Activation;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.loss.Energy;
import org.crl4j.nn.loss.InfoNce;
import org.crl4j.rl.ActorInit;
import org.crl4j.rl.Algo;
import org.crl4j.rl.BaselineConfig;
import org.crl4j.rl.CrlConfig;
import org.crl4j.rl.TrainConfig;

/**
 * Everything a training run is configured by, as a tree of records: one section per concern, one component per
 * option. Each component's {@link Field} holds its default, help and range, so {@code train --help}, the saved
 * {@code config.toml} and docs/configuration.md all print from here ({@link RunConfigs}). Adding an option is one
 * annotated component, plus a check in its section's constructor when a range is not enough.
 *
 * <p>Defaults fit a 2-core machine; where the paper differs the help says so.
 */
public record RunConfig(Env env, Networks networks, Algorithm algorithm, Baselines baselines, Schedule schedule,
                        Eval eval, Logging logging) {

    /** The task. */
    public record Env(
            @Field(value = "simple_u_maze", help = "Task id (see 'envs list').") String env,
            @Field(value = "32", min = 1, help = "Parallel environments collecting data; the paper uses 512.") int numEnvs) {
    }

    /** The three residual networks: critic encoders φ(s,a), ψ(g) and the actor. */
    public record Networks(
            @Field(value = "4", min = 4, max = 4096, help = "Residual depth of both critic encoders, a multiple of 4.") int criticDepth,
            @Field(value = "128", min = 1, help = "Width of both critic encoders; the paper uses 256.") int criticWidth,
            @Field(value = "4", min = 4, max = 4096, help = "Residual depth of the actor, a multiple of 4.") int actorDepth,
            @Field(value = "128", min = 1, help = "Width of the actor; the paper uses 256.") int actorWidth,
            @Field(value = "64", min = 1, help = "Size of the representations φ(s,a) and ψ(g).") int reprDim,
            @Field(value = "true", help = "LayerNorm in every hidden layer (false: the ablation).") boolean layerNorm,
            @Field(value = "swish", choices = {"swish", "relu"}, help = "Hidden activation (relu: the ablation).") String activation,
            @Field(value = "true", help = "Residual connections (false: the ablation).") boolean residual,
            @Field(value = "auto", choices = {"auto", "on", "off"}, help = "Recompute activations in backward to save memory.") String recompute,
            @Field(value = "zero-head", choices = {"paper", "zero-log-std", "zero-head"}, help = "How the actor's head "
                    + "starts: zero-head (the default since 2026-12-07: ahead of paper in 14 of 15 seed pairs, "
                    + "docs/results.md), mean 0 and σ ≈ 0.22 in every dimension at any depth; zero-log-std, only σ; "
                    + "paper, like every layer (deep actors then often start nearly deterministic: the head's raw "
                    + "log-std grows with depth). Every algorithm's actor.") String actorInit) {

        public Networks {
            RunConfigs.require(criticDepth % 4 == 0, "critic-depth", criticDepth, "must be a multiple of 4 (4 Dense "
                    + "layers per residual block); try " + Math.max(4, Math.round(criticDepth / 4.0f) * 4));
            RunConfigs.require(actorDepth % 4 == 0, "actor-depth", actorDepth, "must be a multiple of 4 (4 Dense "
                    + "layers per residual block); try " + Math.max(4, Math.round(actorDepth / 4.0f) * 4));
        }
    }

    /** Contrastive RL's losses and optimisers. */
    public record Algorithm(
            @Field(value = "norm", choices = {"norm", "l2", "dot", "cosine"}, help = "Energy f(φ, ψ) between representations.") String energy,
            @Field(value = "fwd_infonce", choices = {"fwd_infonce", "bwd_infonce", "sym_infonce", "binary_nce"}, help = "Contrastive objective.") String contrastiveLoss,
            @Field(value = "0.1", min = 0, help = "Coefficient of the logsumexp² regulariser.") double logsumexpPenaltyCoeff,
            @Field(value = "3e-4", min = 0, help = "Adam learning rate of the actor.") double actorLr,
            @Field(value = "3e-4", min = 0, help = "Adam learning rate of the critic.") double criticLr,
            @Field(value = "3e-4", min = 0, help = "Adam learning rate of log α.") double alphaLr,
            @Field(value = "0.5", min = 0, help = "Target entropy = −entropy-param × action dimensions.") double entropyParam,
            @Field(value = "false", help = "Actor loss without the entropy term.") boolean disableEntropy,
            @Field(value = "0.99", min = 0, max = 1, help = "Discount of the future-goal distribution, in (0, 1].") double gamma) {

        public Algorithm {
            RunConfigs.require(gamma > 0, "gamma", gamma, "must be in (0, 1]");
        }
    }

    /**
     * Which algorithm trains, and the baselines' own hyper-parameters (JaxGCRL's defaults; docs/baselines.md). Every
     * algorithm uses the networks above (its actor the actor's depth and width, its critics the critic's) and the
     * schedule below; the entropy options above also set SAC's temperature (target −entropy-param·|A|, alpha-lr).
     */
    public record Baselines(
            @Field(value = "crl", choices = {"crl", "sac", "sac_her", "td3", "td3_her", "ppo", "gcbc"}, help = "Algorithm: "
                    + "contrastive RL, or a baseline on the same networks and data: SAC or TD3 on the sparse reward (1 "
                    + "within the task's success threshold of the goal), with _her hindsight goals from the future; PPO "
                    + "(on-policy, the same reward); or GCBC (behaviour cloning of the run's own replay toward future "
                    + "states).") String algo,
            @Field(value = "0.9", min = 0, max = 1, help = "Discount of SAC's and TD3's TD targets, in [0, 1) (JaxGCRL's "
                    + "0.9; CRL's gamma is its goal distribution's).") double discount,
            @Field(value = "0.005", min = 0, max = 1, help = "Polyak rate of SAC's and TD3's target networks.") double tau,
            @Field(value = "1e-4", min = 0, help = "Adam learning rate of SAC's actor and critics (log α: alpha-lr).") double sacLr,
            @Field(value = "3e-4", min = 0, help = "Adam learning rate of TD3's actor and critics.") double td3Lr,
            @Field(value = "3e-4", min = 0, help = "Adam learning rate of GCBC's actor.") double gcbcLr,
            @Field(value = "0.5", min = 0, max = 1, help = "Fraction of rows sac_her and td3_her relabel with a future "
                    + "state of the same trajectory (JaxGCRL's 'final' strategy relabels the rows before an episode's "
                    + "end in each window, about half).") double herRatio,
            @Field(value = "0.4", min = 0, help = "TD3's exploration noise σ.") double explorationNoise,
            @Field(value = "0.5", min = 0, help = "TD3's exploration noise clip.") double explorationNoiseClip,
            @Field(value = "2", min = 1, help = "TD3: critic updates per actor and target update.") int policyDelay,
            @Field(value = "0.2", min = 0, help = "TD3's target-policy smoothing σ.") double targetNoise,
            @Field(value = "0.5", min = 0, help = "TD3's target-policy smoothing clip.") double targetNoiseClip,
            @Field(value = "1e-4", min = 0, help = "Adam learning rate of PPO's policy and value networks.") double ppoLr,
            @Field(value = "2", min = 1, help = "PPO: passes over each unroll (minibatches of batch-size rows).") int ppoEpochs,
            @Field(value = "0.3", min = 0, help = "PPO's clip ε of the probability ratio.") double clipEpsilon,
            @Field(value = "0.95", min = 0, max = 1, help = "PPO's GAE λ.") double gaeLambda,
            @Field(value = "1e-4", min = 0, help = "PPO's entropy bonus coefficient.") double entropyCost) {

        public Baselines {
            RunConfigs.require(discount < 1, "discount", discount, "must be in [0, 1)");
            RunConfigs.require(tau > 0, "tau", tau, "must be in (0, 1]");
        }
    }

    /** How long to train and how data flows from the environments to SGD. */
    public record Schedule(
            @Field(value = "600000", min = 1, help = "Environment steps of the whole run, prefill included; rounded up to a whole "
                    + "training step (num-envs × unroll-length env steps), and train says so when it rounds.") long totalEnvSteps,
            @Field(value = "10", min = 1, help = "Evaluations (and checkpoints) over the run.") int numEpochs,
            @Field(value = "62", min = 1, help = "Steps per environment per training step.") int unrollLength,
            @Field(value = "128", min = 2, help = "Rows per SGD step; the paper uses 512.") int batchSize,
            @Field(value = "150", min = 1, help = "SGD steps per training step (9.7 gradient samples per env step with "
                    + "the other defaults; the paper: 12.9; far fewer does not learn the mazes).") int numSgdBatchesPerTrainingStep,
            @Field(value = "10000", min = 1, help = "Steps kept per environment in the replay buffer.") int maxReplaySize,
            @Field(value = "1000", min = 1, help = "Steps per environment before training starts.") int minReplaySize,
            @Field(value = "1", help = "Seed of everything random.") long seed,
            @Field(value = "same_start", choices = {"same_start", "resample"}, help = "What a training environment "
                    + "restarts from when its episode ends: same_start, the start and goal of its first reset, for the "
                    + "whole run (Brax's AutoResetWrapper, what JaxGCRL and the paper train with: num-envs fixed "
                    + "start/goal pairs), or resample, a fresh start and goal each episode. Evaluation is the same for both.")
            String resetMode) {
    }

    /** Evaluation during training. */
    public record Eval(
            @Field(value = "", help = "Evaluation task (default: the training task, as the reference; e.g. "
                    + "simple_u_maze_eval for only the far goals).") String evalEnv,
            @Field(value = "64", min = 1, help = "Environments per evaluation.") int numEvalEnvs,
            @Field(value = "true", help = "Write eval_episode.gif of an evaluation episode each epoch (a few seconds).") boolean gif) {
    }

    /** What is kept on disk besides last, best and resume. */
    public record Logging(
            @Field(value = "0", min = 0, help = "Also keep checkpoints/epoch_E.safetensors every K epochs (0: off).") int checkpointEvery) {
    }

    /** The evaluation task: eval-env, or the training task when it is not given. */
    public String evalEnvId() {
        return eval.evalEnv().isEmpty() ? env.env() : eval.evalEnv();
    }

    /** The data side, as the trainer takes it; {@code episodeLength} comes from the task. */
    public TrainConfig trainConfig(int episodeLength) {
        Schedule s = schedule;
        return new TrainConfig(env.env(), evalEnvId(), env.numEnvs(), s.totalEnvSteps(), s.numEpochs(), s.unrollLength(),
                s.batchSize(), s.numSgdBatchesPerTrainingStep(), s.maxReplaySize(), s.minReplaySize(), episodeLength,
                algorithm.gamma(), eval.numEvalEnvs(), s.seed(), org.crl4j.envs.VecEnv.ResetMode.parse(s.resetMode()));
    }

    /** The algorithm and the baselines' hyper-parameters, as the agent takes them. */
    public BaselineConfig baselineConfig() {
        Baselines b = baselines;
        return new BaselineConfig(Algo.parse(b.algo()), (float) b.discount(), (float) b.tau(), (float) b.sacLr(),
                (float) b.td3Lr(), (float) b.gcbcLr(), (float) b.herRatio(), (float) b.explorationNoise(),
                (float) b.explorationNoiseClip(), b.policyDelay(), (float) b.targetNoise(), (float) b.targetNoiseClip(),
                (float) b.ppoLr(), b.ppoEpochs(), (float) b.clipEpsilon(), (float) b.gaeLambda(), (float) b.entropyCost());
    }

    /** The network side, as the agent takes it. */
    public CrlConfig crlConfig() {
        Networks n = networks;
        Algorithm a = algorithm;
        return new CrlConfig(n.criticWidth(), n.criticDepth(), n.actorWidth(), n.actorDepth(), n.reprDim(),
                Energy.fromJaxName(a.energy()), InfoNce.Variant.fromJaxName(a.contrastiveLoss()),
                (float) a.logsumexpPenaltyCoeff(), (float) a.actorLr(), (float) a.criticLr(), (float) a.alphaLr(),
                (float) a.entropyParam(), a.disableEntropy(), n.layerNorm(), Activation.parse(n.activation()),
                n.residual(), MlpOptions.Recompute.parse(n.recompute()), ActorInit.parse(n.actorInit()));
    }
}
