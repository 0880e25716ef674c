package org.crl4j.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.bench.NnBenchmark;
import org.crl4j.bench.torch.TorchChild;
import org.crl4j.bench.torch.TorchRuntime;

/**
 * {@code bench nn --compare-torch}: the identical training step in libtorch, made a fair opponent.
 *
 * <ol>
 *   <li>libtorch runs in child processes, so each can have the OpenBLAS kernels and thread count it is fastest
 *       with (OpenBLAS reads them from the environment at load; ours is never changed). Every candidate core type
 *       ({@link TorchChild#candidateCoreTypes}) is timed twice with each threading (libtorch's intra-op pool or
 *       OpenBLAS's) and the fastest setting is kept: on AVX-512 machines the environment's HASWELL setting
 *       costs libtorch 1.2-1.9×.
 *   <li>Then rounds alternate, crl4j (the already warm session) and libtorch (the best setting), so that a slow
 *       spell of a shared machine hits both; the reported speedup is the median of the per-round ratios, with
 *       their range.
 * </ol>
 */
final class TorchComparison {
    private TorchComparison() {
    }

    /** Steps libtorch runs before timing (no JIT to wait for, but its allocator and OpenBLAS buffers warm up). */
    static final int TORCH_WARMUP = 5;
    static final long CHILD_TIMEOUT_SECONDS = 1800;
    static final int CALIBRATION_PASSES = 2;

    static void run(int width, int depth, int batch, int inDim, int threads, int steps, int rounds,
                    NnBenchmark.Session ours, Map<String, Object> out) {
        TorchChild.classPathProblem().or(TorchRuntime::problem).ifPresent(p -> {
            throw new IllegalStateException("libtorch is not usable here: " + p);
        });
        // Each setting twice, interleaved, keeping its faster run: one run each let the VM's noise pick the winner.
        Map<String, Object> tried = new LinkedHashMap<>();
        TorchChild.Timing best = null;
        for (int pass = 0; pass < CALIBRATION_PASSES; pass++) {
            for (String type : TorchChild.candidateCoreTypes()) {
                for (TorchChild.Threading threading : TorchChild.Threading.values()) {
                    if (threads == 1 && threading == TorchChild.Threading.INTRA_OP_POOL) {
                        continue; // the same setting as BLAS_POOL with one thread
                    }
                    TorchChild.Timing t = TorchChild.run(width, depth, batch, inDim, threads, TORCH_WARMUP, steps,
                            type, threading, CHILD_TIMEOUT_SECONDS);
                    System.out.printf("libtorch %-60s %.3f ms/step%n", t.setting(threads), t.msPerStep());
                    tried.merge(t.setting(threads), t.msPerStep(), (x, y) -> Math.min((Double) x, (Double) y));
                    if (best == null || t.msPerStep() < best.msPerStep()) {
                        best = t;
                    }
                }
            }
        }
        String core = best.coreType();
        double[] mine = new double[rounds];
        double[] theirs = new double[rounds];
        double[] ratio = new double[rounds];
        long rss = best.peakRssBytes();
        for (int i = 0; i < rounds; i++) {
            mine[i] = ours.time(steps).msPerStep();
            TorchChild.Timing t = TorchChild.run(width, depth, batch, inDim, threads, TORCH_WARMUP, steps, core,
                    best.threading(), CHILD_TIMEOUT_SECONDS);
            theirs[i] = t.msPerStep();
            rss = Math.max(rss, t.peakRssBytes());
            ratio[i] = theirs[i] / mine[i];
            System.out.printf("round %d: crl4j %.3f ms/step, libtorch %.3f ms/step, ratio %.2fx%n", i + 1, mine[i],
                    theirs[i], ratio[i]);
        }
        double speedup = median(ratio);
        double[] sorted = ratio.clone();
        Arrays.sort(sorted);
        System.out.printf("libtorch 2.10 (bytedeco) at its fastest setting here, %s (of %d tried)%n"
                        + "  median %.3f ms/step against crl4j's median %.3f ms/step%n",
                best.setting(threads), tried.size(), median(theirs), median(mine));
        System.out.printf("speedup (libtorch ms / crl4j ms, median of %d alternating rounds): %.2fx (range %.2f-%.2f)%n",
                rounds, speedup, sorted[0], sorted[sorted.length - 1]);
        out.put("torch_ms_per_step", median(theirs));
        out.put("torch_threads", threads);
        out.put("torch_coretype", core);
        out.put("torch_threading", best.threading().describe(threads));
        out.put("torch_settings_tried_ms", tried);
        out.put("torch_peak_rss_bytes", rss);
        out.put("compare_rounds", rounds);
        out.put("crl4j_round_ms", toList(mine));
        out.put("torch_round_ms", toList(theirs));
        out.put("speedup", speedup);
        out.put("speedup_min", sorted[0]);
        out.put("speedup_max", sorted[sorted.length - 1]);
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static List<Double> toList(double[] x) {
        List<Double> l = new ArrayList<>();
        for (double v : x) {
            l.add(v);
        }
        return l;
    }
}
