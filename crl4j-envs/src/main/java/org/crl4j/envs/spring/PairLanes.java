package org.crl4j.envs.spring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.crl4j.envs.spring.LaneDynamics.Lanes;

import static org.crl4j.envs.spring.LaneDynamics.STRIDE;
import static org.crl4j.envs.spring.LaneDynamics.W;

/**
 * The link–link contacts of {@link ContactSolver} (the pusher's wrist against its object) four environments at a
 * time, on the lane-major scratch of {@link LaneDynamics}: each pair's segments, {@link Segments}' closest points
 * (MJX's, with its small constants and its choice between the two re-projections as masks), the sphere–sphere
 * contact and Brax's two-body impulse, accumulated into both links' contact sums in pair order. Every lane performs
 * the scalar methods' operations in their order, so results are the reference's bits. A pair whose links' centres
 * of mass are too far apart in every lane for the geoms to touch is skipped: the reference applies nothing there.
 *
 * <p>Intermediate values live in {@link Lanes#pair}, four lanes per component. Vectors are loaded and stored with
 * {@code DoubleVector.fromArray} / {@code intoArray} themselves and never pass through a helper of this class
 * (helpers take and give components): past C2's node budget for inlining (NodeCountInliningCutoff) only the Vector
 * API's force-inlined methods are still inlined, and a helper that takes or returns a vector would box it.
 */
final class PairLanes {
    private static final VectorSpecies<Double> S = LaneDynamics.S;

    // offsets of the pair scratch's components (W doubles each; x, y, z of a point are consecutive components)
    private static final int A0 = 0;        // A0, A1, B0, B1: the two segments' end points
    private static final int A1 = 3 * W;
    private static final int B0 = 6 * W;
    private static final int B1 = 9 * W;
    private static final int CA = 12 * W;   // CA, CB: the closest points on A and on B
    private static final int CB = 15 * W;
    private static final int PA = 18 * W;   // PA, PB: the lines' closest points clipped to A and to B
    private static final int PB = 21 * W;
    private static final int QA = 24 * W;   // QA: PB re-projected onto A; QB: PA onto B
    private static final int QB = 27 * W;
    private static final int DA = 30 * W;   // squared distances of the re-projections
    private static final int DB = 31 * W;
    private static final int U = 32 * W;    // a vector to take the norm of (segment A, or the centres' offset)
    private static final int V = 35 * W;    // segment B
    private static final int LU = 38 * W;   // LU, LV: MJX norms of U and V; IU, IV their guarded inverses
    private static final int LV = 39 * W;
    private static final int IU = 40 * W;
    private static final int IV = 41 * W;
    private static final int N = 42 * W;    // the contact normal from A to B, its depth and point
    private static final int DIST = 45 * W;
    private static final int X = 46 * W;
    private static final int RA = 49 * W;   // the point relative to each link's centre of mass
    private static final int RB = 52 * W;
    private static final int T = 55 * W;    // the tangential velocity (A's point relative to B's, off the normal)
    private static final int D = 58 * W;    // the friction direction
    private static final int KA = 61 * W;   // |r_A × ·|² and |r_B × ·|²
    private static final int KB = 62 * W;
    private static final int J = 63 * W;    // the impulse on B (A takes the opposite)
    private static final int IMP = 66 * W;  // the normal impulse
    private static final int SLIP = 67 * W; // |T|
    private static final int ON = 68 * W;   // 1 where the contact applies, else 0
    /** Doubles of scratch ({@link Lanes#pair}). */
    static final int SIZE = 69 * W;

    private final ContactModel c;
    private final double erpOverDt, restitution;
    private final double[] invMass; // [P] 1/m_A + 1/m_B
    private final double[] reach;   // [P] how far apart the two links' centres of mass can be while the geoms touch

    PairLanes(SpringSystem s) {
        this.c = s.contacts;
        this.erpOverDt = s.baumgarteErp / s.timestep;
        this.restitution = 1 + s.elasticity;
        invMass = new double[c.numPairs];
        reach = new double[c.numPairs];
        for (int p = 0; p < c.numPairs; p++) {
            int ka = 2 * p, kb = 2 * p + 1;
            invMass[p] = 1.0 / s.mass[c.pairLink[ka]] + 1.0 / s.mass[c.pairLink[kb]];
            // a geom's points lie within |pos − com| + half of its link's centre of mass (a rotation keeps lengths,
            // to 1e-9 for the states' unit quaternions); a micrometre of slack against rounding in the closest points
            double far = lever(s, ka) + c.pairHalf[ka] + lever(s, kb) + c.pairHalf[kb];
            reach[p] = far * (1 + 1e-9) + c.pairRadius[ka] + c.pairRadius[kb] + 1e-6;
        }
    }

    /** |centre − com| of pair geom k in its link's frame. */
    private double lever(SpringSystem s, int k) {
        int l = c.pairLink[k];
        double x = c.pairPos[3 * k] - s.com[3 * l], y = c.pairPos[3 * k + 1] - s.com[3 * l + 1];
        double z = c.pairPos[3 * k + 2] - s.com[3 * l + 2];
        return Math.sqrt(x * x + y * y + z * z);
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
        int ma = W * c.pairLink[ka], mb = W * c.pairLink[kb];
        if (apart(buf, ma, mb, reach[p])) {
            return;
        }
        ends(buf, t, ka, A0);
        ends(buf, t, kb, B0);
        if (c.pairCapsule[ka] && c.pairCapsule[kb]) {
            clippedLines(t);
            reprojected(t);
        } else if (c.pairCapsule[kb]) {
            // sphere A against capsule B: the point of B's segment nearest A's centre
            System.arraycopy(t, A0, t, CA, 3 * W);
            closestOn(t, B0, B1, A0, CB, DA);
        } else {
            System.arraycopy(t, A0, t, CA, 3 * W);
            System.arraycopy(t, B0, t, CB, 3 * W);
        }
        if (!sphereContact(t, c.pairRadius[ka], c.pairRadius[kb])) {
            return;
        }
        if (!normalImpulse(buf, t, ma, mb, invMass[p])) {
            return;
        }
        friction(t, invMass[p], c.pairFriction[p]);
        accumulate(buf, t, mb, RB, false);
        accumulate(buf, t, ma, RA, true);
    }

    /** Whether in every lane the links' centres of mass (lane offsets ma, mb) are farther apart than r (NaN: not). */
    private static boolean apart(double[] buf, int ma, int mb, double r) {
        DoubleVector dx = DoubleVector.fromArray(S, buf, Lanes.PX + ma).sub(DoubleVector.fromArray(S, buf, Lanes.PX + mb));
        DoubleVector dy = DoubleVector.fromArray(S, buf, Lanes.PY + ma).sub(DoubleVector.fromArray(S, buf, Lanes.PY + mb));
        DoubleVector dz = DoubleVector.fromArray(S, buf, Lanes.PZ + ma).sub(DoubleVector.fromArray(S, buf, Lanes.PZ + mb));
        return dx.mul(dx).add(dy.mul(dy)).add(dz.mul(dz)).compare(VectorOperators.GT, r * r).allTrue();
    }

    /** ContactSolver's segment: pair geom k's end points c − h, c + h into components out, out + 3·W. */
    private void ends(double[] buf, double[] t, int k, int out) {
        int m = W * c.pairLink[k];
        DoubleVector a0 = DoubleVector.fromArray(S, buf, Lanes.R0 + m), a1 = DoubleVector.fromArray(S, buf, Lanes.R1 + m), a2 = DoubleVector.fromArray(S, buf, Lanes.R2 + m);
        DoubleVector a3 = DoubleVector.fromArray(S, buf, Lanes.R3 + m), a4 = DoubleVector.fromArray(S, buf, Lanes.R4 + m), a5 = DoubleVector.fromArray(S, buf, Lanes.R5 + m);
        DoubleVector a6 = DoubleVector.fromArray(S, buf, Lanes.R6 + m), a7 = DoubleVector.fromArray(S, buf, Lanes.R7 + m), a8 = DoubleVector.fromArray(S, buf, Lanes.R8 + m);
        double lx = c.pairPos[3 * k], ly = c.pairPos[3 * k + 1], lz = c.pairPos[3 * k + 2];
        DoubleVector cx = DoubleVector.fromArray(S, buf, Lanes.OX + m).add(a0.mul(lx)).add(a1.mul(ly)).add(a2.mul(lz));
        DoubleVector cy = DoubleVector.fromArray(S, buf, Lanes.OY + m).add(a3.mul(lx)).add(a4.mul(ly)).add(a5.mul(lz));
        DoubleVector cz = DoubleVector.fromArray(S, buf, Lanes.OZ + m).add(a6.mul(lx)).add(a7.mul(ly)).add(a8.mul(lz));
        double ax = c.pairAxis[3 * k], ay = c.pairAxis[3 * k + 1], az = c.pairAxis[3 * k + 2];
        double h = c.pairHalf[k];
        DoubleVector hx = a0.mul(ax).add(a1.mul(ay)).add(a2.mul(az)).mul(h);
        DoubleVector hy = a3.mul(ax).add(a4.mul(ay)).add(a5.mul(az)).mul(h);
        DoubleVector hz = a6.mul(ax).add(a7.mul(ay)).add(a8.mul(az)).mul(h);
        cx.sub(hx).intoArray(t, out);
        cy.sub(hy).intoArray(t, out + W);
        cz.sub(hz).intoArray(t, out + 2 * W);
        cx.add(hx).intoArray(t, out + 3 * W);
        cy.add(hy).intoArray(t, out + 4 * W);
        cz.add(hz).intoArray(t, out + 5 * W);
    }

    /**
     * MJX's norm ({@link Segments#norm}: 0 where every component is within 1e-8 of 0) of the vector at component v
     * into component len, and the guarded inverse {@code 1 / (len + (len == 0 ? 1e-6 : 0))} that Segments and the
     * sphere contact take of it into component inv.
     */
    private static void norm(double[] t, int v, int len, int inv) {
        DoubleVector x = DoubleVector.fromArray(S, t, v), y = DoubleVector.fromArray(S, t, v + W);
        DoubleVector z = DoubleVector.fromArray(S, t, v + 2 * W);
        VectorMask<Double> tiny = x.abs().compare(VectorOperators.LE, 1e-8)
                .and(y.abs().compare(VectorOperators.LE, 1e-8))
                .and(z.abs().compare(VectorOperators.LE, 1e-8));
        DoubleVector n = x.mul(x).add(y.mul(y)).add(z.mul(z)).sqrt().blend(0.0, tiny);
        n.intoArray(t, len);
        DoubleVector guard = DoubleVector.zero(S).blend(1e-6, n.compare(VectorOperators.EQ, 0.0));
        DoubleVector.broadcast(S, 1.0).div(n.add(guard)).intoArray(t, inv);
    }

    /**
     * The first half of {@link Segments#closestBetween}: the closest points of the two segments' lines from their
     * mid-points, clipped to the segments, into PA, PB.
     */
    private static void clippedLines(double[] t) {
        for (int i = 0; i < 3; i++) {
            int o = i * W;
            DoubleVector.fromArray(S, t, A1 + o).sub(DoubleVector.fromArray(S, t, A0 + o)).intoArray(t, U + o);
            DoubleVector.fromArray(S, t, B1 + o).sub(DoubleVector.fromArray(S, t, B0 + o)).intoArray(t, V + o);
        }
        norm(t, U, LU, IU);
        norm(t, V, LV, IV);
        DoubleVector ia = DoubleVector.fromArray(S, t, IU), ib = DoubleVector.fromArray(S, t, IV);
        DoubleVector dax = DoubleVector.fromArray(S, t, U).mul(ia), day = DoubleVector.fromArray(S, t, U + W).mul(ia);
        DoubleVector daz = DoubleVector.fromArray(S, t, U + 2 * W).mul(ia);
        DoubleVector dbx = DoubleVector.fromArray(S, t, V).mul(ib), dby = DoubleVector.fromArray(S, t, V + W).mul(ib);
        DoubleVector dbz = DoubleVector.fromArray(S, t, V + 2 * W).mul(ib);
        DoubleVector ha = DoubleVector.fromArray(S, t, LU).mul(0.5), hb = DoubleVector.fromArray(S, t, LV).mul(0.5);
        DoubleVector max = DoubleVector.fromArray(S, t, A0).add(dax.mul(ha));
        DoubleVector may = DoubleVector.fromArray(S, t, A0 + W).add(day.mul(ha));
        DoubleVector maz = DoubleVector.fromArray(S, t, A0 + 2 * W).add(daz.mul(ha));
        DoubleVector mbx = DoubleVector.fromArray(S, t, B0).add(dbx.mul(hb));
        DoubleVector mby = DoubleVector.fromArray(S, t, B0 + W).add(dby.mul(hb));
        DoubleVector mbz = DoubleVector.fromArray(S, t, B0 + 2 * W).add(dbz.mul(hb));
        DoubleVector tx = max.sub(mbx), ty = may.sub(mby), tz = maz.sub(mbz);
        DoubleVector ab = dax.mul(dbx).add(day.mul(dby)).add(daz.mul(dbz));
        DoubleVector at = dax.mul(tx).add(day.mul(ty)).add(daz.mul(tz));
        DoubleVector bt = dbx.mul(tx).add(dby.mul(ty)).add(dbz.mul(tz));
        DoubleVector denom = DoubleVector.broadcast(S, 1.0).sub(ab.mul(ab));
        DoubleVector ta0 = at.neg().add(ab.mul(bt)).div(denom.add(1e-6));
        DoubleVector tb0 = bt.add(ta0.mul(ab));
        DoubleVector ta = ta0.min(ha).max(ha.neg());
        DoubleVector tb = tb0.min(hb).max(hb.neg());
        max.add(dax.mul(ta)).intoArray(t, PA);
        may.add(day.mul(ta)).intoArray(t, PA + W);
        maz.add(daz.mul(ta)).intoArray(t, PA + 2 * W);
        mbx.add(dbx.mul(tb)).intoArray(t, PB);
        mby.add(dby.mul(tb)).intoArray(t, PB + W);
        mbz.add(dbz.mul(tb)).intoArray(t, PB + 2 * W);
    }

    /**
     * The second half of {@link Segments#closestBetween}: PB re-projected onto A, PA onto B, and the pair whose
     * re-projection moved less into CA, CB.
     */
    private static void reprojected(double[] t) {
        closestOn(t, A0, A1, PB, QA, DA);
        closestOn(t, B0, B1, PA, QB, DB);
        VectorMask<Double> first = DoubleVector.fromArray(S, t, DA).compare(VectorOperators.LT,
                DoubleVector.fromArray(S, t, DB));
        for (int i = 0; i < 3; i++) {
            int o = i * W;
            DoubleVector.fromArray(S, t, PA + o).blend(DoubleVector.fromArray(S, t, QA + o), first).intoArray(t, CA + o);
            DoubleVector.fromArray(S, t, QB + o).blend(DoubleVector.fromArray(S, t, PB + o), first).intoArray(t, CB + o);
        }
    }

    /**
     * {@link Segments#closestOn}: the point of segment a–b (components) nearest point p into components out, its
     * squared distance into component d.
     */
    private static void closestOn(double[] t, int a, int b, int p, int out, int d) {
        DoubleVector ax = DoubleVector.fromArray(S, t, a), ay = DoubleVector.fromArray(S, t, a + W);
        DoubleVector az = DoubleVector.fromArray(S, t, a + 2 * W);
        DoubleVector px = DoubleVector.fromArray(S, t, p), py = DoubleVector.fromArray(S, t, p + W);
        DoubleVector pz = DoubleVector.fromArray(S, t, p + 2 * W);
        DoubleVector abx = DoubleVector.fromArray(S, t, b).sub(ax), aby = DoubleVector.fromArray(S, t, b + W).sub(ay);
        DoubleVector abz = DoubleVector.fromArray(S, t, b + 2 * W).sub(az);
        DoubleVector u = px.sub(ax).mul(abx).add(py.sub(ay).mul(aby)).add(pz.sub(az).mul(abz))
                .div(abx.mul(abx).add(aby.mul(aby)).add(abz.mul(abz)).add(1e-6));
        u = u.min(1.0).max(0.0);
        DoubleVector cx = ax.add(u.mul(abx)), cy = ay.add(u.mul(aby)), cz = az.add(u.mul(abz));
        cx.intoArray(t, out);
        cy.intoArray(t, out + W);
        cz.intoArray(t, out + 2 * W);
        DoubleVector dx = px.sub(cx), dy = py.sub(cy), dz = pz.sub(cz);
        dx.mul(dx).add(dy.mul(dy)).add(dz.mul(dz)).intoArray(t, d);
    }

    /**
     * MJX's sphere–sphere contact of the spheres at CA (radius ra) and CB (rb): the normal N from A to B ((1, 0, 0)
     * for coincident centres), the depth DIST and the point X halfway between the surfaces; whether some lane
     * penetrates.
     */
    private static boolean sphereContact(double[] t, double ra, double rb) {
        for (int i = 0; i < 3; i++) {
            int o = i * W;
            DoubleVector.fromArray(S, t, CB + o).sub(DoubleVector.fromArray(S, t, CA + o)).intoArray(t, U + o);
        }
        norm(t, U, LU, IU);
        DoubleVector n = DoubleVector.fromArray(S, t, LU);
        DoubleVector dist = n.sub(ra + rb);
        if (!dist.compare(VectorOperators.LT, 0.0).anyTrue()) {
            return false;
        }
        DoubleVector inv = DoubleVector.fromArray(S, t, IU);
        VectorMask<Double> zero = n.compare(VectorOperators.EQ, 0.0);
        DoubleVector nx = DoubleVector.fromArray(S, t, U).mul(inv).blend(1.0, zero);
        DoubleVector ny = DoubleVector.fromArray(S, t, U + W).mul(inv).blend(0.0, zero);
        DoubleVector nz = DoubleVector.fromArray(S, t, U + 2 * W).mul(inv).blend(0.0, zero);
        DoubleVector k = dist.mul(0.5).add(ra);
        nx.intoArray(t, N);
        ny.intoArray(t, N + W);
        nz.intoArray(t, N + 2 * W);
        dist.intoArray(t, DIST);
        DoubleVector.fromArray(S, t, CA).add(nx.mul(k)).intoArray(t, X);
        DoubleVector.fromArray(S, t, CA + W).add(ny.mul(k)).intoArray(t, X + W);
        DoubleVector.fromArray(S, t, CA + 2 * W).add(nz.mul(k)).intoArray(t, X + 2 * W);
        return true;
    }

    /** ContactSolver's cross2, |r × u|², of the vectors at components r and u into component out. */
    private static void cross2(double[] t, int r, int u, int out) {
        DoubleVector rx = DoubleVector.fromArray(S, t, r), ry = DoubleVector.fromArray(S, t, r + W);
        DoubleVector rz = DoubleVector.fromArray(S, t, r + 2 * W);
        DoubleVector ux = DoubleVector.fromArray(S, t, u), uy = DoubleVector.fromArray(S, t, u + W);
        DoubleVector uz = DoubleVector.fromArray(S, t, u + 2 * W);
        DoubleVector ax = ry.mul(uz).sub(rz.mul(uy)), ay = rz.mul(ux).sub(rx.mul(uz)), az = rx.mul(uy).sub(ry.mul(ux));
        ax.mul(ax).add(ay.mul(ay)).add(az.mul(az)).intoArray(t, out);
    }

    /**
     * The normal part of ContactSolver's twoBody for links at lane offsets ma, mb: the lever arms RA, RB, the
     * tangential velocity T, the normal impulse IMP, J = IMP·N and ON (dist &lt; 0, approaching, positive impulse);
     * whether some lane applies.
     */
    private boolean normalImpulse(double[] buf, double[] t, int ma, int mb, double invMass) {
        for (int i = 0; i < 3; i++) {
            int o = i * W, q = i * STRIDE;
            DoubleVector x = DoubleVector.fromArray(S, t, X + o);
            x.sub(DoubleVector.fromArray(S, buf, Lanes.PX + q + ma)).intoArray(t, RA + o);
            x.sub(DoubleVector.fromArray(S, buf, Lanes.PX + q + mb)).intoArray(t, RB + o);
        }
        cross2(t, RA, N, KA);
        cross2(t, RB, N, KB);
        DoubleVector rax = DoubleVector.fromArray(S, t, RA), ray = DoubleVector.fromArray(S, t, RA + W), raz = DoubleVector.fromArray(S, t, RA + 2 * W);
        DoubleVector rbx = DoubleVector.fromArray(S, t, RB), rby = DoubleVector.fromArray(S, t, RB + W), rbz = DoubleVector.fromArray(S, t, RB + 2 * W);
        DoubleVector wax = DoubleVector.fromArray(S, buf, Lanes.WX + ma), way = DoubleVector.fromArray(S, buf, Lanes.WY + ma), waz = DoubleVector.fromArray(S, buf, Lanes.WZ + ma);
        DoubleVector wbx = DoubleVector.fromArray(S, buf, Lanes.WX + mb), wby = DoubleVector.fromArray(S, buf, Lanes.WY + mb), wbz = DoubleVector.fromArray(S, buf, Lanes.WZ + mb);
        // contact velocity: A's point minus B's point
        DoubleVector cvx = DoubleVector.fromArray(S, buf, Lanes.VX + ma).add(way.mul(raz)).sub(waz.mul(ray))
                .sub(DoubleVector.fromArray(S, buf, Lanes.VX + mb).add(wby.mul(rbz)).sub(wbz.mul(rby)));
        DoubleVector cvy = DoubleVector.fromArray(S, buf, Lanes.VY + ma).add(waz.mul(rax)).sub(wax.mul(raz))
                .sub(DoubleVector.fromArray(S, buf, Lanes.VY + mb).add(wbz.mul(rbx)).sub(wbx.mul(rbz)));
        DoubleVector cvz = DoubleVector.fromArray(S, buf, Lanes.VZ + ma).add(wax.mul(ray)).sub(way.mul(rax))
                .sub(DoubleVector.fromArray(S, buf, Lanes.VZ + mb).add(wbx.mul(rby)).sub(wby.mul(rbx)));
        DoubleVector nx = DoubleVector.fromArray(S, t, N), ny = DoubleVector.fromArray(S, t, N + W), nz = DoubleVector.fromArray(S, t, N + 2 * W);
        DoubleVector dist = DoubleVector.fromArray(S, t, DIST);
        DoubleVector vn = nx.mul(cvx).add(ny.mul(cvy)).add(nz.mul(cvz)).neg();
        DoubleVector ang = DoubleVector.fromArray(S, t, KA).add(DoubleVector.fromArray(S, t, KB));
        DoubleVector imp = vn.mul(-restitution).sub(dist.mul(erpOverDt)).div(ang.add(invMass));
        VectorMask<Double> on = dist.compare(VectorOperators.LT, 0.0)
                .and(vn.compare(VectorOperators.LT, 0.0))
                .and(imp.compare(VectorOperators.GT, 0.0));
        if (!on.anyTrue()) {
            return false;
        }
        cvx.add(vn.mul(nx)).intoArray(t, T);
        cvy.add(vn.mul(ny)).intoArray(t, T + W);
        cvz.add(vn.mul(nz)).intoArray(t, T + 2 * W);
        imp.mul(nx).intoArray(t, J);
        imp.mul(ny).intoArray(t, J + W);
        imp.mul(nz).intoArray(t, J + 2 * W);
        imp.intoArray(t, IMP);
        DoubleVector.zero(S).blend(1.0, on).intoArray(t, ON);
        return true;
    }

    /**
     * twoBody's friction: above 1e-3 m/s of slip, J += min(|T| / (invMass + |r_A × d|² + |r_B × d|²), μ·IMP)·d along
     * d = T / (1e-6 + |T|). (MJX's norm of T is 0 only where |T| ≤ 2e-8, below the gate: a plain length serves.)
     */
    private static void friction(double[] t, double invMass, double mu) {
        DoubleVector tx = DoubleVector.fromArray(S, t, T), ty = DoubleVector.fromArray(S, t, T + W), tz = DoubleVector.fromArray(S, t, T + 2 * W);
        DoubleVector slip = tx.mul(tx).add(ty.mul(ty)).add(tz.mul(tz)).sqrt();
        if (!slip.compare(VectorOperators.GT, 1e-3).anyTrue()) {
            return;
        }
        DoubleVector sinv = DoubleVector.broadcast(S, 1.0).div(slip.add(1e-6));
        tx.mul(sinv).intoArray(t, D);
        ty.mul(sinv).intoArray(t, D + W);
        tz.mul(sinv).intoArray(t, D + 2 * W);
        slip.intoArray(t, SLIP);
        cross2(t, RA, D, KA);
        cross2(t, RB, D, KB);
        slip = DoubleVector.fromArray(S, t, SLIP);
        VectorMask<Double> slipping = slip.compare(VectorOperators.GT, 1e-3);
        DoubleVector angD = DoubleVector.fromArray(S, t, KA).add(DoubleVector.fromArray(S, t, KB));
        DoubleVector fr = slip.div(angD.add(invMass)).min(DoubleVector.fromArray(S, t, IMP).mul(mu));
        for (int i = 0; i < 3; i++) {
            int o = i * W;
            DoubleVector j = DoubleVector.fromArray(S, t, J + o);
            j.blend(j.add(fr.mul(DoubleVector.fromArray(S, t, D + o))), slipping).intoArray(t, J + o);
        }
    }

    /**
     * The impulse J at lever arm r (components) onto the contact sums of the link at lane offset m, or, for
     * {@code opposite}, −J (adding the negated impulse and moment is subtracting them, bit for bit); one contact
     * counted where ON, and the other lanes add exactly 0 (even where r is not finite).
     */
    private static void accumulate(double[] buf, double[] t, int m, int r, boolean opposite) {
        VectorMask<Double> on = DoubleVector.fromArray(S, t, ON).compare(VectorOperators.NE, 0.0);
        DoubleVector zero = DoubleVector.zero(S);
        DoubleVector jx = zero.blend(DoubleVector.fromArray(S, t, J), on);
        DoubleVector jy = zero.blend(DoubleVector.fromArray(S, t, J + W), on);
        DoubleVector jz = zero.blend(DoubleVector.fromArray(S, t, J + 2 * W), on);
        DoubleVector rx = DoubleVector.fromArray(S, t, r), ry = DoubleVector.fromArray(S, t, r + W), rz = DoubleVector.fromArray(S, t, r + 2 * W);
        DoubleVector lx = zero.blend(ry.mul(jz).sub(rz.mul(jy)), on);
        DoubleVector ly = zero.blend(rz.mul(jx).sub(rx.mul(jz)), on);
        DoubleVector lz = zero.blend(rx.mul(jy).sub(ry.mul(jx)), on);
        if (opposite) {
            jx = jx.neg();
            jy = jy.neg();
            jz = jz.neg();
            lx = lx.neg();
            ly = ly.neg();
            lz = lz.neg();
        }
        DoubleVector.fromArray(S, buf, Lanes.CPX + m).add(jx).intoArray(buf, Lanes.CPX + m);
        DoubleVector.fromArray(S, buf, Lanes.CPY + m).add(jy).intoArray(buf, Lanes.CPY + m);
        DoubleVector.fromArray(S, buf, Lanes.CPZ + m).add(jz).intoArray(buf, Lanes.CPZ + m);
        DoubleVector.fromArray(S, buf, Lanes.CLX + m).add(lx).intoArray(buf, Lanes.CLX + m);
        DoubleVector.fromArray(S, buf, Lanes.CLY + m).add(ly).intoArray(buf, Lanes.CLY + m);
        DoubleVector.fromArray(S, buf, Lanes.CLZ + m).add(lz).intoArray(buf, Lanes.CLZ + m);
        DoubleVector.fromArray(S, buf, Lanes.CNT + m).add(DoubleVector.fromArray(S, t, ON)).intoArray(buf, Lanes.CNT + m);
    }
}
