package org.crl4j.nn;

/**
 * A plain double-precision forward pass of {@link ResidualMlp}, written independently of the production kernels,
 * to take accurate finite differences of. It reads the same flat parameter layout through the store's names.
 */
final class ReferenceMlp {
    private ReferenceMlp() {
    }

    static double[] dense(ParamStore ps, double[] p, String name, double[] x, int rows, int in, int out,
                          boolean ln, Activation act) {
        int k = ps.entry(name + ".kernel").offset();
        int b = ps.entry(name + ".bias").offset();
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            double[] z = new double[out];
            for (int j = 0; j < out; j++) {
                double s = p[b + j];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * p[k + i * out + j];
                }
                z[j] = s;
            }
            if (ln) {
                int gs = ps.entry(name + ".ln_scale").offset();
                int gb = ps.entry(name + ".ln_bias").offset();
                double mean = 0;
                for (double v : z) {
                    mean += v;
                }
                mean /= out;
                double var = 0;
                for (double v : z) {
                    var += (v - mean) * (v - mean);
                }
                var /= out;
                double rstd = 1.0 / Math.sqrt(var + 1e-6);
                for (int j = 0; j < out; j++) {
                    z[j] = (z[j] - mean) * rstd * p[gs + j] + p[gb + j];
                }
            }
            for (int j = 0; j < out; j++) {
                double u = z[j];
                double a;
                switch (act) {
                    case SWISH:
                        a = u / (1 + Math.exp(-u));
                        break;
                    case RELU:
                        a = Math.max(u, 0);
                        break;
                    default:
                        a = u;
                }
                y[r * out + j] = a;
            }
        }
        return y;
    }

    static double[] forward(ParamStore ps, double[] p, String prefix, double[] x, int rows, int inDim, int outDim,
                            MlpOptions opt) {
        int w = opt.width();
        double[] h = dense(ps, p, prefix + ".in", x, rows, inDim, w, opt.layerNorm(), opt.activation());
        for (int b = 0; b < opt.blocks(); b++) {
            double[] a = h;
            for (int l = 0; l < 4; l++) {
                a = dense(ps, p, prefix + ".block" + b + ".layer" + l, a, rows, w, w, opt.layerNorm(), opt.activation());
            }
            if (opt.residual()) {
                for (int i = 0; i < a.length; i++) {
                    a[i] += h[i];
                }
            }
            h = a;
        }
        return dense(ps, p, prefix + ".head", h, rows, w, outDim, false, Activation.NONE);
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }
}
