package org.crl4j.cli;

import java.util.Map;

import org.crl4j.bench.NnBenchmark;
import org.crl4j.bench.torch.TorchBench;
import org.crl4j.bench.torch.TorchRuntime;
import org.crl4j.bench.torch.TrunkSpec;

/** {@code bench nn --compare-torch}: the identical training step in libtorch, same process, same thread count. */
final class TorchComparison {
    private TorchComparison() {
    }

    /** The thread count OpenBLAS takes at load: OPENBLAS_NUM_THREADS, else all cores. */
    static int blasThreads() {
        String v = System.getenv("OPENBLAS_NUM_THREADS");
        try {
            return v == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    static void run(int width, int depth, int batch, int inDim, int threads, int warmup, int steps,
                    NnBenchmark.Result ours, Map<String, Object> out) {
        TorchRuntime.problem().ifPresent(p -> {
            throw new IllegalStateException("libtorch is not usable here: " + p);
        });
        // The setting libtorch is fastest with on this CPU: one intra-op (OpenMP) thread and OpenBLAS's own pool
        // doing the GEMMs (both pools at once fight each other). OpenBLAS reads its thread count from the
        // environment at load time only; the launcher sets OPENBLAS_NUM_THREADS from --threads.
        int blasThreads = blasThreads();
        if (blasThreads != threads) {
            System.out.printf("note: OpenBLAS will use %d thread(s), crl4j used %d; run through ./crl4j or set "
                    + "OPENBLAS_NUM_THREADS=%d for a like-for-like comparison%n", blasThreads, threads, threads);
        }
        TorchRuntime.init(1);
        TorchBench.BenchResult t = TorchBench.benchAdam(TrunkSpec.of("net", inDim, width, depth, NnBenchmark.HEAD),
                null, null, batch, warmup, steps, 1);
        double speedup = t.msPerStep() / ours.msPerStep();
        System.out.printf("libtorch %s, 1 intra-op thread + OpenBLAS %d thread(s)%n  %.3f ms/step   %.1f GFLOP/s   process peak RSS %.1f MiB%n",
                TorchRuntime.describe(), blasThreads, t.msPerStep(), t.gflops(), t.peakRssKiB() / 1024.0);
        System.out.printf("speedup (libtorch ms / crl4j ms): %.2fx%n", speedup);
        out.put("torch_ms_per_step", t.msPerStep());
        out.put("torch_gflops", t.gflops());
        out.put("torch_threads", blasThreads);
        out.put("torch_peak_rss_bytes", t.peakRssKiB() * 1024);
        out.put("speedup", speedup);
    }
}
