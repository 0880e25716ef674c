package org.crl4j.envs.spring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.crl4j.envs.spring.LaneDynamics.Lanes;

import static org.crl4j.envs.spring.LaneDynamics.W;

/**
 * {@link SlideJoint} four environments at a time, on the lane-major scratch of {@link LaneDynamics}: a slide link's
 * force (the anchor spring without its components along the slides, the slides' motor forces and limit springs) and
 * its torque (the locks of all three rotations and the angular damping), each lane with the scalar method's
 * operations in its order, so that the pusher's object steps bit for bit as in {@link SpringDynamics}.
 *
 * <p>Vectors are loaded with {@code DoubleVector.fromArray} itself, never through a helper of this class: past C2's
 * node budget for inlining (NodeCountInliningCutoff) only the Vector API's force-inlined methods are still inlined,
 * and a helper that takes or returns a vector would then box it on every call.
 */
final class SlideLanes {
    private static final VectorSpecies<Double> S = LaneDynamics.S;

    private SlideLanes() {
    }

    /**
     * {@link SlideJoint#apply} for slide link l: from the anchor force in SFX..SFZ (−k·d − k_v·Δv), the anchor offset
     * d = a_c − a_p in DAX..DAZ, the slides' motor forces in TAU, TAU1, the child's rotation in R0..R8 and its angular
     * velocity; the link's force back into SFX..SFZ and its torque into STX..STZ. Uses E0, E1 as scratch.
     */
    static void apply(SpringSystem s, double[] buf, int l) {
        force(s, buf, l);
        torque(s, buf, l);
    }

    private static void force(SpringSystem s, double[] buf, int l) {
        int m = W * l, b = 9 * l;
        double[] sa = s.parentDofAxis; // the slides in the world (the parent is the world)
        double s0x = sa[b], s0y = sa[b + 1], s0z = sa[b + 2], s1x = sa[b + 3], s1y = sa[b + 4], s1z = sa[b + 5];
        if (s.limited[l]) { // the excesses first: no vector is live across the (maybe not inlined) calls
            DoubleVector dx = DoubleVector.fromArray(S, buf, Lanes.DAX + m), dy = DoubleVector.fromArray(S, buf, Lanes.DAY + m), dz = DoubleVector.fromArray(S, buf, Lanes.DAZ + m);
            dx.mul(s0x).add(dy.mul(s0y)).add(dz.mul(s0z)).intoArray(buf, Lanes.E0 + m);
            dx.mul(s1x).add(dy.mul(s1y)).add(dz.mul(s1z)).intoArray(buf, Lanes.E1 + m);
            StackedLanes.excess(buf, Lanes.E0 + m, s.dofLo[3 * l], s.dofHi[3 * l], Lanes.E0 + m);
            StackedLanes.excess(buf, Lanes.E1 + m, s.dofLo[3 * l + 1], s.dofHi[3 * l + 1], Lanes.E1 + m);
        }
        DoubleVector fx = DoubleVector.fromArray(S, buf, Lanes.SFX + m), fy = DoubleVector.fromArray(S, buf, Lanes.SFY + m), fz = DoubleVector.fromArray(S, buf, Lanes.SFZ + m);
        DoubleVector p0 = fx.mul(s0x).add(fy.mul(s0y)).add(fz.mul(s0z));
        DoubleVector p1 = fx.mul(s1x).add(fy.mul(s1y)).add(fz.mul(s1z));
        fx = fx.sub(p0.mul(s0x).add(p1.mul(s1x)));
        fy = fy.sub(p0.mul(s0y).add(p1.mul(s1y)));
        fz = fz.sub(p0.mul(s0z).add(p1.mul(s1z)));
        DoubleVector t0 = DoubleVector.fromArray(S, buf, Lanes.TAU + m), t1 = DoubleVector.fromArray(S, buf, Lanes.TAU1 + m);
        fx = fx.add(t0.mul(s0x).add(t1.mul(s1x)));
        fy = fy.add(t0.mul(s0y).add(t1.mul(s1y)));
        fz = fz.add(t0.mul(s0z).add(t1.mul(s1z)));
        if (s.limited[l]) {
            DoubleVector e0 = DoubleVector.fromArray(S, buf, Lanes.E0 + m), e1 = DoubleVector.fromArray(S, buf, Lanes.E1 + m);
            double kl = s.limitStiffness[l];
            fx = fx.sub(e0.mul(s0x).add(e1.mul(s1x)).mul(kl));
            fy = fy.sub(e0.mul(s0y).add(e1.mul(s1y)).mul(kl));
            fz = fz.sub(e0.mul(s0z).add(e1.mul(s1z)).mul(kl));
        }
        fx.intoArray(buf, Lanes.SFX + m);
        fy.intoArray(buf, Lanes.SFY + m);
        fz.intoArray(buf, Lanes.SFZ + m);
    }

    /** −k_l·(P1 × C1) − k·(P2 × C2) − k_a·ω, with C1, C2 the child rotation's second and third columns. */
    private static void torque(SpringSystem s, double[] buf, int l) {
        int m = W * l;
        double p1x = s.pa1[3 * l], p1y = s.pa1[3 * l + 1], p1z = s.pa1[3 * l + 2];
        double p2x = s.pa2[3 * l], p2y = s.pa2[3 * l + 1], p2z = s.pa2[3 * l + 2];
        DoubleVector c1x = DoubleVector.fromArray(S, buf, Lanes.R1 + m), c1y = DoubleVector.fromArray(S, buf, Lanes.R4 + m), c1z = DoubleVector.fromArray(S, buf, Lanes.R7 + m);
        DoubleVector c2x = DoubleVector.fromArray(S, buf, Lanes.R2 + m), c2y = DoubleVector.fromArray(S, buf, Lanes.R5 + m), c2z = DoubleVector.fromArray(S, buf, Lanes.R8 + m);
        double nkl = -s.limitStiffness[l], k = s.stiffness[l], ka = s.angDamping[l];
        c1z.mul(p1y).sub(c1y.mul(p1z)).mul(nkl).sub(c2z.mul(p2y).sub(c2y.mul(p2z)).mul(k))
                .sub(DoubleVector.fromArray(S, buf, Lanes.WX + m).mul(ka)).intoArray(buf, Lanes.STX + m);
        c1x.mul(p1z).sub(c1z.mul(p1x)).mul(nkl).sub(c2x.mul(p2z).sub(c2z.mul(p2x)).mul(k))
                .sub(DoubleVector.fromArray(S, buf, Lanes.WY + m).mul(ka)).intoArray(buf, Lanes.STY + m);
        c1y.mul(p1x).sub(c1x.mul(p1y)).mul(nkl).sub(c2y.mul(p2x).sub(c2x.mul(p2y)).mul(k))
                .sub(DoubleVector.fromArray(S, buf, Lanes.WZ + m).mul(ka)).intoArray(buf, Lanes.STZ + m);
    }
}
