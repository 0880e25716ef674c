package org.crl4j.cluster.ranks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.crl4j.bench.DataParallelBenchmark;
import org.crl4j.cluster.ClusterNode;
import org.crl4j.core.Parallel;
import org.crl4j.rl.CrlAgent;
import org.crl4j.rl.CrlConfig;

/**
 * K data-parallel ranks as K JVMs on this machine, talking over loopback through {@link ClusterRanks}, against one
 * rank with the whole batch: the transport's real cost, which {@link DataParallelBenchmark}'s in-JVM ranks leave
 * out. Both sides time exactly {@link DataParallelBenchmark#rankLoop}. This JVM is rank 0 (the seed) and starts
 * ranks 1..K−1 as child JVMs with the same class path and JVM options.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp CLASSPATH org.crl4j.cluster.ranks.RanksBenchmark \
 *     [--ranks 2] [--width 256] [--depth 16] [--batch 512] [--steps 10] [--warmup 5] [--rounds 2] \
 *     [--owners ROUND_ROBIN|RANK_ZERO] [--chunk-floats 49152] [--large-frames] [--transport-only]
 * </pre>
 *
 * <p>{@code --transport-only} leaves the SGD step out: the ranks do nothing but all-reduce a gradient of the step's
 * size, back to back, which is the transport's own cost without the wait for a slower rank.
 */
public final class RanksBenchmark {
    private static final String RESULT = "RANK_TIME";

    private RanksBenchmark() {
    }

    private record Options(int ranks, int width, int depth, int batch, int steps, int warmup, int rounds,
                           ClusterRanks.Owners owners, int chunkFloats, boolean largeFrames, boolean transportOnly,
                           int rank, String seed, String runId) {
        static Options parse(String[] args) {
            Map<String, String> a = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument " + args[i]);
                }
                String key = args[i].substring(2);
                a.put(key, key.equals("large-frames") || key.equals("transport-only") ? "true" : args[++i]);
            }
            return new Options(num(a, "ranks", 2), num(a, "width", 256), num(a, "depth", 16), num(a, "batch", 512),
                    num(a, "steps", 10), num(a, "warmup", 5), num(a, "rounds", 2),
                    ClusterRanks.Owners.valueOf(a.getOrDefault("owners", "ROUND_ROBIN").toUpperCase(Locale.ROOT)),
                    num(a, "chunk-floats", ClusterRanks.Settings.DEFAULT_CHUNK_FLOATS), a.containsKey("large-frames"),
                    a.containsKey("transport-only"),
                    num(a, "rank", 0), a.get("seed"), a.getOrDefault("run-id", "bench"));
        }

        private static int num(Map<String, String> a, String key, int dflt) {
            return a.containsKey(key) ? Integer.parseInt(a.get(key)) : dflt;
        }

        List<String> childArgs(int childRank, String seedHostPort, String run) {
            List<String> out = new ArrayList<>(List.of("--ranks", "" + ranks, "--width", "" + width, "--depth",
                    "" + depth, "--batch", "" + batch, "--steps", "" + steps, "--warmup", "" + warmup, "--owners",
                    owners.name(), "--chunk-floats", "" + chunkFloats, "--rank", "" + childRank, "--seed",
                    seedHostPort, "--run-id", run));
            if (largeFrames) {
                out.add("--large-frames");
            }
            if (transportOnly) {
                out.add("--transport-only");
            }
            return out;
        }

        ClusterRanks.Settings settings() {
            return ClusterRanks.Settings.defaults().withOwners(owners).withChunkFloats(chunkFloats);
        }

        Config extraConfig() {
            return largeFrames ? ClusterRanks.largeChunkConfig(chunkFloats) : ConfigFactory.empty();
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        if (o.batch() % o.ranks() != 0) {
            throw new IllegalArgumentException("--batch " + o.batch() + " is not divisible by --ranks " + o.ranks());
        }
        if (o.seed() != null) {
            child(o);
            return;
        }
        CrlConfig cfg = CrlConfig.paper(o.width(), o.depth());
        if (o.transportOnly()) {
            transportOnly(o, cfg);
            return;
        }
        try (Parallel pool = new Parallel(1)) {
            CrlAgent a = new CrlAgent(DataParallelBenchmark.STATE, DataParallelBenchmark.ACTION,
                    DataParallelBenchmark.GOAL, cfg, pool);
            System.out.printf(Locale.ROOT, "W%d D%d B%d, %d ranks x 1 thread vs 1 x 1; gradients: actor %.2f MB, "
                            + "critic %.2f MB per step; owners %s, %d floats (%d KiB) a chunk%s%n", o.width(), o.depth(),
                    o.batch(), o.ranks(), a.actorParams().grads().length * 4e-6, a.criticParams().grads().length * 4e-6,
                    o.owners(), o.chunkFloats(), o.chunkFloats() * 4 / 1024, o.largeFrames() ? ", large-message lane"
                            : "");
        }
        System.out.println("| round | 1 rank (SGD steps/s) | " + o.ranks() + " rank JVMs (SGD steps/s) | ratio | "
                + "all-reduce per step, rank 0 |");
        System.out.println("|---|---|---|---|---|");
        try (ClusterNode seed = ClusterNode.startSeed(ClusterNode.LOOPBACK, 0, false, o.extraConfig())) {
            seed.awaitUp(Duration.ofSeconds(30));
            for (int round = 1; round <= o.rounds(); round++) {
                DataParallelBenchmark.Result one = DataParallelBenchmark.run(o.width(), o.depth(), o.batch(), 1, 1,
                        o.steps(), o.warmup());
                double[] many = distributed(o, cfg, seed, "r" + round);
                System.out.printf(Locale.ROOT, "| %d | %.2f | %.2f | %.2fx | %.1f ms |%n", round,
                        one.stepsPerSecond(), many[0], many[0] / one.stepsPerSecond(), many[1] * 1e3);
            }
        }
    }

    /** The all-reduce alone, of the step's gradient size, per round: one table row each. */
    private static void transportOnly(Options o, CrlConfig cfg) throws Exception {
        System.out.printf(Locale.ROOT, "all-reduce of %d floats (%.2f MB) alone, %d rank JVMs, owners %s%n",
                gradientFloats(cfg), gradientFloats(cfg) * 4e-6, o.ranks(), o.owners());
        System.out.println("| round | all-reduce per step, rank 0 | GB/s (gradient bytes / time) |");
        System.out.println("|---|---|---|");
        try (ClusterNode seed = ClusterNode.startSeed(ClusterNode.LOOPBACK, 0, false, o.extraConfig())) {
            seed.awaitUp(Duration.ofSeconds(30));
            for (int round = 1; round <= o.rounds(); round++) {
                double[] t = distributed(o, cfg, seed, "t" + round);
                System.out.printf(Locale.ROOT, "| %d | %.1f ms | %.2f |%n", round, t[1] * 1e3,
                        gradientFloats(cfg) * 4e-9 / t[1]);
            }
        }
    }

    /** Floats the step all-reduces: the actor's, α's and the critic's gradients. */
    private static int gradientFloats(CrlConfig cfg) {
        try (Parallel pool = new Parallel(1)) {
            CrlAgent a = new CrlAgent(DataParallelBenchmark.STATE, DataParallelBenchmark.ACTION,
                    DataParallelBenchmark.GOAL, cfg, pool);
            return a.actorParams().grads().length + a.criticParams().grads().length + 1;
        }
    }

    /** One rank's loop: the SGD step of the benchmark, or with --transport-only the all-reduce alone. */
    private static DataParallelBenchmark.RankTime loop(Options o, CrlConfig cfg, int rank, ClusterRanks ranks) {
        if (!o.transportOnly()) {
            return DataParallelBenchmark.rankLoop(cfg, o.batch() / o.ranks(), rank, ranks, 1, o.steps(), o.warmup());
        }
        float[] g = new float[gradientFloats(cfg)];
        java.util.Arrays.fill(g, 0.5f);
        for (int i = 0; i < o.warmup(); i++) {
            ranks.allReduceMean(org.crl4j.rl.ranks.GradientReducer.Group.ALL, g);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < o.steps(); i++) {
            ranks.allReduceMean(org.crl4j.rl.ranks.GradientReducer.Group.ALL, g);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        return new DataParallelBenchmark.RankTime(s, s);
    }

    /** One timed run of K rank JVMs; returns {global SGD steps/s, rank 0's all-reduce seconds per step}. */
    private static double[] distributed(Options o, CrlConfig cfg, ClusterNode seed, String run) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        List<CompletableFuture<double[]>> childTimes = new ArrayList<>();
        try {
            for (int r = 1; r < o.ranks(); r++) {
                List<String> cmd = new ArrayList<>(List.of(java));
                cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), RanksBenchmark.class.getName()));
                cmd.addAll(o.childArgs(r, ClusterNode.LOOPBACK + ":" + seed.port(), run));
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                children.add(p);
                childTimes.add(CompletableFuture.supplyAsync(() -> readResult(p)));
            }
            DataParallelBenchmark.RankTime t;
            try (ClusterRanks ranks = ClusterRanks.join(seed.system(), run, 0, o.ranks(), o.settings())) {
                t = loop(o, cfg, 0, ranks);
            }
            double seconds = t.seconds();
            for (CompletableFuture<double[]> c : childTimes) {
                seconds = Math.max(seconds, c.get(10, TimeUnit.MINUTES)[0]);
            }
            for (Process p : children) {
                p.waitFor(60, TimeUnit.SECONDS);
            }
            return new double[] {o.steps() / seconds, t.reduceSeconds() / o.steps()};
        } finally {
            children.forEach(Process::destroy);
        }
    }

    private static double[] readResult(Process p) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith(RESULT + " ")) {
                    String[] f = line.split(" ");
                    return new double[] {Double.parseDouble(f[2]), Double.parseDouble(f[3])};
                }
            }
            throw new IllegalStateException("a rank JVM exited without a result (exit " + p.waitFor() + ")");
        } catch (Exception e) {
            throw new IllegalStateException("reading a rank JVM's result: " + e, e);
        }
    }

    /** A rank 1..K−1 JVM: joins the seed, runs the same loop, prints its times. */
    private static void child(Options o) throws Exception {
        CrlConfig cfg = CrlConfig.paper(o.width(), o.depth());
        try (ClusterNode node = ClusterNode.startJoining(ClusterNode.LOOPBACK, 0, ClusterNode.parseSeed(o.seed()),
                false, o.extraConfig())) {
            node.awaitUp(Duration.ofSeconds(30));
            DataParallelBenchmark.RankTime t;
            try (ClusterRanks ranks = ClusterRanks.join(node.system(), o.runId(), o.rank(), o.ranks(), o.settings())) {
                t = loop(o, cfg, o.rank(), ranks);
            }
            System.out.println(RESULT + " " + o.rank() + " " + t.seconds() + " " + t.reduceSeconds());
            System.out.flush();
        }
    }
}
