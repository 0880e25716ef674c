package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Simd;

/**
 * Adam (Kingma &amp; Ba) over a {@link ParamStore}'s flat arrays, with the reference defaults b1 0.9, b2 0.999,
 * eps 1e-8 and no weight decay: m ← b1·m + (1−b1)·g; v ← b2·v + (1−b2)·g²;
 * p ← p − lr·m̂ / (√v̂ + eps) with the bias corrections m̂ = m/(1−b1ᵗ), v̂ = v/(1−b2ᵗ).
 */
public final class Adam {
    public static final float DEFAULT_B1 = 0.9f;
    public static final float DEFAULT_B2 = 0.999f;
    public static final float DEFAULT_EPS = 1e-8f;

    private static final int CHUNK = 1 << 15;

    private final ParamStore ps;
    private final float lr;
    private final float b1;
    private final float b2;
    private final float eps;
    private final float[] m;
    private final float[] v;
    private long step;

    public Adam(ParamStore ps, float lr) {
        this(ps, lr, DEFAULT_B1, DEFAULT_B2, DEFAULT_EPS);
    }

    public Adam(ParamStore ps, float lr, float b1, float b2, float eps) {
        if (!(lr > 0f)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        this.ps = ps;
        this.lr = lr;
        this.b1 = b1;
        this.b2 = b2;
        this.eps = eps;
        this.m = new float[ps.size()];
        this.v = new float[ps.size()];
    }

    public long step() {
        return step;
    }

    /** First-moment state (same layout as the parameters), for checkpoints. */
    public float[] firstMoment() {
        return m;
    }

    /** Second-moment state, for checkpoints. */
    public float[] secondMoment() {
        return v;
    }

    public void setStep(long step) {
        this.step = step;
    }

    /** One update of every parameter from the gradients currently in the store. */
    public void update(Parallel pool) {
        step++;
        float[] p = ps.params();
        float[] g = ps.grads();
        int n = p.length;
        float stepSize = (float) (lr / (1.0 - Math.pow(b1, step)));
        float invSqrtBc2 = (float) (1.0 / Math.sqrt(1.0 - Math.pow(b2, step)));
        pool.run((n + CHUNK - 1) / CHUNK, (t, w) -> {
            int from = t * CHUNK;
            int to = Math.min(n, from + CHUNK);
            if (Simd.ENABLED) {
                VectorAdam.update(p, g, m, v, from, to, b1, b2, eps, stepSize, invSqrtBc2);
            } else {
                update(p, g, m, v, from, to, b1, b2, eps, stepSize, invSqrtBc2);
            }
        });
    }

    static void update(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1, float b2, float eps,
                       float stepSize, float invSqrtBc2) {
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        for (int i = from; i < to; i++) {
            float gi = g[i];
            float mi = b1 * m[i] + c1 * gi;
            float vi = b2 * v[i] + c2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }
}
