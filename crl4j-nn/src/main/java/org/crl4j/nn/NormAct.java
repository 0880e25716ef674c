package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Simd;

/**
 * The fused element-wise part of a hidden layer, applied row by row to the GEMM output z = x·W:
 * add the bias, LayerNorm (eps 1e-6, learnable scale γ and bias β; optional for the ablation), then the activation.
 * Fusing keeps each row in L1 for all three steps and in the backward pass recomputes x̂ and the activation
 * input from z and the row statistics instead of storing them.
 *
 * <p>Parameters are read from the flat array {@code p} at the given offsets; {@code lnScale < 0} means no LayerNorm.
 * Row statistics are stored as {@code stats[2i] = mean, stats[2i+1] = 1/sqrt(var + eps)}.
 *
 * <p>This class holds the portable code and dispatches to {@link VectorNormAct} when {@link Simd#ENABLED}.
 */
public final class NormAct {
    private NormAct() {
    }

    public static final float LN_EPS = 1e-6f;

    /** Rows per parallel task; fixed so that gradient sums are bit-identical for any thread count. */
    static final int ROWS_PER_TASK = 16;

    /** The parameter offsets of one layer's element-wise part. */
    public record Params(int bias, int lnScale, int lnBias, Activation act) {
        boolean layerNorm() {
            return lnScale >= 0;
        }
    }

    /**
     * Forward over rows [0, rows): z ← z + bias (in place), stats, out ← act(LN(z)). Row stride is {@code w}.
     */
    public static void forward(Parallel pool, float[] p, Params lp, int w, int rows, float[] z, float[] stats, float[] out) {
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        if (tasks == 1 || pool.threads() == 1) { // no task object: inference of one row allocates nothing
            forwardRows(p, lp, w, 0, rows, z, stats, out);
            return;
        }
        pool.run(tasks, (t, worker) -> forwardRows(p, lp, w, t * ROWS_PER_TASK,
                Math.min(rows, (t + 1) * ROWS_PER_TASK), z, stats, out));
    }

    /** {@link #forward} for rows [r0, r1) on the calling thread. */
    public static void forwardRows(float[] p, Params lp, int w, int r0, int r1, float[] z, float[] stats, float[] out) {
        for (int r = r0; r < r1; r++) {
            if (Simd.ENABLED) {
                VectorNormAct.forwardRow(p, lp, w, z, r * w, stats, 2 * r, out, r * w);
            } else {
                forwardRow(p, lp, w, z, r * w, stats, 2 * r, out, r * w);
            }
        }
    }

    /**
     * Backward over rows [0, rows): from dOut (gradient w.r.t. this layer's output) and the stored z and stats,
     * writes dz (gradient w.r.t. the GEMM output; may be the same array as dOut) and, unless {@code partials} is
     * null, per-group partial sums of the bias, γ and β gradients over each {@link #ROWS_PER_TASK} rows:
     * {@code partials[group*3w + {0,w,2w} + j]}. Reduce them with {@link #reducePartials}.
     */
    public static void backward(Parallel pool, float[] p, Params lp, int w, int rows, float[] dOut, float[] z,
                                float[] stats, float[] dz, float[] partials) {
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        pool.run(tasks, (t, worker) -> backwardRows(p, lp, w, t * ROWS_PER_TASK,
                Math.min(rows, (t + 1) * ROWS_PER_TASK), dOut, z, stats, dz, partials));
    }

    /**
     * {@link #backward} for rows [r0, r1) on the calling thread; r0 must be a multiple of {@link #ROWS_PER_TASK}
     * (the partials are per group of rows, whoever computes them, so their sums do not depend on the split).
     */
    public static void backwardRows(float[] p, Params lp, int w, int r0, int r1, float[] dOut, float[] z,
                                    float[] stats, float[] dz, float[] partials) {
        if (r0 % ROWS_PER_TASK != 0) {
            throw new IllegalArgumentException("row range must start on a group of " + ROWS_PER_TASK + ", got " + r0);
        }
        for (int g0 = r0; g0 < r1; g0 += ROWS_PER_TASK) {
            int g1 = Math.min(r1, g0 + ROWS_PER_TASK);
            int partOff = g0 / ROWS_PER_TASK * 3 * w;
            if (partials != null) {
                java.util.Arrays.fill(partials, partOff, partOff + 3 * w, 0f);
            }
            for (int r = g0; r < g1; r++) {
                if (Simd.ENABLED) {
                    VectorNormAct.backwardRow(p, lp, w, dOut, r * w, z, stats, 2 * r, dz, partials, partOff);
                } else {
                    backwardRow(p, lp, w, dOut, r * w, z, stats, 2 * r, dz, partials, partOff);
                }
            }
        }
    }

    /** Number of per-group partial-sum floats {@link #backward} needs for {@code rows} rows of width {@code w}. */
    public static int partialsSize(int rows, int w) {
        return ((rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK) * 3 * w;
    }

    /**
     * Sums the per-group partials in group order into the gradient array {@code g} (bias, γ, β of {@code lp}),
     * adding to what is there when {@code accumulate}, else overwriting.
     */
    public static void reducePartials(float[] partials, int rows, int w, Params lp, float[] g, boolean accumulate) {
        reducePartials(partials, rows, w, 0, w, lp, g, accumulate);
    }

    /** {@link #reducePartials} for columns [j0, j1) only (each column's sum is the same whatever the split). */
    public static void reducePartials(float[] partials, int rows, int w, int j0, int j1, Params lp, float[] g,
                                      boolean accumulate) {
        int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        int parts = lp.layerNorm() ? 3 : 1;
        for (int part = 0; part < parts; part++) {
            int d = part == 0 ? lp.bias() : part == 1 ? lp.lnScale() : lp.lnBias();
            for (int j = j0; j < j1; j++) {
                float s = 0f;
                for (int t = 0; t < tasks; t++) {
                    s += partials[t * 3 * w + part * w + j];
                }
                g[d + j] = accumulate ? g[d + j] + s : s;
            }
        }
    }

    static float sigmoid(float u) {
        return FloatExp.sigmoid(u);
    }

    static float activate(Activation act, float u) {
        switch (act) {
            case SWISH:
                return u * sigmoid(u);
            case RELU:
                return u > 0f ? u : 0f;
            default:
                return u;
        }
    }

    /** d act(u) / du. */
    static float activateGrad(Activation act, float u) {
        switch (act) {
            case SWISH: {
                float s = sigmoid(u);
                return s * (1f + u * (1f - s));
            }
            case RELU:
                return u > 0f ? 1f : 0f;
            default:
                return 1f;
        }
    }

    static void forwardRow(float[] p, Params lp, int w, float[] z, int zo, float[] stats, int so, float[] out, int oo) {
        int b = lp.bias();
        for (int j = 0; j < w; j++) {
            z[zo + j] += p[b + j];
        }
        if (!lp.layerNorm()) {
            for (int j = 0; j < w; j++) {
                out[oo + j] = activate(lp.act(), z[zo + j]);
            }
            return;
        }
        float sum = 0f;
        for (int j = 0; j < w; j++) {
            sum += z[zo + j];
        }
        float mean = sum / w;
        float sq = 0f;
        for (int j = 0; j < w; j++) {
            float d = z[zo + j] - mean;
            sq += d * d;
        }
        float rstd = (float) (1.0 / Math.sqrt(sq / w + LN_EPS));
        stats[so] = mean;
        stats[so + 1] = rstd;
        int g = lp.lnScale();
        int be = lp.lnBias();
        for (int j = 0; j < w; j++) {
            float u = (z[zo + j] - mean) * rstd * p[g + j] + p[be + j];
            out[oo + j] = activate(lp.act(), u);
        }
    }

    static void backwardRow(float[] p, Params lp, int w, float[] dOut, int ro, float[] z, float[] stats, int so,
                            float[] dz, float[] part, int po) {
        Activation act = lp.act();
        if (!lp.layerNorm()) {
            for (int j = 0; j < w; j++) {
                float d = dOut[ro + j] * activateGrad(act, z[ro + j]);
                dz[ro + j] = d;
                if (part != null) {
                    part[po + j] += d;
                }
            }
            return;
        }
        float mean = stats[so];
        float rstd = stats[so + 1];
        int g = lp.lnScale();
        int be = lp.lnBias();
        // Pass 1: du, the γ/β partials, dx̂ (kept in dz) and the two row means of the LayerNorm backward.
        float sumDxhat = 0f;
        float sumDxhatXhat = 0f;
        for (int j = 0; j < w; j++) {
            float xhat = (z[ro + j] - mean) * rstd;
            float u = xhat * p[g + j] + p[be + j];
            float du = dOut[ro + j] * activateGrad(act, u);
            if (part != null) {
                part[po + w + j] += du * xhat;
                part[po + 2 * w + j] += du;
            }
            float dxhat = du * p[g + j];
            dz[ro + j] = dxhat;
            sumDxhat += dxhat;
            sumDxhatXhat += dxhat * xhat;
        }
        float m1 = sumDxhat / w;
        float m2 = sumDxhatXhat / w;
        // Pass 2: dz = rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ · x̂)).
        for (int j = 0; j < w; j++) {
            float xhat = (z[ro + j] - mean) * rstd;
            float d = rstd * (dz[ro + j] - m1 - xhat * m2);
            dz[ro + j] = d;
            if (part != null) {
                part[po + j] += d;
            }
        }
    }
}
