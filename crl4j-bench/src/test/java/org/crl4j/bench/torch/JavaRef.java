package org.crl4j.bench.torch;

import java.util.Map;

/** Plain-Java double-precision forward pass of a {@link TrunkSpec}, written from the spec, to check torch's wiring. */
final class JavaRef {
    private JavaRef() {
    }

    static double[] forward(TrunkSpec spec, Map<String, double[]> w, double[] x, int batch) {
        int wd = spec.width();
        double[] h = layer(spec, w, spec.prefix() + ".in", x, batch, spec.inDim());
        for (int b = 0; b < spec.blocks(); b++) {
            double[] in = h;
            for (int l = 0; l < 4; l++) {
                h = layer(spec, w, spec.prefix() + ".block" + b + ".layer" + l, h, batch, wd);
            }
            if (spec.residual()) {
                for (int i = 0; i < h.length; i++) {
                    h[i] += in[i];
                }
            }
        }
        return dense(h, w.get(spec.prefix() + ".head.kernel"), w.get(spec.prefix() + ".head.bias"), batch, wd,
                spec.outDim());
    }

    static double[] dense(double[] x, double[] k, double[] bias, int batch, int in, int out) {
        double[] y = new double[batch * out];
        for (int r = 0; r < batch; r++) {
            for (int o = 0; o < out; o++) {
                double s = bias[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * k[i * out + o];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    private static double[] layer(TrunkSpec spec, Map<String, double[]> w, String name, double[] x, int batch,
                                  int in) {
        int wd = spec.width();
        double[] y = dense(x, w.get(name + ".kernel"), w.get(name + ".bias"), batch, in, wd);
        for (int r = 0; r < batch; r++) {
            if (spec.layerNorm()) {
                double mu = 0;
                for (int j = 0; j < wd; j++) {
                    mu += y[r * wd + j];
                }
                mu /= wd;
                double var = 0;
                for (int j = 0; j < wd; j++) {
                    double d = y[r * wd + j] - mu;
                    var += d * d;
                }
                var /= wd;
                double inv = 1 / Math.sqrt(var + TrunkSpec.LN_EPS);
                double[] sc = w.get(name + ".ln_scale");
                double[] bi = w.get(name + ".ln_bias");
                for (int j = 0; j < wd; j++) {
                    y[r * wd + j] = (y[r * wd + j] - mu) * inv * sc[j] + bi[j];
                }
            }
            for (int j = 0; j < wd; j++) {
                double v = y[r * wd + j];
                y[r * wd + j] = spec.activation() == TrunkSpec.Activation.SWISH ? v / (1 + Math.exp(-v)) : Math.max(0, v);
            }
        }
        return y;
    }

    /** Random FP64-exact weights: the spec's init, with LayerNorm scale/bias and biases perturbed off 1/0. */
    static Map<String, float[]> randomWeights(TrunkSpec spec, long seed) {
        Map<String, float[]> w = spec.initWeights(seed);
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed ^ 0x5DEECE66DL);
        for (Map.Entry<String, float[]> e : w.entrySet()) {
            if (!e.getKey().endsWith(".kernel")) {
                float[] v = e.getValue();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.2 * (r.nextDouble() - 0.5));
                }
            }
        }
        return w;
    }

    static double[] gaussian(int n, long seed) {
        java.util.Random r = new java.util.Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    static float[] gaussianF(int n, long seed) {
        double[] d = gaussian(n, seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
