package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;

/**
 * One layer y = act(LN(x·W + b)) with W stored [in × out] row-major; LN and act are optional, so the same class is a
 * hidden layer (Dense → LayerNorm → swish) and a linear head (Dense only). Forward and backward are explicit: the
 * caller owns the buffers, so a network can keep them for backward or recompute them (see {@link Trunk}).
 */
public final class DenseLayer {
    public final int in;
    public final int out;
    public final ParamStore.Entry kernel;
    public final ParamStore.Entry bias;
    public final ParamStore.Entry lnScale;
    public final ParamStore.Entry lnBias;
    private final NormAct.Params normAct;

    public DenseLayer(ParamStore ps, String name, int in, int out, boolean layerNorm, Activation act) {
        this.in = in;
        this.out = out;
        this.kernel = ps.add(name + ".kernel", in, out);
        this.bias = ps.add(name + ".bias", out);
        this.lnScale = layerNorm ? ps.add(name + ".ln_scale", out) : null;
        this.lnBias = layerNorm ? ps.add(name + ".ln_bias", out) : null;
        this.normAct = new NormAct.Params(bias.offset(), layerNorm ? lnScale.offset() : -1,
                layerNorm ? lnBias.offset() : -1, act);
    }

    /** A linear head: Dense only. */
    public static DenseLayer linear(ParamStore ps, String name, int in, int out) {
        return new DenseLayer(ps, name, in, out, false, Activation.NONE);
    }

    /** The reference initialisation: kernel U(±1/√fan_in), bias 0, LayerNorm scale 1 and bias 0. */
    public void init(float[] p, Rng rng) {
        float limit = (float) (1.0 / Math.sqrt(in));
        rng.fillUniform(p, kernel.offset(), kernel.size(), -limit, limit);
        java.util.Arrays.fill(p, bias.offset(), bias.offset() + out, 0f);
        if (lnScale != null) {
            java.util.Arrays.fill(p, lnScale.offset(), lnScale.offset() + out, 1f);
            java.util.Arrays.fill(p, lnBias.offset(), lnBias.offset() + out, 0f);
        }
    }

    /** True when the layer is a plain affine map (then {@code z} and {@code y} may be the same buffer). */
    public boolean isLinear() {
        return lnScale == null && normAct.act() == Activation.NONE;
    }

    /**
     * Forward for {@code rows} rows: z ← x·W + b, stats ← LayerNorm row statistics, y ← act(LN(z)).
     * Buffers are [rows × in] for x, [rows × out] for z and y, [2 × rows] for stats.
     */
    public void forward(Parallel pool, float[] p, float[] x, int rows, float[] z, float[] stats, float[] y) {
        Gemm.gemm(pool, false, false, rows, out, in, x, 0, in, p, kernel.offset(), out, z, 0, out, false);
        NormAct.forward(pool, p, normAct, out, rows, z, stats, y);
    }

    /**
     * Backward for {@code rows} rows. {@code dy} is the gradient w.r.t. y; it is overwritten with the gradient
     * w.r.t. z. Parameter gradients go to {@code g} per {@code mode}; {@code dx} (may be null) receives the
     * gradient w.r.t. x. {@code partials} needs {@link NormAct#partialsSize}(rows, out) floats.
     */
    public void backward(Parallel pool, float[] p, float[] g, GradMode mode, float[] x, int rows, float[] z,
                         float[] stats, float[] dy, float[] dx, float[] partials) {
        boolean paramGrads = mode != GradMode.NONE;
        NormAct.backward(pool, p, normAct, out, rows, dy, z, stats, dy, paramGrads ? partials : null);
        if (paramGrads) {
            boolean acc = mode == GradMode.ACCUMULATE;
            Gemm.gemm(pool, true, false, in, out, rows, x, 0, in, dy, 0, out, g, kernel.offset(), out, acc);
            NormAct.reducePartials(partials, rows, out, normAct, g, acc);
        }
        if (dx != null) {
            Gemm.gemm(pool, false, true, rows, in, out, dy, 0, out, p, kernel.offset(), out, dx, 0, in, false);
        }
    }

    /**
     * {@link #forward} for rows [r0, r1) of the same buffers, on the calling thread: rows are independent, so a
     * network can run each thread's rows through many layers without meeting the other threads in between.
     */
    public void forwardRows(float[] p, float[] x, int r0, int r1, float[] z, float[] stats, float[] y) {
        Gemm.gemm(Parallel.CALLER, false, false, r1 - r0, out, in, x, r0 * in, in, p, kernel.offset(), out,
                z, r0 * out, out, false);
        NormAct.forwardRows(p, normAct, out, r0, r1, z, stats, y);
    }

    /**
     * The row-wise part of {@link #backward} for rows [r0, r1) (r0 a multiple of {@link NormAct#ROWS_PER_TASK}),
     * on the calling thread: dz ← gradient w.r.t. z from {@code dy} (dz may be dy), the bias/LayerNorm partials
     * of these rows unless {@code partials} is null, and dx (unless null) ← dz·Wᵀ. The weight gradient, which sums
     * over all rows, is {@link #weightGradient}'s, once every row's dz is there.
     */
    public void backwardRows(float[] p, int r0, int r1, float[] z, float[] stats, float[] dy, float[] dz,
                             float[] dx, float[] partials) {
        NormAct.backwardRows(p, normAct, out, r0, r1, dy, z, stats, dz, partials);
        if (dx != null) {
            Gemm.gemm(Parallel.CALLER, false, true, r1 - r0, in, out, dz, r0 * out, out, p, kernel.offset(), out,
                    dx, r0 * in, in, false);
        }
    }

    /**
     * Part {@code part} of {@code parts} of the parameter gradients over all {@code rows}: kernel rows (input
     * features) and bias/LayerNorm columns in that part's share, on the calling thread. Every element is computed
     * as in {@link #backward}, so the split does not change a bit.
     */
    public void weightGradient(float[] g, boolean accumulate, float[] x, int rows, float[] dz, float[] partials,
                               int part, int parts) {
        int i0 = (int) ((long) in * part / parts), i1 = (int) ((long) in * (part + 1) / parts);
        if (i1 > i0) {
            Gemm.gemm(Parallel.CALLER, true, false, i1 - i0, out, rows, x, i0, in, dz, 0, out,
                    g, kernel.offset() + i0 * out, out, accumulate);
        }
        int j0 = (int) ((long) out * part / parts), j1 = (int) ((long) out * (part + 1) / parts);
        NormAct.reducePartials(partials, rows, out, j0, j1, normAct, g, accumulate);
    }

    /** Multiply-adds of one forward pass over {@code rows} rows. */
    public long forwardFlops(int rows) {
        return 2L * rows * in * out;
    }
}
