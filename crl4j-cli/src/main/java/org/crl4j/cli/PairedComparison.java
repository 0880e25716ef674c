package org.crl4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * {@code compare}'s numbers: runs that differ in one option ({@code by}), paired by seed within each setting of the
 * other options, with per-seed values, mean ± SE of each arm and of the paired differences, and a two-sided paired t
 * test. Pairing by seed is what makes a few seeds informative: a seed fixes the environments' starts and goals, so
 * much of the seed-to-seed spread (an easy or a hard set of goals) cancels in the differences.
 */
final class PairedComparison {
    /** One metric of one run: the score, or the last checkpoint's time at goal on a final-evaluation task. */
    record Metric(String name, String task) {
        double of(RunRecord r) {
            return task == null ? r.score() : r.finalEvals().getOrDefault(task, Double.NaN);
        }
    }

    /** The paired statistics of one metric: the differences (other − baseline), their mean ± SE, t and p. */
    record Test(MeanSe difference, double t, double p, int higher, int pairs) {
        static Test of(double[] baseline, double[] other) {
            double[] d = new double[baseline.length];
            int higher = 0;
            for (int i = 0; i < d.length; i++) {
                d[i] = other[i] - baseline[i];
                higher += d[i] > 0 ? 1 : 0;
            }
            MeanSe s = MeanSe.of(d);
            double t = s.n() < 2 ? Double.NaN : s.se() == 0 ? (s.mean() == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, s.mean()))
                    : s.mean() / s.se();
            double p = s.n() < 2 ? Double.NaN : s.se() == 0 && s.mean() == 0 ? 1 : StudentT.twoSidedP(t, s.n() - 1);
            return new Test(s, t, p, higher, d.length);
        }
    }

    private PairedComparison() {
    }

    /** The option {@code requested}, or the only one that varies; a one-line error naming the choices otherwise. */
    static String option(ScalingReport report, String requested) {
        List<String> varying = report.varying;
        if (requested == null) {
            if (varying.size() == 1) {
                return varying.get(0);
            }
            throw new IllegalArgumentException(varying.isEmpty()
                    ? "compare: every run has the same options, so there is nothing to compare; give runs that differ in one option"
                    : "compare: several options vary (" + String.join(", ", varying) + "); name the one to compare with --by");
        }
        if (!varying.contains(requested)) {
            throw new IllegalArgumentException("compare: --by " + requested + " does not vary between these runs; "
                    + (varying.isEmpty() ? "no option does" : "options that vary: " + String.join(", ", varying)));
        }
        return requested;
    }

    /** The markdown report: one table per setting of the other options and per value of {@code by} but the baseline. */
    static String markdown(ScalingReport report, String by, String baseline) {
        List<String> context = report.varying.stream().filter(k -> !k.equals(by)).toList();
        Map<String, Map<Object, ScalingReport.Group>> settings = new LinkedHashMap<>(); // groups are sorted already
        for (ScalingReport.Group g : report.groups) {
            String key = context.isEmpty() ? "" : ScalingReport.label(g.params(), context);
            settings.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(g.params().get(by), g);
        }
        if (baseline != null && report.groups.stream().noneMatch(g -> ScalingReport.text(g.params().get(by)).equals(baseline))) {
            throw new IllegalArgumentException("compare: no run has " + by + "=" + baseline + "; values: "
                    + String.join(", ", report.groups.stream().map(g -> ScalingReport.text(g.params().get(by))).distinct().toList()));
        }
        StringBuilder sb = new StringBuilder("# Paired comparison by ").append(by).append("\n\n");
        sb.append("Score: mean time at goal over the last ").append(RunRecord.SCORE_EVALUATIONS).append(" evaluations; "
                + "\"on TASK\": the last checkpoint's time at goal from a final evaluation. Runs pair by seed; a difference "
                + "is the other arm minus the baseline; p is a two-sided paired t test. Unfinished runs are left out.\n");
        int compared = 0;
        for (Map.Entry<String, Map<Object, ScalingReport.Group>> setting : settings.entrySet()) {
            List<ScalingReport.Group> arms = new ArrayList<>(setting.getValue().values());
            ScalingReport.Group base = arms.stream().filter(g -> baseline != null
                    && ScalingReport.text(g.params().get(by)).equals(baseline)).findFirst().orElse(baseline == null ? arms.get(0) : null);
            if (base == null || arms.size() < 2) {
                continue;
            }
            for (ScalingReport.Group other : arms) {
                if (other != base) {
                    table(sb, by, setting.getKey(), base, other);
                    compared++;
                }
            }
        }
        if (compared == 0) {
            sb.append("\nNo setting of the other options has runs with two values of ").append(by).append(".\n");
        }
        return sb.toString();
    }

    private static void table(StringBuilder sb, String by, String setting, ScalingReport.Group base, ScalingReport.Group other) {
        String a = by + "=" + ScalingReport.text(base.params().get(by));
        String b = by + "=" + ScalingReport.text(other.params().get(by));
        Map<Long, RunRecord> left = bySeed(base);
        Map<Long, RunRecord> right = bySeed(other);
        List<Long> seeds = left.keySet().stream().filter(right::containsKey).toList();
        List<Metric> metrics = new ArrayList<>(List.of(new Metric("score", null)));
        left.values().stream().flatMap(r -> r.finalEvals().keySet().stream()).distinct().sorted()
                .filter(t -> seeds.stream().allMatch(s -> left.get(s).finalEvals().containsKey(t)
                        && right.get(s).finalEvals().containsKey(t)))
                .forEach(t -> metrics.add(new Metric("on " + ScalingReport.cell(t), t)));
        sb.append("\n## ").append(b).append(" against ").append(a);
        sb.append(setting.isEmpty() ? "" : " (" + setting + ")").append("\n\n");
        if (seeds.isEmpty()) {
            sb.append("No seed has a finished run in both arms.\n");
            return;
        }
        sb.append("| seed |");
        for (Metric m : metrics) {
            sb.append(' ').append(m.name()).append(", ").append(a).append(" | ").append(m.name()).append(", ").append(b)
                    .append(" | difference |");
        }
        sb.append("\n|---|").append("---|---|---|".repeat(metrics.size())).append('\n');
        List<Test> tests = new ArrayList<>();
        StringBuilder means = new StringBuilder("| mean ± SE |");
        for (Metric m : metrics) {
            double[] x = values(seeds, left, m::of);
            double[] y = values(seeds, right, m::of);
            Test t = Test.of(x, y);
            tests.add(t);
            means.append(' ').append(ScalingReport.meanSe(MeanSe.of(x))).append(" | ")
                    .append(ScalingReport.meanSe(MeanSe.of(y))).append(" | ").append(signed(t.difference())).append(" |");
        }
        for (long s : seeds) {
            sb.append("| ").append(s).append(" |");
            for (Metric m : metrics) {
                double x = m.of(left.get(s));
                double y = m.of(right.get(s));
                sb.append(' ').append(ScalingReport.fmt(x)).append(" | ").append(ScalingReport.fmt(y)).append(" | ")
                        .append(signed(y - x)).append(" |");
            }
            sb.append('\n');
        }
        sb.append(means).append("\n\n");
        for (int i = 0; i < metrics.size(); i++) {
            Test t = tests.get(i);
            sb.append("- ").append(metrics.get(i).name()).append(": ").append(b).append(" is higher in ")
                    .append(t.higher()).append(" of ").append(t.pairs()).append(" pairs; ");
            if (t.pairs() < 2) {
                sb.append("one pair, no test.\n");
            } else if (Double.isNaN(t.difference().mean())) {
                sb.append("no values.\n");
            } else {
                sb.append(String.format(Locale.ROOT, "paired t = %.2f, %d df, p = %s.%n", t.t(), t.pairs() - 1, p(t.p())));
            }
        }
        List<String> alone = new ArrayList<>();
        left.keySet().stream().filter(s -> !right.containsKey(s)).forEach(s -> alone.add("s" + s + " (" + a + ")"));
        right.keySet().stream().filter(s -> !left.containsKey(s)).forEach(s -> alone.add("s" + s + " (" + b + ")"));
        if (!alone.isEmpty()) {
            sb.append("- Finished in one arm only, left out: ").append(String.join(", ", alone)).append(".\n");
        }
    }

    private static Map<Long, RunRecord> bySeed(ScalingReport.Group g) {
        Map<Long, RunRecord> m = new TreeMap<>();
        g.finishedRuns().forEach(r -> m.put(r.seed(), r));
        return m;
    }

    private static double[] values(List<Long> seeds, Map<Long, RunRecord> runs, ToDoubleFunction<RunRecord> f) {
        return seeds.stream().mapToDouble(s -> f.applyAsDouble(runs.get(s))).toArray();
    }

    private static String signed(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%+.1f", v);
    }

    private static String signed(MeanSe s) {
        return s.n() == 0 ? "–" : s.n() == 1 ? signed(s.mean()) : signed(s.mean()) + " ± " + ScalingReport.fmt(s.se());
    }

    private static String p(double p) {
        return Double.isNaN(p) ? "–" : p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
    }
}
