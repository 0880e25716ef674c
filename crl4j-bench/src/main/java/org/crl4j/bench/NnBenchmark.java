package org.crl4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

import org.crl4j.nn.Adam;
import org.crl4j.nn.GradMode;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.Parallel;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;
import org.crl4j.nn.Rng;

/**
 * Times one training step of the paper's network: a residual trunk (width W, depth D) with a 64-unit linear head,
 * loss = mean(out²) over the B×64 outputs, full backward (parameter gradients; no input gradient) and an Adam
 * update. The same step is what the libtorch comparison runs.
 */
public final class NnBenchmark {
    private NnBenchmark() {
    }

    public static final int HEAD = 64;

    /** This machine's FP32 peak per core (Zen 5, 2 × 512-bit FMA per cycle at ≈4 GHz; see docs/benchmarks.md). */
    public static final double DEFAULT_PEAK_GFLOPS_PER_CORE = 255.0;

    public record Config(int width, int depth, int batch, int inDim, int threads, MlpOptions.Recompute recompute,
                         int warmupSteps, int steps, long seed) {
    }

    public record Result(Config config, double msPerStep, double gflops, long flopsPerStep, long peakHeapBytes,
                         long modelBytes, boolean recomputing, long parameters) {
    }

    /** FLOPs of one step as counted here: 3 × the forward multiply-adds × 2 (forward, input grad, weight grad). */
    public static long flopsPerStep(ResidualMlp net, int batch) {
        return 3 * net.forwardFlops(batch);
    }

    public static Result run(Config c) {
        System.gc();
        resetPeaks();
        try (Parallel pool = new Parallel(c.threads())) {
            ParamStore ps = new ParamStore();
            ResidualMlp net = new ResidualMlp(pool, ps, "net", c.inDim(), HEAD,
                    MlpOptions.paper(c.width(), c.depth()).withRecompute(c.recompute()));
            ps.allocate();
            Rng rng = new Rng(c.seed());
            net.init(rng);
            Adam adam = new Adam(ps, 3e-4f);
            float[] x = new float[c.batch() * c.inDim()];
            rng.fillGaussian(x, 0, x.length);
            float[] dOut = new float[c.batch() * HEAD];
            for (int i = 0; i < c.warmupSteps(); i++) {
                step(net, adam, pool, x, c.batch(), dOut);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < c.steps(); i++) {
                step(net, adam, pool, x, c.batch(), dOut);
            }
            double ms = (System.nanoTime() - t0) / 1e6 / c.steps();
            long flops = flopsPerStep(net, c.batch());
            long model = 4L * ps.size() * 4 + net.trunk().activationBytes(c.batch(), net.trunk().recomputing());
            return new Result(c, ms, flops / ms / 1e6, flops, peakHeap(), model, net.trunk().recomputing(), ps.size());
        }
    }

    /** One step; returns the loss. */
    static double step(ResidualMlp net, Adam adam, Parallel pool, float[] x, int batch, float[] dOut) {
        float[] y = net.forward(x, batch);
        int n = batch * HEAD;
        double loss = 0;
        float scale = 2f / n;
        for (int i = 0; i < n; i++) {
            loss += (double) y[i] * y[i];
            dOut[i] = scale * y[i];
        }
        net.backward(dOut, null, GradMode.OVERWRITE);
        adam.update(pool);
        return loss / n;
    }

    private static void resetPeaks() {
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == MemoryType.HEAP) {
                b.resetPeakUsage();
            }
        }
    }

    /** Sum over heap pools of their peak use since the reset: an upper bound on the heap the run needed. */
    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean b : ManagementFactory.getMemoryPoolMXBeans()) {
            if (b.getType() == MemoryType.HEAP) {
                sum += b.getPeakUsage().getUsed();
            }
        }
        return sum;
    }
}
