package org.crl4j.rl;

import java.util.LinkedHashMap;
import java.util.Map;

import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.nn.Parallel;
import org.crl4j.nn.Rng;

/**
 * The training loop of the reference: prefill the replay with the (untrained, stochastic) actor; then, per
 * training step, collect {@code unrollLength} steps from every environment with the stochastic actor and run up to
 * {@code numSgdBatchesPerTrainingStep} SGD steps on freshly relabelled minibatches; evaluate once per epoch with
 * the deterministic actor.
 */
public final class Trainer {

    /** Receives progress; every method has a no-op default. */
    public interface Listener {
        default void onTrainingStep(long envSteps, long totalEnvSteps, double sps, TrainingMetrics window) {
        }

        default void onEpoch(int epoch, Map<String, Double> metrics, Evaluator.Result eval) {
        }
    }

    private final TrainConfig cfg;
    private final Parallel pool;
    private final EnvSpec spec;
    private final VecEnv env;
    private final CrlAgent agent;
    private final TrajectoryReplay replay;
    private final ContrastiveBatches batches;
    private final Evaluator evaluator;
    private final Rng actRng;
    private final Rng sampleRng;
    private final Rng sgdRng;
    private final float[] actions;
    private final float[] bStates;
    private final float[] bActions;
    private final float[] bGoals;
    private final int[] trajIdsBefore;
    private long envSteps;
    private long trainingSteps;
    private long sgdSteps;
    private double trainSeconds;

    public Trainer(TrainConfig cfg, CrlConfig crl, Parallel pool) {
        this.cfg = cfg;
        this.pool = pool;
        EnvSpec base = Envs.spec(cfg.env());
        if (base.episodeLength() != cfg.episodeLength()) {
            throw new IllegalArgumentException(cfg.env() + " has episodes of " + base.episodeLength()
                    + " steps; --episode-length " + cfg.episodeLength() + " differs");
        }
        this.env = Envs.make(cfg.env(), cfg.numEnvs(), cfg.seed(), pool, VecEnv.ResetMode.SAME_START);
        this.spec = env.spec();
        this.agent = new CrlAgent(spec.stateDim(), spec.actionDim(), spec.goalDim(), crl, pool);
        agent.init(Rng.forStream(cfg.seed(), 1));
        this.replay = new TrajectoryReplay(cfg.numEnvs(), cfg.maxReplaySize(), spec.stateDim(), spec.actionDim());
        this.batches = new ContrastiveBatches(replay, cfg.episodeLength(), cfg.gamma(), spec.goalIndices(),
                cfg.batchSize());
        this.evaluator = new Evaluator(cfg.evalEnv(), cfg.numEvalEnvs(), cfg.seed() + 1_000_003L, cfg.episodeLength(), pool);
        if (evaluator.env().spec().stateDim() != spec.stateDim() || evaluator.env().spec().actionDim() != spec.actionDim()) {
            throw new IllegalArgumentException("evaluation env " + cfg.evalEnv() + " does not match " + cfg.env());
        }
        this.actRng = Rng.forStream(cfg.seed(), 2);
        this.sampleRng = Rng.forStream(cfg.seed(), 3);
        this.sgdRng = Rng.forStream(cfg.seed(), 4);
        this.actions = new float[cfg.numEnvs() * spec.actionDim()];
        this.bStates = new float[cfg.batchSize() * spec.stateDim()];
        this.bActions = new float[cfg.batchSize() * spec.actionDim()];
        this.bGoals = new float[cfg.batchSize() * spec.goalDim()];
        this.trajIdsBefore = new int[cfg.numEnvs()];
    }

    public CrlAgent agent() {
        return agent;
    }

    public TrajectoryReplay replay() {
        return replay;
    }

    public long envSteps() {
        return envSteps;
    }

    public long sgdSteps() {
        return sgdSteps;
    }

    /** Collects {@code steps} steps from every environment with the stochastic actor into the replay. */
    void collect(int steps) {
        int obsDim = spec.observationDim();
        for (int t = 0; t < steps; t++) {
            agent.act(env.observations(), cfg.numEnvs(), false, actRng, actions);
            System.arraycopy(env.trajectoryIds(), 0, trajIdsBefore, 0, cfg.numEnvs());
            replay.add(env.observations(), obsDim, actions, trajIdsBefore);
            env.step(actions);
            envSteps += cfg.numEnvs();
        }
    }

    /** One training step: collect, then SGD on relabelled minibatches. */
    TrainingMetrics trainingStep(TrainingMetrics into) {
        collect(cfg.unrollLength());
        int n = batches.prepare(sampleRng, cfg.numSgdBatchesPerTrainingStep());
        for (int k = 0; k < n; k++) {
            batches.fill(k, bStates, bActions, bGoals);
            into.add(agent.sgdStep(bStates, bActions, bGoals, cfg.batchSize(), sgdRng));
            sgdSteps++;
        }
        trainingSteps++;
        return into;
    }

    /** Runs the whole schedule. */
    public void run(Listener listener) {
        long start = System.nanoTime();
        collect(cfg.prefillSteps() * cfg.unrollLength()); // prefill: whole unrolls, as the reference
        long perEpoch = cfg.trainingStepsPerEpoch();
        for (int epoch = 1; epoch <= cfg.numEpochs(); epoch++) {
            TrainingMetrics m = new TrainingMetrics();
            long epochStart = System.nanoTime();
            long epochEnvStart = envSteps;
            for (long s = 0; s < perEpoch; s++) {
                trainingStep(m);
                double sec = (System.nanoTime() - epochStart) / 1e9;
                listener.onTrainingStep(envSteps, totalPlanned(), (envSteps - epochEnvStart) / sec, m);
            }
            double epochSec = (System.nanoTime() - epochStart) / 1e9;
            trainSeconds += epochSec;
            Evaluator.Result eval = evaluator.run(agent, epoch == cfg.numEpochs());
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("training/envsteps", (double) envSteps);
            metrics.put("training/sps", (envSteps - epochEnvStart) / epochSec);
            metrics.put("training/walltime", (System.nanoTime() - start) / 1e9);
            metrics.put("training/sgd_steps", (double) sgdSteps);
            metrics.putAll(m.toMap());
            metrics.put("buffer_current_size", (double) replay.size());
            metrics.put("eval/episode_success", eval.episodeSuccess());
            metrics.put("eval/episode_success_any", eval.episodeSuccessAny());
            metrics.put("eval/episode_dist", eval.episodeDist());
            metrics.put("eval/episode_min_dist", eval.minDist());
            metrics.put("eval/avg_episode_length", eval.avgEpisodeLength());
            metrics.put("eval/sps", eval.sps());
            listener.onEpoch(epoch, metrics, eval);
        }
    }

    /** Env steps the schedule will take: prefill + epochs × steps per epoch × env steps per training step. */
    public long totalPlanned() {
        return (long) cfg.prefillSteps() * cfg.envStepsPerTrainingStep()
                + cfg.numEpochs() * cfg.trainingStepsPerEpoch() * cfg.envStepsPerTrainingStep();
    }

    /** What a checkpoint written now records. */
    public Checkpoint.Info checkpointInfo(int epoch) {
        return new Checkpoint.Info(cfg.env(), spec.stateDim(), spec.actionDim(), spec.goalDim(), agent.config, envSteps,
                sgdSteps, epoch, java.util.Map.of("eval_env", cfg.evalEnv(), "seed", cfg.seed()));
    }

    public EnvSpec spec() {
        return spec;
    }
}
