package org.crl4j.rl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.core.io.CorruptFileException;
import org.crl4j.core.io.Tensor;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.rl.ranks.Rank;

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

    private TrainConfig cfg; // not final: extendTo() lengthens the schedule
    private final Parallel pool;
    private final Rank rank;
    /** This rank's environments and rows per SGD step: the run's numEnvs and batchSize split evenly over the ranks. */
    private final int localEnvs;
    private final int localBatch;
    private final EnvSpec spec;
    private final VecEnv env;
    private final Agent agent;
    private final TrajectoryReplay replay;
    private final HindsightBatches batches;
    private final Evaluator evaluator;
    private final Rng actRng;
    private final Rng sampleRng;
    private final Rng sgdRng;
    private final float[] actions;
    private final ReplayBatch batch;
    private final int[] trajIdsBefore;
    private final int[] goalIndices; // the spec's copy, taken once: collect reads it every step
    private long envSteps;
    private long trainingSteps;
    private long sgdSteps;
    private double trainSeconds;
    // Position in the schedule, so that a saved trainer continues exactly where it stopped.
    private boolean prefilled;
    private int epoch = 1;
    private long stepInEpoch;
    private volatile boolean stopRequested;
    // Where the time goes, per epoch (seconds): acting + stepping + inserting, relabelling + batching, SGD, eval.
    private double collectSeconds;
    private double relabelSeconds;
    private double sgdSeconds;

    public Trainer(TrainConfig cfg, CrlConfig crl, Parallel pool) {
        this(cfg, crl, BaselineConfig.CRL, pool, null, Rank.SINGLE);
    }

    /** A one-process run of {@code baseline.algo()} (contrastive RL or a baseline). */
    public Trainer(TrainConfig cfg, CrlConfig crl, BaselineConfig baseline, Parallel pool) {
        this(cfg, crl, baseline, pool, null, Rank.SINGLE);
    }

    /**
     * Rank {@code rank.rank()} of a data-parallel run: it steps numEnvs / ranks environments of its own (own seeds)
     * into its own replay, samples batchSize / ranks rows per SGD step, and averages its gradients with the other
     * ranks before every update, so the parameters stay the same on every rank. The InfoNCE negatives of a row are
     * the other rows of its rank's share. The schedule (env steps, epochs) counts all ranks together, as one process
     * with numEnvs environments would. Only rank 0 evaluates.
     */
    public Trainer(TrainConfig cfg, CrlConfig crl, Parallel pool, Rank rank) {
        this(cfg, crl, BaselineConfig.CRL, pool, null, rank);
    }

    /** As {@link #Trainer(TrainConfig, CrlConfig, Parallel, Rank)} for {@code baseline.algo()}. */
    public Trainer(TrainConfig cfg, CrlConfig crl, BaselineConfig baseline, Parallel pool, Rank rank) {
        this(cfg, crl, baseline, pool, null, rank);
    }

    /** With {@code agent} null a fresh agent is initialised from the seed; otherwise that agent is trained on. */
    private Trainer(TrainConfig cfg, CrlConfig crl, BaselineConfig baseline, Parallel pool, Agent restored, Rank rank) {
        if (rank.ranks() > 1 && baseline.algo() != Algo.CRL) {
            throw new IllegalArgumentException("--ranks " + rank.ranks() + " trains contrastive RL only; "
                    + baseline.algo().id() + " runs in one process (leave --ranks out)");
        }
        this.cfg = cfg;
        this.pool = pool;
        this.rank = rank;
        int k = rank.ranks();
        requireSplit(cfg, k);
        this.localEnvs = cfg.numEnvs() / k;
        this.localBatch = cfg.batchSize() / k;
        EnvSpec base = Envs.spec(cfg.env());
        if (base.episodeLength() != cfg.episodeLength()) {
            throw new IllegalArgumentException(cfg.env() + " has episodes of " + base.episodeLength()
                    + " steps; --episode-length " + cfg.episodeLength() + " differs");
        }
        this.env = Envs.make(cfg.env(), localEnvs, rankSeed(cfg.seed(), rank.rank()), pool, cfg.resetMode());
        this.spec = env.spec();
        if (restored != null) {
            this.agent = restored;
        } else {
            this.agent = Agent.create(spec.stateDim(), spec.actionDim(), spec.goalDim(), crl, baseline, pool);
            agent.init(Rng.forStream(cfg.seed(), 1));
        }
        BaselineConfig b = agent.baseline();
        // the TD baselines need each step's commanded goal, reached goal and ending; CRL and GCBC only the states
        this.replay = new TrajectoryReplay(localEnvs, cfg.maxReplaySize(), spec.stateDim(), spec.actionDim(),
                b.algo().usesReward() ? spec.goalDim() : 0);
        this.batches = new HindsightBatches(replay, cfg.episodeLength(), cfg.gamma(), spec.goalIndices(), localBatch,
                b.relabelProbability(), spec.successThreshold());
        this.evaluator = rank.isLead()
                ? new Evaluator(cfg.evalEnv(), cfg.numEvalEnvs(), cfg.seed() + 1_000_003L, cfg.episodeLength(), pool)
                : null;
        if (evaluator != null && !evaluator.env().spec().sameShape(spec)) {
            throw new IllegalArgumentException("evaluation env " + cfg.evalEnv() + " does not match " + cfg.env());
        }
        long streams = 1000L * rank.rank(); // rank 0 keeps the one-process streams
        this.actRng = Rng.forStream(cfg.seed(), streams + 2);
        this.sampleRng = Rng.forStream(cfg.seed(), streams + 3);
        this.sgdRng = Rng.forStream(cfg.seed(), streams + 4);
        this.actions = new float[localEnvs * spec.actionDim()];
        this.batch = new ReplayBatch(localBatch, spec.stateDim(), spec.actionDim(), spec.goalDim());
        this.trajIdsBefore = new int[localEnvs];
        this.goalIndices = spec.goalIndices();
    }

    /** Checks that {@code cfg}'s environments and batch split evenly over {@code ranks}, at least 2 rows each. */
    public static void requireSplit(TrainConfig cfg, int ranks) {
        if (cfg.numEnvs() % ranks != 0 || cfg.batchSize() % ranks != 0 || cfg.batchSize() / ranks < 2) {
            throw new IllegalArgumentException("--num-envs " + cfg.numEnvs() + " and --batch-size " + cfg.batchSize()
                    + " must both be divisible by --ranks " + ranks + " (with at least 2 rows per rank)");
        }
    }

    /** Rank 0's environments are the one-process run's; the others draw their own from the seed. */
    private static long rankSeed(long seed, int rank) {
        return rank == 0 ? seed : Rng.forStream(seed, 10_000L + rank).nextLong();
    }

    public Rank rank() {
        return rank;
    }

    public Agent agent() {
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

    /**
     * Collects {@code steps} steps from every environment with the stochastic actor into the replay, and, for an
     * on-policy agent when {@code learn} (a training step's unroll, not the prefill), into its unroll.
     */
    void collect(int steps, boolean learn) {
        long t0 = System.nanoTime();
        int obsDim = spec.observationDim();
        PpoAgent onPolicy = learn && agent instanceof PpoAgent p ? p : null;
        for (int t = 0; t < steps; t++) {
            agent.act(env.observations(), localEnvs, false, actRng, actions);
            if (onPolicy != null) {
                onPolicy.record(env.observations(), actions, localEnvs);
            }
            System.arraycopy(env.trajectoryIds(), 0, trajIdsBefore, 0, localEnvs);
            replay.add(env.observations(), obsDim, actions, trajIdsBefore);
            env.step(actions);
            if (replay.keepsOutcomes()) {
                replay.recordOutcomes(env.observations(), env.finalObservations(), obsDim, goalIndices,
                        env.terminated(), env.truncated());
            }
            if (onPolicy != null) {
                onPolicy.recordOutcome(env.rewards(), env.terminated(), env.truncated());
            }
            envSteps += cfg.numEnvs(); // all ranks' steps: they step in lockstep
        }
        collectSeconds += (System.nanoTime() - t0) / 1e9;
    }

    /** One training step: collect, then SGD on relabelled minibatches. */
    TrainingMetrics trainingStep(TrainingMetrics into) {
        collect(cfg.unrollLength(), true);
        if (agent instanceof PpoAgent ppo) { // on-policy: learns from this unroll, not the replay
            long b = System.nanoTime();
            sgdSteps += ppo.update(env.observations(), localBatch, sgdRng, into);
            sgdSeconds += (System.nanoTime() - b) / 1e9;
            trainingSteps++;
            return into;
        }
        long t0 = System.nanoTime();
        int n = batches.prepare(sampleRng, cfg.numSgdBatchesPerTrainingStep());
        long sgdNanos = 0;
        for (int k = 0; k < n; k++) {
            batches.fill(k, batch);
            long b = System.nanoTime();
            into.add(agent.sgdStep(batch, sgdRng, rank.reducer()));
            sgdNanos += System.nanoTime() - b;
            sgdSteps++;
        }
        relabelSeconds += (System.nanoTime() - t0 - sgdNanos) / 1e9;
        sgdSeconds += sgdNanos / 1e9;
        trainingSteps++;
        return into;
    }

    /** Asks {@link #run} to return at the next training-step boundary (e.g. on Ctrl-C); thread-safe. */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Continues the schedule to at least {@code envSteps} with more epochs of the same length (see
     * {@link TrainConfig#extendedTo}); a finished trainer then runs the new epochs. Save the resume state afterwards
     * so that the longer schedule is what a later resume continues.
     */
    public void extendTo(long envSteps) {
        cfg = cfg.extendedTo(envSteps);
    }

    /** Epochs run and evaluated so far (0 for a fresh trainer). */
    public int completedEpochs() {
        return epoch - 1;
    }

    /** True when the whole schedule has been run. */
    public boolean finished() {
        return epoch > cfg.numEpochs();
    }

    /**
     * Runs the schedule from where it stands (the start, or a resumed position). Returns true when it completed,
     * false when {@link #requestStop} interrupted it at a training-step boundary (save it with
     * {@link #saveResumeState} and continue later).
     */
    public boolean run(Listener listener) {
        long start = System.nanoTime() - (long) (trainSeconds * 1e9);
        if (!prefilled) {
            collect(cfg.prefillSteps() * cfg.unrollLength(), false); // prefill: whole unrolls, as the reference
            prefilled = true;
            collectSeconds = 0; // the epochs' timing covers training steps only
        }
        while (epoch <= cfg.numEpochs()) {
            long perEpoch = cfg.trainingStepsInEpoch(epoch);
            TrainingMetrics m = new TrainingMetrics();
            long epochStart = System.nanoTime();
            long epochEnvStart = envSteps;
            while (stepInEpoch < perEpoch) {
                if (rank.anyAsks(stopRequested)) {
                    trainSeconds = (System.nanoTime() - start) / 1e9;
                    return false;
                }
                trainingStep(m);
                stepInEpoch++;
                double sec = (System.nanoTime() - epochStart) / 1e9;
                listener.onTrainingStep(envSteps, totalPlanned(), (envSteps - epochEnvStart) / sec, m);
            }
            double epochSec = (System.nanoTime() - epochStart) / 1e9;
            int finishedEpoch = epoch;
            long evalStart = System.nanoTime();
            rank.requireSameOnAllRanks(agent.fingerprint(), "the parameters and optimiser state after epoch " + finishedEpoch);
            Evaluator.Result eval = evaluator == null ? null : evaluator.run(agent, finishedEpoch == cfg.numEpochs());
            double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
            epoch++;
            stepInEpoch = 0;
            trainSeconds = (System.nanoTime() - start) / 1e9;
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("training/envsteps", (double) envSteps);
            metrics.put("training/sps", (envSteps - epochEnvStart) / epochSec);
            metrics.put("training/walltime", trainSeconds);
            metrics.put("training/sgd_steps", (double) sgdSteps);
            metrics.putAll(m.toMap());
            metrics.put("buffer_current_size", (double) replay.size());
            if (eval != null) {
                metrics.put("eval/episode_success", eval.episodeSuccess());
                metrics.put("eval/episode_success_any", eval.episodeSuccessAny());
                metrics.put("eval/episode_dist", eval.episodeDist());
                metrics.put("eval/episode_min_dist", eval.minDist());
                metrics.put("eval/avg_episode_length", eval.avgEpisodeLength());
                metrics.put("eval/sps", eval.sps());
            }
            metrics.put("timing/collect_seconds", collectSeconds);
            metrics.put("timing/relabel_seconds", relabelSeconds);
            metrics.put("timing/sgd_seconds", sgdSeconds);
            double[] ac = agent.takeActorCriticSeconds();
            metrics.put("timing/actor_seconds", ac[0]);
            metrics.put("timing/critic_seconds", ac[1]);
            if (rank.ranks() > 1) {
                metrics.put("timing/allreduce_seconds", ac[2]); // this rank's wait for the others, transport included
            }
            metrics.put("timing/eval_seconds", evalSeconds);
            collectSeconds = relabelSeconds = sgdSeconds = 0;
            listener.onEpoch(finishedEpoch, metrics, eval);
        }
        return true;
    }

    // ---- resume -------------------------------------------------------------------------------------------------

    /**
     * Writes everything needed to continue this run bit-for-bit (with the same thread count): the agent and its
     * optimisers, the environments, the replay, every random stream and the position in the schedule. The state it
     * replaces is kept as {@link #previousOf previousOf(file)} (one rename; the new state is then written atomically),
     * so that a crash, a full disk or a damaged file later still leaves one good state to resume from.
     */
    public void saveResumeState(Path file) throws IOException {
        if (Files.isRegularFile(file)) {
            Files.move(file, previousOf(file), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        List<Tensor> extra = new ArrayList<>(env.stateTensors("env/"));
        extra.addAll(replay.stateTensors("replay/"));
        extra.add(Tensor.ofLongs("trainer/rng", new long[] {3}, new long[] {actRng.state(), sampleRng.state(), sgdRng.state()}));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("train", Checkpoint.toMap(cfg));
        Map<String, Object> pos = new LinkedHashMap<>();
        pos.put("prefilled", prefilled);
        pos.put("epoch", epoch);
        pos.put("step_in_epoch", stepInEpoch);
        pos.put("training_steps", trainingSteps);
        pos.put("train_seconds", trainSeconds);
        if (rank.ranks() > 1) {
            pos.put("rank", rank.rank());
            pos.put("ranks", rank.ranks());
        }
        meta.put("position", pos);
        Checkpoint.save(file, agent, checkpointInfo(epoch - 1), extra, meta);
    }

    /** Where {@link #saveResumeState} keeps the state it replaced: {@code resume.prev.safetensors} beside it. */
    public static Path previousOf(Path file) {
        return sibling(file, "prev");
    }

    /** {@code name.TAG.safetensors} beside {@code name.safetensors}. */
    private static Path sibling(Path file, String tag) {
        String name = file.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return file.resolveSibling(stem + "." + tag + ".safetensors");
    }

    /** Whether {@code file} or the state it replaced ({@link #previousOf}) exists: there is something to resume. */
    public static boolean hasResumeState(Path file) {
        return Files.isRegularFile(file) || Files.isRegularFile(previousOf(file));
    }

    /**
     * {@link #resume} from {@code file}, or, when it is missing or damaged (truncated, not a resume state), from the
     * state it replaced: then the damaged file is moved aside to {@code resume.damaged.safetensors} (so that the next
     * save cannot rotate it over the good one) and {@code note} is told, in one line. Other errors, and a damaged
     * file with no good previous state, are thrown as they are.
     */
    public static Trainer resumeLatest(Path file, Parallel pool, java.util.function.Consumer<String> note)
            throws IOException {
        return resumeLatest(file, pool, Rank.SINGLE, note);
    }

    /** As {@link #resumeLatest(Path, Parallel, java.util.function.Consumer)}, for one rank of a data-parallel run. */
    public static Trainer resumeLatest(Path file, Parallel pool, Rank rank, java.util.function.Consumer<String> note)
            throws IOException {
        Path previous = previousOf(file);
        CorruptFileException damaged = null; // stays null when file is missing
        if (Files.isRegularFile(file) || !Files.isRegularFile(previous)) {
            try {
                return resume(file, pool, rank);
            } catch (CorruptFileException e) {
                if (!Files.isRegularFile(previous)) {
                    throw e;
                }
                damaged = e;
            }
        }
        Trainer t;
        try {
            t = resume(previous, pool, rank);
        } catch (CorruptFileException e) {
            throw new CorruptFileException(file, (damaged != null ? damaged.problem() : "missing")
                    + ", and the previous state " + previous.getFileName() + " is damaged too (" + e.problem()
                    + "); the run cannot be resumed");
        }
        String why;
        if (damaged != null) {
            Path aside = sibling(file, "damaged");
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            why = file.getFileName() + " is damaged (" + damaged.problem() + "; kept as " + aside.getFileName() + ")";
        } else {
            why = file.getFileName() + " is missing (a save was interrupted)";
        }
        note.accept(why + "; resuming from the previous state, " + previous.getFileName() + ", at "
                + String.format("%,d", t.envSteps()) + " env steps");
        return t;
    }

    /** A trainer continuing the run saved in {@code file} by {@link #saveResumeState}. */
    public static Trainer resume(Path file, Parallel pool) throws IOException {
        return resume(file, pool, Rank.SINGLE);
    }

    /** As {@link #resume(Path, Parallel)}, for rank {@code rank} of a data-parallel run; the state must be that rank's. */
    public static Trainer resume(Path file, Parallel pool, Rank rank) throws IOException {
        Checkpoint.Loaded c = Checkpoint.load(file, pool);
        Object train = c.metadata().get("train");
        Object position = c.metadata().get("position");
        if (!(train instanceof Map<?, ?> tm) || !(position instanceof Map<?, ?> pm)) {
            throw new CorruptFileException(file, "it holds an agent but no training state (was it written by "
                    + "'train' as checkpoints/resume.safetensors?)");
        }
        int savedRank = pm.get("rank") instanceof Number n ? n.intValue() : 0;
        int savedRanks = pm.get("ranks") instanceof Number n ? n.intValue() : 1;
        if (savedRank != rank.rank() || savedRanks != rank.ranks()) {
            throw new IllegalArgumentException(file + " is the state of rank " + savedRank + " of " + savedRanks
                    + ", not of rank " + rank.rank() + " of " + rank.ranks()
                    + "; a data-parallel run's states are resharded by 'train --resume RUN --ranks K', not loaded apart");
        }
        try {
            @SuppressWarnings("unchecked")
            TrainConfig cfg = Checkpoint.trainConfigFromMap((Map<String, Object>) tm);
            Trainer t = new Trainer(cfg, c.info().config(), c.info().baseline(), pool, c.agent(), rank);
            t.env.restoreState(c.contents(), "env/");
            t.replay.restoreState(c.contents(), "replay/");
            long[] rng = new long[3];
            c.contents().tensor("trainer/rng").requireShape(3).copyTo(rng, 0);
            t.actRng.setState(rng[0]);
            t.sampleRng.setState(rng[1]);
            t.sgdRng.setState(rng[2]);
            t.envSteps = c.info().envSteps();
            t.sgdSteps = c.info().sgdSteps();
            t.prefilled = (Boolean) pm.get("prefilled");
            t.epoch = ((Number) pm.get("epoch")).intValue();
            t.stepInEpoch = ((Number) pm.get("step_in_epoch")).longValue();
            t.trainingSteps = ((Number) pm.get("training_steps")).longValue();
            t.trainSeconds = ((Number) pm.get("train_seconds")).doubleValue();
            return t;
        } catch (ClassCastException | NullPointerException | IllegalArgumentException e) {
            throw new CorruptFileException(file, "its training state is incomplete or malformed (" + e.getMessage() + ")");
        }
    }

    /**
     * Rank {@code rank.rank()}'s state at rank 0's {@code envSteps}: {@code file} or the state it replaced. Every
     * epoch the other ranks save before rank 0 does, so one of the two matches each state rank 0 has; when neither
     * does (a rank's files lost or from another run), this says so in one line, naming the files.
     */
    public static Trainer resumeAt(Path file, Parallel pool, Rank rank, long envSteps) throws IOException {
        List<String> found = new ArrayList<>();
        for (Path p : new Path[] {file, previousOf(file)}) {
            if (Files.isRegularFile(p)) {
                long at = Checkpoint.envStepsOf(p); // the header only: the other state is not loaded
                if (at == envSteps) {
                    return resume(p, pool, rank);
                }
                found.add(p.getFileName() + " at " + String.format("%,d", at));
            } else {
                found.add(p.getFileName() + " missing");
            }
        }
        throw new IllegalStateException("rank " + rank.rank() + " has no saved state at rank 0's "
                + String.format("%,d", envSteps) + " env steps (" + file.getParent() + ": " + String.join(", ", found)
                + "); the run can only resume from what all ranks saved");
    }

    /**
     * Whether {@code file} or the state it replaced ({@link #previousOf}) holds a state at {@code envSteps} env steps
     * (read from the header; a damaged file does not count).
     */
    public static boolean hasStateAt(Path file, long envSteps) {
        for (Path p : new Path[] {file, previousOf(file)}) {
            if (Files.isRegularFile(p)) {
                try {
                    if (Checkpoint.envStepsOf(p) == envSteps) {
                        return true;
                    }
                } catch (IOException | RuntimeException damagedOrReplaced) {
                    // does not count; a file replaced while being read is read again by the caller's next look
                }
            }
        }
        return false;
    }

    // ---- resharding (see Resharding) ----------------------------------------------------------------------------

    /** A trainer of {@code rank} continuing {@code agent}, its environments and replay fresh (Resharding fills them). */
    static Trainer withAgent(TrainConfig cfg, Parallel pool, Agent agent, Rank rank) {
        return new Trainer(cfg, agent.config(), agent.baseline(), pool, agent, rank);
    }

    VecEnv env() {
        return env;
    }

    /** The states of the act, sample and SGD streams, in that order. */
    long[] streamStates() {
        return new long[] {actRng.state(), sampleRng.state(), sgdRng.state()};
    }

    void setStreamStates(long act, long sample, long sgd) {
        actRng.setState(act);
        sampleRng.setState(sample);
        sgdRng.setState(sgd);
    }

    /** Where a trainer stands in its schedule, but for the wall time, which each rank measures for itself. */
    record SchedulePosition(boolean prefilled, int epoch, long stepInEpoch, long trainingSteps, long envSteps,
                            long sgdSteps) {
    }

    SchedulePosition schedulePosition() {
        return new SchedulePosition(prefilled, epoch, stepInEpoch, trainingSteps, envSteps, sgdSteps);
    }

    /** Takes {@code from}'s position in the schedule, its wall time included. */
    void takeSchedulePosition(Trainer from) {
        prefilled = from.prefilled;
        epoch = from.epoch;
        stepInEpoch = from.stepInEpoch;
        trainingSteps = from.trainingSteps;
        envSteps = from.envSteps;
        sgdSteps = from.sgdSteps;
        trainSeconds = from.trainSeconds;
    }

    /** One evaluation of the uniformly random policy on the evaluation task: the baseline of the learning curve. */
    public Evaluator.Result evaluateRandomPolicy() {
        if (evaluator == null) {
            throw new IllegalStateException("only rank 0 evaluates");
        }
        return evaluator.run(Evaluator.random(cfg.seed() + 99), false);
    }

    public TrainConfig config() {
        return cfg;
    }

    /** Env steps the schedule will take (see {@link TrainConfig#plannedEnvSteps}). */
    public long totalPlanned() {
        return cfg.plannedEnvSteps();
    }

    /** What a checkpoint written now records. */
    public Checkpoint.Info checkpointInfo(int epoch) {
        return new Checkpoint.Info(cfg.env(), spec.stateDim(), spec.actionDim(), spec.goalDim(), agent.config(),
                agent.baseline(), envSteps, sgdSteps, epoch, orderedExtra());
    }

    /** In a fixed order (Map.of's differs from JVM to JVM, and so would the checkpoint's bytes). */
    private Map<String, Object> orderedExtra() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("eval-env", cfg.evalEnv());
        extra.put("seed", cfg.seed());
        return extra;
    }

    public EnvSpec spec() {
        return spec;
    }
}
