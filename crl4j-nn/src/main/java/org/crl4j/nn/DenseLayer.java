package org.crl4j.nn;

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

    /** Multiply-adds of one forward pass over {@code rows} rows. */
    public long forwardFlops(int rows) {
        return 2L * rows * in * out;
    }
}
