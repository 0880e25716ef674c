package org.crl4j.bench.torch;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Adam;
import org.bytedeco.pytorch.AdamOptions;
import org.bytedeco.pytorch.Tensor;

/**
 * The libtorch side of {@code crl4j bench nn --compare-torch}: one training step of a trunk + head is
 * forward, loss = Σ out² / (B·O) (no ½), backward, torch.optim.Adam step (lr 3e-4, betas 0.9/0.999, eps 1e-8,
 * no weight decay: libtorch's defaults apart from lr), all in FP32 on the CPU.
 */
public final class TorchBench {
    /** Adam learning rate of the paper. */
    public static final double LR = 3e-4;

    private TorchBench() {
    }

    /**
     * Timing of {@link #benchAdam}.
     *
     * @param msPerStep   mean wall time per step over the timed steps
     * @param msMedian    median per step
     * @param msMin       fastest step
     * @param gflops      3·Σ 2·in·out·B dense FLOPs per step / mean time (performance.md's convention)
     * @param firstLoss   loss of the first warm-up step (before any update)
     * @param lastLoss    loss of the last timed step
     * @param peakRssKiB  VmHWM after the run (whole process, JVM included; −1 if unreadable)
     * @param rssBeforeKiB VmRSS before the trunk was built
     * @param peakReset   whether VmHWM could be reset before the run (else the peak may predate it)
     * @param threads     libtorch intra-op threads
     */
    public record BenchResult(TrunkSpec spec, int batch, int warmup, int steps, double msPerStep, double msMedian,
                              double msMin, double gflops, double firstLoss, double lastLoss, long peakRssKiB,
                              long rssBeforeKiB, boolean peakReset, int threads) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT,
                    "torch %s I=%d W=%d D=%d O=%d B=%d: %.3f ms/step (median %.3f, min %.3f), %.1f GFLOP/s, "
                            + "loss %.6g -> %.6g, peak RSS %.1f MiB (before %.1f MiB%s), %d thread(s)",
                    spec.prefix(), spec.inDim(), spec.width(), spec.depth(), spec.outDim(), batch, msPerStep,
                    msMedian, msMin, gflops, firstLoss, lastLoss, peakRssKiB / 1024.0, rssBeforeKiB / 1024.0,
                    peakReset ? "" : ", peak not reset", threads);
        }
    }

    /**
     * Losses of consecutive training steps and the weights after them, to compare an optimizer step by step.
     *
     * @param losses  losses[k] = loss before the k-th update
     * @param weights parameters after all steps, by name
     */
    public record AdamTrace(double[] losses, Map<String, float[]> weights) {
    }

    /**
     * Loss and gradients of the benchmark loss Σ out² / (B·O) at the given weights (no optimizer step).
     *
     * @param grads d loss / d every weight by name ([in, out] layout for kernels)
     * @param dInput d loss / d input, [B × I]
     */
    public record LossGrads(double loss, Map<String, double[]> grads, double[] dInput) {
    }

    /** {@link LossGrads} of the benchmark loss, in the given precision (FP64 for reference checks). */
    public static LossGrads squaredLossGrads(TrunkSpec spec, Map<String, float[]> weights, float[] input, int batch,
                                             TorchPrecision precision) {
        try (TorchTrunk trunk = TorchTrunk.fromFloats(spec, weights, precision, true);
             PointerScope ignored = new PointerScope()) {
            Tensor x = TorchTensors.of(input, precision, batch, spec.inDim()).requires_grad_(true);
            Tensor loss = trunk.forward(x).square().sum()
                    .div(new org.bytedeco.pytorch.Scalar((double) batch * spec.outDim()));
            loss.backward();
            return new LossGrads(TorchTensors.scalar(loss), trunk.gradsDoubles(), TorchTensors.toDoubles(x.grad()));
        }
    }

    /** Standard-normal inputs [batch × inDim] from a seed (the benchmark's default data). */
    public static float[] gaussianInput(int batch, int inDim, long seed) {
        Random r = new Random(seed);
        float[] x = new float[batch * inDim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /**
     * Builds the trunk (from {@code weights}, or {@link TrunkSpec#initWeights} with {@code seed} when null) and
     * the input (given, or {@link #gaussianInput} with {@code seed} when null), runs {@code warmup} untimed steps,
     * then times {@code steps} steps.
     */
    public static BenchResult benchAdam(TrunkSpec spec, Map<String, float[]> weights, float[] input, int batch,
                                        int warmup, int steps, long seed) {
        if (steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("steps ≥ 1, warmup ≥ 0");
        }
        TorchRuntime.init();
        long rssBefore = TorchRuntime.rssKiB();
        boolean reset = TorchRuntime.resetPeakRss();
        Map<String, float[]> w = weights != null ? weights : spec.initWeights(seed);
        float[] x = input != null ? input : gaussianInput(batch, spec.inDim(), seed + 1);
        double[] times = new double[steps];
        double first = Double.NaN;
        double last = Double.NaN;
        try (TorchTrunk trunk = TorchTrunk.fromFloats(spec, w, TorchPrecision.FP32, true);
             Step step = new Step(trunk, x, batch)) {
            for (int i = 0; i < warmup + steps; i++) {
                long t0 = System.nanoTime();
                double loss = step.run();
                long t1 = System.nanoTime();
                if (i == 0) {
                    first = loss;
                }
                if (i >= warmup) {
                    times[i - warmup] = (t1 - t0) / 1e6;
                    last = loss;
                }
            }
        }
        double mean = Arrays.stream(times).average().orElse(Double.NaN);
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        double gflops = 3 * spec.denseFlopsForward(batch) / (mean * 1e6);
        return new BenchResult(spec, batch, warmup, steps, mean, median, sorted[0], gflops, first, last,
                TorchRuntime.peakRssKiB(), rssBefore, reset, org.bytedeco.pytorch.global.torch.get_num_threads());
    }

    /** Runs {@code steps} training steps from the given weights and input; records every loss. */
    public static AdamTrace adamTrace(TrunkSpec spec, Map<String, float[]> weights, float[] input, int batch,
                                      int steps) {
        TorchRuntime.init();
        double[] losses = new double[steps];
        try (TorchTrunk trunk = TorchTrunk.fromFloats(spec, weights, TorchPrecision.FP32, true);
             Step step = new Step(trunk, input, batch)) {
            for (int i = 0; i < steps; i++) {
                losses[i] = step.run();
            }
            return new AdamTrace(losses, trunk.weightsFloats());
        }
    }

    /** One reusable training step: the input tensor and the Adam state live as long as this object. */
    private static final class Step implements AutoCloseable {
        private final TorchTrunk trunk;
        private final Tensor x;
        private final Adam adam;
        private final AdamOptions options;
        private final double denom;

        Step(TorchTrunk trunk, float[] input, int batch) {
            TrunkSpec spec = trunk.spec();
            if (input.length != batch * spec.inDim()) {
                throw new IllegalArgumentException("input has " + input.length + " values, expected " + batch
                        + " × " + spec.inDim());
            }
            this.trunk = trunk;
            try (PointerScope ignored = new PointerScope()) {
                x = TorchTensors.of(input, TorchPrecision.FP32, batch, spec.inDim());
                options = new AdamOptions(LR);
                // libtorch defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0, amsgrad off
                adam = new Adam(trunk.paramVector(), options);
                // outlive the scope (detach would release the last reference and free them)
                x.retainReference();
                options.retainReference();
                adam.retainReference();
            }
            denom = (double) batch * spec.outDim();
        }

        /** One step; returns the loss before the update (reading one scalar back costs nothing measurable). */
        double run() {
            try (PointerScope ignored = new PointerScope()) {
                adam.zero_grad();
                Tensor out = trunk.forward(x);
                Tensor loss = out.square().sum().div(new org.bytedeco.pytorch.Scalar(denom));
                loss.backward();
                adam.step();
                return loss.item_double();
            }
        }

        @Override
        public void close() {
            adam.close();
            options.close();
            x.close();
        }
    }
}
