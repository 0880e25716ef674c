package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.io.AtomicFiles;
import org.crl4j.core.io.Json;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.render.TrajectoryGif;
import org.crl4j.nn.Activation;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.loss.Energy;
import org.crl4j.nn.loss.InfoNce;
import org.crl4j.rl.Checkpoint;
import org.crl4j.rl.CrlConfig;
import org.crl4j.rl.Evaluator;
import org.crl4j.rl.RunLock;
import org.crl4j.rl.TrainConfig;
import org.crl4j.rl.Trainer;
import org.crl4j.rl.TrainingMetrics;
import org.crl4j.rl.report.MetricsCsv;
import org.crl4j.rl.report.TensorBoardWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crl4j train}: contrastive RL on one task. Flags mirror the reference's argument names. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Train a goal-reaching agent with contrastive RL (no reward function).")
public final class TrainCommand implements Runnable {
    @Option(names = "--env", defaultValue = "simple_u_maze", description = "Task id (default ${DEFAULT-VALUE}; see 'envs list').")
    String env;
    @Option(names = "--eval-env", description = "Evaluation task (default: the training task, as the reference; e.g. simple_u_maze_eval for only the far goals).")
    String evalEnv;
    @Option(names = "--critic-depth", defaultValue = "4") int criticDepth;
    @Option(names = "--actor-depth", defaultValue = "4") int actorDepth;
    @Option(names = "--critic-width", defaultValue = "128", description = "Default 128 to fit a 2-core machine; the paper uses 256.") int criticWidth;
    @Option(names = "--actor-width", defaultValue = "128") int actorWidth;
    @Option(names = "--batch-size", defaultValue = "128", description = "Default 128; the paper uses 512.") int batchSize;
    @Option(names = "--num-envs", defaultValue = "32", description = "Default 32; the paper uses 512.") int numEnvs;
    @Option(names = "--total-env-steps", defaultValue = "600000") long totalEnvSteps;
    @Option(names = "--num-epochs", defaultValue = "10") int numEpochs;
    @Option(names = "--unroll-length", defaultValue = "62") int unrollLength;
    @Option(names = "--num-sgd-batches-per-training-step", defaultValue = "150", description = "SGD steps per unroll of all envs. Default 150: with the other defaults, 9.7 gradient samples per env step (the paper: 12.9); far fewer does not learn the mazes.") int numSgd;
    @Option(names = "--max-replay-size", defaultValue = "10000") int maxReplay;
    @Option(names = "--min-replay-size", defaultValue = "1000") int minReplay;
    @Option(names = "--gamma", defaultValue = "0.99") double gamma;
    @Option(names = "--num-eval-envs", defaultValue = "64") int numEvalEnvs;
    @Option(names = "--energy", defaultValue = "norm", description = "norm, l2, dot or cosine (default ${DEFAULT-VALUE}).") String energy;
    @Option(names = "--contrastive-loss", defaultValue = "fwd_infonce", description = "fwd_infonce, bwd_infonce, sym_infonce, binary_nce (default ${DEFAULT-VALUE}).") String loss;
    @Option(names = "--logsumexp-penalty-coeff", defaultValue = "0.1") float penalty;
    @Option(names = "--actor-lr", defaultValue = "3e-4") float actorLr;
    @Option(names = "--critic-lr", defaultValue = "3e-4") float criticLr;
    @Option(names = "--alpha-lr", defaultValue = "3e-4") float alphaLr;
    @Option(names = "--entropy-param", defaultValue = "0.5") float entropyParam;
    @Option(names = "--disable-entropy") boolean disableEntropy;
    @Option(names = "--no-layer-norm", description = "Ablation: no LayerNorm.") boolean noLayerNorm;
    @Option(names = "--relu", description = "Ablation: ReLU instead of swish.") boolean relu;
    @Option(names = "--no-residual", description = "Ablation: no residual connections.") boolean noResidual;
    @Option(names = "--recompute", defaultValue = "auto") String recompute;
    @Option(names = "--checkpoint-every", defaultValue = "0", paramLabel = "K",
            description = "Also keep checkpoints/epoch_E.safetensors every K epochs (default 0: only last, best and resume).")
    int checkpointEvery;
    @Option(names = "--no-gif", description = "Skip the GIF of an evaluation episode at the end (it takes a few seconds).")
    boolean noGif;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--threads", description = "Worker threads (default: all cores).") Integer threads;
    @Option(names = "--run-dir", description = "Output directory (default: runs/ENV-DATE-TIME).") Path runDir;
    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue an interrupted run (its checkpoints/resume.safetensors) with its saved options; only --threads may be given with it, and --total-env-steps N to lengthen a run (finished or not) with more epochs of the same length.")
    Path resume;
    @Option(names = "--config", paramLabel = "FILE", description = "TOML/YAML/JSON file of these options (keys like critic_depth); flags given here override it.")
    Path config;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Written into the run directory when the whole schedule has run. */
    static final String FINISHED_FILE = "finished.json";

    /** Every option's resolved value as TOML, re-usable with --config. */
    String resolvedToml() {
        StringBuilder sb = new StringBuilder("# crl4j train, resolved options (use with --config)\n");
        for (picocli.CommandLine.Model.OptionSpec o : spec.options()) {
            String name = o.longestName();
            if (o.usageHelp() || o.versionHelp() || name.equals("--config") || o.getValue() == null) {
                continue;
            }
            Object v = o.getValue();
            String key = name.substring(2).replace('-', '_');
            sb.append(key).append(" = ");
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public void run() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("--checkpoint-every must be 0 (off) or a number of epochs, got " + checkpointEvery);
        }
        if (resume != null) {
            for (picocli.CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
                String n = o.longestName();
                if (!n.equals("--resume") && !n.equals("--threads") && !n.equals("--total-env-steps")) {
                    throw new IllegalArgumentException(n + " cannot be combined with --resume: a resumed run keeps its saved "
                            + "options (see " + resume.resolve("config.toml") + "); only --threads may change, and "
                            + "--total-env-steps may lengthen it");
                }
            }
            Path file = resume.resolve("checkpoints").resolve("resume.safetensors");
            if (!Trainer.hasResumeState(file)) {
                throw new IllegalArgumentException("nothing to resume in " + resume + ": no checkpoints/resume.safetensors "
                        + "(is it a run directory written by 'train'?)");
            }
            try (RunLock lock = RunLock.acquire(resume); Parallel pool = new Parallel(t)) {
                Trainer trainer = Trainer.resumeLatest(file, pool, note -> System.out.println("crl4j train: " + note));
                Map<String, Object> saved = savedRunOptions(resume);
                checkpointEvery = saved.get("checkpoint_every") instanceof Number k ? k.intValue() : 0;
                noGif = Boolean.FALSE.equals(saved.get("gif"));
                System.out.println("crl4j train: resuming " + resume + " at " + String.format("%,d", trainer.envSteps())
                        + " env steps (" + trainer.config().env() + ")");
                if (spec.commandLine().getParseResult().hasMatchedOption("--total-env-steps")) {
                    lengthen(trainer, resume);
                } else if (trainer.finished()) {
                    System.out.println("  its schedule is complete; lengthen it with --total-env-steps N");
                }
                recordSchedule(trainer.config(), resume);
                train(trainer, resume, pool, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            }
            return;
        }
        TrainConfig tc = trainConfig();
        CrlConfig cc = crlConfig();
        Path dir = runDir != null ? runDir : Path.of("runs", safeName(env) + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            if (Trainer.hasResumeState(dir.resolve("checkpoints").resolve("resume.safetensors"))) {
                throw new IllegalArgumentException(dir + " already holds a run; continue it with --resume " + dir
                        + " or choose another --run-dir");
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + dir + ": " + e.getMessage(), e);
        }
        // The lock is taken before the first file is written and held until training ends, however it ends.
        try (RunLock lock = RunLock.acquire(dir); Parallel pool = new Parallel(t)) {
            writeRunConfig(tc, cc, t, dir);
            train(new Trainer(tc, cc, pool), dir, pool, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The new run's config.json and config.toml, and its opening lines. */
    private void writeRunConfig(TrainConfig tc, CrlConfig cc, int t, Path dir) {
        try {
            Map<String, Object> resolved = new LinkedHashMap<>();
            resolved.put("train", Checkpoint.toMap(tc));
            resolved.put("network", Checkpoint.toMap(cc));
            resolved.put("threads", t);
            resolved.put("checkpoint_every", checkpointEvery);
            resolved.put("gif", !noGif);
            AtomicFiles.writeString(dir.resolve("config.json"), Json.writePretty(resolved) + "\n");
            AtomicFiles.writeString(dir.resolve("config.toml"), resolvedToml());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + dir + ": " + e.getMessage(), e);
        }
        System.out.println("crl4j train " + tc);
        String rounding = tc.scheduleRounding();
        if (rounding != null) {
            System.out.println("  note: " + rounding);
        }
        System.out.println("  " + cc);
        System.out.println("  run directory: " + dir);
    }

    /**
     * Lengthens a resumed run to --total-env-steps with more epochs of its epoch length, so the epochs it has run keep
     * their evaluations. The finished marker goes first and the resume state follows, so a crash in between leaves a
     * run that resumes (and finishes at once) rather than one marked finished that is not; {@link #recordSchedule}
     * then brings config.json and config.toml up to date.
     */
    private void lengthen(Trainer trainer, Path dir) throws IOException {
        long before = trainer.totalPlanned();
        if (totalEnvSteps <= before) {
            throw new IllegalArgumentException("--total-env-steps " + totalEnvSteps + " does not lengthen " + dir + ", which "
                    + "plans " + before + " env steps; give more (a run cannot be shortened)");
        }
        int epochsBefore = trainer.config().numEpochs();
        trainer.extendTo(totalEnvSteps);
        TrainConfig tc = trainer.config();
        Files.deleteIfExists(dir.resolve(FINISHED_FILE));
        trainer.saveResumeState(dir.resolve("checkpoints").resolve("resume.safetensors"));
        System.out.printf("  lengthened from %,d to %,d env steps: %d more epochs of %,d env steps (%d in all)%n", before,
                trainer.totalPlanned(), tc.numEpochs() - epochsBefore, tc.envStepsPerEpoch(),
                tc.numEpochs());
    }

    /**
     * Makes config.json and config.toml state the schedule the resume state holds (it is the truth): after a
     * lengthening, or on the next resume when a crash came between saving the resume state and rewriting these.
     */
    private static void recordSchedule(TrainConfig tc, Path dir) throws IOException {
        Path json = dir.resolve("config.json");
        if (!Files.isRegularFile(json)) {
            return; // not written by train; nothing to keep in step
        }
        Map<String, Object> saved = new LinkedHashMap<>(Json.parseObject(Files.readString(json, StandardCharsets.UTF_8)));
        if (saved.get("train") instanceof Map<?, ?> m && m.get("total_env_steps") instanceof Number total
                && m.get("num_epochs") instanceof Number epochs && total.longValue() == tc.totalEnvSteps()
                && epochs.longValue() == tc.numEpochs()) {
            return;
        }
        saved.put("train", Checkpoint.toMap(tc));
        AtomicFiles.writeString(json, Json.writePretty(saved) + "\n");
        Path toml = dir.resolve("config.toml");
        if (Files.isRegularFile(toml)) {
            String text = Files.readString(toml, StandardCharsets.UTF_8)
                    .replaceAll("(?m)^total_env_steps = .*$", "total_env_steps = " + tc.totalEnvSteps())
                    .replaceAll("(?m)^num_epochs = .*$", "num_epochs = " + tc.numEpochs());
            AtomicFiles.writeString(toml, text);
        }
    }

    /** The data side of the options, validated (one-line messages for bad values). */
    TrainConfig trainConfig() {
        Envs.spec(env);
        String eval = evalEnv != null ? evalEnv : env;
        Envs.spec(eval);
        int episodeLength = Envs.spec(env).episodeLength();
        return new TrainConfig(env, eval, numEnvs, totalEnvSteps, numEpochs, unrollLength, batchSize, numSgd,
                maxReplay, minReplay, episodeLength, gamma, numEvalEnvs, seed);
    }

    /** The network side of the options, validated (depth, width) before anything is written. */
    CrlConfig crlConfig() {
        CrlConfig cc = new CrlConfig(criticWidth, criticDepth, actorWidth, actorDepth, 64, Energy.fromJaxName(energy),
                InfoNce.Variant.fromJaxName(loss), penalty, actorLr, criticLr, alphaLr, entropyParam, disableEntropy,
                !noLayerNorm, relu ? Activation.RELU : Activation.SWISH, !noResidual, MlpOptions.Recompute.parse(recompute));
        cc.criticMlp();
        cc.actorMlp();
        return cc;
    }

    /** learning_curve.png and .svg: time at goal per evaluation, with the random policy's as a dashed line. */
    static void writeLearningCurve(Path dir, Path metricsJsonl, String evalEnv, double baseline) throws IOException {
        java.util.List<String> lines = Files.readAllLines(metricsJsonl, StandardCharsets.UTF_8);
        double[] x = new double[lines.size()];
        double[] y = new double[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> row = Json.parseObject(lines.get(i));
            x[i] = ((Number) row.get("training/envsteps")).doubleValue();
            Object v = row.get("eval/episode_success");
            y[i] = v instanceof Number n ? n.doubleValue() : Double.NaN;
        }
        org.crl4j.rl.report.LinePlot plot = new org.crl4j.rl.report.LinePlot("time at goal on " + evalEnv, "environment steps",
                "steps at goal (of 1000)")
                .add(new org.crl4j.rl.report.LinePlot.Series("crl4j", x, y, null))
                .reference("random policy", baseline);
        plot.writePng(dir.resolve("learning_curve.png"));
        plot.writeSvg(dir.resolve("learning_curve.svg"));
    }

    /**
     * Keeps the rows of metrics.jsonl for the first {@code completedEpochs} epochs (the ones the resume state holds:
     * an epoch whose row was written just before a crash is run again and writes it again) and drops a line cut short,
     * then returns the highest time at goal among them (the best checkpoint's), or −∞ when there are none.
     */
    static double keepCompletedEpochs(Path metricsJsonl, int completedEpochs) throws IOException {
        double best = Double.NEGATIVE_INFINITY;
        if (!Files.isRegularFile(metricsJsonl)) {
            return best;
        }
        List<String> all = Files.readAllLines(metricsJsonl, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>();
        for (String line : all) {
            Map<String, Object> row;
            try {
                row = Json.parseObject(line);
            } catch (RuntimeException partialLine) {
                continue;
            }
            if (row.get("epoch") instanceof Number e && e.intValue() >= 1 && e.intValue() <= completedEpochs) {
                kept.add(line);
                if (row.get("eval/episode_success") instanceof Number n) {
                    best = Math.max(best, n.doubleValue());
                }
            }
        }
        if (kept.size() != all.size()) {
            AtomicFiles.writeString(metricsJsonl, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        }
        return best;
    }

    /** The run's config.json (its checkpoint_every and gif options are not part of the resume state). */
    private static Map<String, Object> savedRunOptions(Path runDir) throws IOException {
        Path config = runDir.resolve("config.json");
        return Files.isRegularFile(config) ? Json.parseObject(Files.readString(config)) : Map.of();
    }

    /** A directory-safe version of an env id (custom mazes carry '#' and '/'). */
    static String safeName(String id) {
        return id.startsWith(Envs.CUSTOM_MAZE_PREFIX) ? "custom_maze" : id;
    }

    /** Runs the trainer, writing metrics, checkpoints and the resume state into {@code dir}; Ctrl-C saves first. */
    private void train(Trainer trainer, Path dir, Parallel pool, boolean resumed) {
        Path metricsFile = dir.resolve("metrics.jsonl");
        Path checkpoints = dir.resolve("checkpoints");
        Path resumeFile = checkpoints.resolve("resume.safetensors");
        int epochs = trainer.config().numEpochs();
        MetricsCsv csv;
        TensorBoardWriter tb;
        try {
            Files.createDirectories(checkpoints);
            csv = new MetricsCsv(dir.resolve("metrics.csv"));
            tb = new TensorBoardWriter(dir.resolve("tensorboard"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + dir + ": " + e.getMessage(), e);
        }
        java.util.concurrent.CountDownLatch saved = new java.util.concurrent.CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            trainer.requestStop(); // the loop stops at the next training step and saves; wait for that
            try {
                saved.await(300, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "crl4j-ctrl-c");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        long planned = trainer.totalPlanned();
        Path baselineFile = dir.resolve("random_policy.json");
        double baseline;
        try {
            if (Files.isRegularFile(baselineFile)) {
                baseline = ((Number) Json.parseObject(Files.readString(baselineFile)).get("eval/episode_success")).doubleValue();
            } else {
                baseline = trainer.evaluateRandomPolicy().episodeSuccess();
                AtomicFiles.writeString(baselineFile, Json.write(Map.of("eval/episode_success", baseline)) + "\n");
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read or write " + baselineFile + ": " + e.getMessage(), e);
        }
        System.out.printf("  random policy on %s: time at goal %.1f%n", trainer.config().evalEnv(), baseline);
        boolean completed;
        try (TensorBoardWriter events = tb) {
            ProgressLine progress = new ProgressLine(System.out, System.console() != null);
            // a resumed run keeps its best checkpoint unless a later evaluation beats it
            double bestSoFar = resumed ? keepCompletedEpochs(metricsFile, trainer.completedEpochs()) : Double.NEGATIVE_INFINITY;
            completed = trainer.run(new Trainer.Listener() {
                double best = bestSoFar;

                @Override
                public void onTrainingStep(long envSteps, long total, double sps, TrainingMetrics w) {
                    progress.update(envSteps, planned, sps, w.criticLoss(), w.accuracy());
                }

                @Override
                public void onEpoch(int epoch, Map<String, Double> m, Evaluator.Result eval) {
                    progress.endLine();
                    progress.timeAtGoal(eval.episodeSuccess());
                    System.out.printf("epoch %d/%d  env steps %,.0f  time at goal %.1f  success_any %.2f  dist %.2f  "
                                    + "critic loss %.3f  acc %.2f  actor loss %.3f  log_alpha %.2f  sps %,.0f%n",
                            epoch, epochs, m.get("training/envsteps"), eval.episodeSuccess(), eval.episodeSuccessAny(),
                            eval.episodeDist(), m.getOrDefault("training/critic_loss", Double.NaN),
                            m.getOrDefault("training/categorical_accuracy", Double.NaN),
                            m.getOrDefault("training/actor_loss", Double.NaN), m.getOrDefault("training/log_alpha", Double.NaN),
                            m.get("training/sps"));
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("epoch", epoch);
                    for (Map.Entry<String, Double> e : m.entrySet()) {
                        row.put(e.getKey(), Double.isFinite(e.getValue()) ? e.getValue() : null);
                    }
                    try {
                        Files.writeString(metricsFile, Json.write(row) + "\n", StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        csv.append(row);
                        events.write(m.get("training/envsteps").longValue(), m);
                        Checkpoint.save(checkpoints.resolve("last.safetensors"), trainer.agent(), trainer.checkpointInfo(epoch));
                        if (checkpointEvery > 0 && epoch % checkpointEvery == 0) {
                            Checkpoint.save(checkpoints.resolve("epoch_" + epoch + ".safetensors"), trainer.agent(),
                                    trainer.checkpointInfo(epoch));
                        }
                        if (eval.episodeSuccess() > best) {
                            best = eval.episodeSuccess();
                            Checkpoint.save(checkpoints.resolve("best.safetensors"), trainer.agent(), trainer.checkpointInfo(epoch));
                        }
                        trainer.saveResumeState(resumeFile);
                        writeLearningCurve(dir, metricsFile, trainer.config().evalEnv(), baseline);
                        if (!noGif && eval.firstEnvObservations() != null) {
                            Path gif = dir.resolve("eval_episode.gif");
                            TrajectoryGif.write(Envs.factory(trainer.config().evalEnv()).create(1, pool, VecEnv.ResetMode.SAME_START).renderer(),
                                    eval.firstEnvObservations(), 384, 5, 25, gif);
                            System.out.println("  wrote " + gif);
                        }
                    } catch (IOException ex) {
                        throw new UncheckedIOException("cannot write to " + dir + ": " + ex.getMessage(), ex);
                    }
                }
            });
            progress.endLine();
            if (!completed) {
                trainer.saveResumeState(resumeFile);
                System.out.printf("interrupted at %,d env steps; saved. Continue with: ./crl4j train --resume %s%n",
                        trainer.envSteps(), dir);
                System.out.flush(); // the JVM is about to exit (Ctrl-C/SIGTERM); a log file must still get this line
            } else {
                // The marker that a run is complete (sweep skips it); written last, atomically.
                AtomicFiles.writeString(dir.resolve(FINISHED_FILE), Json.write(Map.of("epochs", epochs,
                        "env_steps", trainer.envSteps())) + "\n");
                System.out.println("done: " + dir + " (checkpoints/last.safetensors, best.safetensors; "
                        + "evaluate with ./crl4j eval " + dir + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save to " + dir + ": " + e.getMessage(), e);
        } finally {
            saved.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C path: the hook is running and returns now that the state is saved.
            }
        }
    }

    static String duration(double seconds) {
        long s = (long) Math.max(0, seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s / 60) % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
