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
import org.crl4j.envs.VecEnv;
import org.crl4j.envs.render.TrajectoryGif;
import org.crl4j.rl.Checkpoint;
import org.crl4j.rl.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crl4j eval}: evaluate a saved agent (or the random policy) the way training evaluates. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint (or a run directory's last one) with the deterministic actor.")
public final class EvalCommand implements Runnable {
    @Parameters(arity = "0..1", paramLabel = "RUN_DIR|CHECKPOINT", description = "A run directory or a .safetensors checkpoint.")
    Path source;
    @Option(names = "--env", description = "Task to evaluate on (default: the checkpoint's evaluation task).")
    String env;
    @Option(names = "--random-policy", description = "Evaluate uniformly random actions instead (needs --env).")
    boolean random;
    @Option(names = "--episodes", defaultValue = "128", description = "Episodes, one per environment (default ${DEFAULT-VALUE}).")
    int episodes;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--gif", description = "Write an animated GIF of the first episode.")
    Path gif;
    @Option(names = "--threads", description = "Worker threads (default: all cores).")
    Integer threads;
    @Option(names = "--json", description = "Print one JSON object with the eval metrics as the last line.")
    boolean json;
    @Option(names = "--record", description = "Also save the metrics in RUN_DIR/eval_TASK.json, where 'plot' "
            + "reports them beside the training scores (e.g. a maze's far goals on its _eval layout).")
    boolean record;

    @Override
    public void run() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (episodes < 1 || t < 1) {
            throw new IllegalArgumentException("--episodes and --threads must be positive");
        }
        if (random == (source != null)) {
            throw new IllegalArgumentException("give either a RUN_DIR or CHECKPOINT, or --random-policy with --env");
        }
        if (record && (random || !Files.isDirectory(source))) {
            throw new IllegalArgumentException(random ? "--record saves a trained run's evaluation into its directory; "
                    + "it does not apply to --random-policy" : Files.exists(source) ? "--record saves into a run "
                    + "directory: give RUN_DIR, not a checkpoint file" : "no run directory " + source);
        }
        try (Parallel pool = new Parallel(t)) {
            Evaluator.Policy policy;
            String task;
            String what;
            long checkpointSteps = -1;
            if (random) {
                if (env == null) {
                    throw new IllegalArgumentException("--random-policy needs --env ID");
                }
                task = env;
                policy = Evaluator.random(seed + 17);
                what = "random policy";
            } else {
                Path file = Files.isDirectory(source) ? org.crl4j.rl.RunDirectory.at(source).lastCheckpoint() : source;
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("no checkpoint at " + file + " (a run directory holds checkpoints/last.safetensors)");
                }
                Checkpoint.Loaded c = Checkpoint.load(file, pool);
                Object evalEnv = c.info().extra().get("eval-env");
                task = env != null ? env : evalEnv instanceof String s ? s : c.info().env();
                var spec = Envs.spec(task);
                if (spec.stateDim() != c.info().stateDim() || spec.actionDim() != c.info().actionDim()
                        || spec.goalDim() != c.info().goalDim()) {
                    throw new IllegalArgumentException("checkpoint " + file + " was trained on " + c.info().env()
                            + " and does not fit " + task + " (different state, goal or action size)");
                }
                policy = Evaluator.deterministic(c.agent());
                checkpointSteps = c.info().envSteps();
                what = file + " (" + c.info().env() + ", " + String.format("%,d", c.info().envSteps()) + " env steps)";
            }
            Evaluator ev = new Evaluator(task, episodes, seed, Envs.spec(task).episodeLength(), pool);
            ProgressLine bar = new ProgressLine(System.out, System.console() != null);
            Evaluator.Result r = ev.run(policy, gif != null, (steps, most, sps) -> bar.show(() ->
                    ProgressLine.bar(steps, most, sps, "env steps") + "  evaluating " + episodes + " episodes on " + task));
            bar.endLine();
            System.out.printf("eval %s on %s, %d episodes%n", what, task, episodes);
            System.out.printf("  time at goal %.1f / %d   success_any %.3f   final dist %.3f   min dist %.3f   length %.0f%n",
                    r.episodeSuccess(), Envs.spec(task).episodeLength(), r.episodeSuccessAny(), r.episodeDist(),
                    r.minDist(), r.avgEpisodeLength());
            if (gif != null) {
                TrajectoryGif.write(ev.env().renderer(), r.firstEnvObservations(), 384, 5, 25, gif);
                System.out.println("  wrote " + gif);
            }
            if (json || record) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("env", task);
                m.put("episodes", episodes);
                m.put("seed", seed);
                if (checkpointSteps >= 0) {
                    m.put("env_steps", checkpointSteps); // which checkpoint: plot ignores it once the run trains on
                }
                m.put("eval/episode_success", r.episodeSuccess());
                m.put("eval/episode_success_any", r.episodeSuccessAny());
                m.put("eval/episode_dist", r.episodeDist());
                m.put("eval/episode_min_dist", r.minDist());
                m.put("eval/avg_episode_length", r.avgEpisodeLength());
                if (record) {
                    Path out = source.resolve(RunRecord.finalEvalFile(task));
                    AtomicFiles.writeString(out, Json.writePretty(m) + "\n");
                    System.out.println("  saved " + out);
                }
                if (json) {
                    System.out.println(Json.write(m));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
