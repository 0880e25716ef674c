package org.crl4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a sweep trains: every combination of algorithm × depth × width × batch × ablation, each with seeds 1..seeds,
 * on one task,
 * with the same other {@code train} flags. This is what sweep.json records; two sweeps are the same when their grids
 * are equal, and a sweep may grow into one with more seeds or more final evaluations (see {@link #canGrowInto}).
 *
 * @param steps      --total-env-steps of every run, null for train's default
 * @param trainFlags the other train flags, passed to every run as given
 * @param finalEvals tasks every finished run's last checkpoint is evaluated on ({@code eval --record}), e.g. a maze's
 *                   far goals
 * @param algos      train's --algo of each point (crl alone unless --algo lists more)
 */
record SweepGrid(String env, List<Integer> depths, List<Integer> widths, List<Integer> batches, List<Ablation> ablations,
                 int seeds, Long steps, List<String> trainFlags, List<String> finalEvals, List<String> algos) {

    /** A sweep of contrastive RL only. */
    SweepGrid(String env, List<Integer> depths, List<Integer> widths, List<Integer> batches, List<Ablation> ablations,
              int seeds, Long steps, List<String> trainFlags, List<String> finalEvals) {
        this(env, depths, widths, batches, ablations, seeds, steps, trainFlags, finalEvals, List.of("crl"));
    }

    SweepGrid {
        requireNonEmptyDistinct("--algo", algos);
        algos = algos.stream().map(a -> org.crl4j.rl.Algo.parse(a).id()).toList();
        requireNonEmptyDistinct("--depth", depths);
        requireNonEmptyDistinct("--width", widths);
        requireNonEmptyDistinct("--batch", batches);
        requireNonEmptyDistinct("--ablation", ablations);
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be at least 1 (it is the number of seeds: 3 runs seeds 1, 2, 3)");
        }
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("--steps must be positive");
        }
        depths = List.copyOf(depths);
        widths = List.copyOf(widths);
        batches = List.copyOf(batches);
        ablations = List.copyOf(ablations);
        trainFlags = List.copyOf(trainFlags);
        finalEvals = List.copyOf(finalEvals);
        if (finalEvals.stream().distinct().count() != finalEvals.size()) {
            throw new IllegalArgumentException("--final-eval lists a task twice: " + finalEvals);
        }
    }

    private static void requireNonEmptyDistinct(String flag, List<?> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs at least one value");
        }
        if (values.stream().distinct().count() != values.size()) {
            throw new IllegalArgumentException(flag + " lists a value twice: " + values);
        }
    }

    /** One grid point: an algorithm, a network and batch size (seeds aside). */
    record Point(int depth, int width, int batch, Ablation ablation, String algo) {
        Point(int depth, int width, int batch, Ablation ablation) {
            this(depth, width, batch, ablation, "crl");
        }

        /**
         * The point's directory name, e.g. d16-w256-b512, d16-w256-b512-no-residual, or sac_her-d16-w256-b512 (a
         * baseline's).
         */
        String name() {
            return (algo.equals("crl") ? "" : algo + "-") + "d" + depth + "-w" + width + "-b" + batch
                    + (ablation == Ablation.NONE ? "" : "-" + ablation.id);
        }

        /** The train flags that set this point (depth and width apply to both the critic and the actor, as the paper). */
        List<String> trainArgs() {
            List<String> a = new ArrayList<>(List.of("--critic-depth", "" + depth, "--actor-depth", "" + depth,
                    "--critic-width", "" + width, "--actor-width", "" + width, "--batch-size", "" + batch));
            if (ablation.trainFlag != null) {
                a.add(ablation.trainFlag);
            }
            if (!algo.equals("crl")) {
                a.addAll(List.of("--algo", algo));
            }
            return a;
        }
    }

    /** One run of the sweep: a point and a seed, in SWEEP_DIR/POINT/seedS. */
    record Run(Point point, int seed) {
        Path dir(Path sweepDir) {
            return sweepDir.resolve(point.name()).resolve("seed" + seed);
        }

        String name() {
            return point.name() + "/seed" + seed;
        }
    }

    List<Point> points() {
        List<Point> out = new ArrayList<>();
        for (String algo : algos) {
            for (int d : depths) {
                for (int w : widths) {
                    for (int b : batches) {
                        for (Ablation a : ablations) {
                            out.add(new Point(d, w, b, a, algo));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** Every run, seed-major: a sweep stopped half-way has already covered every point with the first seeds. */
    List<Run> runs() {
        List<Run> out = new ArrayList<>();
        for (int s = 1; s <= seeds; s++) {
            for (Point p : points()) {
                out.add(new Run(p, s));
            }
        }
        return out;
    }

    /** The train command line of a fresh run (the sweep adds --run-dir and --threads). */
    List<String> trainArgs(Run run) {
        List<String> a = new ArrayList<>(List.of("train", "--env", env));
        a.addAll(run.point().trainArgs());
        a.addAll(List.of("--seed", "" + run.seed()));
        if (steps != null) {
            a.addAll(List.of("--total-env-steps", "" + steps));
        }
        a.addAll(trainFlags);
        return a;
    }

    // ---- sweep.json ----------------------------------------------------------------------------------------------

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("env", env);
        m.put("depth", depths);
        m.put("width", widths);
        m.put("batch", batches);
        m.put("ablation", ablations.stream().map(a -> a.id).toList());
        m.put("seeds", seeds);
        m.put("steps", steps);
        m.put("train_flags", trainFlags);
        m.put("final_eval", finalEvals);
        if (!algos.equals(List.of("crl"))) {
            m.put("algo", algos); // absent: contrastive RL only (and every sweep.json from before the baselines)
        }
        return m;
    }

    static SweepGrid fromJson(Map<String, Object> m) {
        try {
            Object steps = m.get("steps");
            return new SweepGrid((String) Objects.requireNonNull(m.get("env"), "env"), ints(m.get("depth")),
                    ints(m.get("width")), ints(m.get("batch")),
                    strings(m.get("ablation")).stream().map(Ablation::parse).toList(),
                    ((Number) m.get("seeds")).intValue(), steps == null ? null : ((Number) steps).longValue(),
                    strings(m.get("train_flags")),
                    m.containsKey("final_eval") ? strings(m.get("final_eval")) : List.of(), // absent before session 4
                    m.containsKey("algo") ? strings(m.get("algo")) : List.of("crl"));
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("malformed (" + e.getMessage() + ")");
        }
    }

    private static List<Integer> ints(Object o) {
        return ((List<?>) o).stream().map(v -> ((Number) v).intValue()).toList();
    }

    private static List<String> strings(Object o) {
        return ((List<?>) o).stream().map(v -> (String) v).toList();
    }

    /**
     * True when this sweep (already on disk) may become {@code bigger} by adding seeds and final evaluations only:
     * every run it has trained stays a run of {@code bigger}, so re-running with more --seeds or another --final-eval
     * extends a finished study instead of starting a new one. The order values and train flags are listed in does not
     * matter ({@code --depth 16,4} is {@code --depth 4,16}), only what the runs are.
     */
    boolean canGrowInto(SweepGrid bigger) {
        return sameRuns(bigger) && bigger.seeds >= seeds && bigger.finalEvals.containsAll(finalEvals);
    }

    /** This sweep with {@code bigger}'s seeds and final evaluations: what sweep.json records after growing into it. */
    SweepGrid grownTo(SweepGrid bigger) {
        return new SweepGrid(env, depths, widths, batches, ablations, bigger.seeds, steps, trainFlags, bigger.finalEvals,
                algos);
    }

    /** What differs from {@code other}, e.g. "depth [4, 8] here, [4, 16] there"; empty when they are the same sweep. */
    List<String> differences(SweepGrid other) {
        List<String> out = new ArrayList<>();
        Map<String, Object> mine = toJson();
        Map<String, Object> theirs = other.toJson();
        Map<String, Object> mineKey = canonical().toJson();
        Map<String, Object> theirsKey = other.canonical().toJson();
        for (String key : mine.keySet()) {
            if (!Objects.equals(mineKey.get(key), theirsKey.get(key))) {
                out.add(key + " " + mine.get(key) + " here, " + theirs.get(key) + " there");
            }
        }
        return out;
    }

    /** True when both sweeps train the same runs per seed (seeds and final evaluations aside). */
    private boolean sameRuns(SweepGrid other) {
        SweepGrid a = canonical();
        SweepGrid b = other.canonical();
        return a.env.equals(b.env) && a.depths.equals(b.depths) && a.widths.equals(b.widths) && a.batches.equals(b.batches)
                && a.ablations.equals(b.ablations) && Objects.equals(a.steps, b.steps) && a.trainFlags.equals(b.trainFlags)
                && a.algos.equals(b.algos);
    }

    /** Every list sorted, train flags sorted by option (each with its values): the form in which order does not count. */
    private SweepGrid canonical() {
        List<List<String>> groups = new ArrayList<>();
        for (String arg : trainFlags) {
            int eq = arg.indexOf('=');
            boolean option = arg.startsWith("--");
            if (groups.isEmpty() || option) {
                groups.add(new ArrayList<>());
            }
            List<String> group = groups.get(groups.size() - 1); // an option's values stay with it: --num-envs 16
            if (option && eq > 0) { // --num-envs=16 is --num-envs 16
                group.add(arg.substring(0, eq));
                group.add(arg.substring(eq + 1));
            } else {
                group.add(arg);
            }
        }
        List<String> flags = groups.stream().sorted(Comparator.comparing(g -> String.join(" ", g)))
                .flatMap(List::stream).toList();
        return new SweepGrid(env, depths.stream().sorted().toList(), widths.stream().sorted().toList(),
                batches.stream().sorted().toList(), ablations.stream().sorted().toList(), seeds, steps, flags,
                finalEvals.stream().sorted().toList(), algos.stream().sorted().toList());
    }
}
