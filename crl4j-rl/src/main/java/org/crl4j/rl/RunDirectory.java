package org.crl4j.rl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.io.AtomicFiles;
import org.crl4j.core.io.CorruptFileException;
import org.crl4j.core.io.Json;
import org.crl4j.rl.config.RunConfig;
import org.crl4j.rl.config.RunConfigs;

/**
 * A training run on disk, the one place that knows its layout (format {@value #FORMAT}):
 * <pre>
 *   config.toml             the run's options, sectioned, with their help (re-usable with train --config)
 *   config.json             the same for programs: {"format", "config" (as config.toml, kebab-case), "threads"}
 *   checksums.sha256        SHA-256 of config.json and config.toml (sha256sum's format), checked on reading config.json
 *   metrics.jsonl, .csv     one row per epoch (evaluation and training statistics)
 *   tensorboard/            the same rows as TensorBoard events
 *   checkpoints/            last, best, epoch_E (every checkpoint-every epochs), resume (+ resume.prev)
 *   random_policy.json      the random policy's score on the evaluation task
 *   learning_curve.png/svg, eval_episode.gif
 *   eval_TASK.json          final evaluations (eval --record)
 *   finished.json           written last, when the whole schedule has run
 *   lock                    held by the process training in it (see {@link RunLock})
 *   ranks/R/                rank R ≥ 1 of a data-parallel run: its checkpoints/resume (+ .prev), lock, train.log
 *   reshard/                only while a resume changes the number of ranks (see {@link RunResharding})
 * </pre>
 * Format 1 (before 2026-12-06) had no "format" or "config" in config.json and a flat, snake_case config.toml; format 2
 * (2026-12-06) also kept snake_case "train" and "network" sections in config.json, a second spelling of the options.
 * Both still resume and are read: {@link #upgrade} rewrites their config files (from the resume state for format 1).
 */
public final class RunDirectory {
    public static final int FORMAT = 3;

    private final Path root;

    private RunDirectory(Path root) {
        this.root = root;
    }

    /** A new run in {@code root} (created if needed); one that already holds a run is refused. */
    public static RunDirectory create(Path root) throws IOException {
        RunDirectory d = new RunDirectory(root);
        if (Trainer.hasResumeState(d.resumeState())) {
            throw new IllegalArgumentException(root + " already holds a run; continue it with --resume " + root
                    + " or choose another --run-dir");
        }
        Files.createDirectories(d.checkpoints());
        return d;
    }

    /** The run in {@code root}, which must hold a resume state. */
    public static RunDirectory open(Path root) {
        RunDirectory d = new RunDirectory(root);
        if (!Trainer.hasResumeState(d.resumeState())) {
            throw new IllegalArgumentException("nothing to resume in " + root + ": no checkpoints/resume.safetensors "
                    + "(is it a run directory written by 'train'?)");
        }
        return d;
    }

    /** A run directory to read (eval, plot), whatever state it is in. */
    public static RunDirectory at(Path root) {
        return new RunDirectory(root);
    }

    public Path root() {
        return root;
    }

    public Path configToml() {
        return root.resolve("config.toml");
    }

    public Path configJson() {
        return root.resolve("config.json");
    }

    public Path metricsJsonl() {
        return root.resolve("metrics.jsonl");
    }

    public Path metricsCsv() {
        return root.resolve("metrics.csv");
    }

    public Path tensorboard() {
        return root.resolve("tensorboard");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    public Path lastCheckpoint() {
        return checkpoints().resolve("last.safetensors");
    }

    public Path bestCheckpoint() {
        return checkpoints().resolve("best.safetensors");
    }

    public Path epochCheckpoint(int epoch) {
        return checkpoints().resolve("epoch_" + epoch + ".safetensors");
    }

    public Path resumeState() {
        return checkpoints().resolve("resume.safetensors");
    }

    /** Rank {@code rank}'s directory in a data-parallel run (rank 0's is the run's root). */
    public Path rankDir(int rank) {
        return rank == 0 ? root : root.resolve("ranks").resolve(Integer.toString(rank));
    }

    /** Rank {@code rank}'s resume state: {@link #resumeState()} for rank 0, ranks/R/checkpoints/… for the others. */
    public Path rankResumeState(int rank) {
        return rank == 0 ? resumeState() : rankDir(rank).resolve("checkpoints").resolve("resume.safetensors");
    }

    /** Where a change of the number of ranks stages the new states (see {@link RunResharding}). */
    public Path reshardStaging() {
        return root.resolve("reshard");
    }

    public Path randomPolicy() {
        return root.resolve("random_policy.json");
    }

    public Path learningCurve(String extension) {
        return root.resolve("learning_curve." + extension);
    }

    public Path evalGif() {
        return root.resolve("eval_episode.gif");
    }

    public Path finishedMarker() {
        return root.resolve("finished.json");
    }

    /** The log of a run trained by a sweep (the child JVM's output). */
    public Path trainLog() {
        return root.resolve("train.log");
    }

    /** The last non-blank line of {@link #trainLog()} (why a run's process ended), or where to look when none. */
    public String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(trainLog(), java.nio.charset.StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return lines.get(i).strip();
                }
            }
        } catch (IOException | java.io.UncheckedIOException unreadable) {
            // fall through
        }
        return "see " + trainLog();
    }

    /**
     * The run's files as they stand, relative to its root, in the order a copy elsewhere must receive them so that
     * the copy is always a run directory that resumes (the order train writes them in): the config files, the
     * metrics and media, the checkpoints, the previous then the current resume state, the log, and finished.json
     * last, so that a copy holding finished.json holds everything. The lock and temporary files are never copied.
     */
    public List<String> filesToCopy() throws IOException {
        List<Path> ordered = new ArrayList<>(List.of(configJson(), configToml(), checksums(), randomPolicy(),
                metricsJsonl(), metricsCsv()));
        ordered.addAll(sorted(tensorboard(), "*"));
        ordered.addAll(List.of(learningCurve("png"), learningCurve("svg"), evalGif()));
        ordered.addAll(sorted(root, "eval_*.json"));
        List<Path> checkpointFiles = sorted(checkpoints(), "*.safetensors");
        Path prev = Trainer.previousOf(resumeState());
        checkpointFiles.remove(prev);
        checkpointFiles.remove(resumeState());
        ordered.addAll(checkpointFiles);
        ordered.addAll(List.of(prev, resumeState(), trainLog(), finishedMarker()));
        List<String> out = new ArrayList<>();
        for (Path p : ordered) {
            if (Files.isRegularFile(p)) {
                out.add(root.relativize(p).toString().replace('\\', '/'));
            }
        }
        return out;
    }

    private static List<Path> sorted(Path dir, String glob) throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (var files = Files.newDirectoryStream(dir, glob)) {
                for (Path f : files) {
                    if (Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")) {
                        found.add(f);
                    }
                }
            }
        }
        found.sort(null);
        return found;
    }

    public boolean isFinished() {
        return Files.isRegularFile(finishedMarker());
    }

    /**
     * Writes config.json and config.toml from one config (atomically, each), then checksums.sha256 with their SHA-256
     * in sha256sum's format ({@code sha256sum -c checksums.sha256} checks them by hand; config.json is checked on read).
     */
    public void writeConfig(RunConfig config, int threads) throws IOException {
        writeConfig(config, threads, 1);
    }

    /** As {@link #writeConfig(RunConfig, int)} for a run of {@code ranks} data-parallel processes (recorded when > 1). */
    public void writeConfig(RunConfig config, int threads, int ranks) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("config", RunConfigs.toMap(config));
        json.put("threads", threads);
        if (ranks > 1) {
            json.put("ranks", ranks);
        }
        String jsonText = Json.writePretty(json) + "\n";
        String tomlText = RunConfigs.toToml(config, "crl4j train: this run's options (use with "
                + "train --config; defaults and meanings: docs/configuration.md)");
        AtomicFiles.writeString(configJson(), jsonText);
        AtomicFiles.writeString(configToml(), tomlText);
        AtomicFiles.writeString(checksums(), sha256(jsonText) + "  " + configJson().getFileName() + "\n"
                + sha256(tomlText) + "  " + configToml().getFileName() + "\n");
    }

    /** SHA-256 sums of the config files, as sha256sum writes them. */
    public Path checksums() {
        return root.resolve("checksums.sha256");
    }

    /**
     * config.json's content, checked against checksums.sha256 when that lists it (directories written before it
     * existed are read unchecked). A damaged file is a {@link CorruptFileException} that says how to repair it.
     */
    public Map<String, Object> readConfigJson() throws IOException {
        Path file = configJson();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String want = listedSum(file.getFileName().toString());
        String fix = "; 'train --resume " + root + "' writes it again from the resume state";
        if (want != null && !want.equals(sha256(text))) {
            throw new CorruptFileException(file, "its SHA-256 differs from the one in " + checksums().getFileName()
                    + " (it was damaged or edited after it was written)" + fix);
        }
        try {
            return Json.parseObject(text);
        } catch (RuntimeException e) {
            throw new CorruptFileException(file, "it is not valid JSON (" + e.getMessage() + ")" + fix);
        }
    }

    private String listedSum(String name) throws IOException {
        if (!Files.isRegularFile(checksums())) {
            return null;
        }
        for (String line : Files.readAllLines(checksums(), StandardCharsets.UTF_8)) {
            int gap = line.indexOf("  ");
            if (gap > 0 && line.substring(gap + 2).equals(name)) {
                return line.substring(0, gap);
            }
        }
        return null;
    }

    static String sha256(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e); // every Java SE platform must have it
        }
    }

    /** The run's options from config.json; a format-1 directory gets them rebuilt from its resume state's configs. */
    public RunConfig readConfig(TrainConfig train, CrlConfig network, BaselineConfig baseline) throws IOException {
        return fromJson(Files.isRegularFile(configJson()) ? readConfigJson() : Map.of(), train, network, baseline);
    }

    private RunConfig fromJson(Map<String, Object> json, TrainConfig train, CrlConfig network, BaselineConfig baseline) {
        if (json.get("config") instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, ?> tree = (Map<String, ?>) m;
            return RunConfigs.bindSaved(tree, configJson().toString());
        }
        return fromFormat1(json, train, network, baseline);
    }

    /** Format 1 kept checkpoint_every and gif at the top of config.json; everything else is in the resume state. */
    private static RunConfig fromFormat1(Map<String, Object> json, TrainConfig t, CrlConfig c, BaselineConfig b) {
        // the checkpoint's views of the configs use the option names; episode-length is the task's, not an option
        Map<String, Object> v = new LinkedHashMap<>(Checkpoint.toMap(t));
        v.putAll(Checkpoint.toMap(c));
        v.put("algo", b.algo().id());
        v.putAll(Checkpoint.toMap(b));
        v.remove("episode-length");
        v.put("eval-env", t.evalEnv().equals(t.env()) ? "" : t.evalEnv());
        v.put("gif", !Boolean.FALSE.equals(json.get("gif")));
        v.put("checkpoint-every", json.get("checkpoint_every") instanceof Number k ? k.intValue() : 0);
        return RunConfigs.bindSaved(v, "a format-1 run directory");
    }

    /**
     * Makes the config files state the schedule the resume state holds (it is the truth), and brings a directory of
     * an older format to this one: after a lengthening, or on the next resume when a crash came between saving the
     * resume state and rewriting these. A damaged config.json is rebuilt from the resume state (checkpoint-every and
     * gif, which only config.json holds, go back to their defaults). Says what it does through {@code note}.
     */
    public RunConfig upgrade(TrainConfig train, CrlConfig network, BaselineConfig baseline, int threads,
                             java.util.function.Consumer<String> note)
            throws IOException {
        Map<String, Object> json;
        try {
            json = Files.isRegularFile(configJson()) ? readConfigJson() : Map.of();
        } catch (CorruptFileException e) {
            note.accept(e.getMessage() + "; rebuilding it from the resume state (checkpoint-every and gif back to "
                    + "their defaults)");
            json = null;
        }
        boolean rewrite = json == null || !(json.get("format") instanceof Number f && f.intValue() == FORMAT);
        if (json != null && rewrite) {
            note.accept("upgrading its config files to run-directory format " + FORMAT);
        }
        RunConfig saved = json == null ? fromFormat1(Map.of(), train, network, baseline)
                : fromJson(json, train, network, baseline);
        RunConfig now = RunConfigs.with(saved, Map.of("total-env-steps", train.totalEnvSteps(),
                "num-epochs", train.numEpochs()), configJson().toString());
        if (!now.equals(saved) || rewrite) {
            writeConfig(now, threads, json != null && json.get("ranks") instanceof Number r ? r.intValue() : 1);
        }
        return now;
    }

    /**
     * The number of data-parallel processes the run trains with ({@code train --ranks K}; 1 for one process), as
     * config.json records it; 1 when config.json is missing or unreadable (upgrade then reports it).
     */
    public int ranks() {
        try {
            return Files.isRegularFile(configJson()) ? recordedRanks(readConfigJson()) : 1;
        } catch (IOException | RuntimeException unreadable) {
            return 1;
        }
    }

    /**
     * Records in config.json that the run now trains with {@code ranks} processes, keeping everything else in it
     * (and checksums.sha256 in step); as {@link #writeConfig}, "ranks" is left out for one process.
     */
    public void writeRanks(int ranks) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        if (Files.isRegularFile(configJson())) {
            try {
                json.putAll(readConfigJson());
            } catch (CorruptFileException e) {
                // a crash between this method's two writes leaves config.json ahead of its checksum: that is no damage
                Map<String, Object> ahead = parsedOrNull(Files.readString(configJson(), StandardCharsets.UTF_8));
                if (ahead == null || recordedRanks(ahead) != ranks) {
                    throw e;
                }
                json.putAll(ahead);
            }
        }
        if (ranks > 1) {
            json.put("ranks", ranks);
        } else {
            json.remove("ranks");
        }
        String jsonText = Json.writePretty(json) + "\n";
        AtomicFiles.writeString(configJson(), jsonText);
        String tomlSum = Files.isRegularFile(configToml())
                ? sha256(Files.readString(configToml(), StandardCharsets.UTF_8)) : null;
        AtomicFiles.writeString(checksums(), sha256(jsonText) + "  " + configJson().getFileName() + "\n"
                + (tomlSum == null ? "" : tomlSum + "  " + configToml().getFileName() + "\n"));
    }

    private static Map<String, Object> parsedOrNull(String text) {
        try {
            return Json.parseObject(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static int recordedRanks(Map<String, Object> json) {
        return json.get("ranks") instanceof Number r ? r.intValue() : 1;
    }

    /** Appends one row to metrics.jsonl (one write of a whole line; a line cut short by a crash is dropped on resume). */
    public void appendMetrics(Map<String, Object> row) throws IOException {
        Files.writeString(metricsJsonl(), Json.write(row) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** Every complete row of metrics.jsonl, in order. */
    public List<Map<String, Object>> metricsRows() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (!Files.isRegularFile(metricsJsonl())) {
            return rows;
        }
        for (String line : Files.readAllLines(metricsJsonl(), StandardCharsets.UTF_8)) {
            try {
                rows.add(Json.parseObject(line));
            } catch (RuntimeException partialLine) {
                // a line cut short by a crash
            }
        }
        return rows;
    }

    /**
     * Keeps the rows of metrics.jsonl for the first {@code completedEpochs} epochs (the ones the resume state holds:
     * an epoch whose row was written just before a crash is run again and writes it again) and drops a line cut short,
     * then returns the highest time at goal among them (the best checkpoint's), or −∞ when there are none.
     */
    public double keepCompletedEpochs(int completedEpochs) throws IOException {
        double best = Double.NEGATIVE_INFINITY;
        if (!Files.isRegularFile(metricsJsonl())) {
            return best;
        }
        List<String> all = Files.readAllLines(metricsJsonl(), StandardCharsets.UTF_8);
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
            AtomicFiles.writeString(metricsJsonl(), kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        }
        return best;
    }

    /**
     * Deletes the metrics files that are derived from metrics.jsonl (metrics.csv, the TensorBoard events), for a resumed
     * run to write them again from the rows it keeps: a crash can leave them with rows of an epoch that is run again.
     */
    public void deleteDerivedMetrics() throws IOException {
        Files.deleteIfExists(metricsCsv());
        deleteMatching(tensorboard(), "*");
    }

    /**
     * Deletes the temporary files of writes a crash interrupted (the targets themselves are whole: see AtomicFiles).
     * Only safe while holding the run's lock, as no other process may be writing then.
     */
    public void deleteInterruptedWrites() throws IOException {
        deleteMatching(root, ".*.tmp");
        deleteMatching(checkpoints(), ".*.tmp");
    }

    /** Deletes the files in {@code dir} whose names match {@code glob}; returns how many (0 when there is no dir). */
    private static int deleteMatching(Path dir, String glob) throws IOException {
        int n = 0;
        if (Files.isDirectory(dir)) {
            try (var files = Files.newDirectoryStream(dir, glob)) {
                for (Path f : files) {
                    n += Files.deleteIfExists(f) ? 1 : 0;
                }
            }
        }
        return n;
    }

    /**
     * Deletes what a run killed before its first resume state leaves (metrics rows, checkpoints, a finished marker, the
     * TensorBoard events, temporary files), so that a new run in this directory starts clean instead of appending to
     * them; returns whether there was any. Only this layout's own files are touched, and only under the run's lock.
     */
    public boolean discardUnresumableStart() throws IOException {
        boolean found = Files.exists(metricsJsonl()) || Files.exists(metricsCsv()) || Files.exists(finishedMarker());
        deleteInterruptedWrites();
        deleteDerivedMetrics();
        Files.deleteIfExists(metricsJsonl());
        Files.deleteIfExists(finishedMarker());
        Files.deleteIfExists(randomPolicy()); // measured for that run's config, which the new one may not share
        found |= deleteMatching(checkpoints(), "*.safetensors") > 0;
        return found;
    }

    /** The random policy's time at goal, or NaN when it has not been measured yet. */
    public double randomPolicyScore() throws IOException {
        if (!Files.isRegularFile(randomPolicy())) {
            return Double.NaN;
        }
        Object v = Json.parseObject(Files.readString(randomPolicy(), StandardCharsets.UTF_8)).get("eval/episode_success");
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(randomPolicy() + " has no eval/episode_success; delete it to measure again");
        }
        return n.doubleValue();
    }

    public void writeRandomPolicyScore(double timeAtGoal) throws IOException {
        AtomicFiles.writeString(randomPolicy(), Json.write(Map.of("eval/episode_success", timeAtGoal)) + "\n");
    }

    /** The marker that the run is complete (sweep skips it); written last, atomically. */
    public void markFinished(int epochs, long envSteps) throws IOException {
        Map<String, Object> marker = new LinkedHashMap<>(); // fixed order: the same run gives the same bytes
        marker.put("epochs", epochs);
        marker.put("env_steps", envSteps);
        AtomicFiles.writeString(finishedMarker(), Json.write(marker) + "\n");
    }

    /** A directory-safe version of an env id (custom mazes carry '#' and '/'). */
    public static String safeName(String envId) {
        return envId.startsWith(org.crl4j.envs.Envs.CUSTOM_MAZE_PREFIX) ? "custom_maze" : envId;
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
