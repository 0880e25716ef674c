package org.crl4j.nn.loss;

import java.util.Arrays;

/** Plain-Java {@link PairwiseKernels}; the reference the vector version must match bit for bit. */
final class ScalarPairwiseKernels extends PairwiseKernels {

    private static final int PANEL = 32;

    @Override
    int panelWidth() {
        return PANEL;
    }

    @Override
    void squaredDistances(float[] phi, int i0, int i1, int d, float[] packed, int n, float[] out, int ldOut) {
        for (int i = i0; i < i1; i++) {
            int o = i * ldOut;
            Arrays.fill(out, o, o + n, 0f);
            for (int g = 0; g * PANEL < n; g++) {
                int base = g * PANEL * d;
                int width = Math.min(PANEL, n - g * PANEL);
                int og = o + g * PANEL;
                for (int k = 0; k < d; k++) {
                    float p = phi[i * d + k];
                    int row = base + k * PANEL;
                    for (int jj = 0; jj < width; jj++) {
                        float diff = p - packed[row + jj];
                        out[og + jj] = Math.fma(diff, diff, out[og + jj]);
                    }
                }
            }
        }
    }

    @Override
    void dots(float[] phi, int i0, int i1, int d, float[] packed, int n, float[] out, int ldOut) {
        for (int i = i0; i < i1; i++) {
            int o = i * ldOut;
            Arrays.fill(out, o, o + n, 0f);
            for (int g = 0; g * PANEL < n; g++) {
                int base = g * PANEL * d;
                int width = Math.min(PANEL, n - g * PANEL);
                int og = o + g * PANEL;
                for (int k = 0; k < d; k++) {
                    float p = phi[i * d + k];
                    int row = base + k * PANEL;
                    for (int jj = 0; jj < width; jj++) {
                        out[og + jj] = Math.fma(p, packed[row + jj], out[og + jj]);
                    }
                }
            }
        }
    }

    @Override
    void weightedDifferences(float[] w, int rs, int cs, int r0, int r1, int n, float[] u, float[] v, int d, float[] out) {
        for (int r = r0; r < r1; r++) {
            int o = r * d;
            Arrays.fill(out, o, o + d, 0f);
            for (int c = 0; c < n; c++) {
                float wc = w[r * rs + c * cs];
                int row = c * d;
                for (int k = 0; k < d; k++) {
                    out[o + k] = Math.fma(wc, u[o + k] - v[row + k], out[o + k]);
                }
            }
        }
    }

    @Override
    void weightedSum(float[] w, int rs, int cs, int r0, int r1, int n, float[] v, int d, float[] out) {
        for (int r = r0; r < r1; r++) {
            int o = r * d;
            Arrays.fill(out, o, o + d, 0f);
            for (int c = 0; c < n; c++) {
                float wc = w[r * rs + c * cs];
                int row = c * d;
                for (int k = 0; k < d; k++) {
                    out[o + k] = Math.fma(wc, v[row + k], out[o + k]);
                }
            }
        }
    }
}
