package org.crl4j.nn.loss;

/** Plain-Java {@link PairwiseKernels}; the reference the vector version must match bit for bit. */
final class ScalarPairwiseKernels extends PairwiseKernels {

    @Override
    void squaredDistances(float[] phi, int phiOff, float[] psiT, int ldT, int n, int d, float[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + n, 0f);
        for (int k = 0; k < d; k++) {
            float p = phi[phiOff + k];
            int row = k * ldT;
            for (int j = 0; j < n; j++) {
                float diff = p - psiT[row + j];
                out[outOff + j] = Math.fma(diff, diff, out[outOff + j]);
            }
        }
    }

    @Override
    void dots(float[] phi, int phiOff, float[] psiT, int ldT, int n, int d, float[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + n, 0f);
        for (int k = 0; k < d; k++) {
            float p = phi[phiOff + k];
            int row = k * ldT;
            for (int j = 0; j < n; j++) {
                out[outOff + j] = Math.fma(p, psiT[row + j], out[outOff + j]);
            }
        }
    }

    @Override
    void weightedDifferences(float[] w, int wOff, int n, float[] u, int uOff, float[] v, int d,
                             float[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + d, 0f);
        for (int c = 0; c < n; c++) {
            float wc = w[wOff + c];
            int row = c * d;
            for (int k = 0; k < d; k++) {
                out[outOff + k] = Math.fma(wc, u[uOff + k] - v[row + k], out[outOff + k]);
            }
        }
    }

    @Override
    void weightedSum(float[] w, int wOff, int n, float[] v, int d, float[] out, int outOff) {
        java.util.Arrays.fill(out, outOff, outOff + d, 0f);
        for (int c = 0; c < n; c++) {
            float wc = w[wOff + c];
            int row = c * d;
            for (int k = 0; k < d; k++) {
                out[outOff + k] = Math.fma(wc, v[row + k], out[outOff + k]);
            }
        }
    }
}
