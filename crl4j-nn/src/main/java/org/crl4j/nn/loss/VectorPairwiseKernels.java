package org.crl4j.nn.loss;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API {@link PairwiseKernels}. Each lane carries one output element through exactly the chain of operations
 * the scalar kernels use, so results match {@link ScalarPairwiseKernels} bit for bit.
 *
 * <p>Forward: a panel of 4 vectors of Ψ columns against two Φ rows at a time (8 independent FMA chains sharing each
 * load). Backward: rows of the output against chunks of 64 rows of V, so the chunk (and, for strided weights, the
 * chunk's weights) stays in L1 while a block of output rows passes over it; partial sums are stored and reloaded
 * between chunks, which is exact.
 */
final class VectorPairwiseKernels extends PairwiseKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int W = 4 * L;
    private static final int CHUNK = 64;

    @Override
    boolean usable() {
        return L >= 4;
    }

    @Override
    int panelWidth() {
        return W;
    }

    @Override
    void squaredDistances(float[] phi, int i0, int i1, int d, float[] packed, int n, float[] out, int ldOut) {
        forward(true, phi, i0, i1, d, packed, n, out, ldOut);
    }

    @Override
    void dots(float[] phi, int i0, int i1, int d, float[] packed, int n, float[] out, int ldOut) {
        forward(false, phi, i0, i1, d, packed, n, out, ldOut);
    }

    private static void forward(boolean distance, float[] phi, int i0, int i1, int d, float[] packed, int n,
                                float[] out, int ldOut) {
        int fullPanels = n / W;
        for (int g = 0; g < fullPanels; g++) {
            int base = g * W * d;
            int col = g * W;
            int i = i0;
            for (; i + 2 <= i1; i += 2) {
                if (distance) {
                    distancePair(phi, i * d, d, packed, base, out, i * ldOut + col, ldOut);
                } else {
                    dotPair(phi, i * d, d, packed, base, out, i * ldOut + col, ldOut);
                }
            }
            if (i < i1) {
                if (distance) {
                    distanceSingle(phi, i * d, d, packed, base, out, i * ldOut + col);
                } else {
                    dotSingle(phi, i * d, d, packed, base, out, i * ldOut + col);
                }
            }
        }
        // Last, narrower panel: scalar, same chain per element.
        int col0 = fullPanels * W;
        if (col0 < n) {
            int base = fullPanels * W * d;
            for (int i = i0; i < i1; i++) {
                for (int jj = 0; jj < n - col0; jj++) {
                    float acc = 0f;
                    for (int k = 0; k < d; k++) {
                        float p = phi[i * d + k];
                        float q = packed[base + k * W + jj];
                        if (distance) {
                            float diff = p - q;
                            acc = Math.fma(diff, diff, acc);
                        } else {
                            acc = Math.fma(p, q, acc);
                        }
                    }
                    out[i * ldOut + col0 + jj] = acc;
                }
            }
        }
    }

    private static void distancePair(float[] phi, int phiOff, int d, float[] packed, int base, float[] out, int o,
                                     int ldOut) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S);
        FloatVector b1 = FloatVector.zero(S);
        FloatVector b2 = FloatVector.zero(S);
        FloatVector b3 = FloatVector.zero(S);
        for (int k = 0; k < d; k++) {
            FloatVector p = FloatVector.broadcast(S, phi[phiOff + k]);
            FloatVector q = FloatVector.broadcast(S, phi[phiOff + d + k]);
            int at = base + k * W;
            FloatVector v0 = FloatVector.fromArray(S, packed, at);
            FloatVector v1 = FloatVector.fromArray(S, packed, at + L);
            FloatVector v2 = FloatVector.fromArray(S, packed, at + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, packed, at + 3 * L);
            FloatVector t = p.sub(v0);
            a0 = t.fma(t, a0);
            t = p.sub(v1);
            a1 = t.fma(t, a1);
            t = p.sub(v2);
            a2 = t.fma(t, a2);
            t = p.sub(v3);
            a3 = t.fma(t, a3);
            t = q.sub(v0);
            b0 = t.fma(t, b0);
            t = q.sub(v1);
            b1 = t.fma(t, b1);
            t = q.sub(v2);
            b2 = t.fma(t, b2);
            t = q.sub(v3);
            b3 = t.fma(t, b3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + L);
        a2.intoArray(out, o + 2 * L);
        a3.intoArray(out, o + 3 * L);
        b0.intoArray(out, o + ldOut);
        b1.intoArray(out, o + ldOut + L);
        b2.intoArray(out, o + ldOut + 2 * L);
        b3.intoArray(out, o + ldOut + 3 * L);
    }

    private static void distanceSingle(float[] phi, int phiOff, int d, float[] packed, int base, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int k = 0; k < d; k++) {
            FloatVector p = FloatVector.broadcast(S, phi[phiOff + k]);
            int at = base + k * W;
            FloatVector t = p.sub(FloatVector.fromArray(S, packed, at));
            a0 = t.fma(t, a0);
            t = p.sub(FloatVector.fromArray(S, packed, at + L));
            a1 = t.fma(t, a1);
            t = p.sub(FloatVector.fromArray(S, packed, at + 2 * L));
            a2 = t.fma(t, a2);
            t = p.sub(FloatVector.fromArray(S, packed, at + 3 * L));
            a3 = t.fma(t, a3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + L);
        a2.intoArray(out, o + 2 * L);
        a3.intoArray(out, o + 3 * L);
    }

    private static void dotPair(float[] phi, int phiOff, int d, float[] packed, int base, float[] out, int o,
                                int ldOut) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        FloatVector b0 = FloatVector.zero(S);
        FloatVector b1 = FloatVector.zero(S);
        FloatVector b2 = FloatVector.zero(S);
        FloatVector b3 = FloatVector.zero(S);
        for (int k = 0; k < d; k++) {
            FloatVector p = FloatVector.broadcast(S, phi[phiOff + k]);
            FloatVector q = FloatVector.broadcast(S, phi[phiOff + d + k]);
            int at = base + k * W;
            FloatVector v0 = FloatVector.fromArray(S, packed, at);
            FloatVector v1 = FloatVector.fromArray(S, packed, at + L);
            FloatVector v2 = FloatVector.fromArray(S, packed, at + 2 * L);
            FloatVector v3 = FloatVector.fromArray(S, packed, at + 3 * L);
            a0 = p.fma(v0, a0);
            a1 = p.fma(v1, a1);
            a2 = p.fma(v2, a2);
            a3 = p.fma(v3, a3);
            b0 = q.fma(v0, b0);
            b1 = q.fma(v1, b1);
            b2 = q.fma(v2, b2);
            b3 = q.fma(v3, b3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + L);
        a2.intoArray(out, o + 2 * L);
        a3.intoArray(out, o + 3 * L);
        b0.intoArray(out, o + ldOut);
        b1.intoArray(out, o + ldOut + L);
        b2.intoArray(out, o + ldOut + 2 * L);
        b3.intoArray(out, o + ldOut + 3 * L);
    }

    private static void dotSingle(float[] phi, int phiOff, int d, float[] packed, int base, float[] out, int o) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        for (int k = 0; k < d; k++) {
            FloatVector p = FloatVector.broadcast(S, phi[phiOff + k]);
            int at = base + k * W;
            a0 = p.fma(FloatVector.fromArray(S, packed, at), a0);
            a1 = p.fma(FloatVector.fromArray(S, packed, at + L), a1);
            a2 = p.fma(FloatVector.fromArray(S, packed, at + 2 * L), a2);
            a3 = p.fma(FloatVector.fromArray(S, packed, at + 3 * L), a3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + L);
        a2.intoArray(out, o + 2 * L);
        a3.intoArray(out, o + 3 * L);
    }

    @Override
    void weightedDifferences(float[] w, int rs, int cs, int r0, int r1, int n, float[] u, float[] v, int d,
                             float[] out) {
        backward(true, w, rs, cs, r0, r1, n, u, v, d, out);
    }

    @Override
    void weightedSum(float[] w, int rs, int cs, int r0, int r1, int n, float[] v, int d, float[] out) {
        backward(false, w, rs, cs, r0, r1, n, null, v, d, out);
    }

    private static void backward(boolean difference, float[] w, int rs, int cs, int r0, int r1, int n, float[] u,
                                 float[] v, int d, float[] out) {
        if (n == 0) {
            java.util.Arrays.fill(out, r0 * d, r1 * d, 0f);
            return;
        }
        for (int c0 = 0; c0 < n; c0 += CHUNK) {
            int c1 = Math.min(n, c0 + CHUNK);
            boolean first = c0 == 0;
            for (int r = r0; r < r1; r++) {
                int o = r * d;
                int wRow = r * rs;
                int k = 0;
                for (; k + W <= d; k += W) {
                    if (difference) {
                        differences4(w, wRow, cs, c0, c1, u, v, d, out, o + k, k, first);
                    } else {
                        sum4(w, wRow, cs, c0, c1, v, d, out, o + k, k, first);
                    }
                }
                for (; k + L <= d; k += L) {
                    FloatVector a = first ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o + k);
                    FloatVector uk = difference ? FloatVector.fromArray(S, u, o + k) : null;
                    for (int c = c0; c < c1; c++) {
                        FloatVector wc = FloatVector.broadcast(S, w[wRow + c * cs]);
                        FloatVector vk = FloatVector.fromArray(S, v, c * d + k);
                        a = difference ? uk.sub(vk).fma(wc, a) : wc.fma(vk, a);
                    }
                    a.intoArray(out, o + k);
                }
                for (; k < d; k++) {
                    float acc = first ? 0f : out[o + k];
                    for (int c = c0; c < c1; c++) {
                        acc = difference ? Math.fma(w[wRow + c * cs], u[o + k] - v[c * d + k], acc)
                                : Math.fma(w[wRow + c * cs], v[c * d + k], acc);
                    }
                    out[o + k] = acc;
                }
            }
        }
    }

    private static void differences4(float[] w, int wRow, int cs, int c0, int c1, float[] u, float[] v, int d, float[] out,
                                     int o, int k, boolean first) {
        FloatVector u0 = FloatVector.fromArray(S, u, o);
        FloatVector u1 = FloatVector.fromArray(S, u, o + L);
        FloatVector u2 = FloatVector.fromArray(S, u, o + 2 * L);
        FloatVector u3 = FloatVector.fromArray(S, u, o + 3 * L);
        FloatVector a0 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o);
        FloatVector a1 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o + L);
        FloatVector a2 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o + 2 * L);
        FloatVector a3 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o + 3 * L);
        for (int c = c0; c < c1; c++) {
            FloatVector wc = FloatVector.broadcast(S, w[wRow + c * cs]);
            int at = c * d + k;
            a0 = u0.sub(FloatVector.fromArray(S, v, at)).fma(wc, a0);
            a1 = u1.sub(FloatVector.fromArray(S, v, at + L)).fma(wc, a1);
            a2 = u2.sub(FloatVector.fromArray(S, v, at + 2 * L)).fma(wc, a2);
            a3 = u3.sub(FloatVector.fromArray(S, v, at + 3 * L)).fma(wc, a3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + L);
        a2.intoArray(out, o + 2 * L);
        a3.intoArray(out, o + 3 * L);
    }

    private static void sum4(float[] w, int wRow, int cs, int c0, int c1, float[] v, int d, float[] out, int o, int k,
                             boolean first) {
        FloatVector a0 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o);
        FloatVector a1 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o + L);
        FloatVector a2 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o + 2 * L);
        FloatVector a3 = first ? FloatVector.zero(S) : FloatVector.fromArray(S, out, o + 3 * L);
        for (int c = c0; c < c1; c++) {
            FloatVector wc = FloatVector.broadcast(S, w[wRow + c * cs]);
            int at = c * d + k;
            a0 = wc.fma(FloatVector.fromArray(S, v, at), a0);
            a1 = wc.fma(FloatVector.fromArray(S, v, at + L), a1);
            a2 = wc.fma(FloatVector.fromArray(S, v, at + 2 * L), a2);
            a3 = wc.fma(FloatVector.fromArray(S, v, at + 3 * L), a3);
        }
        a0.intoArray(out, o);
        a1.intoArray(out, o + L);
        a2.intoArray(out, o + 2 * L);
        a3.intoArray(out, o + 3 * L);
    }
}
