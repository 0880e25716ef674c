package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.render.TrajectoryGif;
import org.crl4j.rl.Checkpoint;
import org.crl4j.rl.Evaluator;
import org.crl4j.rl.RunDirectory;
import org.crl4j.rl.RunLock;
import org.crl4j.rl.RunResharding;
import org.crl4j.rl.TrainConfig;
import org.crl4j.rl.Trainer;
import org.crl4j.rl.TrainingMetrics;
import org.crl4j.rl.config.RunConfig;
import org.crl4j.rl.ranks.GradientReducer;
import org.crl4j.rl.ranks.Rank;
import org.crl4j.rl.report.LinePlot;
import org.crl4j.rl.report.MetricsCsv;
import org.crl4j.rl.report.TensorBoardWriter;

/**
 * One training run in its {@link RunDirectory}, new or resumed: takes the directory's lock, runs the {@link Trainer}
 * and writes what each epoch leaves behind (metrics rows, checkpoints, the resume state, the learning curve, a GIF).
 * Ctrl-C or SIGTERM saves the resume state before the JVM exits.
 */
final class TrainingRun {
    private final RunDirectory dir;
    private final RunConfig config;
    private final Trainer trainer;
    private final Parallel pool;
    /** The other ranks of a data-parallel run, or null for one process. */
    private final RankGroup ranks;

    private TrainingRun(RunDirectory dir, RunConfig config, Trainer trainer, Parallel pool, RankGroup ranks) {
        this.dir = dir;
        this.config = config;
        this.trainer = trainer;
        this.pool = pool;
        this.ranks = ranks;
    }

    static void start(RunConfig cfg, RunDirectory dir, int threads) {
        start(cfg, dir, threads, 1, null);
    }

    /** Ranks 1..K−1 as child JVMs here ({@code onWorkers} null) or on cluster workers. */
    private static RankGroup startRanks(RunDirectory dir, int k, int threads, Long resumeAt, Long total,
                                        WorkerRanks.Placement onWorkers) {
        return onWorkers == null ? RankGroup.lead(dir, k, threads, resumeAt, total)
                : RankGroup.leadOnWorkers(dir, k, threads, resumeAt, total, onWorkers);
    }

    /** A new run; with {@code ranks} > 1 this process is rank 0 of a data-parallel run and starts the others. */
    static void start(RunConfig cfg, RunDirectory dir, int threads, int ranks, WorkerRanks.Placement onWorkers) {
        // The lock is taken before the first file is written and held until training ends, however it ends.
        try (RunLock lock = RunLock.acquire(dir.root()); Parallel pool = new Parallel(threads)) {
            if (dir.discardUnresumableStart()) {
                System.out.println("crl4j train: " + dir + " held files of a run stopped before its first epoch was saved;"
                        + " they are deleted and the run starts again");
            }
            TrainConfig tc = cfg.trainConfig(Envs.spec(cfg.env().env()).episodeLength());
            dir.writeConfig(cfg, threads, ranks);
            System.out.println("crl4j train " + tc);
            String rounding = tc.scheduleRounding();
            if (rounding != null) {
                System.out.println("  note: " + rounding);
            }
            if (cfg.baselineConfig().algo() == org.crl4j.rl.Algo.CRL) {
                System.out.println("  " + cfg.crlConfig());
            } else {
                System.out.println("  " + cfg.baselineConfig() + " on the networks of " + cfg.crlConfig());
            }
            System.out.println("  run directory: " + dir);
            if (ranks == 1) {
                new TrainingRun(dir, cfg, new Trainer(tc, cfg.crlConfig(), cfg.baselineConfig(), pool), pool, null)
                        .train(false);
                return;
            }
            System.out.printf("  data-parallel: %d ranks (processes) × %d thread%s, %d envs and %d rows of each batch "
                            + "per rank; ranks 1..%d log to %s%n", ranks, threads, threads == 1 ? "" : "s",
                    tc.numEnvs() / ranks, tc.batchSize() / ranks, ranks - 1, dir.root().resolve("ranks"));
            RankGroup group = startRanks(dir, ranks, threads, null, null, onWorkers);
            Trainer trainer;
            try {
                trainer = new Trainer(tc, cfg.crlConfig(), cfg.baselineConfig(), pool, new Rank(0, ranks, group.reducer()));
            } catch (RuntimeException e) {
                group.abort();
                throw e;
            }
            new TrainingRun(dir, cfg, trainer, pool, group).train(false);
        } catch (IOException e) {
            throw failure(dir, "cannot write to " + dir, e);
        }
    }

    /**
     * Continues the run in {@code dir}, lengthened to {@code lengthenTo} env steps when that is not null, with
     * {@code ranks} data-parallel processes when that is not null (its saved states are resharded first when the run
     * was saved by another number; see {@link RunResharding}), else with the ranks it was saved by.
     */
    static void resume(RunDirectory dir, int threads, Long lengthenTo, Integer ranks, WorkerRanks.Placement onWorkers) {
        try (RunLock lock = RunLock.acquire(dir.root()); Parallel pool = new Parallel(threads)) {
            dir.deleteInterruptedWrites();
            String interrupted = RunResharding.finishInterrupted(dir);
            if (interrupted != null) {
                System.out.println("crl4j train: " + interrupted);
            }
            int k = dir.ranks();
            if (ranks != null && ranks != k) {
                System.out.println("crl4j train: " + RunResharding.reshard(dir, ranks, pool,
                        note -> System.out.println("crl4j train: " + note)));
                k = ranks;
            }
            for (int r = 1; r < k; r++) {
                java.nio.file.Path state = dir.rankResumeState(r);
                if (!Trainer.hasResumeState(state)) {
                    throw new IllegalArgumentException(dir + " was trained by " + k + " ranks, and rank " + r
                            + " has no saved state (" + state + "); the run can only resume from what all ranks saved");
                }
            }
            // rank 0's state says where every rank resumes, so the other ranks start once it is loaded
            LateReducer late = new LateReducer(k);
            Trainer trainer = Trainer.resumeLatest(dir.resumeState(), pool, new Rank(0, k, late),
                    note -> System.out.println("crl4j train: " + note));
            trainer = matchedByEveryRank(dir, trainer, pool, new Rank(0, k, late));
            System.out.println("crl4j train: resuming " + dir + " at " + String.format("%,d", trainer.envSteps())
                    + " env steps (" + trainer.config().env() + ")");
            if (lengthenTo != null) {
                lengthen(trainer, dir, lengthenTo);
            } else if (trainer.finished()) {
                System.out.println("  its schedule is complete; lengthen it with --total-env-steps N");
            }
            RunConfig cfg = dir.upgrade(trainer.config(), trainer.agent().config(), trainer.agent().baseline(), threads, n -> System.out.println("  " + n));
            RankGroup group = null;
            if (k > 1) {
                System.out.printf("  data-parallel: %d ranks (processes) × %d thread%s%n", k, threads, threads == 1 ? "" : "s");
                group = startRanks(dir, k, threads, trainer.envSteps(), trainer.config().totalEnvSteps(), onWorkers);
                late.target = group.reducer();
            }
            TrainingRun run = new TrainingRun(dir, cfg, trainer, pool, group);
            run.lastSavedEnvSteps = trainer.envSteps();
            run.train(true);
        } catch (IOException e) {
            throw failure(dir, "cannot resume " + dir, e);
        }
    }

    /**
     * Rank 0's state {@code latest}, or its previous one when another rank has no state at {@code latest}'s env steps
     * but all have one at the previous state's: a rank on a worker that was lost may not have sent its last state
     * here yet. Rank 0's newer state, which no other rank can match, is then deleted, so that the run's next save
     * keeps the matched one as the previous state.
     */
    private static Trainer matchedByEveryRank(RunDirectory dir, Trainer latest, Parallel pool, Rank rank0)
            throws IOException {
        int k = rank0.ranks();
        if (k == 1 || everyRankHas(dir, k, latest.envSteps())) {
            return latest;
        }
        java.nio.file.Path previous = Trainer.previousOf(dir.resumeState());
        if (java.nio.file.Files.isRegularFile(previous) && java.nio.file.Files.isRegularFile(dir.resumeState())) {
            long at = Checkpoint.envStepsOf(previous);
            if (everyRankHas(dir, k, at)) {
                Trainer t = Trainer.resume(previous, pool, rank0);
                java.nio.file.Files.move(previous, dir.resumeState(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                System.out.printf("crl4j train: not every rank's state at %,d env steps reached this machine; resuming "
                        + "from rank 0's previous state, at %,d env steps, which every rank has%n", latest.envSteps(), at);
                return t;
            }
        }
        return latest; // each rank then says which state it lacks
    }

    private static boolean everyRankHas(RunDirectory dir, int k, long envSteps) {
        for (int r = 1; r < k; r++) {
            if (!Trainer.hasStateAt(dir.rankResumeState(r), envSteps)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Lengthens a resumed run with more epochs of its epoch length, so the epochs it has run keep their evaluations.
     * The finished marker goes first and the resume state follows, so a crash in between leaves a run that resumes
     * (and finishes at once) rather than one marked finished that is not; {@link RunDirectory#upgrade} then brings
     * the config files up to date.
     */
    private static void lengthen(Trainer trainer, RunDirectory dir, long totalEnvSteps) throws IOException {
        long before = trainer.totalPlanned();
        if (totalEnvSteps <= before) {
            throw new IllegalArgumentException("--total-env-steps " + totalEnvSteps + " does not lengthen " + dir
                    + ", which plans " + before + " env steps; give more (a run cannot be shortened)");
        }
        int epochsBefore = trainer.config().numEpochs();
        trainer.extendTo(totalEnvSteps);
        TrainConfig tc = trainer.config();
        java.nio.file.Files.deleteIfExists(dir.finishedMarker());
        trainer.saveResumeState(dir.resumeState());
        System.out.printf("  lengthened from %,d to %,d env steps: %d more epochs of %,d env steps (%d in all)%n", before,
                trainer.totalPlanned(), tc.numEpochs() - epochsBefore, tc.envStepsPerEpoch(), tc.numEpochs());
    }

    /** learning_curve.png and .svg: time at goal per evaluation, with the random policy's as a dashed line. */
    static void writeLearningCurve(RunDirectory dir, String evalEnv, double baseline) throws IOException {
        List<Map<String, Object>> rows = dir.metricsRows();
        double[] x = new double[rows.size()];
        double[] y = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            x[i] = ((Number) rows.get(i).get("training/envsteps")).doubleValue();
            y[i] = rows.get(i).get("eval/episode_success") instanceof Number n ? n.doubleValue() : Double.NaN;
        }
        LinePlot plot = new LinePlot("time at goal on " + evalEnv, "environment steps", "steps at goal (of 1000)")
                .add(new LinePlot.Series("crl4j", x, y, null))
                .reference("random policy", baseline);
        plot.writePng(dir.learningCurve("png"));
        plot.writeSvg(dir.learningCurve("svg"));
    }

    private double randomPolicyScore() {
        try {
            double baseline = dir.randomPolicyScore();
            if (Double.isNaN(baseline)) {
                baseline = trainer.evaluateRandomPolicy().episodeSuccess();
                dir.writeRandomPolicyScore(baseline);
            }
            return baseline;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read or write " + dir.randomPolicy() + ": " + e.getMessage(), e);
        }
    }

    private void train(boolean resumed) throws IOException {
        int epochs = trainer.config().numEpochs();
        // a resumed run keeps its best checkpoint unless a later evaluation beats it
        double bestSoFar = resumed ? dir.keepCompletedEpochs(trainer.completedEpochs()) : Double.NEGATIVE_INFINITY;
        if (resumed) {
            dir.deleteDerivedMetrics(); // metrics.csv and the TensorBoard events are rebuilt from metrics.jsonl below
        }
        MetricsCsv csv = new MetricsCsv(dir.metricsCsv());
        StopSavesFirst stop = StopSavesFirst.install(trainer, "crl4j-ctrl-c"); // the loop stops at a step and saves
        long planned = trainer.totalPlanned();
        double baseline = randomPolicyScore();
        System.out.printf("  random policy on %s: time at goal %.1f%n", trainer.config().evalEnv(), baseline);
        try (TensorBoardWriter events = new TensorBoardWriter(dir.tensorboard())) {
            if (resumed) {
                for (Map<String, Object> row : dir.metricsRows()) {
                    csv.append(row);
                    events.write(((Number) row.get("training/envsteps")).longValue(), scalars(row));
                }
            }
            ProgressLine progress = new ProgressLine(System.out, System.console() != null);
            boolean completed;
            try {
                completed = runTrainer(progress, planned, epochs, bestSoFar, csv, events, baseline);
            } catch (RuntimeException e) {
                if (ranks != null) {
                    ranks.abort();
                    if (e instanceof IllegalStateException) { // a rank lost, or the ranks diverged
                        throw new IllegalStateException(e.getMessage() + "; the data-parallel run stopped, its last "
                                + "saved epoch is intact: continue with './crl4j train --resume " + dir + "'", e);
                    }
                }
                throw e;
            }
            progress.endLine();
            if (!completed) {
                saveResumeState();
                System.out.printf("interrupted at %,d env steps; saved. Continue with: ./crl4j train --resume %s%n",
                        trainer.envSteps(), dir);
                System.out.flush(); // the JVM is about to exit (Ctrl-C/SIGTERM); a log file must still get this line
            } else {
                dir.markFinished(epochs, trainer.envSteps());
                System.out.println("done: " + dir + " (checkpoints/last.safetensors, best.safetensors; "
                        + "evaluate with ./crl4j eval " + dir + ")");
            }
            if (ranks != null) {
                ranks.close();
            }
        } finally {
            stop.close();
        }
    }

    private boolean runTrainer(ProgressLine progress, long planned, int epochs, double bestSoFar, MetricsCsv csv,
                               TensorBoardWriter events, double baseline) {
        return trainer.run(new Trainer.Listener() {
            double best = bestSoFar;

            @Override
            public void onTrainingStep(long envSteps, long total, double sps, TrainingMetrics w) {
                progress.update(envSteps, planned, sps, w.criticLoss(), w.accuracy());
            }

            @Override
            public void onEpoch(int epoch, Map<String, Double> m, Evaluator.Result eval) {
                progress.endLine();
                progress.timeAtGoal(eval.episodeSuccess());
                System.out.println(ProgressLine.epochLine(epoch, epochs, m, eval));
                try {
                    best = recordEpoch(epoch, m, eval, csv, events, best, baseline);
                } catch (IOException ex) {
                    throw failure(dir, "training stopped", ex);
                }
            }
        });
    }

    /**
     * The resume state, last of an epoch's files; in a data-parallel run only after every other rank has saved its
     * own (one CONTROL all-reduce), so each state of rank 0 has a matching state on every rank.
     */
    private void saveResumeState() throws IOException {
        trainer.rank().anyAsks(false);
        if (ranks != null && lastSavedEnvSteps != null && lastSavedEnvSteps != trainer.envSteps()) {
            ranks.beforeRankZeroSavesOver(lastSavedEnvSteps);
        }
        trainer.saveResumeState(dir.resumeState());
        lastSavedEnvSteps = trainer.envSteps();
    }

    /** Env steps of rank 0's current resume state (null before the first), which the next save makes the previous. */
    private Long lastSavedEnvSteps;

    /** Rank 0's reducer before the other ranks are started (a resumed run learns where from rank 0's state). */
    private static final class LateReducer implements GradientReducer {
        private final int ranks;
        volatile GradientReducer target;

        LateReducer(int ranks) {
            this.ranks = ranks;
        }

        @Override
        public void allReduceMean(Group group, float[] grads) {
            if (target == null) {
                throw new IllegalStateException("the other ranks have not started");
            }
            target.allReduceMean(group, grads);
        }

        @Override
        public int ranks() {
            return ranks;
        }
    }

    /** One line for a failed read or write of the run directory: what failed, why, what is kept and how to go on. */
    private static UncheckedIOException failure(RunDirectory dir, String what, IOException e) {
        if (e instanceof org.crl4j.core.io.CorruptFileException) {
            return new UncheckedIOException(what + ": " + e.getMessage(), e); // it says what is damaged and what to do
        }
        String next = Trainer.hasResumeState(dir.resumeState())
                ? "the last saved epoch is intact: continue with './crl4j train --resume " + dir + "' once that is fixed"
                : "nothing was saved yet: start the run again once that is fixed";
        return new UncheckedIOException(what + ": " + e.getMessage() + "; " + next, e);
    }

    /** A metrics.jsonl row as TensorBoard scalars (an empty cell was a non-finite value). */
    private static Map<String, Double> scalars(Map<String, Object> row) {
        Map<String, Double> m = new LinkedHashMap<>();
        row.forEach((k, v) -> {
            if (!k.equals("epoch")) {
                m.put(k, v instanceof Number n ? n.doubleValue() : Double.NaN);
            }
        });
        return m;
    }

    /**
     * An epoch's files, in an order a crash can stop anywhere in: the metrics rows first (a resume drops the rows of
     * epochs its state does not hold), the checkpoints, then the resume state, which makes the epoch count as done.
     */
    private double recordEpoch(int epoch, Map<String, Double> m, Evaluator.Result eval, MetricsCsv csv,
                               TensorBoardWriter events, double best, double baseline) throws IOException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("epoch", epoch);
        for (Map.Entry<String, Double> e : m.entrySet()) {
            row.put(e.getKey(), Double.isFinite(e.getValue()) ? e.getValue() : null);
        }
        dir.appendMetrics(row);
        csv.append(row);
        events.write(m.get("training/envsteps").longValue(), m);
        Checkpoint.save(dir.lastCheckpoint(), trainer.agent(), trainer.checkpointInfo(epoch));
        int every = config.logging().checkpointEvery();
        if (every > 0 && epoch % every == 0) {
            Checkpoint.save(dir.epochCheckpoint(epoch), trainer.agent(), trainer.checkpointInfo(epoch));
        }
        if (eval.episodeSuccess() > best) {
            best = eval.episodeSuccess();
            Checkpoint.save(dir.bestCheckpoint(), trainer.agent(), trainer.checkpointInfo(epoch));
        }
        saveResumeState();
        try {
            writeLearningCurve(dir, trainer.config().evalEnv(), baseline);
            if (config.eval().gif() && eval.firstEnvObservations() != null) {
                TrajectoryGif.write(Envs.factory(trainer.config().evalEnv()).create(1, pool, VecEnv.ResetMode.SAME_START)
                        .renderer(), eval.firstEnvObservations(), 384, 5, 25, dir.evalGif());
                System.out.println("  wrote " + dir.evalGif());
            }
        } catch (IllegalStateException stopping) {
            // Java2D registers a JVM shutdown hook when it is first used; after Ctrl-C/SIGTERM it cannot, and the
            // pictures (drawn from metrics.jsonl again at the next epoch) are skipped instead of failing the save.
            System.out.println("  learning curve and GIF skipped (" + stopping.getMessage() + ")");
        }
        return best;
    }
}
