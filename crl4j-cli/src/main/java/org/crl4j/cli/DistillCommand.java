package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.io.AtomicFiles;
import org.crl4j.core.io.Json;
import org.crl4j.envs.Envs;
import org.crl4j.rl.Agent;
import org.crl4j.rl.Checkpoint;
import org.crl4j.rl.Distiller;
import org.crl4j.rl.RunDirectory;
import org.crl4j.rl.config.RunConfig;
import org.crl4j.rl.config.RunConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crl4j distill}: a shallow student actor from a deep teacher ({@link Distiller}), as a normal run directory. */
@Command(name = "distill", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a shallow actor to act as a trained (deep) one: KL(teacher ‖ student) between their "
                + "tanh-Gaussian policies (squared error for TD3), on states and goals from the student's own "
                + "rollouts labelled by the teacher (DAgger). The student keeps the teacher's critics; its run "
                + "directory is one that eval, plot and export read."})
public final class DistillCommand implements Runnable {
    @Parameters(paramLabel = "TEACHER", description = "The teacher: a run directory (its last checkpoint) or a .safetensors checkpoint.")
    Path teacherSource;
    @Option(names = "--out", required = true, paramLabel = "STUDENT_RUN", description = "The student's run directory (new).")
    Path out;
    @Option(names = "--student-depth", defaultValue = "4", description = "Residual depth of the student actor (default ${DEFAULT-VALUE}).")
    int studentDepth;
    @Option(names = "--student-width", description = "Width of the student actor (default: the teacher's).")
    Integer studentWidth;
    @Option(names = "--steps", defaultValue = "200000", description = "Env steps of student rollouts (default ${DEFAULT-VALUE}).")
    long steps;
    @Option(names = "--num-envs", defaultValue = "32", description = "Environments rolled out at once (default ${DEFAULT-VALUE}).")
    int numEnvs;
    @Option(names = "--unroll-length", defaultValue = "62", description = "Steps per environment per round (default ${DEFAULT-VALUE}).")
    int unrollLength;
    @Option(names = "--sgd-steps", defaultValue = "50", description = "Adam steps after each round (default ${DEFAULT-VALUE}).")
    int sgdSteps;
    @Option(names = "--batch-size", defaultValue = "256", description = "Rows per Adam step (default ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float lr;
    @Option(names = "--num-epochs", defaultValue = "5", description = "Evaluations of the student over the run (default ${DEFAULT-VALUE}).")
    int evals;
    @Option(names = "--num-eval-envs", defaultValue = "64", description = "Episodes per evaluation (default ${DEFAULT-VALUE}).")
    int evalEnvs;
    @Option(names = "--buffer-rows", defaultValue = "1000000", description = "Labelled observations kept; the oldest go first (default ${DEFAULT-VALUE}).")
    int bufferRows;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the rollouts, minibatches and the student's initialisation.")
    long seed;
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;

    @Override
    public void run() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        Path teacherFile = Files.isDirectory(teacherSource) ? RunDirectory.at(teacherSource).lastCheckpoint() : teacherSource;
        if (!Files.isRegularFile(teacherFile)) {
            throw new IllegalArgumentException("no checkpoint at " + teacherFile
                    + " (give a run directory with checkpoints/last.safetensors, or a checkpoint file)");
        }
        if (Files.exists(out) && !isEmptyDirectory(out)) {
            throw new IllegalArgumentException(out + " already exists; give --out a new directory");
        }
        try (Parallel pool = new Parallel(t)) {
            Checkpoint.Loaded teacher = Checkpoint.load(teacherFile, pool);
            Checkpoint.Info info = teacher.info();
            Agent teacherAgent = teacher.agent();
            String evalEnv = info.extra().get("eval-env") instanceof String s ? s : info.env();
            Distiller.Settings settings = new Distiller.Settings(studentDepth,
                    studentWidth == null ? info.config().actorWidth() : studentWidth, steps, numEnvs, unrollLength,
                    sgdSteps, batchSize, lr, evals, evalEnvs, bufferRows, seed);
            Distiller distiller = new Distiller(teacherAgent, settings, pool);

            RunConfig config = studentRunConfig(teacherSource, info, evalEnv, settings);
            Files.createDirectories(out);
            RunDirectory dir = RunDirectory.at(out);
            Files.createDirectories(dir.checkpoints());
            dir.writeConfig(config, t);
            Map<String, Object> about = new LinkedHashMap<>();
            about.put("teacher", teacherFile.toAbsolutePath().toString());
            about.put("teacher-algo", info.baseline().algo().id());
            about.put("teacher-actor-depth", info.config().actorDepth());
            about.put("teacher-actor-width", info.config().actorWidth());
            about.put("teacher-env-steps", info.envSteps());
            about.put("student-actor-depth", settings.studentDepth());
            about.put("student-actor-width", settings.studentWidth());
            about.put("loss", teacherAgent.algo().id().startsWith("td3") ? "mse of the pre-tanh output"
                    : "KL(teacher || student) of the pre-tanh Gaussians");
            about.put("settings", settings.toString());
            AtomicFiles.writeString(out.resolve("distill.json"), Json.writePretty(about) + "\n");

            System.out.printf("distill %s (%s, actor depth %d width %d, %,d env steps) into actor depth %d width %d%n",
                    teacherFile, info.baseline().algo().id(), info.config().actorDepth(), info.config().actorWidth(),
                    info.envSteps(), settings.studentDepth(), settings.studentWidth());
            System.out.printf("  %,d rounds of %d envs × %d steps, %d Adam steps of %d rows each; run directory: %s%n",
                    settings.rounds(), numEnvs, unrollLength, sgdSteps, batchSize, out);
            long[] last = new long[2];
            Agent student = distiller.run(info.env(), evalEnv, row -> {
                try {
                    dir.appendMetrics(row);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + dir.metricsJsonl() + ": " + e.getMessage(), e);
                }
                last[0] = ((Number) row.get("env_steps")).longValue();
                last[1] = ((Number) row.get("sgd_steps")).longValue();
                Object loss = row.containsKey("distill/kl") ? row.get("distill/kl") : row.get("distill/mse");
                System.out.printf("epoch %s/%d  env steps %,d  loss %.4f  time at goal %.1f  success_any %.2f%n",
                        row.get("epoch"), evals, last[0], ((Number) loss).doubleValue(),
                        ((Number) row.get("eval/episode_success")).doubleValue(),
                        ((Number) row.get("eval/episode_success_any")).doubleValue());
            });
            Map<String, Object> extra = new LinkedHashMap<>(info.extra());
            extra.put("eval-env", evalEnv);
            extra.put("distilled-from", teacherFile.toAbsolutePath().toString());
            Checkpoint.Info studentInfo = new Checkpoint.Info(info.env(), info.stateDim(), info.actionDim(),
                    info.goalDim(), distiller.studentConfig(), info.baseline(), last[0], last[1], evals, extra);
            Checkpoint.save(dir.lastCheckpoint(), student, studentInfo);
            Checkpoint.save(dir.bestCheckpoint(), student, studentInfo);
            dir.markFinished(evals, last[0]);
            System.out.printf("done: %s (checkpoints/last.safetensors; evaluate with ./crl4j eval %s)%n", out, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static boolean isEmptyDirectory(Path p) {
        try (var s = Files.list(p)) {
            return Files.isDirectory(p) && s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The student's options: the teacher run's (from its config.json, or rebuilt from the checkpoint), with the
     * student's actor and the distillation's schedule.
     */
    static RunConfig studentRunConfig(Path teacherSource, Checkpoint.Info info, String evalEnv,
                                      Distiller.Settings s) throws IOException {
        RunConfig teacher;
        RunDirectory tdir = RunDirectory.at(teacherSource);
        if (Files.isDirectory(teacherSource) && Files.isRegularFile(tdir.configJson())
                && tdir.readConfigJson().get("config") instanceof Map<?, ?> tree) {
            @SuppressWarnings("unchecked")
            Map<String, ?> values = (Map<String, ?>) tree;
            teacher = RunConfigs.bindSaved(values, tdir.configJson().toString());
        } else {
            Map<String, Object> v = new LinkedHashMap<>(Checkpoint.toMap(info.config()));
            v.put("env", info.env());
            v.put("eval-env", evalEnv.equals(info.env()) ? "" : evalEnv);
            v.put("algo", info.baseline().algo().id());
            if (info.baseline().algo() != org.crl4j.rl.Algo.CRL) {
                v.putAll(Checkpoint.toMap(info.baseline()));
            }
            teacher = RunConfigs.bindSaved(v, "the teacher checkpoint");
        }
        Map<String, Object> changes = new LinkedHashMap<>();
        changes.put("actor-depth", s.studentDepth());
        changes.put("actor-width", s.studentWidth());
        changes.put("total-env-steps", s.rounds() * s.numEnvs() * s.unrollLength());
        changes.put("num-envs", s.numEnvs());
        changes.put("unroll-length", s.unrollLength());
        changes.put("batch-size", s.batchSize());
        changes.put("num-sgd-batches-per-training-step", s.sgdStepsPerRound());
        changes.put("num-epochs", s.numEvals());
        changes.put("num-eval-envs", s.evalEnvs());
        changes.put("seed", s.seed());
        changes.put("reset-mode", "resample");
        changes.put("gif", false);
        return RunConfigs.with(teacher, changes, "distill");
    }
}
