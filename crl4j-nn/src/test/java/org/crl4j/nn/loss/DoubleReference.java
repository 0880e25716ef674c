package org.crl4j.nn.loss;

import java.util.Random;
import java.util.function.ToDoubleFunction;


/**
 * Straightforward double-precision re-statements of the loss formulas (taken from JaxGCRL's losses.py as written,
 * not from the production code), used as ground truth and for finite differences.
 */
final class DoubleReference {
    private DoubleReference() {
    }

    /** logits[i][j] = f(φ_i, ψ_j); cosine uses the Frobenius norms of the whole arrays. */
    static double[][] logits(Energy e, double[] phi, double[] psi, int b, int b2, int d) {
        double norms = e == Energy.COSINE ? Math.sqrt(sumSquares(phi)) * Math.sqrt(sumSquares(psi)) + 1e-6 : 1;
        double[][] out = new double[b][b2];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < b2; j++) {
                double sq = 0;
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    double diff = phi[i * d + k] - psi[j * d + k];
                    sq += diff * diff;
                    dot += phi[i * d + k] * psi[j * d + k];
                }
                out[i][j] = switch (e) {
                    case NORM -> -Math.sqrt(sq + 1e-6);
                    case L2 -> -sq;
                    case DOT -> dot;
                    case COSINE -> dot / norms;
                };
            }
        }
        return out;
    }

    /** Row-wise energies f(φ_i, ψ_i); cosine with the Frobenius norms of the B×d arrays. */
    static double[] paired(Energy e, double[] phi, double[] psi, int b, int d) {
        double norms = e == Energy.COSINE ? Math.sqrt(sumSquares(phi)) * Math.sqrt(sumSquares(psi)) + 1e-6 : 1;
        double[] out = new double[b];
        for (int i = 0; i < b; i++) {
            double sq = 0;
            double dot = 0;
            for (int k = 0; k < d; k++) {
                double diff = phi[i * d + k] - psi[i * d + k];
                sq += diff * diff;
                dot += phi[i * d + k] * psi[i * d + k];
            }
            out[i] = switch (e) {
                case NORM -> -Math.sqrt(sq + 1e-6);
                case L2 -> -sq;
                case DOT -> dot;
                case COSINE -> dot / norms;
            };
        }
        return out;
    }

    static double lse(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - m);
        }
        return m + Math.log(s);
    }

    static double rowLse(double[][] l, int i) {
        return lse(l[i]);
    }

    static double colLse(double[][] l, int j) {
        double[] c = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            c[i] = l[i][j];
        }
        return lse(c);
    }

    /** JaxGCRL critic loss: contrastive_loss_fn(variant) + coef·mean(logsumexp(logits + 1e-6, axis=1)²). */
    static double infoNce(InfoNce.Variant v, double coef, double[][] l) {
        int b = l.length;
        double loss = 0;
        switch (v) {
            case FORWARD -> {
                for (int i = 0; i < b; i++) {
                    loss -= l[i][i] - rowLse(l, i);
                }
                loss /= b;
            }
            case BACKWARD -> {
                for (int i = 0; i < b; i++) {
                    loss -= l[i][i] - colLse(l, i);
                }
                loss /= b;
            }
            case SYMMETRIC -> {
                for (int i = 0; i < b; i++) {
                    loss -= 2 * l[i][i] - rowLse(l, i) - colLse(l, i);
                }
                loss /= b;
            }
            case BINARY_NCE -> {
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < b; j++) {
                        loss -= 1 / (1 + Math.exp(-l[i][j]));
                    }
                }
                loss /= (double) b * b;
            }
            case SIGMOID_BCE -> {
                for (int i = 0; i < b; i++) {
                    for (int j = 0; j < b; j++) {
                        double p = 1 / (1 + Math.exp(-l[i][j]));
                        loss -= i == j ? Math.log(p) : Math.log(1 - p);
                    }
                }
                loss /= (double) b * b;
            }
        }
        double pen = 0;
        for (int i = 0; i < b; i++) {
            double[] shifted = new double[b];
            for (int j = 0; j < b; j++) {
                shifted[j] = l[i][j] + 1e-6;
            }
            double s = lse(shifted);
            pen += s * s;
        }
        return loss + coef * pen / b;
    }

    /** Actions of the tanh-Gaussian head, written like JaxGCRL: x = μ + σε, a = tanh(x). */
    static double[] actions(double[] mean, double[] raw, double[] eps) {
        double[] a = new double[mean.length];
        for (int k = 0; k < a.length; k++) {
            double logStd = -5 + 0.5 * (2 - (-5)) * (Math.tanh(raw[k]) + 1);
            a[k] = Math.tanh(mean[k] + Math.exp(logStd) * eps[k]);
        }
        return a;
    }

    /** log π per row, written like JaxGCRL: norm.logpdf(x, μ, σ) − log(1 − a² + 1e-6), summed over the row. */
    static double[] logProb(double[] mean, double[] raw, double[] eps, int rows, int actionDim) {
        double[] lp = new double[rows];
        for (int i = 0; i < rows; i++) {
            for (int k = i * actionDim; k < (i + 1) * actionDim; k++) {
                double logStd = -5 + 0.5 * (2 - (-5)) * (Math.tanh(raw[k]) + 1);
                double std = Math.exp(logStd);
                double x = mean[k] + std * eps[k];
                double a = Math.tanh(x);
                double z = (x - mean[k]) / std;
                lp[i] += -0.5 * z * z - Math.log(std) - 0.5 * Math.log(2 * Math.PI) - Math.log(1 - a * a + 1e-6);
            }
        }
        return lp;
    }

    static double sumSquares(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return s;
    }

    /** Central-difference gradient of f at x (x is restored). */
    static double[] numericGradient(ToDoubleFunction<double[]> f, double[] x, double h) {
        double[] g = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double saved = x[k];
            x[k] = saved + h;
            double up = f.applyAsDouble(x);
            x[k] = saved - h;
            double down = f.applyAsDouble(x);
            x[k] = saved;
            g[k] = (up - down) / (2 * h);
        }
        return g;
    }

    static float[] randomFloats(Random r, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextGaussian() * scale);
        }
        return a;
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    static double[][] toMatrix(float[] a, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[i][j] = a[i * cols + j];
            }
        }
        return m;
    }

    static double[] flatten(double[][] m) {
        int c = m[0].length;
        double[] out = new double[m.length * c];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * c, c);
        }
        return out;
    }

    static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /** Asserts |actual − expected| ≤ absTol + relTol·max|expected| element-wise (tolerance relative to the scale). */
    static void assertClose(String what, float[] actual, double[] expected, double relTol, double absTol) {
        double tol = absTol + relTol * maxAbs(expected);
        for (int k = 0; k < expected.length; k++) {
            if (!(Math.abs(actual[k] - expected[k]) <= tol)) {
                throw new AssertionError(what + "[" + k + "]: expected " + expected[k] + " but was " + actual[k]
                        + " (tolerance " + tol + ")");
            }
        }
    }
}
