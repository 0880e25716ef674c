package org.crl4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.io.Json;
import org.crl4j.rl.RunDirectory;
import org.crl4j.rl.config.RunConfig;
import org.crl4j.rl.config.RunConfigs;

/**
 * One training run as {@code plot} reads it from its directory: the options (config.json), the evaluations
 * (metrics.jsonl) and the random policy's score (random_policy.json, null when absent).
 *
 * @param params      the options as plot groups them: depth, width, batch, ablation, then every other option
 *                    except the seed (a run's group is its params)
 * @param envSteps    env steps at each evaluation
 * @param timeAtGoal  eval/episode_success at each evaluation (steps at the goal, of the episode's 1000)
 * @param wallSeconds training wall-clock at the last evaluation (NaN before the first)
 * @param finished    train wrote finished.json: the run completed its schedule (else it is running or interrupted)
 * @param finalEvals  time at goal of the last checkpoint per task, from {@code eval --record} (eval_TASK.json)
 */
record RunRecord(Path dir, Map<String, Object> params, long seed, double[] envSteps, double[] timeAtGoal,
                 double wallSeconds, Double randomPolicy, boolean finished, Map<String, Double> finalEvals) {

    /**
     * Where {@code eval RUN_DIR --record --env TASK} saves its metrics: eval_TASK.json for a registered task; a custom
     * maze id (any character outside [A-Za-z0-9_.-], or long) becomes a shortened safe name plus a hash of the id
     * without its whitespace, so that the same layout always maps to the same file and names stay short.
     */
    static String finalEvalFile(String task) {
        String safe = task.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (safe.equals(task) && safe.length() <= 60) {
            return "eval_" + task + ".json";
        }
        String id = task.replaceAll("\\s+", "");
        String head = id.replaceAll("[^A-Za-z0-9_.-]", "_");
        return "eval_" + head.substring(0, Math.min(40, head.length())) + "-"
                + String.format("%08x", id.hashCode()) + ".json";
    }

    /** The paper's score: mean time at goal over the last 5 evaluations. */
    static final int SCORE_EVALUATIONS = 5;

    static final String SUCCESS_KEY = "eval/episode_success";

    /** Mean time at goal over the last {@link #SCORE_EVALUATIONS} evaluations (fewer if the run has fewer; NaN if none). */
    double score() {
        int n = timeAtGoal.length;
        double[] last = java.util.Arrays.copyOfRange(timeAtGoal, Math.max(0, n - SCORE_EVALUATIONS), n);
        return MeanSe.of(last).mean();
    }

    double finalEnvSteps() {
        return envSteps.length == 0 ? Double.NaN : envSteps[envSteps.length - 1];
    }

    static RunRecord load(Path dir) {
        Path configFile = RunDirectory.at(dir).configJson();
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException(dir + " is not a run directory (no config.json); give run directories "
                    + "written by 'train' or a sweep directory");
        }
        Map<String, Object> options;
        try {
            options = options(RunDirectory.at(dir).readConfigJson(), configFile.toString());
        } catch (org.crl4j.core.io.CorruptFileException e) {
            throw new IllegalArgumentException(e.getMessage());
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalArgumentException(configFile + " is unreadable or malformed (" + e.getMessage() + ")");
        }
        List<double[]> rows = evaluations(dir);
        double wall = rows.isEmpty() ? Double.NaN : rows.get(rows.size() - 1)[2];
        Double random = null;
        Path randomFile = RunDirectory.at(dir).randomPolicy();
        if (Files.isRegularFile(randomFile)) {
            try {
                random = number(Json.parseObject(Files.readString(randomFile, StandardCharsets.UTF_8)).get(SUCCESS_KEY));
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(randomFile + " is unreadable or malformed (" + e.getMessage() + ")");
            }
        }
        long seed = options.get("seed") instanceof Number n ? n.longValue() : 0;
        double[] steps = rows.stream().mapToDouble(r -> r[0]).toArray();
        double[] success = rows.stream().mapToDouble(r -> r[1]).toArray();
        double last = steps.length == 0 ? Double.NaN : steps[steps.length - 1];
        Map<String, Double> evals = new java.util.TreeMap<>();
        try (var files = Files.newDirectoryStream(dir, "eval_*.json")) {
            for (Path f : files) {
                Map<String, Object> m = finalEval(f, last);
                if (m != null) {
                    evals.put(String.valueOf(m.get("env")), number(m.get(SUCCESS_KEY)));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot list " + dir + " (" + e.getMessage() + ")");
        }
        return new RunRecord(dir, params(options), seed, steps, success, wall,
                random == null || random.isNaN() ? null : random,
                RunDirectory.at(dir).isFinished(), Map.copyOf(evals));
    }

    /** Each evaluation in the run's metrics.jsonl as {env steps, time at goal, wall-clock seconds}; empty before the first. */
    private static List<double[]> evaluations(Path dir) {
        List<double[]> rows = new ArrayList<>();
        Path metrics = RunDirectory.at(dir).metricsJsonl();
        if (Files.isRegularFile(metrics)) {
            try {
                for (String line : Files.readAllLines(metrics, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        Map<String, Object> row = Json.parseObject(line);
                        rows.add(new double[] {number(row.get("training/envsteps")), number(row.get(SUCCESS_KEY)),
                            number(row.get("training/walltime"))});
                    }
                }
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException(metrics + " is unreadable or malformed (" + e.getMessage() + ")");
            }
        }
        return rows;
    }

    /**
     * An {@code eval --record} file's metrics, or null when it evaluated an earlier checkpoint than the one at
     * {@code lastEnvSteps} (recorded while the run was still training: stale). Throws on an unreadable file.
     */
    private static Map<String, Object> finalEval(Path file, double lastEnvSteps) {
        try {
            Map<String, Object> m = Json.parseObject(Files.readString(file, StandardCharsets.UTF_8));
            Object at = m.get("env_steps");
            if (at instanceof Number n && Double.isFinite(lastEnvSteps) && n.doubleValue() != lastEnvSteps) {
                return null;
            }
            return m;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is unreadable or malformed (" + e.getMessage() + ")");
        }
    }

    /**
     * The time at goal a sweep's final evaluation recorded for {@code task}, or null when it must be (re)done: no
     * record, an unreadable one, one of an earlier checkpoint, or one made with other episodes or another eval seed
     * (a quick manual {@code eval --record --episodes 10} is not the sweep's evaluation). Only this task's file is
     * read, so another bad file in the run cannot block it.
     */
    static Double currentFinalEval(Path dir, String task, int episodes, long seed) {
        Path file = dir.resolve(finalEvalFile(task));
        if (!Files.isRegularFile(file)) {
            return null;
        }
        List<double[]> rows = evaluations(dir);
        Map<String, Object> m;
        try {
            m = finalEval(file, rows.isEmpty() ? Double.NaN : rows.get(rows.size() - 1)[0]);
        } catch (IllegalArgumentException unreadable) {
            return null; // evaluate again: the new record replaces it
        }
        if (m == null || !(m.get("episodes") instanceof Number e) || e.intValue() != episodes
                || !(m.get("seed") instanceof Number s) || s.longValue() != seed) {
            return null;
        }
        return number(m.get(SUCCESS_KEY));
    }

    /**
     * The options that tell runs apart, seed excluded: the swept ones first under their sweep names (depth and width
     * stand for the actor's too when they match the critic's), then all others under their config names.
     */
    /**
     * A run's options by their kebab-case names, from config.json: its "config" tree (format 2 on; the eval task
     * resolved), or, for a format-1 directory, its snake_case "train" and "network" sections under the same names
     * (floats as the float32 they were, so that old and new runs of one setting group together).
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> options(Map<String, Object> configJson, String source) {
        if (configJson.get("config") instanceof Map<?, ?> tree) {
            RunConfig config = RunConfigs.bindSaved((Map<String, ?>) tree, source);
            Map<String, Object> o = RunConfigs.toFlatMap(config);
            o.put("eval-env", config.evalEnvId());
            // data-parallel processes: runs with 2 ranks are not seeds of one-process runs
            o.put("ranks", configJson.get("ranks") instanceof Number r ? r.intValue() : 1);
            return o;
        }
        Map<String, Object> o = new LinkedHashMap<>();
        section(configJson, "train").forEach((k, v) -> o.put(k.replace('_', '-'), v));
        section(configJson, "network").forEach((k, v) -> o.put(k.replace('_', '-'),
                v instanceof Double d ? Double.parseDouble(Float.toString(d.floatValue())) : v));
        o.putIfAbsent("reset-mode", "same_start"); // the only mode before the option existed
        o.putIfAbsent("actor-init", "paper");      // the only initialisation before the option existed
        return o;
    }

    /** Options that do not make a run different from another (or that are named by depth, width, batch, ablation). */
    private static final List<String> NOT_PARAMETERS = List.of("batch-size", "seed", "critic-depth", "critic-width",
            "layer-norm", "activation", "residual", "gif", "checkpoint-every", "episode-length");

    private static final Map<String, Object> BASELINE_OPTIONS = baselineDefaults();

    /** The baselines' options (but the algorithm) and their defaults, as {@link RunConfigs#toFlatMap} gives them. */
    private static Map<String, Object> baselineDefaults() {
        Map<String, Object> defaults = RunConfigs.toFlatMap(RunConfigs.defaults());
        Map<String, Object> out = new LinkedHashMap<>();
        RunConfigs.options().stream().filter(o -> o.section().equals("baselines") && !o.key().equals("algo"))
                .forEach(o -> out.put(o.key(), defaults.get(o.key())));
        return out;
    }

    /** What sets a run apart, for grouping seeds: depth, width, batch, ablation, then every other option. */
    static Map<String, Object> params(Map<String, Object> options) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("depth", options.get("critic-depth"));
        p.put("width", options.get("critic-width"));
        p.put("batch", options.get("batch-size"));
        p.put("ablation", Ablation.describe(options));
        Object algo = options.getOrDefault("algo", "crl"); // runs from before the baselines are contrastive RL
        p.put("algo", algo);
        for (Map.Entry<String, Object> e : options.entrySet()) {
            String k = e.getKey();
            // the baselines' options tell runs apart only where they are not the default (and never for contrastive RL,
            // which does not read them), so groups and their labels stay those of the algorithm
            boolean shown = NOT_PARAMETERS.contains(k) || k.equals("algo")
                    || BASELINE_OPTIONS.containsKey(k) && ("crl".equals(algo) || BASELINE_OPTIONS.get(k).equals(e.getValue()))
                    || k.equals("actor-depth") && e.getValue().equals(options.get("critic-depth"))
                    || k.equals("actor-width") && e.getValue().equals(options.get("critic-width"));
            if (!shown) {
                p.put(k, e.getValue());
            }
        }
        return p;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> config, String name) {
        Object s = config.get(name);
        if (!(s instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("no \"" + name + "\" object");
        }
        return (Map<String, Object>) s;
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
