package org.crl4j.nn.loss;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API {@link SoftmaxKernels}: the operations of {@link SoftmaxKernels#exp(float)}, lane by lane. */
final class VectorSoftmaxKernels extends SoftmaxKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MAGIC_BITS = Float.floatToRawIntBits(ROUNDING_MAGIC);
    private static final FloatVector LOG2E_V = FloatVector.broadcast(S, LOG2E);
    private static final FloatVector MAGIC_V = FloatVector.broadcast(S, ROUNDING_MAGIC);
    private static final FloatVector NEG_LN2_HI_V = FloatVector.broadcast(S, -LN2_HI);
    private static final FloatVector NEG_LN2_LO_V = FloatVector.broadcast(S, -LN2_LO);
    private static final FloatVector P0_V = FloatVector.broadcast(S, P0);
    private static final FloatVector P1_V = FloatVector.broadcast(S, P1);
    private static final FloatVector P2_V = FloatVector.broadcast(S, P2);
    private static final FloatVector P3_V = FloatVector.broadcast(S, P3);
    private static final FloatVector P4_V = FloatVector.broadcast(S, P4);
    private static final FloatVector P5_V = FloatVector.broadcast(S, P5);

    @Override
    boolean usable() {
        return L >= 4 && S.vectorBitSize() == IntVector.SPECIES_PREFERRED.vectorBitSize();
    }

    @Override
    float max(float[] x, int off, int n) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j + L <= n; j += L) {
            m = m.max(FloatVector.fromArray(S, x, off + j));
        }
        float result = m.reduceLanes(VectorOperators.MAX);
        for (; j < n; j++) {
            result = Math.max(result, x[off + j]);
        }
        return result;
    }

    @Override
    void expShifted(float[] x, int xOff, int n, float shift, float[] out, int outOff) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector v = FloatVector.fromArray(S, x, xOff + j).sub(shift);
            FloatVector c = v.min(CLAMP_HIGH);
            FloatVector t = c.fma(LOG2E_V, MAGIC_V);
            FloatVector nf = t.sub(MAGIC_V);
            IntVector bits = t.reinterpretAsInts().sub(MAGIC_BITS);
            FloatVector r = nf.fma(NEG_LN2_HI_V, c);
            r = nf.fma(NEG_LN2_LO_V, r);
            FloatVector p = P0_V.fma(r, P1_V);
            p = p.fma(r, P2_V);
            p = p.fma(r, P3_V);
            p = p.fma(r, P4_V);
            p = p.fma(r, P5_V);
            FloatVector y = p.fma(r.mul(r), r).add(1f);
            FloatVector pow2 = bits.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
            FloatVector e = y.mul(pow2);
            VectorMask<Float> under = v.compare(VectorOperators.LT, UNDERFLOW);
            e.blend(0f, under).intoArray(out, outOff + j);
        }
        for (; j < n; j++) {
            out[outOff + j] = exp(x[xOff + j] - shift);
        }
    }
}
