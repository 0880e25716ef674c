package org.crl4j.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.crl4j.core.Simd;

/** {@link FloatExp#exp} lane by lane, the same float operations in the same order. Loaded only when Simd is on. */
public final class VectorFloatExp {
    private VectorFloatExp() {
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int MAGIC_BITS = Float.floatToRawIntBits(FloatExp.ROUNDING_MAGIC);
    private static final FloatVector LOG2E = FloatVector.broadcast(S, FloatExp.LOG2E);
    private static final FloatVector MAGIC = FloatVector.broadcast(S, FloatExp.ROUNDING_MAGIC);
    private static final FloatVector NEG_LN2_HI = FloatVector.broadcast(S, -FloatExp.LN2_HI);
    private static final FloatVector NEG_LN2_LO = FloatVector.broadcast(S, -FloatExp.LN2_LO);
    private static final FloatVector P0 = FloatVector.broadcast(S, FloatExp.P0);
    private static final FloatVector P1 = FloatVector.broadcast(S, FloatExp.P1);
    private static final FloatVector P2 = FloatVector.broadcast(S, FloatExp.P2);
    private static final FloatVector P3 = FloatVector.broadcast(S, FloatExp.P3);
    private static final FloatVector P4 = FloatVector.broadcast(S, FloatExp.P4);
    private static final FloatVector P5 = FloatVector.broadcast(S, FloatExp.P5);

    /** Whether the int and float species have the same width (needed for the exponent-bit trick). */
    public static boolean usable() {
        return S.vectorBitSize() == IntVector.SPECIES_PREFERRED.vectorBitSize();
    }

    public static FloatVector exp(FloatVector x) {
        FloatVector c = x.min(FloatExp.CLAMP_HIGH);
        FloatVector t = c.fma(LOG2E, MAGIC);
        FloatVector n = t.sub(MAGIC);
        IntVector bits = t.reinterpretAsInts().sub(MAGIC_BITS);
        FloatVector r = n.fma(NEG_LN2_HI, c);
        r = n.fma(NEG_LN2_LO, r);
        FloatVector p = P0.fma(r, P1);
        p = p.fma(r, P2);
        p = p.fma(r, P3);
        p = p.fma(r, P4);
        p = p.fma(r, P5);
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        FloatVector pow2 = bits.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(pow2).blend(0f, x.compare(VectorOperators.LT, FloatExp.UNDERFLOW));
    }
}
