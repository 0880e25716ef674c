package org.crl4j.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.Adam;
import org.crl4j.nn.GradMode;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;

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

    /**
     * What to time. Warm-up runs until both {@code warmupSteps} steps and {@code warmupSeconds} have passed: C2 needs
     * about twenty steps at D64 before the step reaches its steady state (measured on AVX-512: the first steps take
     * 3-6× longer), and more steps at small depths, where a step calls each kernel fewer times.
     */
    public record Config(int width, int depth, int batch, int inDim, int threads, MlpOptions.Recompute recompute,
                         int warmupSteps, double warmupSeconds, int steps, long seed) {
    }

    /**
     * {@code allocatedBytesPerStep}: bytes the JVM's threads allocated per timed step (the step should allocate
     * nothing once compiled; -1 where the JVM cannot tell).
     */
    public record Result(Config config, double msPerStep, double gflops, long flopsPerStep, long peakHeapBytes,
                         long modelBytes, boolean recomputing, long parameters, int warmupStepsRun,
                         long allocatedBytesPerStep) {
    }

    /** FLOPs of one step as counted here: 3 × the forward multiply-adds × 2 (forward, input grad, weight grad). */
    public static long flopsPerStep(ResidualMlp net, int batch) {
        return 3 * net.forwardFlops(batch);
    }

    /** Builds, warms up and times the step once. */
    public static Result run(Config c) {
        try (Session s = new Session(c)) {
            s.warmUp();
            return s.time(c.steps());
        }
    }

    /**
     * One network and its pool, kept between timings, so that a comparison can alternate timed rounds of this
     * step with rounds of another implementation without warming up again.
     */
    public static final class Session implements AutoCloseable {
        private final Config c;
        private final Parallel pool;
        private final ParamStore ps = new ParamStore();
        private final ResidualMlp net;
        private final Adam adam;
        private final float[] x;
        private final float[] dOut;
        private int warmupStepsRun;

        public Session(Config c) {
            this.c = c;
            System.gc();
            resetPeaks();
            pool = new Parallel(c.threads());
            net = new ResidualMlp(pool, ps, "net", c.inDim(), HEAD,
                    MlpOptions.paper(c.width(), c.depth()).withRecompute(c.recompute()));
            ps.allocate();
            Rng rng = new Rng(c.seed());
            net.init(rng);
            adam = new Adam(ps, 3e-4f);
            x = new float[c.batch() * c.inDim()];
            rng.fillGaussian(x, 0, x.length);
            dOut = new float[c.batch() * HEAD];
        }

        /** Steps until the configured warm-up (steps and seconds) is done. */
        public void warmUp() {
            long t0 = System.nanoTime();
            long minNanos = (long) (c.warmupSeconds() * 1e9);
            while (warmupStepsRun < c.warmupSteps() || System.nanoTime() - t0 < minNanos) {
                step(net, adam, pool, x, c.batch(), dOut);
                warmupStepsRun++;
            }
        }

        /** Times {@code steps} steps. */
        public Result time(int steps) {
            long allocated0 = allocatedBytes();
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                step(net, adam, pool, x, c.batch(), dOut);
            }
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            long allocated1 = allocatedBytes();
            long perStep = allocated0 < 0 || allocated1 < 0 ? -1 : Math.max(0, (allocated1 - allocated0) / steps);
            long flops = flopsPerStep(net, c.batch());
            long model = 4L * ps.size() * 4 + net.trunk().activationBytes(c.batch(), net.trunk().recomputing());
            return new Result(c, ms, flops / ms / 1e6, flops, peakHeap(), model, net.trunk().recomputing(),
                    ps.size(), warmupStepsRun, perStep);
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    /** Bytes allocated so far by all live threads, or -1 where the JVM does not say. */
    private static long allocatedBytes() {
        java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (mx instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()
                && sun.isThreadAllocatedMemoryEnabled()) {
            long sum = 0;
            for (long id : mx.getAllThreadIds()) {
                long b = sun.getThreadAllocatedBytes(id);
                if (b > 0) {
                    sum += b;
                }
            }
            return sum;
        }
        return -1;
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
