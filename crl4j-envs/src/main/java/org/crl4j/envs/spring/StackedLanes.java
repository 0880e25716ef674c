package org.crl4j.envs.spring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.crl4j.envs.spring.LaneDynamics.Lanes;

import static org.crl4j.envs.spring.LaneDynamics.STRIDE;
import static org.crl4j.envs.spring.LaneDynamics.W;

/**
 * {@link StackedHinges} four environments at a time, on the lane-major scratch of {@link LaneDynamics}: the frames,
 * the angles, the torque of {@code _two_dof} / {@code _three_dof}. Every lane performs the scalar methods'
 * operations in their order (Brax's branches become masks), so LaneDynamics stays bit-identical to
 * {@link SpringDynamics} and {@link SpringBatch#readState} for the humanoid. Results go to components of
 * {@code buf} at the link's offset {@code W·l}, so that no vector crosses a method boundary (C2 boxes one where it
 * does not inline the call); the one exception, the load {@code v}, is 9 bytes and always inlined.
 */
final class StackedLanes {
    private static final VectorSpecies<Double> S = LaneDynamics.S;

    private StackedLanes() {
    }

    /**
     * {@code R·(x, y, z)} lanewise, {@code r} the rotation's first component at its lane offset ({@code R0 + W·link},
     * or any nine consecutive components); into components {@code out}, {@code out + STRIDE}, {@code out + 2·STRIDE}.
     * The formula of {@code StackedHinges.mulInto} and of the 1-dof joint's axes.
     */
    static void rotate(double[] buf, int r, double x, double y, double z, int out) {
        for (int i = 0; i < 3; i++) {
            int row = r + 3 * i * STRIDE;
            DoubleVector.fromArray(S, buf, row).mul(x)
                    .add(DoubleVector.fromArray(S, buf, row + STRIDE).mul(y))
                    .add(DoubleVector.fromArray(S, buf, row + 2 * STRIDE).mul(z))
                    .intoArray(buf, out + i * STRIDE);
        }
    }

    /**
     * {@link StackedHinges#frames} for link l from the rotations in R0..R8 (the substep's or the inverse
     * kinematics'): P0, P1 (parent side, {@code pa0 = R_body·a0}, {@code pa1 = R_body·a1}, the constants the scalar
     * computes inline with the same operations) and C0, C1, C2 (child side), then the angles. Each piece is small
     * enough for C2 to inline every vector operation (past its node budget it would box them).
     */
    static void frames(SpringSystem s, double[] pa0, double[] pa1, double[] buf, int l) {
        int m = W * l, rp = Lanes.R0 + W * s.parent[l], rc = Lanes.R0 + m;
        rotate(buf, rp, pa0[3 * l], pa0[3 * l + 1], pa0[3 * l + 2], Lanes.P0X + m);
        rotate(buf, rp, pa1[3 * l], pa1[3 * l + 1], pa1[3 * l + 2], Lanes.P1X + m);
        rotate(buf, rc, s.axis0[3 * l], s.axis0[3 * l + 1], s.axis0[3 * l + 2], Lanes.C0X + m);
        rotate(buf, rc, s.axis1[3 * l], s.axis1[3 * l + 1], s.axis1[3 * l + 2], Lanes.C1X + m);
        rotate(buf, rc, s.axis2[3 * l], s.axis2[3 * l + 1], s.axis2[3 * l + 2], Lanes.C2X + m);
        nodes(buf, m);
        psi(buf, m);
        LaneDynamics.atan2(buf, Lanes.SSN + m, Lanes.SCS + m, Lanes.SPSI + m);
        thetaCosine(buf, m);
        LaneDynamics.acos(buf, Lanes.SCS + m, Lanes.STH + m);
        thetaSign(buf, m);
        if (s.dofs[l] == 3) { // phi serves only the third hinge (the scalar computes it and drops it for two)
            phi(buf, m, s.parity[l]);
            LaneDynamics.atan2(buf, Lanes.SSN + m, Lanes.SCS + m, Lanes.SPHI + m);
        }
    }

    private static DoubleVector v(double[] buf, int at) {
        return DoubleVector.fromArray(S, buf, at);
    }

    /** The line of nodes n = normalize(C2 × P0) into NX..NZ. */
    private static void nodes(double[] buf, int m) {
        DoubleVector p0x = v(buf, Lanes.P0X + m), p0y = v(buf, Lanes.P0Y + m), p0z = v(buf, Lanes.P0Z + m);
        DoubleVector c2x = v(buf, Lanes.C2X + m), c2y = v(buf, Lanes.C2Y + m), c2z = v(buf, Lanes.C2Z + m);
        c2y.mul(p0z).sub(c2z.mul(p0y)).intoArray(buf, Lanes.NX + m);
        c2z.mul(p0x).sub(c2x.mul(p0z)).intoArray(buf, Lanes.NY + m);
        c2x.mul(p0y).sub(c2y.mul(p0x)).intoArray(buf, Lanes.NZ + m);
        safeNorm(buf, Lanes.NX + m, 1e-6, Lanes.NRM + m);
        scaleByInverse(buf, Lanes.NX + m, Lanes.NRM + m);
    }

    /** psi = atan2((P1 × n)·P0, P1·n): its arguments into SSN, SCS. */
    private static void psi(double[] buf, int m) {
        DoubleVector nx = v(buf, Lanes.NX + m), ny = v(buf, Lanes.NY + m), nz = v(buf, Lanes.NZ + m);
        DoubleVector p1x = v(buf, Lanes.P1X + m), p1y = v(buf, Lanes.P1Y + m), p1z = v(buf, Lanes.P1Z + m);
        DoubleVector sx = p1y.mul(nz).sub(p1z.mul(ny));
        DoubleVector sy = p1z.mul(nx).sub(p1x.mul(nz));
        DoubleVector sz = p1x.mul(ny).sub(p1y.mul(nx));
        sx.mul(v(buf, Lanes.P0X + m)).add(sy.mul(v(buf, Lanes.P0Y + m))).add(sz.mul(v(buf, Lanes.P0Z + m)))
                .intoArray(buf, Lanes.SSN + m);
        p1x.mul(nx).add(p1y.mul(ny)).add(p1z.mul(nz)).intoArray(buf, Lanes.SCS + m);
    }

    /** theta's cosine: P0 against its normalized projection on the C0-C1 plane, clamped to [−1, 1]; into SCS. */
    private static void thetaCosine(double[] buf, int m) {
        DoubleVector p0x = v(buf, Lanes.P0X + m), p0y = v(buf, Lanes.P0Y + m), p0z = v(buf, Lanes.P0Z + m);
        DoubleVector c0x = v(buf, Lanes.C0X + m), c0y = v(buf, Lanes.C0Y + m), c0z = v(buf, Lanes.C0Z + m);
        DoubleVector c1x = v(buf, Lanes.C1X + m), c1y = v(buf, Lanes.C1Y + m), c1z = v(buf, Lanes.C1Z + m);
        DoubleVector d0 = p0x.mul(c0x).add(p0y.mul(c0y)).add(p0z.mul(c0z));
        DoubleVector d1 = p0x.mul(c1x).add(p0y.mul(c1y)).add(p0z.mul(c1z));
        d0.mul(c0x).add(d1.mul(c1x)).intoArray(buf, Lanes.AX + m);
        d0.mul(c0y).add(d1.mul(c1y)).intoArray(buf, Lanes.AY + m);
        d0.mul(c0z).add(d1.mul(c1z)).intoArray(buf, Lanes.AZ + m);
        safeNorm(buf, Lanes.AX + m, 1e-6, Lanes.NRM + m);
        scaleByInverse(buf, Lanes.AX + m, Lanes.NRM + m);
        clampedCosine(buf, m);
    }

    /** The normalized projection in AX..AZ dotted with P0, clamped to [−1, 1]; into SCS. */
    private static void clampedCosine(double[] buf, int m) {
        v(buf, Lanes.AX + m).mul(v(buf, Lanes.P0X + m)).add(v(buf, Lanes.AY + m).mul(v(buf, Lanes.P0Y + m)))
                .add(v(buf, Lanes.AZ + m).mul(v(buf, Lanes.P0Z + m))).min(1.0).max(-1.0).intoArray(buf, Lanes.SCS + m);
    }

    /** theta = acos(...) · signum(P0·C2), in STH. */
    private static void thetaSign(double[] buf, int m) {
        DoubleVector d2 = v(buf, Lanes.P0X + m).mul(v(buf, Lanes.C2X + m)).add(v(buf, Lanes.P0Y + m).mul(v(buf, Lanes.C2Y + m)))
                .add(v(buf, Lanes.P0Z + m).mul(v(buf, Lanes.C2Z + m)));
        // Math.signum: ±1, and the argument itself where it is ±0 or NaN
        DoubleVector sign = d2.blend(1.0, d2.compare(VectorOperators.GT, 0.0))
                .blend(-1.0, d2.compare(VectorOperators.LT, 0.0));
        v(buf, Lanes.STH + m).mul(sign).intoArray(buf, Lanes.STH + m);
    }

    /** phi = atan2(−parity·((C1 × n)·C2), C1·n): its arguments into SSN, SCS. */
    private static void phi(double[] buf, int m, double parity) {
        DoubleVector nx = v(buf, Lanes.NX + m), ny = v(buf, Lanes.NY + m), nz = v(buf, Lanes.NZ + m);
        DoubleVector c1x = v(buf, Lanes.C1X + m), c1y = v(buf, Lanes.C1Y + m), c1z = v(buf, Lanes.C1Z + m);
        DoubleVector ux = c1y.mul(nz).sub(c1z.mul(ny));
        DoubleVector uy = c1z.mul(nx).sub(c1x.mul(nz));
        DoubleVector uz = c1x.mul(ny).sub(c1y.mul(nx));
        ux.mul(v(buf, Lanes.C2X + m)).add(uy.mul(v(buf, Lanes.C2Y + m))).add(uz.mul(v(buf, Lanes.C2Z + m)))
                .mul(-parity).intoArray(buf, Lanes.SSN + m);
        c1x.mul(nx).add(c1y.mul(ny)).add(c1z.mul(nz)).intoArray(buf, Lanes.SCS + m);
    }

    /**
     * StackedHinges' safeNormPlus (fallback 1e-6) and the 2-dof projection's norm (fallback 0) of the vector in
     * components {@code at ..} (lane offset included): its norm, or the fallback where every component is within 1e-8
     * of 0; into component {@code out}. Helpers take and give arrays, not vectors: one C2 does not inline would box.
     */
    private static void safeNorm(double[] buf, int at, double fallback, int out) {
        DoubleVector x = v(buf, at), y = v(buf, at + STRIDE), z = v(buf, at + 2 * STRIDE);
        VectorMask<Double> tiny = x.abs().compare(VectorOperators.LE, 1e-8)
                .and(y.abs().compare(VectorOperators.LE, 1e-8))
                .and(z.abs().compare(VectorOperators.LE, 1e-8));
        x.mul(x).add(y.mul(y)).add(z.mul(z)).sqrt().blend(fallback, tiny).intoArray(buf, out);
    }

    /** The vector in components {@code at ..} times 1 / (component {@code norm}), as {@code v *= 1 / |v|}. */
    private static void scaleByInverse(double[] buf, int at, int norm) {
        DoubleVector inv = DoubleVector.broadcast(S, 1.0).div(v(buf, norm));
        for (int i = 0; i < 3; i++) {
            v(buf, at + i * STRIDE).mul(inv).intoArray(buf, at + i * STRIDE);
        }
    }

    /**
     * How far the angles {@code buf[in ..]} are outside [lo, hi] (StackedHinges.excess, Brax's dang), the reference's
     * branches as masks; into {@code buf[out ..]} (which may be {@code in}).
     */
    static void excess(double[] buf, int in, double lo, double hi, int out) {
        DoubleVector angle = v(buf, in);
        DoubleVector.zero(S).blend(angle.sub(hi), angle.compare(VectorOperators.GT, hi))
                .blend(angle.sub(lo), angle.compare(VectorOperators.LT, lo)).intoArray(buf, out);
    }

    /**
     * {@link StackedHinges#torque} of link l from {@link #frames} (angles included), the motor torques in
     * TAU, TAU1, TAU2 and the relative angular velocity ω_c − ω_p; into STX..STZ, built up in the scalar's order
     * of operations: for two hinges alignment, + motors, − limits, − damping; for three − damping, + motors, − limits.
     */
    static void torque(SpringSystem s, double[] buf, int l) {
        int m = W * l, mp = W * s.parent[l];
        boolean three = s.dofs[l] == 3;
        if (three) {
            damping(buf, m, mp, -s.angDamping[l], false);
            scale(buf, Lanes.TAU2 + m, s.parity[l], Lanes.T2P + m);
            axes(buf, m, Lanes.TAU, Lanes.TAU1, Lanes.T2P);
        } else {
            alignment(buf, m, s.limitStiffness[l]);
            axes(buf, m, Lanes.TAU, Lanes.TAU1, -1);
        }
        addAxes(buf, m, 1, false);
        if (s.limited[l]) {
            excesses(s, buf, l);
            axes(buf, m, Lanes.E0, Lanes.E1, three ? Lanes.E2P : -1);
            addAxes(buf, m, s.limitStiffness[l], true);
        }
        if (!three) {
            damping(buf, m, mp, s.angDamping[l], true);
        }
    }

    /** The universal joint's alignment of C1 to the plane normal to P0, with the limit stiffness (as Brax): into ST. */
    private static void alignment(double[] buf, int m, double kl) {
        DoubleVector p0x = v(buf, Lanes.P0X + m), p0y = v(buf, Lanes.P0Y + m), p0z = v(buf, Lanes.P0Z + m);
        DoubleVector c1x = v(buf, Lanes.C1X + m), c1y = v(buf, Lanes.C1Y + m), c1z = v(buf, Lanes.C1Z + m);
        DoubleVector a = c1x.mul(p0x).add(c1y.mul(p0y)).add(c1z.mul(p0z));
        c1x.sub(a.mul(p0x)).intoArray(buf, Lanes.AX + m);
        c1y.sub(a.mul(p0y)).intoArray(buf, Lanes.AY + m);
        c1z.sub(a.mul(p0z)).intoArray(buf, Lanes.AZ + m);
        safeNorm(buf, Lanes.AX + m, 0, Lanes.NRM + m);
        DoubleVector n = v(buf, Lanes.NRM + m);
        DoubleVector px = v(buf, Lanes.AX + m).div(n), py = v(buf, Lanes.AY + m).div(n), pz = v(buf, Lanes.AZ + m).div(n);
        py.mul(c1z).sub(pz.mul(c1y)).mul(-kl).intoArray(buf, Lanes.STX + m);
        pz.mul(c1x).sub(px.mul(c1z)).mul(-kl).intoArray(buf, Lanes.STY + m);
        px.mul(c1y).sub(py.mul(c1x)).mul(-kl).intoArray(buf, Lanes.STZ + m);
    }

    /** AX..AZ = P0·w0 + C1·w1 (+ C2·w2 where {@code w2 >= 0}), the weights being components (per-lane scalars). */
    private static void axes(double[] buf, int m, int w0, int w1, int w2) {
        DoubleVector a = v(buf, w0 + m), b = v(buf, w1 + m);
        for (int i = 0; i < 3; i++) {
            int k = i * STRIDE + m;
            v(buf, Lanes.P0X + k).mul(a).add(v(buf, Lanes.C1X + k).mul(b)).intoArray(buf, Lanes.AX + k);
        }
        if (w2 >= 0) {
            DoubleVector c = v(buf, w2 + m);
            for (int i = 0; i < 3; i++) {
                int k = i * STRIDE + m;
                v(buf, Lanes.AX + k).add(v(buf, Lanes.C2X + k).mul(c)).intoArray(buf, Lanes.AX + k);
            }
        }
    }

    /** ST += AX (k = 1, add), or ST −= k·AX. */
    private static void addAxes(double[] buf, int m, double k, boolean subtract) {
        for (int i = 0; i < 3; i++) {
            int at = i * STRIDE + m;
            DoubleVector t = v(buf, Lanes.STX + at), ax = v(buf, Lanes.AX + at);
            if (subtract) { // branches, not a merged vector value: C2 would box that
                t.sub(ax.mul(k)).intoArray(buf, Lanes.STX + at);
            } else {
                t.add(ax).intoArray(buf, Lanes.STX + at);
            }
        }
    }

    /** ST = k·(ω_c − ω_p) (k = −k_a), or ST −= k·(ω_c − ω_p) ({@code subtract}, k = k_a). */
    private static void damping(double[] buf, int m, int mp, double k, boolean subtract) {
        for (int i = 0; i < 3; i++) {
            int at = i * STRIDE;
            DoubleVector d = v(buf, Lanes.WX + at + m).sub(v(buf, Lanes.WX + at + mp)).mul(k);
            if (subtract) {
                v(buf, Lanes.STX + at + m).sub(d).intoArray(buf, Lanes.STX + at + m);
            } else {
                d.intoArray(buf, Lanes.STX + at + m);
            }
        }
    }

    /** The angles' excess over the hinges' ranges into E0, E1 and (three hinges) parity · that of phi into E2P. */
    private static void excesses(SpringSystem s, double[] buf, int l) {
        int m = W * l;
        excess(buf, Lanes.SPSI + m, s.dofLo[3 * l], s.dofHi[3 * l], Lanes.E0 + m);
        excess(buf, Lanes.STH + m, s.dofLo[3 * l + 1], s.dofHi[3 * l + 1], Lanes.E1 + m);
        if (s.dofs[l] == 3) {
            excess(buf, Lanes.SPHI + m, s.dofLo[3 * l + 2], s.dofHi[3 * l + 2], Lanes.E2P + m);
            scale(buf, Lanes.E2P + m, s.parity[l], Lanes.E2P + m);
        }
    }

    /**
     * {@link StackedHinges#inverse}'s rates from {@link #frames}: {@code (C0, C1, parity·C2)·(ω_c − ω_p)} into
     * SEX, SEY, SEZ (the angles are in SPSI, STH, SPHI).
     */
    static void rates(SpringSystem s, double[] buf, int l) {
        int m = W * l, mp = W * s.parent[l];
        rate(buf, Lanes.C0X + m, m, mp, Lanes.SEX + m);
        rate(buf, Lanes.C1X + m, m, mp, Lanes.SEY + m);
        if (s.dofs[l] == 3) {
            rate(buf, Lanes.C2X + m, m, mp, Lanes.SEZ + m);
            scale(buf, Lanes.SEZ + m, s.parity[l], Lanes.SEZ + m);
        }
    }

    /** {@code buf[out ..] = buf[in ..] · k}, four lanes. */
    private static void scale(double[] buf, int in, double k, int out) {
        v(buf, in).mul(k).intoArray(buf, out);
    }

    /**
     * A hinge rate of the inverse kinematics, {@code c·(ω_c − ω_p)} for the vector in components c.. (lane offset
     * included), child and parent at lane offsets m and mp; into component out.
     */
    static void rate(double[] buf, int c, int m, int mp, int out) {
        DoubleVector dwx = v(buf, Lanes.WX + m).sub(v(buf, Lanes.WX + mp));
        DoubleVector dwy = v(buf, Lanes.WY + m).sub(v(buf, Lanes.WY + mp));
        DoubleVector dwz = v(buf, Lanes.WZ + m).sub(v(buf, Lanes.WZ + mp));
        v(buf, c).mul(dwx).add(v(buf, c + STRIDE).mul(dwy)).add(v(buf, c + 2 * STRIDE).mul(dwz)).intoArray(buf, out);
    }

    /**
     * The parent side {@code R_p·R_body} of a hinge with a rotated body frame, as SpringBatch's matMulInto computes
     * it: R_p in components {@code r..} (lane offset included), R_body at {@code rb[o ..]}; into nine components
     * from {@code out}.
     */
    static void parentSide(double[] buf, int r, double[] rb, int o, int out) {
        for (int i = 0; i < 3; i++) {
            DoubleVector a0 = v(buf, r + 3 * i * STRIDE), a1 = v(buf, r + (3 * i + 1) * STRIDE);
            DoubleVector a2 = v(buf, r + (3 * i + 2) * STRIDE);
            for (int j = 0; j < 3; j++) {
                a0.mul(rb[o + j]).add(a1.mul(rb[o + 3 + j])).add(a2.mul(rb[o + 6 + j]))
                        .intoArray(buf, out + (3 * i + j) * STRIDE);
            }
        }
    }
}
