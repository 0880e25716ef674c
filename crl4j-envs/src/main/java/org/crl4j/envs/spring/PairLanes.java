package org.crl4j.envs.spring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.crl4j.envs.spring.LaneDynamics.Lanes;

import static org.crl4j.envs.spring.LaneDynamics.W;

/**
 * The link–link contacts of {@link ContactSolver} (the pusher's wrist against its object) four environments at a
 * time, on the lane-major scratch of {@link LaneDynamics}: each pair's segments, {@link Segments}' closest points
 * (MJX's, with its small constants and its choice between the two re-projections as masks), the sphere–sphere
 * contact and Brax's two-body impulse, accumulated into both links' contact sums in pair order. Every lane performs
 * the scalar methods' operations in their order, so results are the reference's bits; a pair whose bounding spheres
 * are apart in every lane is skipped, as the reference would apply nothing for it.
 *
 * <p>Intermediate values live in {@link Lanes#pair}, four lanes per component (offset {@code W·component}), so
 * that no vector crosses a method boundary.
 */
final class PairLanes {
    private static final VectorSpecies<Double> S = LaneDynamics.S;

    // components of the pair scratch
    private static final int A0 = 0;   // A0, A1, B0, B1: the two segments' end points (x, y, z each)
    private static final int A1 = 3;
    private static final int B0 = 6;
    private static final int B1 = 9;
    private static final int CA = 12;  // CA, CB: the closest points on A and on B
    private static final int CB = 15;
    private static final int PA = 18;  // PA, PB: the lines' closest points clipped to A and to B
    private static final int PB = 21;
    private static final int QA = 24;  // QA: PB re-projected onto A; QB: PA onto B
    private static final int QB = 27;
    private static final int DA = 30;  // squared distances of the re-projections
    private static final int DB = 31;
    private static final int N = 32;   // the contact normal from A to B, its depth and point
    private static final int DIST = 35;
    private static final int X = 36;
    private static final int RA = 39;  // the point relative to each link's centre of mass
    private static final int RB = 42;
    private static final int T = 45;   // the tangential velocity (A's point relative to B's, off the normal)
    private static final int J = 48;   // the impulse on B (A takes the opposite)
    private static final int IMP = 51; // the normal impulse
    private static final int ON = 52;  // 1 where the contact applies, else 0
    /** Doubles of scratch ({@link Lanes#pair}). */
    static final int SIZE = 53 * W;

    private final SpringSystem s;
    private final ContactModel c;
    private final double erpOverDt, restitution;
    private final double[] invMass; // [P] 1/m_A + 1/m_B
    private final double[] reach;   // [P] a bound of how far apart the geoms' centres can be while touching

    PairLanes(SpringSystem s) {
        this.s = s;
        this.c = s.contacts;
        this.erpOverDt = s.baumgarteErp / s.timestep;
        this.restitution = 1 + s.elasticity;
        invMass = new double[c.numPairs];
        reach = new double[c.numPairs];
        for (int p = 0; p < c.numPairs; p++) {
            int ka = 2 * p, kb = 2 * p + 1;
            invMass[p] = 1.0 / s.mass[c.pairLink[ka]] + 1.0 / s.mass[c.pairLink[kb]];
            // half segments |h·R·axis| ≤ h·(1 + 1e-9) for the unit quaternions of the state; a micrometre of slack
            // against rounding in the closest points
            reach[p] = (c.pairHalf[ka] + c.pairHalf[kb]) * (1 + 1e-9) + c.pairRadius[ka] + c.pairRadius[kb] + 1e-6;
        }
    }

    private static DoubleVector v(double[] buf, int at) {
        return DoubleVector.fromArray(S, buf, at);
    }

    /** A component of the pair scratch. */
    private static DoubleVector t(double[] t, int component) {
        return DoubleVector.fromArray(S, t, W * component);
    }

    private static void put(DoubleVector x, double[] t, int component) {
        x.intoArray(t, W * component);
    }

    /** Every pair, in the reference's order (after the static contacts), into the lanes' contact sums. */
    void solve(Lanes ws) {
        for (int p = 0; p < c.numPairs; p++) {
            pair(ws, p);
        }
    }

    private void pair(Lanes ws, int p) {
        double[] buf = ws.buf, t = ws.pair;
        int ka = 2 * p, kb = 2 * p + 1;
        if (apart(buf, p)) {
            return;
        }
        ends(buf, t, ka, A0);
        ends(buf, t, kb, B0);
        if (c.pairCapsule[ka] && c.pairCapsule[kb]) {
            between(t);
        } else if (c.pairCapsule[kb]) {
            // sphere A against capsule B: the point of B's segment nearest A's centre
            System.arraycopy(t, W * A0, t, W * CA, 3 * W);
            closestOn(t, B0, B1, A0, CB, DA);
        } else {
            System.arraycopy(t, W * A0, t, W * CA, 3 * W);
            System.arraycopy(t, W * B0, t, W * CB, 3 * W);
        }
        if (!sphereContact(t, c.pairRadius[ka], c.pairRadius[kb])) {
            return;
        }
        int la = c.pairLink[ka], lb = c.pairLink[kb];
        if (!normalImpulse(buf, t, W * la, W * lb, invMass[p])) {
            return;
        }
        friction(t, invMass[p], c.pairFriction[p]);
        accumulate(buf, t, W * lb, RB, false);
        accumulate(buf, t, W * la, RA, true);
    }

    /**
     * Whether in every lane the two geoms' centres are farther apart than their half segments and radii reach (then
     * their closest points are too, and the reference applies nothing); NaN is never apart.
     */
    private boolean apart(double[] buf, int p) {
        int ka = 2 * p, kb = 2 * p + 1;
        int ma = W * c.pairLink[ka], mb = W * c.pairLink[kb];
        DoubleVector dx = centre(buf, ma, ka, 0).sub(centre(buf, mb, kb, 0));
        DoubleVector dy = centre(buf, ma, ka, 1).sub(centre(buf, mb, kb, 1));
        DoubleVector dz = centre(buf, ma, ka, 2).sub(centre(buf, mb, kb, 2));
        double r = reach[p];
        return dx.mul(dx).add(dy.mul(dy)).add(dz.mul(dz)).compare(VectorOperators.GT, r * r).allTrue();
    }

    /** Coordinate i of pair geom k's centre, o + R·pos, its link at lane offset m. */
    private DoubleVector centre(double[] buf, int m, int k, int i) {
        int row = Lanes.R0 + 3 * i * LaneDynamics.STRIDE + m;
        return v(buf, Lanes.OX + i * LaneDynamics.STRIDE + m).add(v(buf, row).mul(c.pairPos[3 * k]))
                .add(v(buf, row + LaneDynamics.STRIDE).mul(c.pairPos[3 * k + 1]))
                .add(v(buf, row + 2 * LaneDynamics.STRIDE).mul(c.pairPos[3 * k + 2]));
    }

    /** ContactSolver's segment: pair geom k's end points c − h, c + h into components out, out + 3. */
    private void ends(double[] buf, double[] t, int k, int out) {
        int m = W * c.pairLink[k];
        DoubleVector a0 = v(buf, Lanes.R0 + m), a1 = v(buf, Lanes.R1 + m), a2 = v(buf, Lanes.R2 + m);
        DoubleVector a3 = v(buf, Lanes.R3 + m), a4 = v(buf, Lanes.R4 + m), a5 = v(buf, Lanes.R5 + m);
        DoubleVector a6 = v(buf, Lanes.R6 + m), a7 = v(buf, Lanes.R7 + m), a8 = v(buf, Lanes.R8 + m);
        double lx = c.pairPos[3 * k], ly = c.pairPos[3 * k + 1], lz = c.pairPos[3 * k + 2];
        DoubleVector cx = v(buf, Lanes.OX + m).add(a0.mul(lx)).add(a1.mul(ly)).add(a2.mul(lz));
        DoubleVector cy = v(buf, Lanes.OY + m).add(a3.mul(lx)).add(a4.mul(ly)).add(a5.mul(lz));
        DoubleVector cz = v(buf, Lanes.OZ + m).add(a6.mul(lx)).add(a7.mul(ly)).add(a8.mul(lz));
        double ax = c.pairAxis[3 * k], ay = c.pairAxis[3 * k + 1], az = c.pairAxis[3 * k + 2];
        double h = c.pairHalf[k];
        DoubleVector hx = a0.mul(ax).add(a1.mul(ay)).add(a2.mul(az)).mul(h);
        DoubleVector hy = a3.mul(ax).add(a4.mul(ay)).add(a5.mul(az)).mul(h);
        DoubleVector hz = a6.mul(ax).add(a7.mul(ay)).add(a8.mul(az)).mul(h);
        put(cx.sub(hx), t, out);
        put(cy.sub(hy), t, out + 1);
        put(cz.sub(hz), t, out + 2);
        put(cx.add(hx), t, out + 3);
        put(cy.add(hy), t, out + 4);
        put(cz.add(hz), t, out + 5);
    }

    /** MJX's norm, {@link Segments#norm}: 0 where every component is within 1e-8 of 0. */
    private static DoubleVector norm(DoubleVector x, DoubleVector y, DoubleVector z) {
        VectorMask<Double> tiny = x.abs().compare(VectorOperators.LE, 1e-8)
                .and(y.abs().compare(VectorOperators.LE, 1e-8))
                .and(z.abs().compare(VectorOperators.LE, 1e-8));
        return x.mul(x).add(y.mul(y)).add(z.mul(z)).sqrt().blend(0.0, tiny);
    }

    /** 1 / (len + 1e-6 where len is 0), as Segments' and the sphere contact's guarded inverses. */
    private static DoubleVector guardedInverse(DoubleVector len) {
        return DoubleVector.broadcast(S, 1.0).div(len.add(DoubleVector.zero(S).blend(1e-6,
                len.compare(VectorOperators.EQ, 0.0))));
    }

    /** {@link Segments#closestBetween} of segments A0–A1 and B0–B1 into CA, CB. */
    private static void between(double[] t) {
        clippedLines(t);
        closestOn(t, A0, A1, PB, QA, DA);
        closestOn(t, B0, B1, PA, QB, DB);
        VectorMask<Double> first = t(t, DA).compare(VectorOperators.LT, t(t, DB));
        for (int i = 0; i < 3; i++) {
            put(t(t, PA + i).blend(t(t, QA + i), first), t, CA + i);
            put(t(t, QB + i).blend(t(t, PB + i), first), t, CB + i);
        }
    }

    /** The closest points of the two segments' lines from their mid-points, clipped to the segments: PA, PB. */
    private static void clippedLines(double[] t) {
        DoubleVector a0x = t(t, A0), a0y = t(t, A0 + 1), a0z = t(t, A0 + 2);
        DoubleVector b0x = t(t, B0), b0y = t(t, B0 + 1), b0z = t(t, B0 + 2);
        DoubleVector ux = t(t, A1).sub(a0x), uy = t(t, A1 + 1).sub(a0y), uz = t(t, A1 + 2).sub(a0z);
        DoubleVector wx = t(t, B1).sub(b0x), wy = t(t, B1 + 1).sub(b0y), wz = t(t, B1 + 2).sub(b0z);
        DoubleVector lenA = norm(ux, uy, uz), lenB = norm(wx, wy, wz);
        DoubleVector ia = guardedInverse(lenA), ib = guardedInverse(lenB);
        DoubleVector dax = ux.mul(ia), day = uy.mul(ia), daz = uz.mul(ia);
        DoubleVector dbx = wx.mul(ib), dby = wy.mul(ib), dbz = wz.mul(ib);
        DoubleVector ha = lenA.mul(0.5), hb = lenB.mul(0.5);
        DoubleVector max = a0x.add(dax.mul(ha)), may = a0y.add(day.mul(ha)), maz = a0z.add(daz.mul(ha));
        DoubleVector mbx = b0x.add(dbx.mul(hb)), mby = b0y.add(dby.mul(hb)), mbz = b0z.add(dbz.mul(hb));
        DoubleVector tx = max.sub(mbx), ty = may.sub(mby), tz = maz.sub(mbz);
        DoubleVector ab = dax.mul(dbx).add(day.mul(dby)).add(daz.mul(dbz));
        DoubleVector at = dax.mul(tx).add(day.mul(ty)).add(daz.mul(tz));
        DoubleVector bt = dbx.mul(tx).add(dby.mul(ty)).add(dbz.mul(tz));
        DoubleVector denom = DoubleVector.broadcast(S, 1.0).sub(ab.mul(ab));
        DoubleVector ta0 = at.neg().add(ab.mul(bt)).div(denom.add(1e-6));
        DoubleVector tb0 = bt.add(ta0.mul(ab));
        DoubleVector ta = ta0.min(ha).max(ha.neg());
        DoubleVector tb = tb0.min(hb).max(hb.neg());
        put(max.add(dax.mul(ta)), t, PA);
        put(may.add(day.mul(ta)), t, PA + 1);
        put(maz.add(daz.mul(ta)), t, PA + 2);
        put(mbx.add(dbx.mul(tb)), t, PB);
        put(mby.add(dby.mul(tb)), t, PB + 1);
        put(mbz.add(dbz.mul(tb)), t, PB + 2);
    }

    /**
     * {@link Segments#closestOn}: the point of segment a–b (components) nearest point p into components out, its
     * squared distance into component d.
     */
    private static void closestOn(double[] t, int a, int b, int p, int out, int d) {
        DoubleVector ax = t(t, a), ay = t(t, a + 1), az = t(t, a + 2);
        DoubleVector px = t(t, p), py = t(t, p + 1), pz = t(t, p + 2);
        DoubleVector abx = t(t, b).sub(ax), aby = t(t, b + 1).sub(ay), abz = t(t, b + 2).sub(az);
        DoubleVector u = px.sub(ax).mul(abx).add(py.sub(ay).mul(aby)).add(pz.sub(az).mul(abz))
                .div(abx.mul(abx).add(aby.mul(aby)).add(abz.mul(abz)).add(1e-6));
        u = u.min(1.0).max(0.0);
        DoubleVector cx = ax.add(u.mul(abx)), cy = ay.add(u.mul(aby)), cz = az.add(u.mul(abz));
        put(cx, t, out);
        put(cy, t, out + 1);
        put(cz, t, out + 2);
        DoubleVector dx = px.sub(cx), dy = py.sub(cy), dz = pz.sub(cz);
        put(dx.mul(dx).add(dy.mul(dy)).add(dz.mul(dz)), t, d);
    }

    /**
     * MJX's sphere–sphere contact of the spheres at CA (radius ra) and CB (rb): the normal N from A to B ((1, 0, 0)
     * for coincident centres), the depth DIST and the point X halfway between the surfaces; whether some lane
     * penetrates.
     */
    private static boolean sphereContact(double[] t, double ra, double rb) {
        DoubleVector ax = t(t, CA), ay = t(t, CA + 1), az = t(t, CA + 2);
        DoubleVector dx = t(t, CB).sub(ax), dy = t(t, CB + 1).sub(ay), dz = t(t, CB + 2).sub(az);
        DoubleVector n = norm(dx, dy, dz);
        DoubleVector dist = n.sub(ra + rb);
        if (!dist.compare(VectorOperators.LT, 0.0).anyTrue()) {
            return false;
        }
        DoubleVector inv = guardedInverse(n);
        VectorMask<Double> zero = n.compare(VectorOperators.EQ, 0.0);
        DoubleVector nx = dx.mul(inv).blend(1.0, zero), ny = dy.mul(inv).blend(0.0, zero);
        DoubleVector nz = dz.mul(inv).blend(0.0, zero);
        DoubleVector k = dist.mul(0.5).add(ra);
        put(nx, t, N);
        put(ny, t, N + 1);
        put(nz, t, N + 2);
        put(dist, t, DIST);
        put(ax.add(nx.mul(k)), t, X);
        put(ay.add(ny.mul(k)), t, X + 1);
        put(az.add(nz.mul(k)), t, X + 2);
        return true;
    }

    /** |r × u|², ContactSolver's cross2. */
    private static DoubleVector cross2(DoubleVector rx, DoubleVector ry, DoubleVector rz, DoubleVector ux,
                                       DoubleVector uy, DoubleVector uz) {
        DoubleVector ax = ry.mul(uz).sub(rz.mul(uy)), ay = rz.mul(ux).sub(rx.mul(uz)), az = rx.mul(uy).sub(ry.mul(ux));
        return ax.mul(ax).add(ay.mul(ay)).add(az.mul(az));
    }

    /**
     * The normal part of ContactSolver's twoBody for links at lane offsets ma, mb: the lever arms RA, RB, the
     * tangential velocity T, the normal impulse J = IMP·N and ON (dist &lt; 0, approaching, positive impulse);
     * whether some lane applies.
     */
    private boolean normalImpulse(double[] buf, double[] t, int ma, int mb, double invMass) {
        DoubleVector x = t(t, X), y = t(t, X + 1), z = t(t, X + 2);
        DoubleVector rax = x.sub(v(buf, Lanes.PX + ma)), ray = y.sub(v(buf, Lanes.PY + ma));
        DoubleVector raz = z.sub(v(buf, Lanes.PZ + ma));
        DoubleVector rbx = x.sub(v(buf, Lanes.PX + mb)), rby = y.sub(v(buf, Lanes.PY + mb));
        DoubleVector rbz = z.sub(v(buf, Lanes.PZ + mb));
        DoubleVector wax = v(buf, Lanes.WX + ma), way = v(buf, Lanes.WY + ma), waz = v(buf, Lanes.WZ + ma);
        DoubleVector wbx = v(buf, Lanes.WX + mb), wby = v(buf, Lanes.WY + mb), wbz = v(buf, Lanes.WZ + mb);
        // contact velocity: A's point minus B's point
        DoubleVector cvx = v(buf, Lanes.VX + ma).add(way.mul(raz)).sub(waz.mul(ray))
                .sub(v(buf, Lanes.VX + mb).add(wby.mul(rbz)).sub(wbz.mul(rby)));
        DoubleVector cvy = v(buf, Lanes.VY + ma).add(waz.mul(rax)).sub(wax.mul(raz))
                .sub(v(buf, Lanes.VY + mb).add(wbz.mul(rbx)).sub(wbx.mul(rbz)));
        DoubleVector cvz = v(buf, Lanes.VZ + ma).add(wax.mul(ray)).sub(way.mul(rax))
                .sub(v(buf, Lanes.VZ + mb).add(wbx.mul(rby)).sub(wby.mul(rbx)));
        DoubleVector nx = t(t, N), ny = t(t, N + 1), nz = t(t, N + 2), dist = t(t, DIST);
        DoubleVector vn = nx.mul(cvx).add(ny.mul(cvy)).add(nz.mul(cvz)).neg();
        DoubleVector ang = cross2(rax, ray, raz, nx, ny, nz).add(cross2(rbx, rby, rbz, nx, ny, nz));
        DoubleVector imp = vn.mul(-restitution).sub(dist.mul(erpOverDt)).div(ang.add(invMass));
        VectorMask<Double> on = dist.compare(VectorOperators.LT, 0.0)
                .and(vn.compare(VectorOperators.LT, 0.0))
                .and(imp.compare(VectorOperators.GT, 0.0));
        if (!on.anyTrue()) {
            return false;
        }
        put(rax, t, RA);
        put(ray, t, RA + 1);
        put(raz, t, RA + 2);
        put(rbx, t, RB);
        put(rby, t, RB + 1);
        put(rbz, t, RB + 2);
        put(cvx.add(vn.mul(nx)), t, T);
        put(cvy.add(vn.mul(ny)), t, T + 1);
        put(cvz.add(vn.mul(nz)), t, T + 2);
        put(imp.mul(nx), t, J);
        put(imp.mul(ny), t, J + 1);
        put(imp.mul(nz), t, J + 2);
        put(imp, t, IMP);
        put(DoubleVector.zero(S).blend(1.0, on), t, ON);
        return true;
    }

    /**
     * twoBody's friction: above 1e-3 m/s of slip, J += min(|T| / (invMass + |r_A × d|² + |r_B × d|²), μ·IMP)·d along
     * d = T / (1e-6 + |T|). (MJX's norm of T is 0 only where |T| ≤ 2e-8, below the gate: a plain length serves.)
     */
    private static void friction(double[] t, double invMass, double mu) {
        DoubleVector tx = t(t, T), ty = t(t, T + 1), tz = t(t, T + 2);
        DoubleVector slip = tx.mul(tx).add(ty.mul(ty)).add(tz.mul(tz)).sqrt();
        VectorMask<Double> slipping = slip.compare(VectorOperators.GT, 1e-3);
        if (!slipping.anyTrue()) {
            return;
        }
        DoubleVector sinv = DoubleVector.broadcast(S, 1.0).div(slip.add(1e-6));
        DoubleVector dx = tx.mul(sinv), dy = ty.mul(sinv), dz = tz.mul(sinv);
        DoubleVector rax = t(t, RA), ray = t(t, RA + 1), raz = t(t, RA + 2);
        DoubleVector rbx = t(t, RB), rby = t(t, RB + 1), rbz = t(t, RB + 2);
        DoubleVector angD = cross2(rax, ray, raz, dx, dy, dz).add(cross2(rbx, rby, rbz, dx, dy, dz));
        DoubleVector fr = slip.div(angD.add(invMass)).min(t(t, IMP).mul(mu));
        DoubleVector jx = t(t, J), jy = t(t, J + 1), jz = t(t, J + 2);
        put(jx.blend(jx.add(fr.mul(dx)), slipping), t, J);
        put(jy.blend(jy.add(fr.mul(dy)), slipping), t, J + 1);
        put(jz.blend(jz.add(fr.mul(dz)), slipping), t, J + 2);
    }

    /**
     * The impulse J (or, {@code opposite}, −J) at lever arm r (components) onto the contact sums of the link at lane
     * offset m, and one contact counted, where ON; other lanes add exactly 0.
     */
    private static void accumulate(double[] buf, double[] t, int m, int r, boolean opposite) {
        VectorMask<Double> on = t(t, ON).compare(VectorOperators.NE, 0.0);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector jx = zero.blend(t(t, J), on), jy = zero.blend(t(t, J + 1), on), jz = zero.blend(t(t, J + 2), on);
        DoubleVector rx = t(t, r), ry = t(t, r + 1), rz = t(t, r + 2);
        DoubleVector lx = zero.blend(ry.mul(jz).sub(rz.mul(jy)), on);
        DoubleVector ly = zero.blend(rz.mul(jx).sub(rx.mul(jz)), on);
        DoubleVector lz = zero.blend(rx.mul(jy).sub(ry.mul(jx)), on);
        if (opposite) {
            v(buf, Lanes.CPX + m).sub(jx).intoArray(buf, Lanes.CPX + m);
            v(buf, Lanes.CPY + m).sub(jy).intoArray(buf, Lanes.CPY + m);
            v(buf, Lanes.CPZ + m).sub(jz).intoArray(buf, Lanes.CPZ + m);
            v(buf, Lanes.CLX + m).sub(lx).intoArray(buf, Lanes.CLX + m);
            v(buf, Lanes.CLY + m).sub(ly).intoArray(buf, Lanes.CLY + m);
            v(buf, Lanes.CLZ + m).sub(lz).intoArray(buf, Lanes.CLZ + m);
        } else {
            v(buf, Lanes.CPX + m).add(jx).intoArray(buf, Lanes.CPX + m);
            v(buf, Lanes.CPY + m).add(jy).intoArray(buf, Lanes.CPY + m);
            v(buf, Lanes.CPZ + m).add(jz).intoArray(buf, Lanes.CPZ + m);
            v(buf, Lanes.CLX + m).add(lx).intoArray(buf, Lanes.CLX + m);
            v(buf, Lanes.CLY + m).add(ly).intoArray(buf, Lanes.CLY + m);
            v(buf, Lanes.CLZ + m).add(lz).intoArray(buf, Lanes.CLZ + m);
        }
        v(buf, Lanes.CNT + m).add(t(t, ON)).intoArray(buf, Lanes.CNT + m);
    }
}
