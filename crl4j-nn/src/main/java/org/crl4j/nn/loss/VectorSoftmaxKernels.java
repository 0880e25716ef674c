package org.crl4j.nn.loss;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** Vector API {@link SoftmaxKernels}: the operations of {@link SoftmaxKernels#exp(float)}, lane by lane. */
final class VectorSoftmaxKernels extends SoftmaxKernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    boolean usable() {
        return L >= 4 && org.crl4j.nn.VectorFloatExp.usable();
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
            org.crl4j.nn.VectorFloatExp.exp(v).intoArray(out, outOff + j);
        }
        for (; j < n; j++) {
            out[outOff + j] = exp(x[xOff + j] - shift);
        }
    }
}
