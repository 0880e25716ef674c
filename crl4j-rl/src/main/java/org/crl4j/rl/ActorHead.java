package org.crl4j.rl;

import org.crl4j.core.Rng;
import org.crl4j.nn.loss.TanhGaussian;

/**
 * The row layouts every agent shares: the tanh-Gaussian actor's head [μ ‖ raw log σ] per row, and rows joined side
 * by side (s ‖ g, s ‖ a, ...).
 */
final class ActorHead {
    private ActorHead() {
    }

    /** Actions of a tanh-Gaussian head [n × 2A]: tanh(μ) when {@code deterministic}, else tanh(μ + σε). */
    static void act(float[] head, int n, int a, boolean deterministic, Rng rng, float[] out) {
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < a; k++) {
                float mu = head[i * 2 * a + k];
                if (deterministic) {
                    out[i * a + k] = (float) Math.tanh(mu);
                } else {
                    double std = Math.exp(TanhGaussian.logStd(head[i * 2 * a + a + k]));
                    out[i * a + k] = (float) Math.tanh(mu + std * rng.nextGaussian());
                }
            }
        }
    }

    /** head [b × 2A] → mean [b × A], rawLogStd [b × A]. */
    static void split(float[] head, int b, int a, float[] mean, float[] rawLogStd) {
        for (int i = 0; i < b; i++) {
            System.arraycopy(head, i * 2 * a, mean, i * a, a);
            System.arraycopy(head, i * 2 * a + a, rawLogStd, i * a, a);
        }
    }

    /** dMean, dRaw [b × A] → dHead [b × 2A]. */
    static void join(float[] dMean, float[] dRaw, int b, int a, float[] dHead) {
        for (int i = 0; i < b; i++) {
            System.arraycopy(dMean, i * a, dHead, i * 2 * a, a);
            System.arraycopy(dRaw, i * a, dHead, i * 2 * a + a, a);
        }
    }

    /** out[i] = x[i] ‖ y[i] for {@code rows} rows of nx and ny floats. */
    static void concatRows(float[] x, int nx, float[] y, int ny, int rows, float[] out) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, i * nx, out, i * (nx + ny), nx);
            System.arraycopy(y, i * ny, out, i * (nx + ny) + nx, ny);
        }
    }

    /** The last {@code tail} columns of each row of x [rows × width], added into out [rows × tail]. */
    static void addTail(float[] x, int width, int tail, int rows, float[] out) {
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < tail; k++) {
                out[i * tail + k] += x[i * width + width - tail + k];
            }
        }
    }

    /** θ̄ ← (1 − τ)·θ̄ + τ·θ over whole parameter arrays (a target network and its online twin, same layout). */
    static void polyak(float[] target, float[] online, float tau) {
        if (target.length != online.length) {
            throw new IllegalArgumentException("target and online networks differ in size");
        }
        float keep = 1f - tau;
        for (int i = 0; i < target.length; i++) {
            target[i] = keep * target[i] + tau * online[i];
        }
    }
}
