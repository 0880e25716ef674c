package org.crl4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.crl4j.core.Parallel;
import org.crl4j.core.Simd;
import org.crl4j.nn.Gemm;

/**
 * GFLOP/s of {@link Gemm#gemm} for given shapes, without JMH: warm up, then the best of several timed rounds (the
 * best, because on a shared machine every disturbance only makes a round slower).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp crl4j-nn/target/classes:crl4j-bench/target/classes
 * org.crl4j.bench.GemmBenchmark [threads...] [passes=N]}; with {@code custom m n k NN|NT|TN threads [accumulate]} it
 * measures one shape.
 */
public final class GemmBenchmark {
    private GemmBenchmark() {
    }

    /** Best-of-rounds GFLOP/s (2·m·n·k per call) of C = op(A)·op(B) on a fresh pool of {@code threads}. */
    public static double gflops(int m, int n, int k, boolean transA, boolean transB, int threads) {
        return gflops(m, n, k, transA, transB, threads, false);
    }

    public static double gflops(int m, int n, int k, boolean transA, boolean transB, int threads,
                                boolean accumulate) {
        try (Parallel pool = new Parallel(threads)) {
            return gflops(pool, m, n, k, transA, transB, accumulate, 7);
        }
    }

    /** Best-of-{@code rounds} GFLOP/s on the given pool; each round lasts about 40 ms. */
    public static double gflops(Parallel pool, int m, int n, int k, boolean transA, boolean transB,
                                boolean accumulate, int rounds) {
        return measure(pool, m, n, k, transA, transB, accumulate, rounds)[0];
    }

    /**
     * {wall-clock GFLOP/s, GFLOP/s per second of the calling thread's CPU time}, each the best of the rounds. The
     * second is immune to time-sharing with other processes but only meaningful on a one-thread pool.
     */
    public static double[] measure(Parallel pool, int m, int n, int k, boolean transA, boolean transB,
                                   boolean accumulate, int rounds) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        SplittableRandom rnd = new SplittableRandom(42);
        float[] a = random(rnd, m * k);
        float[] b = random(rnd, k * n);
        float[] c = new float[m * n];
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        double flops = 2.0 * m * n * k;
        // Calls per round: ~40 ms at ~200 GFLOP/s, at least one.
        int calls = (int) Math.max(1, Math.min(1_000_000, 8e9 / flops));
        for (int w = 0; w < Math.max(50, 4 * calls); w++) { // warm-up: JIT and page faults
            Gemm.gemm(pool, transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, accumulate);
        }
        double best = Double.MAX_VALUE, bestCpu = Double.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            if (accumulate) {
                java.util.Arrays.fill(c, 0f);
            }
            long cpu0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                Gemm.gemm(pool, transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, n, accumulate);
            }
            long dt = System.nanoTime() - t0;
            long dcpu = mx.getCurrentThreadCpuTime() - cpu0;
            best = Math.min(best, dt / (double) calls);
            bestCpu = Math.min(bestCpu, dcpu / (double) calls);
        }
        return new double[] {flops / best, flops / bestCpu};
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    private record Shape(String name, int m, int n, int k, boolean transA, boolean transB, boolean accumulate) {
    }

    private static List<Shape> projectShapes() {
        List<Shape> shapes = new ArrayList<>();
        for (int batch : new int[] {512, 1024}) {
            shapes.add(new Shape("NN B×256·256×256", batch, 256, 256, false, false, false));
            shapes.add(new Shape("NT dZ·Wᵀ", batch, 256, 256, false, true, false));
            shapes.add(new Shape("TN Xᵀ·dZ (+=)", 256, 256, batch, true, false, true));
        }
        int batch = 512;
        shapes.add(new Shape("NN first layer K=17", batch, 256, 17, false, false, false));
        shapes.add(new Shape("NN first layer K=40", batch, 256, 40, false, false, false));
        shapes.add(new Shape("TN first layer dW K=B", 17, 256, batch, true, false, true));
        shapes.add(new Shape("NN repr head N=64", batch, 64, 256, false, false, false));
        shapes.add(new Shape("NT repr head dX K=64", batch, 256, 64, false, true, false));
        shapes.add(new Shape("TN repr head dW", 256, 64, batch, true, false, true));
        shapes.add(new Shape("NN actor head N=8", batch, 8, 256, false, false, false));
        shapes.add(new Shape("NN actor head N=34", batch, 34, 256, false, false, false));
        shapes.add(new Shape("NT actor head dX K=8", batch, 256, 8, false, true, false));
        shapes.add(new Shape("TN actor head dW N=8", 256, 8, batch, true, false, true));
        shapes.add(new Shape("NT pairwise B×64·(B×64)ᵀ", batch, batch, 64, false, true, false));
        shapes.add(new Shape("NT pairwise 1024", 1024, 1024, 64, false, true, false));
        return shapes;
    }

    public static void main(String[] args) {
        System.out.println("Vector API kernels: " + Simd.ENABLED + ", processors: "
                + Runtime.getRuntime().availableProcessors());
        if (args.length >= 5 && args[0].equals("custom")) {
            int m = Integer.parseInt(args[1]);
            int n = Integer.parseInt(args[2]);
            int k = Integer.parseInt(args[3]);
            String op = args[4];
            int threads = args.length > 5 ? Integer.parseInt(args[5]) : 1;
            boolean acc = args.length > 6 && Boolean.parseBoolean(args[6]);
            try (Parallel pool = new Parallel(threads)) {
                double[] g = measure(pool, m, n, k, op.charAt(0) == 'T', op.charAt(1) == 'T', acc, 9);
                System.out.printf(Locale.ROOT, "%s %dx%dx%d threads=%d: %.1f GFLOP/s (per caller-CPU-second %.1f)%n",
                        op, m, n, k, threads, g[0], g[1]);
            }
            return;
        }
        // Arguments: thread counts (default 1 2), optionally "passes=N": the table is measured N times over and
        // each cell keeps its best, so that a burst of load from other processes spoils at most one pass.
        int passes = 1;
        List<Integer> counts = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("passes=")) {
                passes = Integer.parseInt(arg.substring("passes=".length()));
            } else {
                counts.add(Integer.parseInt(arg));
            }
        }
        if (counts.isEmpty()) {
            counts = List.of(1, 2);
        }
        List<Shape> shapes = projectShapes();
        Parallel[] pools = new Parallel[counts.size()];
        for (int i = 0; i < pools.length; i++) {
            pools[i] = new Parallel(counts.get(i));
        }
        double[][] best = new double[shapes.size()][pools.length];
        for (int pass = 0; pass < passes; pass++) {
            for (int s = 0; s < shapes.size(); s++) {
                Shape sh = shapes.get(s);
                for (int t = 0; t < pools.length; t++) {
                    double g = gflops(pools[t], sh.m(), sh.n(), sh.k(), sh.transA(), sh.transB(), sh.accumulate(), 7);
                    best[s][t] = Math.max(best[s][t], g);
                }
            }
        }
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-28s %16s", "shape", "m×n×k"));
        for (int t : counts) {
            header.append(String.format(Locale.ROOT, " %9s", t + " thr"));
        }
        System.out.println(header + "   (GFLOP/s, best of 7 rounds × " + passes + " passes)");
        for (int s = 0; s < shapes.size(); s++) {
            Shape sh = shapes.get(s);
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-28s %16s", sh.name(),
                    sh.m() + "×" + sh.n() + "×" + sh.k()));
            for (int t = 0; t < pools.length; t++) {
                line.append(String.format(Locale.ROOT, " %9.1f", best[s][t]));
            }
            System.out.println(line);
        }
        for (Parallel pool : pools) {
            pool.close();
        }
    }
}
