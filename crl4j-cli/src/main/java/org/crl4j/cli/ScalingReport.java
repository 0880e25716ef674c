package org.crl4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import org.crl4j.core.io.AtomicFiles;
import org.crl4j.rl.report.LinePlot;

/**
 * Runs grouped by their options minus the seed, each group's score and learning curve as mean ± standard error over
 * its seeds: the numbers behind {@code plot}'s figures and summary table.
 */
final class ScalingReport {
    /** The grid parameters a sweep varies, in the order figures are drawn for them. */
    static final List<String> SWEPT = List.of("depth", "width", "batch", "ablation", "algo");

    /** Runs with the same options (all seeds of one grid point). */
    record Group(String label, Map<String, Object> params, List<RunRecord> runs) {
        /** The runs that completed their schedule: only they count towards scores (a running one would drag). */
        List<RunRecord> finishedRuns() {
            return runs.stream().filter(RunRecord::finished).toList();
        }

        double[] scores() {
            return finishedRuns().stream().mapToDouble(RunRecord::score).toArray();
        }

        MeanSe score() {
            return MeanSe.of(scores());
        }

        /** Mean ± SE of time at goal at each evaluation, over the runs that reached it; x is the mean env steps. */
        LinePlot.Series curve() {
            int len = runs.stream().mapToInt(r -> r.timeAtGoal().length).max().orElse(0);
            double[] x = new double[len];
            double[] y = new double[len];
            double[] err = new double[len];
            for (int i = 0; i < len; i++) {
                final int at = i;
                List<RunRecord> reached = runs.stream().filter(r -> r.timeAtGoal().length > at).toList();
                x[i] = MeanSe.of(reached.stream().mapToDouble(r -> r.envSteps()[at]).toArray()).mean();
                MeanSe s = MeanSe.of(reached.stream().mapToDouble(r -> r.timeAtGoal()[at]).toArray());
                y[i] = s.mean();
                err[i] = s.se();
            }
            return new LinePlot.Series(label, x, y, err);
        }

        Double randomPolicy() {
            double[] r = runs.stream().filter(x -> x.randomPolicy() != null).mapToDouble(RunRecord::randomPolicy).toArray();
            return r.length == 0 ? null : MeanSe.of(r).mean();
        }
    }

    final List<Group> groups;
    /** Parameters whose value differs between groups (they name the groups). */
    final List<String> varying;

    ScalingReport(List<RunRecord> runs) {
        Map<Map<String, Object>, List<RunRecord>> byParams = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            byParams.computeIfAbsent(r.params(), k -> new ArrayList<>()).add(r);
        }
        Set<String> keys = new LinkedHashSet<>();
        byParams.keySet().forEach(p -> keys.addAll(p.keySet()));
        varying = keys.stream().filter(k -> byParams.keySet().stream().map(p -> p.get(k)).distinct().count() > 1).toList();
        List<Group> g = new ArrayList<>();
        for (Map.Entry<Map<String, Object>, List<RunRecord>> e : byParams.entrySet()) {
            List<RunRecord> seeds = new ArrayList<>(e.getValue());
            seeds.sort(Comparator.comparingLong(RunRecord::seed));
            g.add(new Group(label(e.getKey(), varying), e.getKey(), seeds));
        }
        g.sort(byValues(varying));
        groups = List.copyOf(g);
    }

    /** "depth=8 batch=512" from the varying parameters; the grid point's parameters when nothing varies. */
    static String label(Map<String, Object> params, List<String> varying) {
        List<String> keys = !varying.isEmpty() ? varying
                : SWEPT.stream().filter(k -> !k.equals("algo") || !"crl".equals(params.get("algo"))).toList();
        return keys.stream().map(k -> k + "=" + text(params.get(k))).collect(Collectors.joining(" "));
    }

    private static Comparator<Group> byValues(List<String> keys) {
        Comparator<Group> c = (a, b) -> 0;
        for (String k : keys) {
            c = c.thenComparing(g -> g.params().get(k), ScalingReport::compareValues);
        }
        return c;
    }

    static int compareValues(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y && (x.equals(Ablation.NONE.id) || y.equals(Ablation.NONE.id))) {
            return x.equals(y) ? 0 : x.equals(Ablation.NONE.id) ? -1 : 1; // the full network first
        }
        if (a instanceof String x && b instanceof String y && (x.equals("crl") || y.equals("crl"))) {
            return x.equals(y) ? 0 : x.equals("crl") ? -1 : 1; // contrastive RL before its baselines
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    }

    static String text(Object v) {
        if (v == null) {
            return "default"; // an option only some groups set (a baseline's, left at its default elsewhere)
        }
        return v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : String.valueOf(v);
    }

    /** The random policy's score when every run has the same evaluation task (else no single reference line). */
    Double randomPolicy() {
        if (groups.stream().map(g -> g.params().get("eval-env")).distinct().count() != 1) {
            return null;
        }
        double[] r = groups.stream().flatMap(g -> g.runs().stream()).filter(x -> x.randomPolicy() != null)
                .mapToDouble(RunRecord::randomPolicy).toArray();
        return r.length == 0 ? null : MeanSe.of(r).mean();
    }

    // ---- outputs ----------------------------------------------------------------------------------------------

    /** The markdown summary: one row per group. */
    String summaryMarkdown() {
        StringBuilder sb = new StringBuilder("# Scaling summary\n\n");
        sb.append("Score: mean time at goal (steps of 1000) over the last ").append(RunRecord.SCORE_EVALUATIONS)
                .append(" evaluations of each run; mean ± standard error over seeds.\n\n");
        List<String> evalTasks = groups.stream().flatMap(g -> g.finishedRuns().stream())
                .flatMap(r -> r.finalEvals().keySet().stream()).distinct().sorted().toList();
        sb.append("| group | seeds | score (mean ± SE) | per-seed scores | env steps | wall-clock | random policy |");
        evalTasks.forEach(t -> sb.append(" last checkpoint on ").append(cell(t)).append(" |"));
        sb.append("\n|---|---|---|---|---|---|---|").append("---|".repeat(evalTasks.size())).append("\n");
        boolean anyUnfinished = false;
        for (Group g : groups) {
            MeanSe s = g.score();
            List<RunRecord> done = g.finishedRuns();
            anyUnfinished |= done.size() < g.runs().size();
            String perSeed = g.runs().stream().map(r -> "s" + r.seed() + ": " + (r.finished() ? fmt(r.score())
                    : Double.isNaN(r.finalEnvSteps()) ? "unfinished (no evaluation yet)"
                    : String.format(Locale.ROOT, "unfinished (%,.0f steps)", r.finalEnvSteps())))
                    .collect(Collectors.joining(", "));
            double steps = MeanSe.of(done.stream().mapToDouble(RunRecord::finalEnvSteps).toArray()).mean();
            double wall = MeanSe.of(done.stream().mapToDouble(RunRecord::wallSeconds).toArray()).mean();
            Double random = g.randomPolicy();
            String score = meanSe(s) + (s.n() == 1 ? " (1 seed)" : "");
            sb.append("| ").append(g.label()).append(" | ").append(done.size()).append(" | ")
                    .append(score).append(" | ").append(perSeed).append(" | ")
                    .append(Double.isNaN(steps) ? "–" : String.format(Locale.ROOT, "%,.0f", steps)).append(" | ")
                    .append(Double.isNaN(wall) ? "–" : ProgressLine.duration(wall)).append(" | ")
                    .append(random == null ? "–" : fmt(random)).append(" |");
            for (String t : evalTasks) {
                List<RunRecord> with = done.stream().filter(r -> r.finalEvals().containsKey(t)).toList();
                MeanSe e = MeanSe.of(with.stream().mapToDouble(r -> r.finalEvals().get(t)).toArray());
                String perRun = with.isEmpty() ? "" : " (" + with.stream().map(r -> "s" + r.seed() + ": "
                        + fmt(r.finalEvals().get(t))).collect(Collectors.joining(", ")) + ")";
                sb.append(" ").append(meanSe(e))
                        .append(perRun).append(" |");
            }
            sb.append("\n");
        }
        if (!evalTasks.isEmpty()) {
            sb.append("\n\"Last checkpoint on TASK\": `./crl4j eval RUN --env TASK --record` (time at goal; mean ± SE, then "
                    + "per seed).\n");
        }
        if (anyUnfinished) {
            sb.append("\nUnfinished runs (no finished.json: still running or interrupted) are drawn in the learning "
                    + "curves but left out of scores, seed counts, env steps and wall-clock.\n");
        }
        return sb.toString();
    }

    /** Text safe inside a markdown table cell (custom maze ids may span lines). */
    static String cell(String text) {
        return text.replaceAll("\\s+", " ").replace("|", "\\|");
    }

    /** "mean ± SE"; just the mean for one value (its SE is not defined), "–" for none. */
    static String meanSe(MeanSe s) {
        return s.n() == 0 ? "–" : s.n() == 1 ? fmt(s.mean()) : fmt(s.mean()) + " ± " + fmt(s.se());
    }

    static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.1f", v);
    }

    /** summary.md, learning_curves.png/svg and score_vs_PARAM.png/svg for each swept parameter that varies. */
    List<Path> write(Path out) throws IOException {
        java.nio.file.Files.createDirectories(out);
        List<Path> written = new ArrayList<>();
        Path summary = out.resolve("summary.md");
        AtomicFiles.writeString(summary, summaryMarkdown());
        written.add(summary);
        String task = groups.stream().map(g -> String.valueOf(g.params().get("eval-env"))).distinct()
                .collect(Collectors.joining(", "));
        LinePlot curves = new LinePlot("time at goal on " + task + " (mean ± SE over seeds)", "environment steps",
                "steps at goal (of 1000)");
        groups.forEach(g -> curves.add(g.curve()));
        written.addAll(write(withRandom(curves), out, "learning_curves"));
        for (String param : SWEPT) {
            if (varying.contains(param)) {
                written.addAll(write(withRandom(scoreVs(param, task)), out, "score_vs_" + param));
            }
        }
        return written;
    }

    private LinePlot withRandom(LinePlot plot) {
        Double random = randomPolicy();
        return random == null ? plot : plot.reference("random policy", random);
    }

    private static List<Path> write(LinePlot plot, Path out, String name) throws IOException {
        Path png = out.resolve(name + ".png");
        Path svg = out.resolve(name + ".svg");
        plot.writePng(png);
        plot.writeSvg(svg);
        return List.of(png, svg);
    }

    /** Final score against one parameter (its values as evenly spaced categories), a line per setting of the others. */
    LinePlot scoreVs(String param, String task) {
        List<Object> values = groups.stream().map(g -> g.params().get(param)).distinct()
                .sorted(ScalingReport::compareValues).toList();
        List<String> others = varying.stream().filter(k -> !k.equals(param)).toList();
        Map<String, List<Group>> lines = new LinkedHashMap<>(); // groups are sorted, so lines are too
        for (Group g : groups) {
            lines.computeIfAbsent(others.isEmpty() ? "crl4j" : label(g.params(), others), k -> new ArrayList<>()).add(g);
        }
        LinePlot plot = new LinePlot("score vs " + param + " on " + task + " (mean ± SE over seeds)", param,
                "time at goal, last " + RunRecord.SCORE_EVALUATIONS + " evaluations")
                .xCategories(values.stream().map(ScalingReport::text).toList());
        for (Map.Entry<String, List<Group>> line : lines.entrySet()) {
            List<Group> pts = line.getValue().stream().filter(g -> g.score().n() > 0).toList(); // none finished: no point
            double[] x = pts.stream().mapToDouble(g -> values.indexOf(g.params().get(param))).toArray();
            double[] y = pts.stream().mapToDouble(g -> g.score().mean()).toArray();
            double[] err = pts.stream().mapToDouble(g -> g.score().se()).toArray();
            plot.add(new LinePlot.Series(line.getKey(), x, y, err));
        }
        return plot;
    }

    /** The report of every run in {@code paths} (sweep or run directories; a run named twice counts once). */
    static ScalingReport load(List<Path> paths) {
        Set<Path> dirs = new LinkedHashSet<>();
        for (Path p : paths) {
            dirs.addAll(runDirs(p));
        }
        return new ScalingReport(dirs.stream().map(RunRecord::load).toList());
    }

    /** Every run in {@code path}: the run itself, or the run directories below it (a sweep), in name order. */
    static List<Path> runDirs(Path path) {
        if (!java.nio.file.Files.exists(path)) {
            throw new IllegalArgumentException(path + " does not exist");
        }
        if (java.nio.file.Files.isRegularFile(path.resolve("config.json"))) {
            return List.of(path);
        }
        try (var found = java.nio.file.Files.find(path, 4, (p, a) -> a.isRegularFile()
                && p.getFileName().toString().equals("config.json"))) {
            List<Path> dirs = found.map(Path::getParent).filter(Objects::nonNull).sorted().toList();
            if (dirs.isEmpty()) {
                throw new IllegalArgumentException(path + " holds no runs (no config.json in it or below it); give a sweep "
                        + "directory or run directories written by 'train'");
            }
            return dirs;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage());
        }
    }
}
