package org.crl4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;

import org.crl4j.bench.NnBenchmark;
import org.crl4j.core.Simd;
import org.crl4j.nn.MlpOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crl4j bench …}: speed measurements. */
@Command(name = "bench", description = "Measure speed: the network training step (nn), the whole CRL SGD step on "
        + "data-parallel ranks (sgd), each algorithm's SGD step (algos) or a single GEMM (gemm).",
        mixinStandardHelpOptions = true, subcommands = {BenchCommand.Nn.class, BenchCommand.Sgd.class, BenchCommand.Algos.class, BenchCommand.PolicyCmd.class, BenchCommand.GemmCmd.class})
public final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    @Command(name = "nn", mixinStandardHelpOptions = true,
            description = "Time one training step (forward + backward + Adam) of a residual trunk with a 64-unit head.")
    static final class Nn implements Runnable {
        @Option(names = "--width", defaultValue = "256", description = "Hidden width W (default ${DEFAULT-VALUE}).")
        int width;
        @Option(names = "--depth", defaultValue = "64", description = "Depth D, a multiple of 4 (default ${DEFAULT-VALUE}).")
        int depth;
        @Option(names = "--batch", defaultValue = "512", description = "Batch size B (default ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--in-dim", defaultValue = "64", description = "Input features (default ${DEFAULT-VALUE}).")
        int inDim;
        @Option(names = "--threads", description = "Worker threads (default: all cores).")
        Integer threads;
        @Option(names = "--steps", description = "Timed steps (default: enough for about 3 s, at least 3).")
        Integer steps;
        @Option(names = "--warmup", defaultValue = "20", description = "Untimed warm-up steps, at least (default ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--warmup-seconds", defaultValue = "5",
                description = "Untimed warm-up time, at least: the JIT needs it (default ${DEFAULT-VALUE}).")
        double warmupSeconds;
        @Option(names = "--rounds", defaultValue = "3",
                description = "With --compare-torch: alternating crl4j/libtorch rounds (default ${DEFAULT-VALUE}).")
        int rounds;
        @Option(names = "--recompute", defaultValue = "auto", description = "Activation recomputation: auto, on, off (default ${DEFAULT-VALUE}).")
        String recompute;
        @Option(names = "--peak-gflops-per-core",
                description = "FP32 peak per core for the %% of peak (default: measured now with an FMA loop on the same threads).")
        Double peakPerCore;
        @Option(names = "--compare-torch",
                description = "Also time the identical step in libtorch (child processes, its fastest OpenBLAS kernels).")
        boolean compareTorch;
        @Option(names = "--json", description = "Print one JSON object as the last line.")
        boolean json;

        @Override
        public void run() {
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            if (t < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + t);
            }
            if (batch < 1 || inDim < 1) {
                throw new IllegalArgumentException("--batch and --in-dim must be at least 1");
            }
            MlpOptions.paper(width, depth); // validates width and depth with a clear message
            MlpOptions.Recompute rc = MlpOptions.Recompute.parse(recompute);
            if (warmup < 0 || warmupSeconds < 0 || rounds < 1 || (steps != null && steps < 1)) {
                throw new IllegalArgumentException("--warmup and --warmup-seconds must be ≥ 0, --steps and --rounds ≥ 1");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            try (NnBenchmark.Session session = new NnBenchmark.Session(new NnBenchmark.Config(width, depth, batch,
                    inDim, t, rc, warmup, warmupSeconds, steps == null ? 3 : steps, 1))) {
                session.warmUp();
                int timed = steps != null ? steps : 3;
                if (steps == null) {
                    // Calibrate on the warm step: as many steps as fit in about 3 seconds.
                    double probe = session.time(3).msPerStep();
                    timed = (int) Math.max(3, Math.min(1000, 3000 / Math.max(probe, 1e-3)));
                }
                NnBenchmark.Result r = session.time(timed);
                double peak = peakPerCore != null ? peakPerCore * t
                        : Simd.ENABLED ? org.crl4j.bench.PeakFlops.measure(t, 600) : Double.NaN;
                out.put("width", width);
                out.put("depth", depth);
                out.put("batch", batch);
                out.put("in_dim", inDim);
                out.put("threads", t);
                out.put("kernels", Simd.describe());
                out.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
                out.put("parameters", r.parameters());
                out.put("recompute", r.recomputing());
                out.put("warmup_steps", r.warmupStepsRun());
                out.put("steps", timed);
                out.put("ms_per_step", r.msPerStep());
                out.put("gflops", r.gflops());
                out.put("peak_gflops", Double.isNaN(peak) ? null : peak);
                out.put("peak_fraction", Double.isNaN(peak) ? null : r.gflops() / peak);
                out.put("allocated_bytes_per_step", r.allocatedBytesPerStep());
                out.put("peak_memory_bytes", r.peakHeapBytes());
                out.put("model_memory_bytes", r.modelBytes());
                System.out.printf("crl4j  W=%d D=%d B=%d in=%d threads=%d  %s  %s%n", width, depth, batch, inDim, t,
                        Simd.describe(), out.get("java"));
                System.out.printf("  %.3f ms/step   %.1f GFLOP/s   %.1f%% of %.0f GFLOP/s %s peak   params %,d   peak heap %s   model+activations %s%s%n",
                        r.msPerStep(), r.gflops(), 100 * r.gflops() / peak, peak, peakPerCore != null ? "given" : "measured",
                        r.parameters(), mib(r.peakHeapBytes()),
                        mib(r.modelBytes()), r.recomputing() ? "   (recomputing activations)" : "");
                System.out.printf("  after %d warm-up steps; %d timed steps; allocated %s per step%n",
                        r.warmupStepsRun(), timed, r.allocatedBytesPerStep() < 0 ? "(unknown)"
                                : r.allocatedBytesPerStep() + " bytes");
                if (compareTorch) {
                    TorchComparison.run(width, depth, batch, inDim, t, timed, rounds, session, out);
                }
            }
            if (json) {
                System.out.println(org.crl4j.core.io.Json.write(out));
            }
        }
    }

    @Command(name = "sgd", mixinStandardHelpOptions = true,
            description = "SGD steps/s of the whole CRL step (ant-sized inputs) on K data-parallel ranks in this JVM, each "
                    + "with B/K rows and its own threads, gradients averaged every step, against 1 rank with all B rows.")
    static final class Sgd implements Runnable {
        @Option(names = "--width", defaultValue = "256", description = "Width of every network (default ${DEFAULT-VALUE}).")
        int width;
        @Option(names = "--depth", defaultValue = "16", description = "Depth of every network (default ${DEFAULT-VALUE}).")
        int depth;
        @Option(names = "--batch", defaultValue = "512", description = "Total batch over all ranks (default ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--ranks", defaultValue = "2", description = "Ranks (default ${DEFAULT-VALUE}).")
        int ranks;
        @Option(names = "--threads-per-rank", defaultValue = "1", description = "Threads of each rank (default ${DEFAULT-VALUE}).")
        int threadsPerRank;
        @Option(names = "--steps", defaultValue = "30", description = "Timed SGD steps (default ${DEFAULT-VALUE}).")
        int steps;
        @Option(names = "--warmup", defaultValue = "10", description = "Untimed SGD steps first (default ${DEFAULT-VALUE}).")
        int warmup;
        @Option(names = "--rounds", defaultValue = "3", description = "Alternating rounds of 1 rank and K ranks (default ${DEFAULT-VALUE}).")
        int rounds;
        @Option(names = "--processes", description = "Ranks as separate JVMs whose gradients go over the cluster transport "
                + "(Pekko on 127.0.0.1, as 'train --ranks'), one thread each, instead of threads of this JVM.")
        boolean processes;

        @Override
        public void run() {
            if (ranks < 2 || threadsPerRank < 1 || steps < 1 || warmup < 0 || rounds < 1) {
                throw new IllegalArgumentException("--ranks must be at least 2, --threads-per-rank, --steps and --rounds at "
                        + "least 1, --warmup at least 0");
            }
            if (processes) {
                if (threadsPerRank != 1) {
                    throw new IllegalArgumentException("--processes runs one thread per rank; leave --threads-per-rank out");
                }
                System.out.printf("bench sgd --processes: %s%n", Simd.describe());
                try {
                    org.crl4j.cluster.ranks.RanksBenchmark.main(new String[] {"--ranks", "" + ranks, "--width", "" + width,
                        "--depth", "" + depth, "--batch", "" + batch, "--steps", "" + steps, "--warmup", "" + warmup,
                        "--rounds", "" + rounds});
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException("bench sgd --processes: " + e.getMessage(), e);
                }
                return;
            }
            System.out.printf("bench sgd: W%d D%d B%d, 1 rank × %d thread%s vs %d ranks × %d (B/%d each), %d steps × %d "
                            + "rounds, %s%n", width, depth, batch, threadsPerRank, threadsPerRank == 1 ? "" : "s", ranks,
                    threadsPerRank, ranks, steps, rounds, Simd.describe());
            double best1 = 0;
            double bestK = 0;
            double reduce = Double.NaN;
            for (int r = 0; r < rounds; r++) {
                var one = org.crl4j.bench.DataParallelBenchmark.run(width, depth, batch, 1, threadsPerRank, steps, warmup);
                var k = org.crl4j.bench.DataParallelBenchmark.run(width, depth, batch, ranks, threadsPerRank, steps, warmup);
                System.out.printf("  round %d: 1 rank %.2f steps/s, %d ranks %.2f steps/s (%.2f×), all-reduce %.2f ms/step on "
                        + "rank 0 (waiting for the others included)%n", r + 1, one.stepsPerSecond(), ranks, k.stepsPerSecond(),
                        k.stepsPerSecond() / one.stepsPerSecond(), 1e3 * k.reduceSecondsPerStep());
                best1 = Math.max(best1, one.stepsPerSecond());
                if (k.stepsPerSecond() > bestK) {
                    bestK = k.stepsPerSecond();
                    reduce = k.reduceSecondsPerStep();
                }
            }
            System.out.printf("best: 1 rank %.2f, %d ranks %.2f SGD steps/s = %.2f× (ideal %d×); all-reduce %.2f ms/step%n",
                    best1, ranks, bestK, bestK / best1, ranks, 1e3 * reduce);
        }
    }

    @Command(name = "algos", mixinStandardHelpOptions = true,
            description = "SGD steps/s of each algorithm's whole step (ant-sized rows, actor and critics at the same width "
                    + "and depth, targets and optimisers included) on a fixed batch.")
    static final class Algos implements Runnable {
        @Option(names = "--algo", split = ",", defaultValue = "crl,sac,sac_her,td3,td3_her,ppo,gcbc",
                description = "Algorithms (default ${DEFAULT-VALUE}).")
        List<String> algos;
        @Option(names = "--depth", split = ",", defaultValue = "4,64", description = "Depths (default ${DEFAULT-VALUE}).")
        List<Integer> depths;
        @Option(names = "--width", defaultValue = "256", description = "Width (default ${DEFAULT-VALUE}).")
        int width;
        @Option(names = "--batch", defaultValue = "256", description = "Rows per SGD step (default ${DEFAULT-VALUE}).")
        int batch;
        @Option(names = "--threads", defaultValue = "1", description = "Worker threads (default ${DEFAULT-VALUE}).")
        int threads;
        @Option(names = "--seconds", defaultValue = "5", description = "Timed seconds per measurement, roughly (default "
                + "${DEFAULT-VALUE}).")
        double seconds;

        @Override
        public void run() {
            if (threads < 1 || batch < 2 || width < 1 || !(seconds > 0)) {
                throw new IllegalArgumentException("--threads, --width must be at least 1, --batch at least 2, --seconds "
                        + "positive");
            }
            System.out.printf("bench algos: W%d B%d, %d thread%s, ant-sized rows, %s%n", width, batch, threads,
                    threads == 1 ? "" : "s", Simd.describe());
            System.out.println("| algo | depth | SGD steps/s |");
            System.out.println("|---|---|---|");
            for (int depth : depths) {
                for (String id : algos) {
                    org.crl4j.rl.Algo algo = org.crl4j.rl.Algo.parse(id);
                    // a short probe sizes the timed run to about --seconds
                    var probe = org.crl4j.bench.AlgoBenchmark.run(algo, width, depth, batch, threads, 3, 1);
                    int steps = (int) Math.max(3, Math.min(100_000, probe.stepsPerSecond() * seconds));
                    var r = org.crl4j.bench.AlgoBenchmark.run(algo, width, depth, batch, threads, steps, Math.max(2, steps / 10));
                    System.out.printf(java.util.Locale.ROOT, "| %s | %d | %.2f |%n", algo.id(), depth, r.stepsPerSecond());
                }
            }
        }
    }

    @Command(name = "policy", mixinStandardHelpOptions = true,
            description = "The Java Policy API (crl4j-policy): latency of one act (p50, p99 in µs, one thread) and "
                    + "observations/s of 256-row batches, per actor depth, for a task's sizes.")
    static final class PolicyCmd implements Runnable {
        @Option(names = "--env", defaultValue = "ant_u_maze", description = "Task whose sizes the actor has (default ${DEFAULT-VALUE}).")
        String env;
        @Option(names = "--depth", split = ",", defaultValue = "4,16,64", description = "Actor depths (default ${DEFAULT-VALUE}).")
        List<Integer> depths;
        @Option(names = "--width", defaultValue = "256", description = "Actor width (default ${DEFAULT-VALUE}).")
        int width;

        @Override
        public void run() {
            org.crl4j.envs.Envs.spec(env); // an unknown task is a one-line error before anything is built
            try {
                String[] args = new String[2 + depths.size()];
                args[0] = env;
                args[1] = Integer.toString(width);
                for (int i = 0; i < depths.size(); i++) {
                    args[2 + i] = Integer.toString(depths.get(i));
                }
                org.crl4j.bench.PolicyLatency.main(args);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e.getMessage(), e);
            }
        }
    }

    @Command(name = "gemm", mixinStandardHelpOptions = true,
            description = "GFLOP/s of one matrix product C[m×n] = op(A)·op(B) (best of several rounds).")
    static final class GemmCmd implements Runnable {
        @Option(names = "--m", defaultValue = "1024") int m;
        @Option(names = "--n", defaultValue = "256") int n;
        @Option(names = "--k", defaultValue = "256") int k;
        @Option(names = "--op", defaultValue = "NN", description = "NN (A·B), NT (A·Bᵀ) or TN (Aᵀ·B) (default ${DEFAULT-VALUE}).")
        String op;
        @Option(names = "--threads", description = "Worker threads (default: all cores).")
        Integer threads;
        @Option(names = "--json", description = "Print one JSON object as the last line.")
        boolean json;

        @Override
        public void run() {
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            String o = op.toUpperCase(java.util.Locale.ROOT);
            if (!o.equals("NN") && !o.equals("NT") && !o.equals("TN")) {
                throw new IllegalArgumentException("--op must be NN, NT or TN, got " + op);
            }
            if (m < 1 || n < 1 || k < 1 || t < 1) {
                throw new IllegalArgumentException("--m, --n, --k and --threads must be positive");
            }
            double g = org.crl4j.bench.GemmBenchmark.gflops(m, n, k, o.charAt(0) == 'T', o.charAt(1) == 'T', t);
            double peak = Simd.ENABLED ? org.crl4j.bench.PeakFlops.measure(t, 600) : Double.NaN;
            System.out.printf("gemm %s %d×%d×%d threads=%d: %.1f GFLOP/s = %.1f%% of the %.0f GFLOP/s measured FMA peak  (%s)%n",
                    o, m, n, k, t, g, 100 * g / peak, peak, Simd.describe());
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("op", o);
                out.put("m", m);
                out.put("n", n);
                out.put("k", k);
                out.put("threads", t);
                out.put("gflops", g);
                out.put("peak_gflops", Double.isNaN(peak) ? null : peak);
                out.put("peak_fraction", Double.isNaN(peak) ? null : g / peak);
                System.out.println(org.crl4j.core.io.Json.write(out));
            }
        }
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
