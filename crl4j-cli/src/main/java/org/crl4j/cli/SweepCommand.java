package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
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
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;

import org.crl4j.core.io.AtomicFiles;
import org.crl4j.core.io.Json;
import org.crl4j.envs.Envs;
import org.crl4j.rl.RunDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code crl4j sweep}: trains every point of a depth × width × batch × ablation grid with several seeds, each run in
 * SWEEP_DIR/POINT/seedS through {@code train} itself (in a child JVM, see {@link TrainProcess}). Re-running it (or
 * {@code --resume SWEEP_DIR}) skips finished runs and resumes interrupted ones.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a grid of algorithms, network sizes, batch sizes and ablations over several seeds (a scaling study).",
            "Other train flags (e.g. --num-envs 64) are passed to every run. Re-run the same command, or --resume SWEEP_DIR, "
                    + "to continue: finished runs are skipped, interrupted ones resumed."})
public final class SweepCommand implements Callable<Integer> {
    static final String SWEEP_FILE = "sweep.json";
    static final String LOCK_FILE = ".sweep.lock";

    @Option(names = "--env", description = "Task id (see 'envs list').")
    String env;
    @Option(names = "--depth", split = ",", paramLabel = "D", description = "Critic and actor depths (multiples of 4; default 4).")
    List<Integer> depths;
    @Option(names = "--width", split = ",", paramLabel = "W", description = "Critic and actor widths (default 128, as train).")
    List<Integer> widths;
    @Option(names = "--batch", split = ",", paramLabel = "B", description = "Batch sizes (default 128, as train).")
    List<Integer> batches;
    @Option(names = "--ablation", split = ",", paramLabel = "A",
            description = "none, no-layer-norm, relu, no-residual (default none).")
    List<String> ablations;
    @Option(names = "--algo", split = ",", paramLabel = "ALGO", description = "Algorithms: crl (default), sac, sac_her, ppo, "
            + "td3, td3_her, gcbc; each trains every point of the grid, in directories named ALGO-d…-w…-b… (crl's "
            + "without the prefix).")
    List<String> algos;
    @Option(names = "--seeds", defaultValue = "1", description = "Seeds per point: N runs seeds 1..N (default ${DEFAULT-VALUE}). "
            + "Re-running a sweep with a bigger N adds seeds N+1.. to it.")
    int seeds;
    @Option(names = "--final-eval", split = ",", paramLabel = "TASK", description = "After each run, evaluate its last "
            + "checkpoint on TASK (" + SweepRunner.FINAL_EVAL_EPISODES + " episodes, as 'eval --record'; e.g. "
            + "simple_u_maze_eval, the far goals); 'plot' "
            + "reports it beside the training score. Re-running a sweep with another task adds it.")
    List<String> finalEvals;
    @Option(names = "--steps", description = "Env steps per run (train's --total-env-steps).")
    Long steps;
    @Option(names = "--sweep-dir", paramLabel = "DIR", description = "Sweep directory (default: sweeps/ENV-DATE-TIME).")
    Path sweepDir;
    @Option(names = "--resume", paramLabel = "SWEEP_DIR", description = "Continue the sweep in SWEEP_DIR (its sweep.json); only --workers and --threads may be given with it.")
    Path resume;
    @Option(names = "--workers", defaultValue = "1", description = "Runs at once (default ${DEFAULT-VALUE}); each gets cores / workers threads.")
    int workers;
    @Option(names = "--threads", description = "Threads per run (default: cores / workers; 1 with --cluster-port).")
    Integer threads;
    @Option(names = "--cluster-port", paramLabel = "P", description = "Train the runs on other machines: this process "
            + "becomes the coordinator on port P (0: any free port) and hands the runs to workers that join it with "
            + "'crl4j worker --join HOST:P'; their files come back to the sweep directory here. Needs a shared secret "
            + "(" + ClusterSecret.ENV + " or --secret-file).")
    Integer clusterPort;
    @Option(names = "--cluster-host", paramLabel = "ADDRESS", defaultValue = org.crl4j.cluster.ClusterNode.LOOPBACK,
            description = "The address workers reach the coordinator at (default ${DEFAULT-VALUE}: this machine only; "
                    + "give this machine's network address to take workers from other machines).")
    String clusterHost;
    @Option(names = "--secret-file", paramLabel = "FILE", description = "With --cluster-port: file holding the shared secret.")
    Path secretFile;
    @CommandLine.Unmatched
    List<String> trainFlags = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Train flags a sweep does not pass through, with why and what to use instead. */
    private static final Map<String, String> NOT_PASSED_THROUGH = new LinkedHashMap<>();

    static {
        Map<String, String> setBySweep = new LinkedHashMap<>();
        setBySweep.put("--critic-depth", "--depth");
        setBySweep.put("--actor-depth", "--depth");
        setBySweep.put("--critic-width", "--width");
        setBySweep.put("--actor-width", "--width");
        setBySweep.put("--batch-size", "--batch");
        setBySweep.put("--seed", "--seeds");
        setBySweep.put("--total-env-steps", "--steps");
        for (Ablation a : Ablation.values()) {
            for (String flag : a.setsFlags()) {
                setBySweep.put(flag, "--ablation " + a.id);
            }
        }
        setBySweep.put("--run-dir", "--sweep-dir");
        setBySweep.forEach((flag, instead) -> NOT_PASSED_THROUGH.put(flag, "is set by the sweep for each run; use " + instead
                + " instead"));
        NOT_PASSED_THROUGH.put("--config", "is not supported by sweep; give the train flags themselves (sweep.json records them)");
        NOT_PASSED_THROUGH.put("--resume", "is for one run; continue a sweep with 'sweep --resume SWEEP_DIR'");
    }

    @Override
    public Integer call() {
        if (workers < 1) {
            throw new IllegalArgumentException("--workers must be at least 1");
        }
        if (threads != null && threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        Path dir;
        SweepGrid fromOptions = null; // a resumed sweep's grid is read once it is locked
        if (resume != null) {
            for (CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
                String n = o.longestName();
                if (!Set.of("--resume", "--workers", "--threads", "--cluster-port", "--cluster-host", "--secret-file").contains(n)) {
                    throw new IllegalArgumentException(n + " cannot be combined with --resume: a resumed sweep keeps its grid "
                            + "(see " + resume.resolve(SWEEP_FILE) + "); only --workers, --threads and the --cluster "
                            + "options may change");
                }
            }
            if (!trainFlags.isEmpty()) {
                throw new IllegalArgumentException(trainFlags.get(0) + " cannot be combined with --resume: a resumed sweep "
                        + "keeps its train flags; only --workers and --threads may change");
            }
            dir = resume;
            if (readSweepFile(dir) == null) {
                throw new IllegalArgumentException("nothing to resume in " + dir + ": no " + SWEEP_FILE
                        + " (is it a directory written by 'sweep'?)");
            }
        } else {
            fromOptions = gridFromOptions(); // validated before anything is written
            dir = sweepDir != null ? sweepDir : Path.of("sweeps", RunDirectory.safeName(env) + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        org.crl4j.cluster.Secret secret = null;
        if (clusterPort != null) {
            if (clusterPort < 0 || clusterPort > 65535) {
                throw new IllegalArgumentException("--cluster-port must be in 0..65535, got " + clusterPort);
            }
            if (spec.commandLine().getParseResult().hasMatchedOption("--workers")) {
                throw new IllegalArgumentException("--workers is for runs on this machine; with --cluster-port each "
                        + "worker's --slots says how many runs it trains at once");
            }
            secret = ClusterSecret.load(secretFile); // before anything is written
        } else if (spec.commandLine().getParseResult().hasMatchedOption("--cluster-host")
                || spec.commandLine().getParseResult().hasMatchedOption("--secret-file")) {
            throw new IllegalArgumentException("--cluster-host and --secret-file need --cluster-port P");
        }
        int perRun = threads != null ? threads : clusterPort != null ? 1
                : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
        try (FileChannel held = lock(dir)) {
            SweepGrid grid = fromOptions != null ? claim(dir, fromOptions) : readSweepFile(dir);
            if (clusterPort != null) {
                return new ClusterSweep(grid, dir, perRun, clusterHost, clusterPort, secret).runAll() ? 0 : 1;
            }
            return new SweepRunner(grid, dir, workers, perRun).runAll() ? 0 : 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock on " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Takes DIR/.sweep.lock (an OS file lock, released when the process ends however it ends) for as long as a sweep
     * runs in DIR, so that a second sweep there (a growing re-run, say) cannot train the same runs at the same time.
     */
    static FileChannel lock(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held;
            try {
                held = ch.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                held = null;
            }
            if (held == null) {
                ch.close();
                throw new IllegalArgumentException("another sweep is running in " + dir + "; wait for it to finish, or stop "
                        + "it (Ctrl-C: its runs save their resume state) and run this again");
            }
            return ch;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock sweep directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The grid the options describe, every point validated as train would (nothing is written before). */
    SweepGrid gridFromOptions() {
        if (env == null) {
            throw new IllegalArgumentException("--env is required (or continue a sweep with --resume SWEEP_DIR)");
        }
        for (String arg : trainFlags) {
            String flag = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String why = NOT_PASSED_THROUGH.get(flag);
            if (why != null) {
                throw new IllegalArgumentException(flag + " " + why);
            }
        }
        List<Ablation> abl = ablations == null ? List.of(Ablation.NONE) : ablations.stream().map(Ablation::parse).toList();
        List<String> evals = finalEvals == null ? List.of() : finalEvals;
        for (String task : evals) {
            // an unknown id, or a task the trained networks cannot act in, fails now rather than after hours of training
            if (!Envs.spec(task).sameShape(Envs.spec(env))) {
                boolean hasEval = Envs.list().stream().anyMatch(s -> s.id().equals(env + "_eval"));
                throw new IllegalArgumentException("--final-eval " + task + " does not fit agents trained on " + env
                        + " (different state, goal or action size); use a task of the same robot"
                        + (hasEval ? ", e.g. " + env + "_eval" : " (see 'envs list')"));
            }
        }
        SweepGrid grid = new SweepGrid(env, orDefault(depths, 4), orDefault(widths, 128), orDefault(batches, 128), abl, seeds,
                steps, trainFlags, evals, algos == null ? List.of("crl") : algos);
        for (SweepGrid.Point p : grid.points()) {
            List<String> args = grid.trainArgs(new SweepGrid.Run(p, 1));
            TrainCommand train = new TrainCommand();
            try {
                TrainCommand.commandLine(train).parseArgs(args.subList(1, args.size()).toArray(new String[0]));
            } catch (CommandLine.ParameterException e) {
                throw new IllegalArgumentException("train flags: " + e.getMessage().replace('\n', ' ')
                        + " (see 'crl4j train --help')");
            }
            try {
                train.resolvedConfig();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("grid point " + p.name() + ": " + e.getMessage());
            }
        }
        return grid;
    }

    private static List<Integer> orDefault(List<Integer> values, int value) {
        return values == null ? List.of(value) : values;
    }

    /**
     * Makes {@code dir} this grid's sweep directory, or checks that it already is one, or grows it (more seeds, more
     * final evaluations; see {@link SweepGrid#canGrowInto}). Returns the grid to run, as sweep.json now records it.
     */
    static SweepGrid claim(Path dir, SweepGrid grid) {
        SweepGrid existing = readSweepFile(dir);
        if (existing != null) {
            if (existing.canGrowInto(grid) && grid.canGrowInto(existing)) {
                return existing; // the same sweep, perhaps listed in another order
            }
            if (!existing.canGrowInto(grid)) {
                throw new IllegalArgumentException(dir + " holds a different sweep (" + String.join("; ", grid.differences(existing))
                        + "); choose another --sweep-dir, or continue that one with --resume " + dir
                        + " (only more --seeds or another --final-eval can be added to it"
                        + (Objects.equals(grid.steps(), existing.steps()) ? "" : "; lengthen its runs one by one with "
                        + "'train --resume RUN --total-env-steps N'") + ")");
            }
            System.out.println("crl4j sweep: growing " + dir + " (" + String.join("; ", grid.differences(existing)) + ")");
            grid = existing.grownTo(grid); // the record keeps the order its runs were first listed in
        }
        try {
            if (existing == null && Files.isDirectory(dir)) {
                try (var entries = Files.list(dir)) {
                    if (entries.anyMatch(e -> !e.getFileName().toString().equals(LOCK_FILE))) {
                        throw new IllegalArgumentException(dir + " is not empty and holds no " + SWEEP_FILE
                                + "; choose a new or empty --sweep-dir");
                    }
                }
            }
            Files.createDirectories(dir);
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("grid", grid.toJson());
            String now = LocalDateTime.now().toString();
            Object created = existing == null ? now : readSweepJson(dir).getOrDefault("created", now);
            file.put("created", created);
            if (existing != null) {
                file.put("grown", now);
            }
            AtomicFiles.writeString(dir.resolve(SWEEP_FILE), Json.writePretty(file) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create sweep directory " + dir + ": " + e.getMessage(), e);
        }
        return grid;
    }

    private static Map<String, Object> readSweepJson(Path dir) throws IOException {
        return Json.parseObject(Files.readString(dir.resolve(SWEEP_FILE), StandardCharsets.UTF_8));
    }

    /** The grid recorded in {@code dir}, or null when it has no sweep.json. */
    static SweepGrid readSweepFile(Path dir) {
        Path file = dir.resolve(SWEEP_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Object grid = readSweepJson(dir).get("grid");
            if (!(grid instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("no \"grid\" object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) grid;
            return SweepGrid.fromJson(m);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is unreadable or malformed (" + e.getMessage() + "); fix or remove it");
        }
    }
}
