package org.crl4j.nn.loss;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link PairwiseKernels}. Each lane carries one output element through exactly the chain of operations
 * the scalar kernels use, so results match {@link ScalarPairwiseKernels} bit for bit. Four vectors of independent
 * outputs are in flight per inner-loop step to hide the FMA latency.
 */
final class VectorPairwiseKernels extends PairwiseKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    boolean usable() {
        return L >= 4;
    }

    @Override
    void squaredDistances(float[] phi, int phiOff, float[] psiT, int ldT, int n, int d, float[] out, int outOff) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int k = 0; k < d; k++) {
                FloatVector p = FloatVector.broadcast(S, phi[phiOff + k]);
                int base = k * ldT + j;
                FloatVector d0 = p.sub(FloatVector.fromArray(S, psiT, base));
                FloatVector d1 = p.sub(FloatVector.fromArray(S, psiT, base + L));
                FloatVector d2 = p.sub(FloatVector.fromArray(S, psiT, base + 2 * L));
                FloatVector d3 = p.sub(FloatVector.fromArray(S, psiT, base + 3 * L));
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
                a2 = d2.fma(d2, a2);
                a3 = d3.fma(d3, a3);
            }
            a0.intoArray(out, outOff + j);
            a1.intoArray(out, outOff + j + L);
            a2.intoArray(out, outOff + j + 2 * L);
            a3.intoArray(out, outOff + j + 3 * L);
        }
        for (; j + L <= n; j += L) {
            FloatVector a = FloatVector.zero(S);
            for (int k = 0; k < d; k++) {
                FloatVector diff = FloatVector.broadcast(S, phi[phiOff + k]).sub(FloatVector.fromArray(S, psiT, k * ldT + j));
                a = diff.fma(diff, a);
            }
            a.intoArray(out, outOff + j);
        }
        for (; j < n; j++) {
            float acc = 0f;
            for (int k = 0; k < d; k++) {
                float diff = phi[phiOff + k] - psiT[k * ldT + j];
                acc = Math.fma(diff, diff, acc);
            }
            out[outOff + j] = acc;
        }
    }

    @Override
    void dots(float[] phi, int phiOff, float[] psiT, int ldT, int n, int d, float[] out, int outOff) {
        int j = 0;
        for (; j + 4 * L <= n; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int k = 0; k < d; k++) {
                FloatVector p = FloatVector.broadcast(S, phi[phiOff + k]);
                int base = k * ldT + j;
                a0 = p.fma(FloatVector.fromArray(S, psiT, base), a0);
                a1 = p.fma(FloatVector.fromArray(S, psiT, base + L), a1);
                a2 = p.fma(FloatVector.fromArray(S, psiT, base + 2 * L), a2);
                a3 = p.fma(FloatVector.fromArray(S, psiT, base + 3 * L), a3);
            }
            a0.intoArray(out, outOff + j);
            a1.intoArray(out, outOff + j + L);
            a2.intoArray(out, outOff + j + 2 * L);
            a3.intoArray(out, outOff + j + 3 * L);
        }
        for (; j + L <= n; j += L) {
            FloatVector a = FloatVector.zero(S);
            for (int k = 0; k < d; k++) {
                a = FloatVector.broadcast(S, phi[phiOff + k]).fma(FloatVector.fromArray(S, psiT, k * ldT + j), a);
            }
            a.intoArray(out, outOff + j);
        }
        for (; j < n; j++) {
            float acc = 0f;
            for (int k = 0; k < d; k++) {
                acc = Math.fma(phi[phiOff + k], psiT[k * ldT + j], acc);
            }
            out[outOff + j] = acc;
        }
    }

    @Override
    void weightedDifferences(float[] w, int wOff, int n, float[] u, int uOff, float[] v, int d,
                             float[] out, int outOff) {
        int k = 0;
        for (; k + 4 * L <= d; k += 4 * L) {
            FloatVector u0 = FloatVector.fromArray(S, u, uOff + k);
            FloatVector u1 = FloatVector.fromArray(S, u, uOff + k + L);
            FloatVector u2 = FloatVector.fromArray(S, u, uOff + k + 2 * L);
            FloatVector u3 = FloatVector.fromArray(S, u, uOff + k + 3 * L);
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int c = 0; c < n; c++) {
                FloatVector wc = FloatVector.broadcast(S, w[wOff + c]);
                int base = c * d + k;
                a0 = u0.sub(FloatVector.fromArray(S, v, base)).fma(wc, a0);
                a1 = u1.sub(FloatVector.fromArray(S, v, base + L)).fma(wc, a1);
                a2 = u2.sub(FloatVector.fromArray(S, v, base + 2 * L)).fma(wc, a2);
                a3 = u3.sub(FloatVector.fromArray(S, v, base + 3 * L)).fma(wc, a3);
            }
            a0.intoArray(out, outOff + k);
            a1.intoArray(out, outOff + k + L);
            a2.intoArray(out, outOff + k + 2 * L);
            a3.intoArray(out, outOff + k + 3 * L);
        }
        for (; k + L <= d; k += L) {
            FloatVector uk = FloatVector.fromArray(S, u, uOff + k);
            FloatVector a = FloatVector.zero(S);
            for (int c = 0; c < n; c++) {
                a = uk.sub(FloatVector.fromArray(S, v, c * d + k)).fma(FloatVector.broadcast(S, w[wOff + c]), a);
            }
            a.intoArray(out, outOff + k);
        }
        for (; k < d; k++) {
            float acc = 0f;
            float uk = u[uOff + k];
            for (int c = 0; c < n; c++) {
                acc = Math.fma(w[wOff + c], uk - v[c * d + k], acc);
            }
            out[outOff + k] = acc;
        }
    }

    @Override
    void weightedSum(float[] w, int wOff, int n, float[] v, int d, float[] out, int outOff) {
        int k = 0;
        for (; k + 4 * L <= d; k += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int c = 0; c < n; c++) {
                FloatVector wc = FloatVector.broadcast(S, w[wOff + c]);
                int base = c * d + k;
                a0 = wc.fma(FloatVector.fromArray(S, v, base), a0);
                a1 = wc.fma(FloatVector.fromArray(S, v, base + L), a1);
                a2 = wc.fma(FloatVector.fromArray(S, v, base + 2 * L), a2);
                a3 = wc.fma(FloatVector.fromArray(S, v, base + 3 * L), a3);
            }
            a0.intoArray(out, outOff + k);
            a1.intoArray(out, outOff + k + L);
            a2.intoArray(out, outOff + k + 2 * L);
            a3.intoArray(out, outOff + k + 3 * L);
        }
        for (; k + L <= d; k += L) {
            FloatVector a = FloatVector.zero(S);
            for (int c = 0; c < n; c++) {
                a = FloatVector.broadcast(S, w[wOff + c]).fma(FloatVector.fromArray(S, v, c * d + k), a);
            }
            a.intoArray(out, outOff + k);
        }
        for (; k < d; k++) {
            float acc = 0f;
            for (int c = 0; c < n; c++) {
                acc = Math.fma(w[wOff + c], v[c * d + k], acc);
            }
            out[outOff + k] = acc;
        }
    }
}
