package org.crl4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector API version of {@link Adam}'s update loop; the same arithmetic in the same order. */
final class VectorAdam {
    private VectorAdam() {
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    static void update(float[] p, float[] g, float[] m, float[] v, int from, int to, float b1, float b2, float eps,
                       float stepSize, float invSqrtBc2) {
        float c1 = 1f - b1;
        float c2 = 1f - b2;
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += S.length()) {
            FloatVector gi = FloatVector.fromArray(S, g, i);
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(c1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(c2).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denom = vi.sqrt().mul(invSqrtBc2).add(eps);
            FloatVector.fromArray(S, p, i).sub(mi.mul(stepSize).div(denom)).intoArray(p, i);
        }
        Adam.update(p, g, m, v, i, to, b1, b2, eps, stepSize, invSqrtBc2);
    }
}
