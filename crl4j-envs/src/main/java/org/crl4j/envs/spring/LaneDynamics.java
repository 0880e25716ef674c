package org.crl4j.envs.spring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The substep of {@link SpringDynamics} and {@link ContactSolver}, four environments at a time with the Vector API
 * (one 256-bit lane per environment; AVX2). A block of four environments is copied into lane-major scratch
 * ({@link Lanes}: index {@code 4·link + lane}) once per control step, stepped {@link SpringSystem#substeps} times
 * and copied back, so the substeps touch only a few kilobytes of scratch.
 *
 * <p>Every lane performs exactly the floating-point operations of the scalar reference, in the same order (lanewise
 * add, mul, div, sqrt, min and comparisons are IEEE-exact, and Java never fuses a multiply-add), so results are
 * identical to {@link SpringDynamics} up to the sign of zeros, and independent of how environments are grouped into
 * blocks: a partial block is padded with copies of its last environment, which are not written back. Branches of
 * the reference become masks: a contact that does not apply adds zero; joint limits subtract {@code k·0} inside the
 * range. Sphere/capsule–box contacts (maze walls) stay scalar per lane, after the vector plane contacts of the same
 * geom, so each link accumulates its impulses in the reference's order.
 */
final class LaneDynamics {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;
    static final int W = 4;

    private final SpringSystem s;
    private final SpringBatch b;
    private final ContactModel c;
    private final double[] pa0, pa1, pa2; // parent-side joint axes in the parent's link frame
    private final double erpOverDt, restitution;
    // joints whose range test may skip atan2 (−π < lo < hi < π, hi − lo < π), with cos and sin of the limits
    private final boolean[] rangeTest;
    private final double[] cosLo, sinLo, cosHi, sinHi;
    private final boolean[] touching; // links with contact geoms
    private static final double TAN_PI_8 = 0.41421356237309503;

    /** Lane-major scratch for one block of {@link #W} environments. */
    static final class Lanes {
        final double[] px, py, pz, qw, qx, qy, qz, vx, vy, vz, wx, wy, wz;
        final double[] r0, r1, r2, r3, r4, r5, r6, r7, r8;
        final double[] ox, oy, oz, fx, fy, fz, tx, ty, tz;
        final double[] cpx, cpy, cpz, clx, cly, clz, cnt, tau;
        // child-side joint quantities in the world, from frame(): R·a0, R·a2 and the anchor o + R·jointPos
        final double[] c0x, c0y, c0z, c2x, c2y, c2z, acx, acy, acz;
        final double[] kx = new double[W], ky = new double[W], kz = new double[W], kd = new double[W];
        // each joint's intermediate results, passed between the joint passes
        final double[] sfx, sfy, sfz, sex, sey, sez, sdx, sdy, sdz, ssn, scs, sal, spsi;
        final double[] ik; // [9 · links] rotations for SpringBatch.readState

        /**
         * Slot {@code links} (the one past the last link) is the world, the parent of a root joint: identity
         * rotation, zero position and velocity; what the joint pushes onto it is never read.
         */
        Lanes(int links) {
            int n = W * (links + 1);
            ik = new double[9 * links];
            sfx = new double[n]; sfy = new double[n]; sfz = new double[n];
            sex = new double[n]; sey = new double[n]; sez = new double[n];
            sdx = new double[n]; sdy = new double[n]; sdz = new double[n];
            ssn = new double[n]; scs = new double[n]; sal = new double[n]; spsi = new double[n];
            px = new double[n]; py = new double[n]; pz = new double[n];
            qw = new double[n]; qx = new double[n]; qy = new double[n]; qz = new double[n];
            vx = new double[n]; vy = new double[n]; vz = new double[n];
            wx = new double[n]; wy = new double[n]; wz = new double[n];
            r0 = new double[n]; r1 = new double[n]; r2 = new double[n];
            r3 = new double[n]; r4 = new double[n]; r5 = new double[n];
            r6 = new double[n]; r7 = new double[n]; r8 = new double[n];
            ox = new double[n]; oy = new double[n]; oz = new double[n];
            fx = new double[n]; fy = new double[n]; fz = new double[n];
            tx = new double[n]; ty = new double[n]; tz = new double[n];
            cpx = new double[n]; cpy = new double[n]; cpz = new double[n];
            clx = new double[n]; cly = new double[n]; clz = new double[n];
            cnt = new double[n]; tau = new double[n];
            c0x = new double[n]; c0y = new double[n]; c0z = new double[n];
            c2x = new double[n]; c2y = new double[n]; c2z = new double[n];
            acx = new double[n]; acy = new double[n]; acz = new double[n];
            for (int j = 0; j < W; j++) {
                r0[W * links + j] = 1;
                r4[W * links + j] = 1;
                r8[W * links + j] = 1;
            }
        }
    }

    LaneDynamics(SpringSystem s, SpringBatch b, double[] pa0, double[] pa1, double[] pa2) {
        this.s = s;
        this.b = b;
        this.c = s.contacts;
        this.pa0 = pa0;
        this.pa1 = pa1;
        this.pa2 = pa2;
        this.erpOverDt = s.baumgarteErp / s.timestep;
        this.restitution = 1 + s.elasticity;
        int nl = s.numLinks;
        rangeTest = new boolean[nl];
        cosLo = new double[nl];
        sinLo = new double[nl];
        cosHi = new double[nl];
        sinHi = new double[nl];
        touching = new boolean[nl];
        for (int g = 0; g < c.numGeoms; g++) {
            touching[c.geomLink[g]] = true;
        }
        for (int l = 0; l < nl; l++) {
            double lo = s.limitLo[l], hi = s.limitHi[l];
            rangeTest[l] = s.limited[l] && lo > -Math.PI && hi < Math.PI && lo < hi && hi - lo < Math.PI;
            cosLo[l] = Math.cos(lo);
            sinLo[l] = Math.sin(lo);
            cosHi[l] = Math.cos(hi);
            sinHi[l] = Math.sin(hi);
        }
    }

    /**
     * One control step of environments [from, to); with {@code q} non-null (then {@link #vectorInverse} must hold)
     * also their q and qd, as {@link SpringBatch#readQ} / {@link SpringBatch#readQd} would give them.
     */
    void step(float[] ctrl, int ctrlStride, int from, int to, Lanes ws, double[] q, double[] qd) {
        for (int e0 = from; e0 < to; e0 += W) {
            int n = Math.min(W, to - e0);
            load(ws, e0, n, ctrl, ctrlStride);
            for (int k = 0; k < s.substeps; k++) {
                substep(ws);
            }
            store(ws, e0, n);
            if (q != null) {
                inverse(ws, e0, n, q, qd);
            }
        }
    }

    /** Whether {@link #inverse} covers the model: free joints and hinges on a parent link with an unrotated frame. */
    boolean vectorInverse() {
        for (int l = 0; l < s.numLinks; l++) {
            if (!s.free[l] && (s.parent[l] < 0 || !s.bodyRotIdentity[l])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Inverse kinematics of the block, lanewise: the operations of {@link SpringBatch#readState} (its rotation
     * formula, not frame()'s), so the same values. Overwrites the rotation scratch (frame() recomputes it).
     */
    private void inverse(Lanes ws, int e0, int n, double[] q, double[] qd) {
        final int nl = s.numLinks, qs = s.qSize, qds = s.qdSize;
        for (int l = 0; l < nl; l++) {
            int m = W * l;
            DoubleVector w = DoubleVector.fromArray(S, ws.qw, m), x = DoubleVector.fromArray(S, ws.qx, m);
            DoubleVector y = DoubleVector.fromArray(S, ws.qy, m), z = DoubleVector.fromArray(S, ws.qz, m);
            DoubleVector one = DoubleVector.broadcast(S, 1.0);
            one.sub(y.mul(y).add(z.mul(z)).mul(2.0)).intoArray(ws.r0, m);
            x.mul(y).sub(w.mul(z)).mul(2.0).intoArray(ws.r1, m);
            x.mul(z).add(w.mul(y)).mul(2.0).intoArray(ws.r2, m);
            x.mul(y).add(w.mul(z)).mul(2.0).intoArray(ws.r3, m);
            one.sub(x.mul(x).add(z.mul(z)).mul(2.0)).intoArray(ws.r4, m);
            y.mul(z).sub(w.mul(x)).mul(2.0).intoArray(ws.r5, m);
            x.mul(z).sub(w.mul(y)).mul(2.0).intoArray(ws.r6, m);
            y.mul(z).add(w.mul(x)).mul(2.0).intoArray(ws.r7, m);
            one.sub(x.mul(x).add(y.mul(y)).mul(2.0)).intoArray(ws.r8, m);
        }
        for (int l = 0; l < nl; l++) {
            if (s.free[l]) {
                inverseFree(ws, l, e0, n, q, qd);
            } else {
                inverseHinge(ws, l, e0, n, q, qd);
            }
        }
        int mq = b.markerQSize();
        for (int j = 0; j < n; j++) {
            int e = e0 + j;
            for (int k = 0; k < mq; k++) {
                q[e * qs + b.markerQAdr(k)] = b.markerQ[e * mq + k];
                qd[e * qds + b.markerQdAdr(k)] = 0;
            }
        }
    }

    private void inverseFree(Lanes ws, int l, int e0, int n, double[] q, double[] qd) {
        int m = W * l;
        DoubleVector m0 = DoubleVector.fromArray(S, ws.r0, m), m1 = DoubleVector.fromArray(S, ws.r1, m);
        DoubleVector m2 = DoubleVector.fromArray(S, ws.r2, m), m3 = DoubleVector.fromArray(S, ws.r3, m);
        DoubleVector m4 = DoubleVector.fromArray(S, ws.r4, m), m5 = DoubleVector.fromArray(S, ws.r5, m);
        DoubleVector m6 = DoubleVector.fromArray(S, ws.r6, m), m7 = DoubleVector.fromArray(S, ws.r7, m);
        DoubleVector m8 = DoubleVector.fromArray(S, ws.r8, m);
        double cx = s.com[3 * l], cy = s.com[3 * l + 1], cz = s.com[3 * l + 2];
        DoubleVector dx = m0.mul(cx).add(m1.mul(cy)).add(m2.mul(cz)).neg();
        DoubleVector dy = m3.mul(cx).add(m4.mul(cy)).add(m5.mul(cz)).neg();
        DoubleVector dz = m6.mul(cx).add(m7.mul(cy)).add(m8.mul(cz)).neg();
        DoubleVector wx = DoubleVector.fromArray(S, ws.wx, m), wy = DoubleVector.fromArray(S, ws.wy, m);
        DoubleVector wz = DoubleVector.fromArray(S, ws.wz, m);
        // lane-major results in the joint scratch: positions (3), velocities (3), body-frame angular velocity (3)
        DoubleVector.fromArray(S, ws.px, m).add(dx).intoArray(ws.sfx, m);
        DoubleVector.fromArray(S, ws.py, m).add(dy).intoArray(ws.sfy, m);
        DoubleVector.fromArray(S, ws.pz, m).add(dz).intoArray(ws.sfz, m);
        DoubleVector.fromArray(S, ws.vx, m).add(wy.mul(dz)).sub(wz.mul(dy)).intoArray(ws.sex, m);
        DoubleVector.fromArray(S, ws.vy, m).add(wz.mul(dx)).sub(wx.mul(dz)).intoArray(ws.sey, m);
        DoubleVector.fromArray(S, ws.vz, m).add(wx.mul(dy)).sub(wy.mul(dx)).intoArray(ws.sez, m);
        m0.mul(wx).add(m3.mul(wy)).add(m6.mul(wz)).intoArray(ws.sdx, m);
        m1.mul(wx).add(m4.mul(wy)).add(m7.mul(wz)).intoArray(ws.sdy, m);
        m2.mul(wx).add(m5.mul(wy)).add(m8.mul(wz)).intoArray(ws.sdz, m);
        int a = s.qAdr[l], d = s.qdAdr[l];
        for (int j = 0; j < n; j++) {
            int k = m + j, qo = (e0 + j) * s.qSize + a, qdo = (e0 + j) * s.qdSize + d;
            q[qo] = ws.sfx[k];
            q[qo + 1] = ws.sfy[k];
            q[qo + 2] = ws.sfz[k];
            q[qo + 3] = ws.qw[k];
            q[qo + 4] = ws.qx[k];
            q[qo + 5] = ws.qy[k];
            q[qo + 6] = ws.qz[k];
            qd[qdo] = ws.sex[k];
            qd[qdo + 1] = ws.sey[k];
            qd[qdo + 2] = ws.sez[k];
            qd[qdo + 3] = ws.sdx[k];
            qd[qdo + 4] = ws.sdy[k];
            qd[qdo + 5] = ws.sdz[k];
        }
    }

    private void inverseHinge(Lanes ws, int l, int e0, int n, double[] q, double[] qd) {
        int m = W * l, mp = W * s.parent[l];
        DoubleVector m0 = DoubleVector.fromArray(S, ws.r0, m), m1 = DoubleVector.fromArray(S, ws.r1, m);
        DoubleVector m2 = DoubleVector.fromArray(S, ws.r2, m), m3 = DoubleVector.fromArray(S, ws.r3, m);
        DoubleVector m4 = DoubleVector.fromArray(S, ws.r4, m), m5 = DoubleVector.fromArray(S, ws.r5, m);
        DoubleVector m6 = DoubleVector.fromArray(S, ws.r6, m), m7 = DoubleVector.fromArray(S, ws.r7, m);
        DoubleVector m8 = DoubleVector.fromArray(S, ws.r8, m);
        DoubleVector r0 = DoubleVector.fromArray(S, ws.r0, mp), r1 = DoubleVector.fromArray(S, ws.r1, mp);
        DoubleVector r2 = DoubleVector.fromArray(S, ws.r2, mp), r3 = DoubleVector.fromArray(S, ws.r3, mp);
        DoubleVector r4 = DoubleVector.fromArray(S, ws.r4, mp), r5 = DoubleVector.fromArray(S, ws.r5, mp);
        DoubleVector r6 = DoubleVector.fromArray(S, ws.r6, mp), r7 = DoubleVector.fromArray(S, ws.r7, mp);
        DoubleVector r8 = DoubleVector.fromArray(S, ws.r8, mp);
        double a1x = s.axis1[3 * l], a1y = s.axis1[3 * l + 1], a1z = s.axis1[3 * l + 2];
        double a2x = s.axis2[3 * l], a2y = s.axis2[3 * l + 1], a2z = s.axis2[3 * l + 2];
        DoubleVector c2x = m0.mul(a2x).add(m1.mul(a2y)).add(m2.mul(a2z));
        DoubleVector c2y = m3.mul(a2x).add(m4.mul(a2y)).add(m5.mul(a2z));
        DoubleVector c2z = m6.mul(a2x).add(m7.mul(a2y)).add(m8.mul(a2z));
        DoubleVector u1x = r0.mul(a1x).add(r1.mul(a1y)).add(r2.mul(a1z));
        DoubleVector u1y = r3.mul(a1x).add(r4.mul(a1y)).add(r5.mul(a1z));
        DoubleVector u1z = r6.mul(a1x).add(r7.mul(a1y)).add(r8.mul(a1z));
        DoubleVector u2x = r0.mul(a2x).add(r1.mul(a2y)).add(r2.mul(a2z));
        DoubleVector u2y = r3.mul(a2x).add(r4.mul(a2y)).add(r5.mul(a2z));
        DoubleVector u2z = r6.mul(a2x).add(r7.mul(a2y)).add(r8.mul(a2z));
        c2x.mul(u1x).add(c2y.mul(u1y)).add(c2z.mul(u1z)).neg().intoArray(ws.ssn, m);
        c2x.mul(u2x).add(c2y.mul(u2y)).add(c2z.mul(u2z)).intoArray(ws.scs, m);
        atan2(ws, m);
        double a0x = s.axis0[3 * l], a0y = s.axis0[3 * l + 1], a0z = s.axis0[3 * l + 2];
        DoubleVector c0x = m0.mul(a0x).add(m1.mul(a0y)).add(m2.mul(a0z));
        DoubleVector c0y = m3.mul(a0x).add(m4.mul(a0y)).add(m5.mul(a0z));
        DoubleVector c0z = m6.mul(a0x).add(m7.mul(a0y)).add(m8.mul(a0z));
        DoubleVector dwx = DoubleVector.fromArray(S, ws.wx, m).sub(DoubleVector.fromArray(S, ws.wx, mp));
        DoubleVector dwy = DoubleVector.fromArray(S, ws.wy, m).sub(DoubleVector.fromArray(S, ws.wy, mp));
        DoubleVector dwz = DoubleVector.fromArray(S, ws.wz, m).sub(DoubleVector.fromArray(S, ws.wz, mp));
        c0x.mul(dwx).add(c0y.mul(dwy)).add(c0z.mul(dwz)).intoArray(ws.sal, m);
        int a = s.qAdr[l], d = s.qdAdr[l];
        for (int j = 0; j < n; j++) {
            q[(e0 + j) * s.qSize + a] = ws.spsi[m + j];
            qd[(e0 + j) * s.qdSize + d] = ws.sal[m + j];
        }
    }

    private void load(Lanes ws, int e0, int n, float[] ctrl, int ctrlStride) {
        final int nl = s.numLinks;
        for (int j = 0; j < W; j++) {
            int e = e0 + Math.min(j, n - 1);
            for (int l = 0; l < nl; l++) {
                int i = e * nl + l, k = W * l + j;
                ws.px[k] = b.px[i]; ws.py[k] = b.py[i]; ws.pz[k] = b.pz[i];
                ws.qw[k] = b.qw[i]; ws.qx[k] = b.qx[i]; ws.qy[k] = b.qy[i]; ws.qz[k] = b.qz[i];
                ws.vx[k] = b.vx[i]; ws.vy[k] = b.vy[i]; ws.vz[k] = b.vz[i];
                ws.wx[k] = b.wx[i]; ws.wy[k] = b.wy[i]; ws.wz[k] = b.wz[i];
                ws.tau[k] = 0;
            }
            for (int a = 0; a < s.numMotors; a++) {
                double u = ctrl[e * ctrlStride + a];
                u = u < s.ctrlLo[a] ? s.ctrlLo[a] : u > s.ctrlHi[a] ? s.ctrlHi[a] : u;
                ws.tau[W * s.motorLink[a] + j] += s.gear[a] * u;
            }
        }
    }

    private void store(Lanes ws, int e0, int n) {
        final int nl = s.numLinks;
        for (int j = 0; j < n; j++) {
            int e = e0 + j;
            for (int l = 0; l < nl; l++) {
                int i = e * nl + l, k = W * l + j;
                b.px[i] = ws.px[k]; b.py[i] = ws.py[k]; b.pz[i] = ws.pz[k];
                b.qw[i] = ws.qw[k]; b.qx[i] = ws.qx[k]; b.qy[i] = ws.qy[k]; b.qz[i] = ws.qz[k];
                b.vx[i] = ws.vx[k]; b.vy[i] = ws.vy[k]; b.vz[i] = ws.vz[k];
                b.wx[i] = ws.wx[k]; b.wy[i] = ws.wy[k]; b.wz[i] = ws.wz[k];
            }
        }
    }

    private void substep(Lanes ws) {
        final int nl = s.numLinks;
        frames(ws);
        joints(ws);
        velocities(ws);
        boolean contacts = c.numGeoms > 0;
        if (contacts) {
            java.util.Arrays.fill(ws.cpx, 0);
            java.util.Arrays.fill(ws.cpy, 0);
            java.util.Arrays.fill(ws.cpz, 0);
            java.util.Arrays.fill(ws.clx, 0);
            java.util.Arrays.fill(ws.cly, 0);
            java.util.Arrays.fill(ws.clz, 0);
            java.util.Arrays.fill(ws.cnt, 0);
            for (int g = 0; g < c.numGeoms; g++) {
                geom(ws, g);
            }
        }
        integrate(ws, contacts);
    }

    // ---- 1. rotations and frame origins -----------------------------------------------------------------------------

    private void frames(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            int m = W * l;
            DoubleVector w = DoubleVector.fromArray(S, ws.qw, m), x = DoubleVector.fromArray(S, ws.qx, m);
            DoubleVector y = DoubleVector.fromArray(S, ws.qy, m), z = DoubleVector.fromArray(S, ws.qz, m);
            DoubleVector x2 = x.add(x), y2 = y.add(y), z2 = z.add(z);
            DoubleVector xx = x.mul(x2), yy = y.mul(y2), zz = z.mul(z2);
            DoubleVector xy = x.mul(y2), xz = x.mul(z2), yz = y.mul(z2);
            DoubleVector wx = w.mul(x2), wy = w.mul(y2), wz = w.mul(z2);
            DoubleVector one = DoubleVector.broadcast(S, 1.0);
            DoubleVector a0 = one.sub(yy).sub(zz), a1 = xy.sub(wz), a2 = xz.add(wy);
            DoubleVector a3 = xy.add(wz), a4 = one.sub(xx).sub(zz), a5 = yz.sub(wx);
            DoubleVector a6 = xz.sub(wy), a7 = yz.add(wx), a8 = one.sub(xx).sub(yy);
            a0.intoArray(ws.r0, m); a1.intoArray(ws.r1, m); a2.intoArray(ws.r2, m);
            a3.intoArray(ws.r3, m); a4.intoArray(ws.r4, m); a5.intoArray(ws.r5, m);
            a6.intoArray(ws.r6, m); a7.intoArray(ws.r7, m); a8.intoArray(ws.r8, m);
            double cx = s.com[3 * l], cy = s.com[3 * l + 1], cz = s.com[3 * l + 2];
            DoubleVector ox = DoubleVector.fromArray(S, ws.px, m).sub(a0.mul(cx).add(a1.mul(cy)).add(a2.mul(cz)));
            DoubleVector oy = DoubleVector.fromArray(S, ws.py, m).sub(a3.mul(cx).add(a4.mul(cy)).add(a5.mul(cz)));
            DoubleVector oz = DoubleVector.fromArray(S, ws.pz, m).sub(a6.mul(cx).add(a7.mul(cy)).add(a8.mul(cz)));
            ox.intoArray(ws.ox, m);
            oy.intoArray(ws.oy, m);
            oz.intoArray(ws.oz, m);
            if (!s.free[l]) {
                double a0x = s.axis0[3 * l], a0y = s.axis0[3 * l + 1], a0z = s.axis0[3 * l + 2];
                a0.mul(a0x).add(a1.mul(a0y)).add(a2.mul(a0z)).intoArray(ws.c0x, m);
                a3.mul(a0x).add(a4.mul(a0y)).add(a5.mul(a0z)).intoArray(ws.c0y, m);
                a6.mul(a0x).add(a7.mul(a0y)).add(a8.mul(a0z)).intoArray(ws.c0z, m);
                double a2x = s.axis2[3 * l], a2y = s.axis2[3 * l + 1], a2z = s.axis2[3 * l + 2];
                a0.mul(a2x).add(a1.mul(a2y)).add(a2.mul(a2z)).intoArray(ws.c2x, m);
                a3.mul(a2x).add(a4.mul(a2y)).add(a5.mul(a2z)).intoArray(ws.c2y, m);
                a6.mul(a2x).add(a7.mul(a2y)).add(a8.mul(a2z)).intoArray(ws.c2z, m);
                double jx = s.jointPos[3 * l], jy = s.jointPos[3 * l + 1], jz = s.jointPos[3 * l + 2];
                ox.add(a0.mul(jx)).add(a1.mul(jy)).add(a2.mul(jz)).intoArray(ws.acx, m);
                oy.add(a3.mul(jx)).add(a4.mul(jy)).add(a5.mul(jz)).intoArray(ws.acy, m);
                oz.add(a6.mul(jx)).add(a7.mul(jy)).add(a8.mul(jz)).intoArray(ws.acz, m);
            }
            DoubleVector zero = DoubleVector.zero(S);
            zero.intoArray(ws.fx, m); zero.intoArray(ws.fy, m); zero.intoArray(ws.fz, m);
            zero.intoArray(ws.tx, m); zero.intoArray(ws.ty, m); zero.intoArray(ws.tz, m);
        }
    }

    // ---- 2. joint springs, motors, limits, damping -----------------------------------------------------------------

    /**
     * The joint of link l, in three parts small enough for C2 to compile with every vector operation intrinsified:
     * the anchor spring and damper, the joint angle's limit torque, then the torques and the accumulation.
     */
    private void joints(Lanes ws) {
        jointForces(ws);
        jointAngles(ws);
        jointTorques(ws);
    }

    private void jointForces(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            if (s.free[l]) {
                continue;
            }
            final int p = s.parent[l];
            final int m = W * l, mp = W * (p < 0 ? s.numLinks : p); // a root joint's parent: the world slot
            DoubleVector r0 = DoubleVector.fromArray(S, ws.r0, mp), r1 = DoubleVector.fromArray(S, ws.r1, mp), r2 = DoubleVector.fromArray(S, ws.r2, mp);
            DoubleVector r3 = DoubleVector.fromArray(S, ws.r3, mp), r4 = DoubleVector.fromArray(S, ws.r4, mp), r5 = DoubleVector.fromArray(S, ws.r5, mp);
            DoubleVector r6 = DoubleVector.fromArray(S, ws.r6, mp), r7 = DoubleVector.fromArray(S, ws.r7, mp), r8 = DoubleVector.fromArray(S, ws.r8, mp);
            // anchor on the parent: a_p = o_p + R_p · anchorOffset
            double ax = s.anchorOffset[3 * l], ay = s.anchorOffset[3 * l + 1], az = s.anchorOffset[3 * l + 2];
            DoubleVector apx = DoubleVector.fromArray(S, ws.ox, mp).add(r0.mul(ax)).add(r1.mul(ay)).add(r2.mul(az));
            DoubleVector apy = DoubleVector.fromArray(S, ws.oy, mp).add(r3.mul(ax)).add(r4.mul(ay)).add(r5.mul(az));
            DoubleVector apz = DoubleVector.fromArray(S, ws.oz, mp).add(r6.mul(ax)).add(r7.mul(ay)).add(r8.mul(az));
            // anchor on the child: a_c = o_c + R_c · jointPos
            DoubleVector cox = DoubleVector.fromArray(S, ws.ox, m), coy = DoubleVector.fromArray(S, ws.oy, m), coz = DoubleVector.fromArray(S, ws.oz, m);
            DoubleVector acx = DoubleVector.fromArray(S, ws.acx, m), acy = DoubleVector.fromArray(S, ws.acy, m);
            DoubleVector acz = DoubleVector.fromArray(S, ws.acz, m);
            // velocities: the child's frame origin against the parent's point at a_p
            DoubleVector cwx = DoubleVector.fromArray(S, ws.wx, m), cwy = DoubleVector.fromArray(S, ws.wy, m), cwz = DoubleVector.fromArray(S, ws.wz, m);
            DoubleVector ccx = DoubleVector.fromArray(S, ws.px, m), ccy = DoubleVector.fromArray(S, ws.py, m), ccz = DoubleVector.fromArray(S, ws.pz, m);
            DoubleVector dox = cox.sub(ccx), doy = coy.sub(ccy), doz = coz.sub(ccz);
            DoubleVector vox = DoubleVector.fromArray(S, ws.vx, m).add(cwy.mul(doz)).sub(cwz.mul(doy));
            DoubleVector voy = DoubleVector.fromArray(S, ws.vy, m).add(cwz.mul(dox)).sub(cwx.mul(doz));
            DoubleVector voz = DoubleVector.fromArray(S, ws.vz, m).add(cwx.mul(doy)).sub(cwy.mul(dox));
            DoubleVector dax = apx.sub(DoubleVector.fromArray(S, ws.px, mp)), day = apy.sub(DoubleVector.fromArray(S, ws.py, mp));
            DoubleVector daz = apz.sub(DoubleVector.fromArray(S, ws.pz, mp));
            DoubleVector pwx = DoubleVector.fromArray(S, ws.wx, mp), pwy = DoubleVector.fromArray(S, ws.wy, mp), pwz = DoubleVector.fromArray(S, ws.wz, mp);
            DoubleVector vax = DoubleVector.fromArray(S, ws.vx, mp).add(pwy.mul(daz)).sub(pwz.mul(day));
            DoubleVector vay = DoubleVector.fromArray(S, ws.vy, mp).add(pwz.mul(dax)).sub(pwx.mul(daz));
            DoubleVector vaz = DoubleVector.fromArray(S, ws.vz, mp).add(pwx.mul(day)).sub(pwy.mul(dax));
            double nk = -s.stiffness[l], kv = s.velDamping[l];
            acx.sub(apx).mul(nk).sub(vox.sub(vax).mul(kv)).intoArray(ws.sfx, m);
            acy.sub(apy).mul(nk).sub(voy.sub(vay).mul(kv)).intoArray(ws.sfy, m);
            acz.sub(apz).mul(nk).sub(voz.sub(vaz).mul(kv)).intoArray(ws.sfz, m);
            acx.sub(ccx).intoArray(ws.sex, m);
            acy.sub(ccy).intoArray(ws.sey, m);
            acz.sub(ccz).intoArray(ws.sez, m);
            dax.intoArray(ws.sdx, m);
            day.intoArray(ws.sdy, m);
            daz.intoArray(ws.sdz, m);
        }
    }

    /** Brax's joint angle ψ = atan2(−(R_c a₂)·(R_ap a₁), (R_c a₂)·(R_ap a₂)): its sine and cosine parts to sn, cs. */
    private void jointAngles(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            if (s.free[l]) {
                continue;
            }
            if (!s.limited[l]) {
                DoubleVector.fromArray(S, ws.tau, W * l).intoArray(ws.sal, W * l);
                continue;
            }
            final int p = s.parent[l];
            final int m = W * l, mp = W * (p < 0 ? s.numLinks : p); // a root joint's parent: the world slot
            DoubleVector r0 = DoubleVector.fromArray(S, ws.r0, mp), r1 = DoubleVector.fromArray(S, ws.r1, mp), r2 = DoubleVector.fromArray(S, ws.r2, mp);
            DoubleVector r3 = DoubleVector.fromArray(S, ws.r3, mp), r4 = DoubleVector.fromArray(S, ws.r4, mp), r5 = DoubleVector.fromArray(S, ws.r5, mp);
            DoubleVector r6 = DoubleVector.fromArray(S, ws.r6, mp), r7 = DoubleVector.fromArray(S, ws.r7, mp), r8 = DoubleVector.fromArray(S, ws.r8, mp);
            double q1x = pa1[3 * l], q1y = pa1[3 * l + 1], q1z = pa1[3 * l + 2];
            double q2x = pa2[3 * l], q2y = pa2[3 * l + 1], q2z = pa2[3 * l + 2];
            DoubleVector c2x = DoubleVector.fromArray(S, ws.c2x, m), c2y = DoubleVector.fromArray(S, ws.c2y, m);
            DoubleVector c2z = DoubleVector.fromArray(S, ws.c2z, m);
            DoubleVector u1x = r0.mul(q1x).add(r1.mul(q1y)).add(r2.mul(q1z));
            DoubleVector u1y = r3.mul(q1x).add(r4.mul(q1y)).add(r5.mul(q1z));
            DoubleVector u1z = r6.mul(q1x).add(r7.mul(q1y)).add(r8.mul(q1z));
            DoubleVector u2x = r0.mul(q2x).add(r1.mul(q2y)).add(r2.mul(q2z));
            DoubleVector u2y = r3.mul(q2x).add(r4.mul(q2y)).add(r5.mul(q2z));
            DoubleVector u2z = r6.mul(q2x).add(r7.mul(q2y)).add(r8.mul(q2z));
            c2x.mul(u1x).add(c2y.mul(u1y)).add(c2z.mul(u1z)).neg().intoArray(ws.ssn, m);
            c2x.mul(u2x).add(c2y.mul(u2y)).add(c2z.mul(u2z)).intoArray(ws.scs, m);
            limit(ws, l);
        }
    }

    /** along = τ − k_l·(ψ − limit) outside the joint range, τ inside (ψ from sn, cs); to sal. */
    private void limit(Lanes ws, int l) {
        final int m = W * l;
        double lo = s.limitLo[l], hi = s.limitHi[l];
        if (rangeTest[l]) {
            // sin(ψ − lo)·|v| and sin(hi − ψ)·|v| for v = (cs, sn): both clearly positive puts ψ inside (lo, hi)
            // with a margin of 1e-9 rad, far beyond atan2's 1e-10 error, so the limit exerts nothing: skip atan2
            DoubleVector sn = DoubleVector.fromArray(S, ws.ssn, m), cs = DoubleVector.fromArray(S, ws.scs, m);
            DoubleVector margin = sn.abs().add(cs.abs()).mul(1e-9);
            DoubleVector aboveLo = sn.mul(cosLo[l]).sub(cs.mul(sinLo[l]));
            DoubleVector belowHi = cs.mul(sinHi[l]).sub(sn.mul(cosHi[l]));
            if (aboveLo.compare(VectorOperators.GT, margin).and(belowHi.compare(VectorOperators.GT, margin)).allTrue()) {
                DoubleVector.fromArray(S, ws.tau, W * l).intoArray(ws.sal, m);
                return;
            }
        }
        atan2(ws, m);
        DoubleVector psi = DoubleVector.fromArray(S, ws.spsi, m);
        DoubleVector excess = DoubleVector.zero(S).blend(psi.sub(hi), psi.compare(VectorOperators.GT, hi));
        excess = excess.blend(psi.sub(lo), psi.compare(VectorOperators.LT, lo));
        DoubleVector.fromArray(S, ws.tau, W * l).sub(excess.mul(s.limitStiffness[l])).intoArray(ws.sal, m);
    }

    /** The alignment, motor/limit and damping torques; child and parent take force and torque. */
    private void jointTorques(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            if (s.free[l]) {
                continue;
            }
            final int p = s.parent[l];
            final int m = W * l, mp = W * (p < 0 ? s.numLinks : p); // a root joint's parent: the world slot
            DoubleVector r0 = DoubleVector.fromArray(S, ws.r0, mp), r1 = DoubleVector.fromArray(S, ws.r1, mp), r2 = DoubleVector.fromArray(S, ws.r2, mp);
            DoubleVector r3 = DoubleVector.fromArray(S, ws.r3, mp), r4 = DoubleVector.fromArray(S, ws.r4, mp), r5 = DoubleVector.fromArray(S, ws.r5, mp);
            DoubleVector r6 = DoubleVector.fromArray(S, ws.r6, mp), r7 = DoubleVector.fromArray(S, ws.r7, mp), r8 = DoubleVector.fromArray(S, ws.r8, mp);
            double q0x = pa0[3 * l], q0y = pa0[3 * l + 1], q0z = pa0[3 * l + 2];
            DoubleVector u0x = r0.mul(q0x).add(r1.mul(q0y)).add(r2.mul(q0z));
            DoubleVector u0y = r3.mul(q0x).add(r4.mul(q0y)).add(r5.mul(q0z));
            DoubleVector u0z = r6.mul(q0x).add(r7.mul(q0y)).add(r8.mul(q0z));
            DoubleVector c0x = DoubleVector.fromArray(S, ws.c0x, m), c0y = DoubleVector.fromArray(S, ws.c0y, m);
            DoubleVector c0z = DoubleVector.fromArray(S, ws.c0z, m);
            DoubleVector along = DoubleVector.fromArray(S, ws.sal, m);
            double nk = -s.stiffness[l], ka = s.angDamping[l];
            DoubleVector pwx = DoubleVector.fromArray(S, ws.wx, mp), pwy = DoubleVector.fromArray(S, ws.wy, mp), pwz = DoubleVector.fromArray(S, ws.wz, mp);
            DoubleVector tx = u0y.mul(c0z).sub(u0z.mul(c0y)).mul(nk).add(along.mul(u0x))
                    .sub(DoubleVector.fromArray(S, ws.wx, m).sub(pwx).mul(ka));
            DoubleVector ty = u0z.mul(c0x).sub(u0x.mul(c0z)).mul(nk).add(along.mul(u0y))
                    .sub(DoubleVector.fromArray(S, ws.wy, m).sub(pwy).mul(ka));
            DoubleVector tz = u0x.mul(c0y).sub(u0y.mul(c0x)).mul(nk).add(along.mul(u0z))
                    .sub(DoubleVector.fromArray(S, ws.wz, m).sub(pwz).mul(ka));
            DoubleVector fx = DoubleVector.fromArray(S, ws.sfx, m), fy = DoubleVector.fromArray(S, ws.sfy, m), fz = DoubleVector.fromArray(S, ws.sfz, m);
            DoubleVector ex = DoubleVector.fromArray(S, ws.sex, m), ey = DoubleVector.fromArray(S, ws.sey, m), ez = DoubleVector.fromArray(S, ws.sez, m);
            // on the child's COM: force at a_c; on the parent's COM: the opposite, at a_p
            DoubleVector.fromArray(S, ws.fx, m).add(fx).intoArray(ws.fx, m);
            DoubleVector.fromArray(S, ws.fy, m).add(fy).intoArray(ws.fy, m);
            DoubleVector.fromArray(S, ws.fz, m).add(fz).intoArray(ws.fz, m);
            DoubleVector.fromArray(S, ws.tx, m).add(tx.add(ey.mul(fz)).sub(ez.mul(fy))).intoArray(ws.tx, m);
            DoubleVector.fromArray(S, ws.ty, m).add(ty.add(ez.mul(fx)).sub(ex.mul(fz))).intoArray(ws.ty, m);
            DoubleVector.fromArray(S, ws.tz, m).add(tz.add(ex.mul(fy)).sub(ey.mul(fx))).intoArray(ws.tz, m);
            if (p >= 0) {
                DoubleVector dax = DoubleVector.fromArray(S, ws.sdx, m), day = DoubleVector.fromArray(S, ws.sdy, m), daz = DoubleVector.fromArray(S, ws.sdz, m);
                DoubleVector.fromArray(S, ws.fx, mp).sub(fx).intoArray(ws.fx, mp);
                DoubleVector.fromArray(S, ws.fy, mp).sub(fy).intoArray(ws.fy, mp);
                DoubleVector.fromArray(S, ws.fz, mp).sub(fz).intoArray(ws.fz, mp);
                DoubleVector.fromArray(S, ws.tx, mp).sub(tx.add(day.mul(fz)).sub(daz.mul(fy))).intoArray(ws.tx, mp);
                DoubleVector.fromArray(S, ws.ty, mp).sub(ty.add(daz.mul(fx)).sub(dax.mul(fz))).intoArray(ws.ty, mp);
                DoubleVector.fromArray(S, ws.tz, mp).sub(tz.add(dax.mul(fy)).sub(day.mul(fx))).intoArray(ws.tz, mp);
            }
        }
    }

    /** {@link Angles#atan2} lanewise, the same operations; zeros, infinities and NaN go to the scalar method. */
    private static void atan2(Lanes ws, int m) {
        DoubleVector y = DoubleVector.fromArray(S, ws.ssn, m), x = DoubleVector.fromArray(S, ws.scs, m);
        DoubleVector ax = x.abs(), ay = y.abs();
        DoubleVector mx = ax.max(ay), mn = ax.min(ay);
        VectorMask<Double> special = mx.compare(VectorOperators.GT, 0.0).not()
                .or(mx.compare(VectorOperators.EQ, Double.POSITIVE_INFINITY));
        DoubleVector t = mn.div(mx);
        VectorMask<Double> shifted = t.compare(VectorOperators.GT, TAN_PI_8);
        DoubleVector u = t.blend(t.sub(1.0).div(t.add(1.0)), shifted);
        DoubleVector nu2 = u.mul(u).neg();
        DoubleVector p = DoubleVector.broadcast(S, 1.0 / 21);
        p = p.mul(nu2).add(1.0 / 19);
        p = p.mul(nu2).add(1.0 / 17);
        p = p.mul(nu2).add(1.0 / 15);
        p = p.mul(nu2).add(1.0 / 13);
        p = p.mul(nu2).add(1.0 / 11);
        p = p.mul(nu2).add(1.0 / 9);
        p = p.mul(nu2).add(1.0 / 7);
        p = p.mul(nu2).add(1.0 / 5);
        p = p.mul(nu2).add(1.0 / 3);
        p = p.mul(nu2).add(1.0);
        DoubleVector a = u.mul(p).add(DoubleVector.zero(S).blend(Math.PI / 4, shifted));
        a = a.blend(a.neg().add(Math.PI / 2), ay.compare(VectorOperators.GT, ax));
        a = a.blend(a.neg().add(Math.PI), x.compare(VectorOperators.LT, 0.0));
        a = a.blend(a.neg(), y.compare(VectorOperators.LT, 0.0));
        if (special.anyTrue()) {
            double[] ys = ws.kx, xs = ws.ky, as = ws.kz;
            y.intoArray(ys, 0);
            x.intoArray(xs, 0);
            a.intoArray(as, 0);
            for (int j = 0; j < W; j++) {
                if (special.laneIsSet(j)) {
                    as[j] = Math.atan2(ys[j], xs[j]);
                }
            }
            a = DoubleVector.fromArray(S, as, 0);
        }
        a.intoArray(ws.spsi, m);
    }

    // ---- 3. semi-implicit Euler, velocities --------------------------------------------------------------------------

    private void velocities(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            int m = W * l;
            double dt = s.timestep, im = dt / s.mass[l];
            double gx = s.gravity[0] * dt, gy = s.gravity[1] * dt, gz = s.gravity[2] * dt;
            DoubleVector.fromArray(S, ws.vx, m).add(DoubleVector.fromArray(S, ws.fx, m).mul(im).add(gx)).intoArray(ws.vx, m);
            DoubleVector.fromArray(S, ws.vy, m).add(DoubleVector.fromArray(S, ws.fy, m).mul(im).add(gy)).intoArray(ws.vy, m);
            DoubleVector.fromArray(S, ws.vz, m).add(DoubleVector.fromArray(S, ws.fz, m).mul(im).add(gz)).intoArray(ws.vz, m);
            DoubleVector.fromArray(S, ws.wx, m).add(DoubleVector.fromArray(S, ws.tx, m).mul(dt)).intoArray(ws.wx, m);
            DoubleVector.fromArray(S, ws.wy, m).add(DoubleVector.fromArray(S, ws.ty, m).mul(dt)).intoArray(ws.wy, m);
            DoubleVector.fromArray(S, ws.wz, m).add(DoubleVector.fromArray(S, ws.tz, m).mul(dt)).intoArray(ws.wz, m);
        }
    }

    // ---- 4. contacts -------------------------------------------------------------------------------------------------

    private void geom(Lanes ws, int g) {
        int l = c.geomLink[g];
        int m = W * l;
        DoubleVector a0 = DoubleVector.fromArray(S, ws.r0, m), a1 = DoubleVector.fromArray(S, ws.r1, m), a2 = DoubleVector.fromArray(S, ws.r2, m);
        DoubleVector a3 = DoubleVector.fromArray(S, ws.r3, m), a4 = DoubleVector.fromArray(S, ws.r4, m), a5 = DoubleVector.fromArray(S, ws.r5, m);
        DoubleVector a6 = DoubleVector.fromArray(S, ws.r6, m), a7 = DoubleVector.fromArray(S, ws.r7, m), a8 = DoubleVector.fromArray(S, ws.r8, m);
        double lx = c.localPos[3 * g], ly = c.localPos[3 * g + 1], lz = c.localPos[3 * g + 2];
        DoubleVector cx = DoubleVector.fromArray(S, ws.ox, m).add(a0.mul(lx)).add(a1.mul(ly)).add(a2.mul(lz));
        DoubleVector cy = DoubleVector.fromArray(S, ws.oy, m).add(a3.mul(lx)).add(a4.mul(ly)).add(a5.mul(lz));
        DoubleVector cz = DoubleVector.fromArray(S, ws.oz, m).add(a6.mul(lx)).add(a7.mul(ly)).add(a8.mul(lz));
        double r = c.radius[g];
        boolean capsule = c.capsule[g];
        DoubleVector hx = DoubleVector.zero(S), hy = hx, hz = hx;
        if (capsule) {
            double ax = c.localAxis[3 * g], ay = c.localAxis[3 * g + 1], az = c.localAxis[3 * g + 2];
            double h = c.halfLength[g];
            hx = a0.mul(ax).add(a1.mul(ay)).add(a2.mul(az)).mul(h);
            hy = a3.mul(ax).add(a4.mul(ay)).add(a5.mul(az)).mul(h);
            hz = a6.mul(ax).add(a7.mul(ay)).add(a8.mul(az)).mul(h);
        }
        for (int p : c.planesOf[g]) {
            double nx = c.planeNormal[3 * p], ny = c.planeNormal[3 * p + 1], nz = c.planeNormal[3 * p + 2];
            double mu = Math.max(c.geomFriction[g], c.planeFriction[p]);
            DoubleVector dh = hx.mul(nx).add(hy.mul(ny)).add(hz.mul(nz));
            DoubleVector d0 = cx.sub(c.planePoint[3 * p]).mul(nx).add(cy.sub(c.planePoint[3 * p + 1]).mul(ny))
                    .add(cz.sub(c.planePoint[3 * p + 2]).mul(nz));
            for (int end = capsule ? -1 : 1; end <= 1; end += 2) { // a capsule: the end at +h, then at −h
                double sg = -end;
                DoubleVector dist = d0.add(dh.mul(sg)).sub(r);
                if (!dist.compare(VectorOperators.LT, 0.0).anyTrue()) {
                    continue;
                }
                DoubleVector k = dist.mul(0.5).add(r);
                cx.add(hx.mul(sg)).sub(k.mul(nx)).intoArray(ws.kx, 0);
                cy.add(hy.mul(sg)).sub(k.mul(ny)).intoArray(ws.ky, 0);
                cz.add(hz.mul(sg)).sub(k.mul(nz)).intoArray(ws.kz, 0);
                dist.intoArray(ws.kd, 0);
                impulse(ws, l, nx, ny, nz, mu);
            }
        }
        if (c.touchesBoxes[g]) {
            for (int j = 0; j < W; j++) {
                boxes(ws, g, l, j);
            }
        }
    }

    /**
     * The impulse of the contacts in the scratch (point kx, ky, kz, depth kd; a lane applies when kd &lt; 0) on link l
     * with normal n from the static surface into the link; accumulated into the lanes' contact sums.
     */
    private void impulse(Lanes ws, int l, double nx, double ny, double nz, double mu) {
        int m = W * l;
        DoubleVector dist = DoubleVector.fromArray(S, ws.kd, 0);
        DoubleVector rx = DoubleVector.fromArray(S, ws.kx, 0).sub(DoubleVector.fromArray(S, ws.px, m));
        DoubleVector ry = DoubleVector.fromArray(S, ws.ky, 0).sub(DoubleVector.fromArray(S, ws.py, m));
        DoubleVector rz = DoubleVector.fromArray(S, ws.kz, 0).sub(DoubleVector.fromArray(S, ws.pz, m));
        DoubleVector wx = DoubleVector.fromArray(S, ws.wx, m), wy = DoubleVector.fromArray(S, ws.wy, m), wz = DoubleVector.fromArray(S, ws.wz, m);
        DoubleVector ux = DoubleVector.fromArray(S, ws.vx, m).add(wy.mul(rz)).sub(wz.mul(ry));
        DoubleVector uy = DoubleVector.fromArray(S, ws.vy, m).add(wz.mul(rx)).sub(wx.mul(rz));
        DoubleVector uz = DoubleVector.fromArray(S, ws.vz, m).add(wx.mul(ry)).sub(wy.mul(rx));
        DoubleVector vn = ux.mul(nx).add(uy.mul(ny)).add(uz.mul(nz));
        double invMass = 1.0 / s.mass[l];
        DoubleVector ax = ry.mul(nz).sub(rz.mul(ny)), ay = rz.mul(nx).sub(rx.mul(nz)), az = rx.mul(ny).sub(ry.mul(nx));
        DoubleVector imp = vn.mul(-restitution).sub(dist.mul(erpOverDt))
                .div(ax.mul(ax).add(invMass).add(ay.mul(ay)).add(az.mul(az)));
        VectorMask<Double> on = dist.compare(VectorOperators.LT, 0.0)
                .and(vn.compare(VectorOperators.LT, 0.0))
                .and(imp.compare(VectorOperators.GT, 0.0));
        if (!on.anyTrue()) {
            return;
        }
        DoubleVector jx = imp.mul(nx), jy = imp.mul(ny), jz = imp.mul(nz);
        DoubleVector tx = ux.sub(vn.mul(nx)), ty = uy.sub(vn.mul(ny)), tz = uz.sub(vn.mul(nz));
        DoubleVector slip = tx.mul(tx).add(ty.mul(ty)).add(tz.mul(tz)).sqrt();
        VectorMask<Double> slipping = slip.compare(VectorOperators.GT, 1e-3);
        if (slipping.anyTrue()) {
            DoubleVector inv = DoubleVector.broadcast(S, 1.0).div(slip.add(1e-6));
            DoubleVector dx = tx.neg().mul(inv), dy = ty.neg().mul(inv), dz = tz.neg().mul(inv);
            DoubleVector bx = ry.mul(dz).sub(rz.mul(dy)), by = rz.mul(dx).sub(rx.mul(dz));
            DoubleVector bz = rx.mul(dy).sub(ry.mul(dx));
            DoubleVector fr = slip.div(bx.mul(bx).add(invMass).add(by.mul(by)).add(bz.mul(bz))).min(imp.mul(mu));
            jx = jx.blend(jx.add(fr.mul(dx)), slipping);
            jy = jy.blend(jy.add(fr.mul(dy)), slipping);
            jz = jz.blend(jz.add(fr.mul(dz)), slipping);
        }
        DoubleVector zero = DoubleVector.zero(S);
        jx = zero.blend(jx, on);
        jy = zero.blend(jy, on);
        jz = zero.blend(jz, on);
        DoubleVector.fromArray(S, ws.cpx, m).add(jx).intoArray(ws.cpx, m);
        DoubleVector.fromArray(S, ws.cpy, m).add(jy).intoArray(ws.cpy, m);
        DoubleVector.fromArray(S, ws.cpz, m).add(jz).intoArray(ws.cpz, m);
        DoubleVector.fromArray(S, ws.clx, m).add(ry.mul(jz).sub(rz.mul(jy))).intoArray(ws.clx, m);
        DoubleVector.fromArray(S, ws.cly, m).add(rz.mul(jx).sub(rx.mul(jz))).intoArray(ws.cly, m);
        DoubleVector.fromArray(S, ws.clz, m).add(rx.mul(jy).sub(ry.mul(jx))).intoArray(ws.clz, m);
        DoubleVector.fromArray(S, ws.cnt, m).add(zero.blend(1.0, on)).intoArray(ws.cnt, m);
    }

    // sphere/capsule against the static boxes, one lane at a time (the reference's ContactSolver, on lane scratch)

    private void boxes(Lanes ws, int g, int l, int j) {
        int k = W * l + j;
        double lx = c.localPos[3 * g], ly = c.localPos[3 * g + 1], lz = c.localPos[3 * g + 2];
        double cx = ws.ox[k] + ws.r0[k] * lx + ws.r1[k] * ly + ws.r2[k] * lz;
        double cy = ws.oy[k] + ws.r3[k] * lx + ws.r4[k] * ly + ws.r5[k] * lz;
        double cz = ws.oz[k] + ws.r6[k] * lx + ws.r7[k] * ly + ws.r8[k] * lz;
        double r = c.radius[g];
        double hx = 0, hy = 0, hz = 0;
        if (c.capsule[g]) {
            double ax = c.localAxis[3 * g], ay = c.localAxis[3 * g + 1], az = c.localAxis[3 * g + 2];
            double h = c.halfLength[g];
            hx = h * (ws.r0[k] * ax + ws.r1[k] * ay + ws.r2[k] * az);
            hy = h * (ws.r3[k] * ax + ws.r4[k] * ay + ws.r5[k] * az);
            hz = h * (ws.r6[k] * ax + ws.r7[k] * ay + ws.r8[k] * az);
        }
        double ext = r + Math.max(Math.abs(hx), Math.abs(hy)) + c.maxHalfXY;
        int x0 = Math.max(0, (int) Math.floor((cx - ext - c.gridX0) / c.cell));
        int x1 = Math.min(c.gridNx - 1, (int) Math.floor((cx + ext - c.gridX0) / c.cell));
        int y0 = Math.max(0, (int) Math.floor((cy - ext - c.gridY0) / c.cell));
        int y1 = Math.min(c.gridNy - 1, (int) Math.floor((cy + ext - c.gridY0) / c.cell));
        for (int gx = x0; gx <= x1; gx++) {
            for (int gy = y0; gy <= y1; gy++) {
                int cellIdx = gx * c.gridNy + gy;
                for (int q = c.cellStart[cellIdx]; q < c.cellStart[cellIdx + 1]; q++) {
                    int bx = c.cellBoxes[q];
                    if (!ContactModel.collides(c.geomContype[g], c.geomConaffinity[g], c.boxContype[bx],
                            c.boxConaffinity[bx])) {
                        continue;
                    }
                    double mu = Math.max(c.geomFriction[g], c.boxFriction[bx]);
                    if (!c.capsule[g]) {
                        sphereBox(ws, l, j, bx, cx, cy, cz, r, mu);
                    } else {
                        boolean a = sphereBox(ws, l, j, bx, cx + hx, cy + hy, cz + hz, r, mu);
                        boolean b2 = sphereBox(ws, l, j, bx, cx - hx, cy - hy, cz - hz, r, mu);
                        if (!a && !b2) {
                            double qx = clamp(cx, bx, 0), qy = clamp(cy, bx, 1), qz = clamp(cz, bx, 2);
                            double hh = hx * hx + hy * hy + hz * hz;
                            double t = hh > 0 ? ((qx - cx) * hx + (qy - cy) * hy + (qz - cz) * hz) / hh : 0;
                            t = Math.max(-1, Math.min(1, t));
                            sphereBox(ws, l, j, bx, cx + t * hx, cy + t * hy, cz + t * hz, r, mu);
                        }
                    }
                }
            }
        }
    }

    private double clamp(double v, int box, int axis) {
        double centre = c.boxCentre[3 * box + axis], half = c.boxHalf[3 * box + axis];
        return Math.max(centre - half, Math.min(centre + half, v));
    }

    private boolean sphereBox(Lanes ws, int l, int j, int bx, double x, double y, double z, double r, double mu) {
        double bcx = c.boxCentre[3 * bx], bcy = c.boxCentre[3 * bx + 1], bcz = c.boxCentre[3 * bx + 2];
        double hx = c.boxHalf[3 * bx], hy = c.boxHalf[3 * bx + 1], hz = c.boxHalf[3 * bx + 2];
        double dx = x - bcx, dy = y - bcy, dz = z - bcz;
        double ex = dx - Math.max(-hx, Math.min(hx, dx));
        double ey = dy - Math.max(-hy, Math.min(hy, dy));
        double ez = dz - Math.max(-hz, Math.min(hz, dz));
        double d2 = ex * ex + ey * ey + ez * ez;
        double nx, ny, nz, dist;
        if (d2 > 0) {
            if (d2 >= r * r) {
                return false;
            }
            double d = Math.sqrt(d2);
            nx = ex / d;
            ny = ey / d;
            nz = ez / d;
            dist = d - r;
        } else {
            double ox = hx - Math.abs(dx), oy = hy - Math.abs(dy), oz = hz - Math.abs(dz);
            nx = 0;
            ny = 0;
            nz = 0;
            if (ox <= oy && ox <= oz) {
                nx = dx >= 0 ? 1 : -1;
                dist = -ox - r;
            } else if (oy <= oz) {
                ny = dy >= 0 ? 1 : -1;
                dist = -oy - r;
            } else {
                nz = dz >= 0 ? 1 : -1;
                dist = -oz - r;
            }
        }
        double k = r + 0.5 * dist;
        return impulseLane(ws, l, j, x - nx * k, y - ny * k, z - nz * k, nx, ny, nz, dist, mu);
    }

    private boolean impulseLane(Lanes ws, int l, int j, double x, double y, double z, double nx, double ny,
                                double nz, double dist, double mu) {
        int i = W * l + j;
        double rx = x - ws.px[i], ry = y - ws.py[i], rz = z - ws.pz[i];
        double wx = ws.wx[i], wy = ws.wy[i], wz = ws.wz[i];
        double ux = ws.vx[i] + wy * rz - wz * ry;
        double uy = ws.vy[i] + wz * rx - wx * rz;
        double uz = ws.vz[i] + wx * ry - wy * rx;
        double vn = ux * nx + uy * ny + uz * nz;
        if (!(vn < 0)) {
            return false;
        }
        double invMass = 1.0 / s.mass[l];
        double ax = ry * nz - rz * ny, ay = rz * nx - rx * nz, az = rx * ny - ry * nx;
        double imp = (-restitution * vn - erpOverDt * dist) / (invMass + ax * ax + ay * ay + az * az);
        if (!(imp > 0)) {
            return false;
        }
        double jx = imp * nx, jy = imp * ny, jz = imp * nz;
        double tx = ux - vn * nx, ty = uy - vn * ny, tz = uz - vn * nz;
        double slip = Math.sqrt(tx * tx + ty * ty + tz * tz);
        if (slip > 1e-3) {
            double inv = 1.0 / (1e-6 + slip);
            double dx = -tx * inv, dy = -ty * inv, dz = -tz * inv;
            double bx = ry * dz - rz * dy, by = rz * dx - rx * dz, bz = rx * dy - ry * dx;
            double fr = Math.min(slip / (invMass + bx * bx + by * by + bz * bz), mu * imp);
            jx += fr * dx;
            jy += fr * dy;
            jz += fr * dz;
        }
        ws.cpx[i] += jx;
        ws.cpy[i] += jy;
        ws.cpz[i] += jz;
        ws.clx[i] += ry * jz - rz * jy;
        ws.cly[i] += rz * jx - rx * jz;
        ws.clz[i] += rx * jy - ry * jx;
        ws.cnt[i] += 1;
        return true;
    }

    // ---- 5. damping, impulses, positions and orientations -----------------------------------------------------------

    private void integrate(Lanes ws, boolean contacts) {
        for (int l = 0; l < s.numLinks; l++) {
            int m = W * l;
            double dt = s.timestep, fv = s.velDampFactor, fa = s.angDampFactor, h = 0.5 * dt;
            DoubleVector vx = DoubleVector.fromArray(S, ws.vx, m).mul(fv), vy = DoubleVector.fromArray(S, ws.vy, m).mul(fv), vz = DoubleVector.fromArray(S, ws.vz, m).mul(fv);
            DoubleVector wx = DoubleVector.fromArray(S, ws.wx, m).mul(fa), wy = DoubleVector.fromArray(S, ws.wy, m).mul(fa), wz = DoubleVector.fromArray(S, ws.wz, m).mul(fa);
            if (contacts && touching[l]) { // a link without contact geoms adds zero
                DoubleVector n = DoubleVector.broadcast(S, 1.0).div(DoubleVector.fromArray(S, ws.cnt, m).add(1e-8));
                DoubleVector im = n.div(s.mass[l]);
                vx = vx.add(DoubleVector.fromArray(S, ws.cpx, m).mul(im));
                vy = vy.add(DoubleVector.fromArray(S, ws.cpy, m).mul(im));
                vz = vz.add(DoubleVector.fromArray(S, ws.cpz, m).mul(im));
                wx = wx.add(DoubleVector.fromArray(S, ws.clx, m).mul(n));
                wy = wy.add(DoubleVector.fromArray(S, ws.cly, m).mul(n));
                wz = wz.add(DoubleVector.fromArray(S, ws.clz, m).mul(n));
            }
            vx.intoArray(ws.vx, m); vy.intoArray(ws.vy, m); vz.intoArray(ws.vz, m);
            wx.intoArray(ws.wx, m); wy.intoArray(ws.wy, m); wz.intoArray(ws.wz, m);
            DoubleVector.fromArray(S, ws.px, m).add(vx.mul(dt)).intoArray(ws.px, m);
            DoubleVector.fromArray(S, ws.py, m).add(vy.mul(dt)).intoArray(ws.py, m);
            DoubleVector.fromArray(S, ws.pz, m).add(vz.mul(dt)).intoArray(ws.pz, m);
            DoubleVector qw = DoubleVector.fromArray(S, ws.qw, m), qx = DoubleVector.fromArray(S, ws.qx, m), qy = DoubleVector.fromArray(S, ws.qy, m), qz = DoubleVector.fromArray(S, ws.qz, m);
            DoubleVector nw = qw.sub(wx.mul(qx).add(wy.mul(qy)).add(wz.mul(qz)).mul(h));
            DoubleVector nx = qx.add(wx.mul(qw).add(wy.mul(qz)).sub(wz.mul(qy)).mul(h));
            DoubleVector ny = qy.add(wy.mul(qw).add(wz.mul(qx)).sub(wx.mul(qz)).mul(h));
            DoubleVector nz = qz.add(wz.mul(qw).add(wx.mul(qy)).sub(wy.mul(qx)).mul(h));
            DoubleVector inv = DoubleVector.broadcast(S, 1.0)
                    .div(nw.mul(nw).add(nx.mul(nx)).add(ny.mul(ny)).add(nz.mul(nz)).sqrt());
            nw.mul(inv).intoArray(ws.qw, m);
            nx.mul(inv).intoArray(ws.qx, m);
            ny.mul(inv).intoArray(ws.qy, m);
            nz.mul(inv).intoArray(ws.qz, m);
        }
    }
}
