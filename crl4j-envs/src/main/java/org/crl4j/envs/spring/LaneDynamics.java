package org.crl4j.envs.spring;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The substep of {@link SpringDynamics} and {@link ContactSolver}, four environments at a time with the Vector API
 * (one 256-bit lane per environment; AVX2), for every model the spring pipeline compiles (free joints, hinges on
 * links and on the world, stacked hinges, slide links; static and link–link contacts). A block of four
 * environments is copied into lane-major scratch ({@link Lanes}: index {@code 4·link + lane}) once per control step,
 * stepped {@link SpringSystem#substeps} times and copied back, so the substeps touch only a few kilobytes of
 * scratch; the block's q and qd come from the lanewise inverse kinematics ({@link #inverse}).
 *
 * <p>Every lane performs exactly the floating-point operations of the scalar reference, in the same order (lanewise
 * add, mul, div, sqrt, min and comparisons are IEEE-exact, and Java never fuses a multiply-add), so results are
 * identical to {@link SpringDynamics} up to the sign of zeros, and independent of how environments are grouped into
 * blocks: a partial block is padded with copies of its last environment, which are not written back. Branches of
 * the reference become masks: a contact that does not apply adds zero; joint limits subtract {@code k·0} inside the
 * range. Sphere/capsule–box contacts (maze walls) stay scalar per lane, after the vector plane contacts of the same
 * geom, so each link accumulates its impulses in the reference's order. Stacked hinges (the humanoid) go through
 * {@link StackedLanes}, with the lanewise {@link #atan2} (the reference's polynomial) and {@link #acos} (fdlibm's, which
 * {@link Math#acos} is, reproduced bit for bit); slide links (the pusher's object) through {@link SlideLanes};
 * link–link contacts (the pusher's wrist against its object) through {@link PairLanes}, after the static contacts as
 * in the reference, pair by pair.
 *
 * <p>Large methods here call the Vector API directly: past C2's inlining budget (NodeCountInliningCutoff) only its
 * force-inlined methods are still inlined, so a helper of ours that took or returned a vector would box it; helpers
 * take and give lane-major components instead (see {@link PairLanes}).
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
    private final boolean[] touching; // links with contact geoms (static or link–link)
    private final PairLanes pairs;    // the link–link contacts; null without
    // box broad phase: for each NEAR_CELL square of the area around the boxes, the x-y distance to the nearest box
    static final double NEAR_CELL = 0.25;
    private final double nearX0, nearY0;
    private final int nearNx, nearNy;
    private final double[] nearDist;
    private final double[] localReach; // per geom: |centre in the link frame|
    private final int[] tauAt; // per motor: where in Lanes.buf (lane 0) its hinge's torque sums
    // per root hinge (a hinge on the world): the inverse kinematics' parent side R_ap [9L] and R_ap·a1, R_ap·a2 [3L]
    private final double[] rootSide, rootA1, rootA2;
    private static final double TAN_PI_8 = 0.41421356237309503;

    /** Links a {@link Lanes} block can hold (slot {@code MAX_LINKS} is the world); larger models step scalar. */
    static final int MAX_LINKS = 31;
    /** Doubles per component in {@link Lanes#buf}: a compile-time constant, so that C2 merges the range checks of
     * the many vector accesses at {@code COMPONENT + W·link} into one per link index. */
    static final int STRIDE = W * (MAX_LINKS + 1);

    /**
     * Lane-major scratch for one block of {@link #W} environments, every component in one array {@link #buf} at a
     * constant offset ({@code PX + W·link + lane}, ...): state (p, q, v, ω), rotations r0..r8, frame origins,
     * forces and torques, contact sums, motor torques (one component per hinge of a link, {@code TAU + k·STRIDE}
     * for hinge k), child-side joint vectors (R·a0, R·a1, R·a2, anchor), the contact scratch k*, each joint's
     * intermediate results s* (st*: its torque), and a stacked-hinge joint's parent-side axes p0, p1, line of
     * nodes n and angles (spsi, sth, sphi). Slot {@link #MAX_LINKS} is the world, the parent of a root joint:
     * identity rotation, zero position and velocity; what a joint pushes onto it is never read.
     */
    static final class Lanes {
        static final int PX = 0 * STRIDE;
        static final int PY = 1 * STRIDE;
        static final int PZ = 2 * STRIDE;
        static final int QW = 3 * STRIDE;
        static final int QX = 4 * STRIDE;
        static final int QY = 5 * STRIDE;
        static final int QZ = 6 * STRIDE;
        static final int VX = 7 * STRIDE;
        static final int VY = 8 * STRIDE;
        static final int VZ = 9 * STRIDE;
        static final int WX = 10 * STRIDE;
        static final int WY = 11 * STRIDE;
        static final int WZ = 12 * STRIDE;
        static final int R0 = 13 * STRIDE;
        static final int R1 = 14 * STRIDE;
        static final int R2 = 15 * STRIDE;
        static final int R3 = 16 * STRIDE;
        static final int R4 = 17 * STRIDE;
        static final int R5 = 18 * STRIDE;
        static final int R6 = 19 * STRIDE;
        static final int R7 = 20 * STRIDE;
        static final int R8 = 21 * STRIDE;
        static final int OX = 22 * STRIDE;
        static final int OY = 23 * STRIDE;
        static final int OZ = 24 * STRIDE;
        static final int FX = 25 * STRIDE;
        static final int FY = 26 * STRIDE;
        static final int FZ = 27 * STRIDE;
        static final int TX = 28 * STRIDE;
        static final int TY = 29 * STRIDE;
        static final int TZ = 30 * STRIDE;
        static final int CPX = 31 * STRIDE;
        static final int CPY = 32 * STRIDE;
        static final int CPZ = 33 * STRIDE;
        static final int CLX = 34 * STRIDE;
        static final int CLY = 35 * STRIDE;
        static final int CLZ = 36 * STRIDE;
        static final int CNT = 37 * STRIDE;
        static final int TAU = 38 * STRIDE;
        static final int TAU1 = 39 * STRIDE;
        static final int TAU2 = 40 * STRIDE;
        static final int C0X = 41 * STRIDE;
        static final int C0Y = 42 * STRIDE;
        static final int C0Z = 43 * STRIDE;
        static final int C1X = 44 * STRIDE;
        static final int C1Y = 45 * STRIDE;
        static final int C1Z = 46 * STRIDE;
        static final int C2X = 47 * STRIDE;
        static final int C2Y = 48 * STRIDE;
        static final int C2Z = 49 * STRIDE;
        static final int ACX = 50 * STRIDE;
        static final int ACY = 51 * STRIDE;
        static final int ACZ = 52 * STRIDE;
        static final int KX = 53 * STRIDE;
        static final int KY = 54 * STRIDE;
        static final int KZ = 55 * STRIDE;
        static final int KD = 56 * STRIDE;
        static final int SFX = 57 * STRIDE;
        static final int SFY = 58 * STRIDE;
        static final int SFZ = 59 * STRIDE;
        static final int SEX = 60 * STRIDE;
        static final int SEY = 61 * STRIDE;
        static final int SEZ = 62 * STRIDE;
        static final int SDX = 63 * STRIDE;
        static final int SDY = 64 * STRIDE;
        static final int SDZ = 65 * STRIDE;
        static final int SSN = 66 * STRIDE;
        static final int SCS = 67 * STRIDE;
        static final int SAL = 68 * STRIDE;
        static final int SPSI = 69 * STRIDE;
        static final int STX = 70 * STRIDE;
        static final int STY = 71 * STRIDE;
        static final int STZ = 72 * STRIDE;
        static final int P0X = 73 * STRIDE;
        static final int P0Y = 74 * STRIDE;
        static final int P0Z = 75 * STRIDE;
        static final int P1X = 76 * STRIDE;
        static final int P1Y = 77 * STRIDE;
        static final int P1Z = 78 * STRIDE;
        static final int NX = 79 * STRIDE;
        static final int NY = 80 * STRIDE;
        static final int NZ = 81 * STRIDE;
        static final int STH = 82 * STRIDE;
        static final int SPHI = 83 * STRIDE;
        static final int M0 = 84 * STRIDE; // M0..M8: a rotated hinge's parent side in the inverse kinematics
        static final int AX = 93 * STRIDE; // AX..AZ: a stacked-hinge joint's weighted axes (motors, limits)
        static final int AY = 94 * STRIDE;
        static final int AZ = 95 * STRIDE;
        static final int E0 = 96 * STRIDE; // E0, E1, E2P: the hinges' excess over their ranges (the third ·parity)
        static final int E1 = 97 * STRIDE;
        static final int E2P = 98 * STRIDE;
        static final int T2P = 99 * STRIDE; // parity · the third hinge's motor torque
        static final int NRM = 100 * STRIDE; // a norm of the stacked-hinge scratch
        static final int DAX = 101 * STRIDE; // DAX..DAZ: a slide link's anchor offset a_c − a_p
        static final int DAY = 102 * STRIDE;
        static final int DAZ = 103 * STRIDE;
        static final int COMPONENTS = 104;
        final double[] buf = new double[COMPONENTS * STRIDE];
        final double[] pair = new double[PairLanes.SIZE]; // one link–link pair's scratch (PairLanes)
        final double[] ik; // [9 · (links + 1)] rotations (and a rotated hinge's parent side) for SpringBatch.readState
        final Workspace scalar; // for models stepped by the scalar reference (and for its tests)

        Lanes(int links, int dofs) {
            ik = new double[9 * (links + 1)];
            scalar = new Workspace(links, dofs);
            for (int j = 0; j < W; j++) {
                buf[R0 + W * MAX_LINKS + j] = 1;
                buf[R4 + W * MAX_LINKS + j] = 1;
                buf[R8 + W * MAX_LINKS + j] = 1;
            }
        }
    }

    LaneDynamics(SpringSystem s, SpringBatch b) {
        this.s = s;
        this.b = b;
        this.c = s.contacts;
        this.pa0 = s.pa0;
        this.pa1 = s.pa1;
        this.pa2 = s.pa2;
        this.erpOverDt = s.baumgarteErp / s.timestep;
        this.restitution = 1 + s.elasticity;
        int nl = s.numLinks;
        tauAt = new int[s.numMotors];
        for (int a = 0; a < s.numMotors; a++) {
            int l = s.motorLink[a];
            tauAt[a] = Lanes.TAU + (s.motorDof[a] - s.qdAdr[l]) * STRIDE + W * l;
        }
        rootSide = new double[9 * nl];
        rootA1 = new double[3 * nl];
        rootA2 = new double[3 * nl];
        for (int l = 0; l < nl; l++) {
            if (!s.free[l] && !s.slide[l] && s.parent[l] < 0) { // SpringBatch.readRootHinge's constants
                double[] side = SpringBatch.rootParentSide(s, l);
                System.arraycopy(side, 0, rootSide, 9 * l, 9);
                System.arraycopy(SpringBatch.mulVec(side, s.axis1, l), 0, rootA1, 3 * l, 3);
                System.arraycopy(SpringBatch.mulVec(side, s.axis2, l), 0, rootA2, 3 * l, 3);
            }
        }
        rangeTest = new boolean[nl];
        cosLo = new double[nl];
        sinLo = new double[nl];
        cosHi = new double[nl];
        sinHi = new double[nl];
        localReach = new double[c.numGeoms];
        for (int g = 0; g < c.numGeoms; g++) {
            double x = c.localPos[3 * g], y = c.localPos[3 * g + 1], z = c.localPos[3 * g + 2];
            localReach[g] = Math.sqrt(x * x + y * y + z * z) * (1 + 1e-12) + 1e-9;
        }
        // the largest reach of a geom from the point the broad phase looks up (its own centre, or its link's origin
        // plus localReach for box-only geoms), plus a metre: outside the grid every geom is out of reach of a box
        double margin = 0;
        for (int g = 0; g < c.numGeoms; g++) {
            margin = Math.max(margin, c.radius[g] + (c.capsule[g] ? c.halfLength[g] : 0) + localReach[g]);
        }
        margin += 1;
        double x0 = Double.POSITIVE_INFINITY, y0 = Double.POSITIVE_INFINITY;
        double x1 = Double.NEGATIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (int bx = 0; bx < c.numBoxes; bx++) {
            x0 = Math.min(x0, c.boxCentre[3 * bx] - c.boxHalf[3 * bx]);
            x1 = Math.max(x1, c.boxCentre[3 * bx] + c.boxHalf[3 * bx]);
            y0 = Math.min(y0, c.boxCentre[3 * bx + 1] - c.boxHalf[3 * bx + 1]);
            y1 = Math.max(y1, c.boxCentre[3 * bx + 1] + c.boxHalf[3 * bx + 1]);
        }
        if (c.numBoxes == 0) {
            x0 = y0 = x1 = y1 = 0;
        }
        nearX0 = x0 - margin;
        nearY0 = y0 - margin;
        nearNx = (int) Math.ceil((x1 + margin - nearX0) / NEAR_CELL);
        nearNy = (int) Math.ceil((y1 + margin - nearY0) / NEAR_CELL);
        nearDist = new double[nearNx * nearNy];
        for (int i = 0; i < nearNx; i++) {
            double sx0 = nearX0 + i * NEAR_CELL, sx1 = sx0 + NEAR_CELL;
            for (int k = 0; k < nearNy; k++) {
                double sy0 = nearY0 + k * NEAR_CELL, sy1 = sy0 + NEAR_CELL;
                double best = Double.POSITIVE_INFINITY;
                for (int bx = 0; bx < c.numBoxes; bx++) {
                    // gap between the square and the box along each axis (0 where they overlap), shrunk by a
                    // micrometre against rounding: a lower bound of the distance from any point of the square
                    double bx0 = c.boxCentre[3 * bx] - c.boxHalf[3 * bx], bx1 = c.boxCentre[3 * bx] + c.boxHalf[3 * bx];
                    double by0 = c.boxCentre[3 * bx + 1] - c.boxHalf[3 * bx + 1];
                    double by1 = c.boxCentre[3 * bx + 1] + c.boxHalf[3 * bx + 1];
                    double gx = Math.max(0, Math.max(bx0 - sx1, sx0 - bx1));
                    double gy = Math.max(0, Math.max(by0 - sy1, sy0 - by1));
                    best = Math.min(best, Math.max(0, Math.sqrt(gx * gx + gy * gy) - 1e-6));
                }
                nearDist[i * nearNy + k] = best;
            }
        }
        touching = new boolean[nl];
        for (int g = 0; g < c.numGeoms; g++) {
            touching[c.geomLink[g]] = true;
        }
        for (int k = 0; k < 2 * c.numPairs; k++) {
            touching[c.pairLink[k]] = true;
        }
        pairs = c.numPairs > 0 ? new PairLanes(s) : null;
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
     * One control step of environments [from, to); with {@code q} non-null also their q and qd, as
     * {@link SpringBatch#readState} would give them.
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

    /**
     * The inverse kinematics of environments [from, to) alone: their state loaded into {@code ws} (no controls, no
     * substep), then {@link #inverse}; for tests against the scalar reference ({@link SpringBatch#readState}).
     */
    void inverseOnly(int from, int to, Lanes ws, double[] q, double[] qd) {
        float[] noCtrl = new float[s.numMotors]; // stride 0: every environment reads these zeros
        for (int e0 = from; e0 < to; e0 += W) {
            int n = Math.min(W, to - e0);
            load(ws, e0, n, noCtrl, 0);
            inverse(ws, e0, n, q, qd);
        }
    }

    /**
     * Inverse kinematics of the block, lanewise: the vector version. Its scalar reference is SpringBatch's
     * {@code inverse} (behind {@link SpringBatch#readState}): the same operations in the same order (the rotation
     * formula of {@link Quat#matrix(double, double, double, double, double[], int)}, not frame()'s; the hinge angle
     * by the lanewise {@link #atan2}; stacked hinges by {@link StackedLanes}), so the same bits
     * (InverseKinematicsTest, HumanoidLanesTest). Overwrites the rotation and joint scratch (frame() recomputes it).
     */
    private void inverse(Lanes ws, int e0, int n, double[] q, double[] qd) {
        final int nl = s.numLinks, qs = s.qSize, qds = s.qdSize;
        for (int l = 0; l < nl; l++) {
            int m = W * l;
            DoubleVector w = DoubleVector.fromArray(S, ws.buf, Lanes.QW + m), x = DoubleVector.fromArray(S, ws.buf, Lanes.QX + m);
            DoubleVector y = DoubleVector.fromArray(S, ws.buf, Lanes.QY + m), z = DoubleVector.fromArray(S, ws.buf, Lanes.QZ + m);
            DoubleVector one = DoubleVector.broadcast(S, 1.0);
            one.sub(y.mul(y).add(z.mul(z)).mul(2.0)).intoArray(ws.buf, Lanes.R0 + m);
            x.mul(y).sub(w.mul(z)).mul(2.0).intoArray(ws.buf, Lanes.R1 + m);
            x.mul(z).add(w.mul(y)).mul(2.0).intoArray(ws.buf, Lanes.R2 + m);
            x.mul(y).add(w.mul(z)).mul(2.0).intoArray(ws.buf, Lanes.R3 + m);
            one.sub(x.mul(x).add(z.mul(z)).mul(2.0)).intoArray(ws.buf, Lanes.R4 + m);
            y.mul(z).sub(w.mul(x)).mul(2.0).intoArray(ws.buf, Lanes.R5 + m);
            x.mul(z).sub(w.mul(y)).mul(2.0).intoArray(ws.buf, Lanes.R6 + m);
            y.mul(z).add(w.mul(x)).mul(2.0).intoArray(ws.buf, Lanes.R7 + m);
            one.sub(x.mul(x).add(y.mul(y)).mul(2.0)).intoArray(ws.buf, Lanes.R8 + m);
        }
        for (int l = 0; l < nl; l++) {
            if (s.free[l]) {
                inverseFree(ws, l, e0, n, q, qd);
            } else if (s.slide[l]) {
                inverseSlide(ws, l, e0, n, q, qd);
            } else if (s.dofs[l] > 1) {
                inverseStacked(ws, l, e0, n, q, qd);
            } else if (s.parent[l] < 0) {
                inverseRootHinge(ws, l, e0, n, q, qd);
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

    /** A free joint's q and qd, lanewise: the free-joint branch of SpringBatch's scalar {@code inverse}. */
    private void inverseFree(Lanes ws, int l, int e0, int n, double[] q, double[] qd) {
        int m = W * l;
        DoubleVector m0 = DoubleVector.fromArray(S, ws.buf, Lanes.R0 + m), m1 = DoubleVector.fromArray(S, ws.buf, Lanes.R1 + m);
        DoubleVector m2 = DoubleVector.fromArray(S, ws.buf, Lanes.R2 + m), m3 = DoubleVector.fromArray(S, ws.buf, Lanes.R3 + m);
        DoubleVector m4 = DoubleVector.fromArray(S, ws.buf, Lanes.R4 + m), m5 = DoubleVector.fromArray(S, ws.buf, Lanes.R5 + m);
        DoubleVector m6 = DoubleVector.fromArray(S, ws.buf, Lanes.R6 + m), m7 = DoubleVector.fromArray(S, ws.buf, Lanes.R7 + m);
        DoubleVector m8 = DoubleVector.fromArray(S, ws.buf, Lanes.R8 + m);
        double cx = s.com[3 * l], cy = s.com[3 * l + 1], cz = s.com[3 * l + 2];
        DoubleVector dx = m0.mul(cx).add(m1.mul(cy)).add(m2.mul(cz)).neg();
        DoubleVector dy = m3.mul(cx).add(m4.mul(cy)).add(m5.mul(cz)).neg();
        DoubleVector dz = m6.mul(cx).add(m7.mul(cy)).add(m8.mul(cz)).neg();
        DoubleVector wx = DoubleVector.fromArray(S, ws.buf, Lanes.WX + m), wy = DoubleVector.fromArray(S, ws.buf, Lanes.WY + m);
        DoubleVector wz = DoubleVector.fromArray(S, ws.buf, Lanes.WZ + m);
        // lane-major results in the joint scratch: positions (3), velocities (3), body-frame angular velocity (3)
        DoubleVector.fromArray(S, ws.buf, Lanes.PX + m).add(dx).intoArray(ws.buf, Lanes.SFX + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.PY + m).add(dy).intoArray(ws.buf, Lanes.SFY + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.PZ + m).add(dz).intoArray(ws.buf, Lanes.SFZ + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.VX + m).add(wy.mul(dz)).sub(wz.mul(dy)).intoArray(ws.buf, Lanes.SEX + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.VY + m).add(wz.mul(dx)).sub(wx.mul(dz)).intoArray(ws.buf, Lanes.SEY + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.VZ + m).add(wx.mul(dy)).sub(wy.mul(dx)).intoArray(ws.buf, Lanes.SEZ + m);
        m0.mul(wx).add(m3.mul(wy)).add(m6.mul(wz)).intoArray(ws.buf, Lanes.SDX + m);
        m1.mul(wx).add(m4.mul(wy)).add(m7.mul(wz)).intoArray(ws.buf, Lanes.SDY + m);
        m2.mul(wx).add(m5.mul(wy)).add(m8.mul(wz)).intoArray(ws.buf, Lanes.SDZ + m);
        int a = s.qAdr[l], d = s.qdAdr[l];
        for (int j = 0; j < n; j++) {
            int k = m + j, qo = (e0 + j) * s.qSize + a, qdo = (e0 + j) * s.qdSize + d;
            q[qo] = ws.buf[Lanes.SFX + k];
            q[qo + 1] = ws.buf[Lanes.SFY + k];
            q[qo + 2] = ws.buf[Lanes.SFZ + k];
            q[qo + 3] = ws.buf[Lanes.QW + k];
            q[qo + 4] = ws.buf[Lanes.QX + k];
            q[qo + 5] = ws.buf[Lanes.QY + k];
            q[qo + 6] = ws.buf[Lanes.QZ + k];
            qd[qdo] = ws.buf[Lanes.SEX + k];
            qd[qdo + 1] = ws.buf[Lanes.SEY + k];
            qd[qdo + 2] = ws.buf[Lanes.SEZ + k];
            qd[qdo + 3] = ws.buf[Lanes.SDX + k];
            qd[qdo + 4] = ws.buf[Lanes.SDY + k];
            qd[qdo + 5] = ws.buf[Lanes.SDZ + k];
        }
    }

    /**
     * A hinge's angle and rate (on a parent link), lanewise: the hinge branch of SpringBatch's scalar
     * {@code inverse}. The parent side is the parent's rotation, or R_p·R_body for a rotated body frame.
     */
    private void inverseHinge(Lanes ws, int l, int e0, int n, double[] q, double[] qd) {
        int m = W * l, mp = W * s.parent[l];
        int side = Lanes.R0 + mp; // the parent side's first component
        if (!s.bodyRotIdentity[l]) {
            StackedLanes.parentSide(ws.buf, side, s.bodyRot, 9 * l, Lanes.M0 + m);
            side = Lanes.M0 + m;
        }
        DoubleVector m0 = DoubleVector.fromArray(S, ws.buf, Lanes.R0 + m), m1 = DoubleVector.fromArray(S, ws.buf, Lanes.R1 + m);
        DoubleVector m2 = DoubleVector.fromArray(S, ws.buf, Lanes.R2 + m), m3 = DoubleVector.fromArray(S, ws.buf, Lanes.R3 + m);
        DoubleVector m4 = DoubleVector.fromArray(S, ws.buf, Lanes.R4 + m), m5 = DoubleVector.fromArray(S, ws.buf, Lanes.R5 + m);
        DoubleVector m6 = DoubleVector.fromArray(S, ws.buf, Lanes.R6 + m), m7 = DoubleVector.fromArray(S, ws.buf, Lanes.R7 + m);
        DoubleVector m8 = DoubleVector.fromArray(S, ws.buf, Lanes.R8 + m);
        DoubleVector r0 = DoubleVector.fromArray(S, ws.buf, side), r1 = DoubleVector.fromArray(S, ws.buf, side + 1 * STRIDE);
        DoubleVector r2 = DoubleVector.fromArray(S, ws.buf, side + 2 * STRIDE), r3 = DoubleVector.fromArray(S, ws.buf, side + 3 * STRIDE);
        DoubleVector r4 = DoubleVector.fromArray(S, ws.buf, side + 4 * STRIDE), r5 = DoubleVector.fromArray(S, ws.buf, side + 5 * STRIDE);
        DoubleVector r6 = DoubleVector.fromArray(S, ws.buf, side + 6 * STRIDE), r7 = DoubleVector.fromArray(S, ws.buf, side + 7 * STRIDE);
        DoubleVector r8 = DoubleVector.fromArray(S, ws.buf, side + 8 * STRIDE);
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
        c2x.mul(u1x).add(c2y.mul(u1y)).add(c2z.mul(u1z)).neg().intoArray(ws.buf, Lanes.SSN + m);
        c2x.mul(u2x).add(c2y.mul(u2y)).add(c2z.mul(u2z)).intoArray(ws.buf, Lanes.SCS + m);
        atan2(ws.buf, Lanes.SSN + m, Lanes.SCS + m, Lanes.SPSI + m);
        double a0x = s.axis0[3 * l], a0y = s.axis0[3 * l + 1], a0z = s.axis0[3 * l + 2];
        DoubleVector c0x = m0.mul(a0x).add(m1.mul(a0y)).add(m2.mul(a0z));
        DoubleVector c0y = m3.mul(a0x).add(m4.mul(a0y)).add(m5.mul(a0z));
        DoubleVector c0z = m6.mul(a0x).add(m7.mul(a0y)).add(m8.mul(a0z));
        DoubleVector dwx = DoubleVector.fromArray(S, ws.buf, Lanes.WX + m).sub(DoubleVector.fromArray(S, ws.buf, Lanes.WX + mp));
        DoubleVector dwy = DoubleVector.fromArray(S, ws.buf, Lanes.WY + m).sub(DoubleVector.fromArray(S, ws.buf, Lanes.WY + mp));
        DoubleVector dwz = DoubleVector.fromArray(S, ws.buf, Lanes.WZ + m).sub(DoubleVector.fromArray(S, ws.buf, Lanes.WZ + mp));
        c0x.mul(dwx).add(c0y.mul(dwy)).add(c0z.mul(dwz)).intoArray(ws.buf, Lanes.SAL + m);
        int a = s.qAdr[l], d = s.qdAdr[l];
        for (int j = 0; j < n; j++) {
            q[(e0 + j) * s.qSize + a] = ws.buf[Lanes.SPSI + m + j];
            qd[(e0 + j) * s.qdSize + d] = ws.buf[Lanes.SAL + m + j];
        }
    }

    /**
     * A slide link's two slide coordinates and rates, lanewise: the slide branch of SpringBatch's scalar
     * {@code inverse} with {@link SlideJoint#inverse}: {@code q_k = S_k·(a_c − a_p)}, {@code qd_k = S_k·v_o}.
     */
    private void inverseSlide(Lanes ws, int l, int e0, int n, double[] q, double[] qd) {
        int m = W * l;
        DoubleVector m0 = DoubleVector.fromArray(S, ws.buf, Lanes.R0 + m), m1 = DoubleVector.fromArray(S, ws.buf, Lanes.R1 + m);
        DoubleVector m2 = DoubleVector.fromArray(S, ws.buf, Lanes.R2 + m), m3 = DoubleVector.fromArray(S, ws.buf, Lanes.R3 + m);
        DoubleVector m4 = DoubleVector.fromArray(S, ws.buf, Lanes.R4 + m), m5 = DoubleVector.fromArray(S, ws.buf, Lanes.R5 + m);
        DoubleVector m6 = DoubleVector.fromArray(S, ws.buf, Lanes.R6 + m), m7 = DoubleVector.fromArray(S, ws.buf, Lanes.R7 + m);
        DoubleVector m8 = DoubleVector.fromArray(S, ws.buf, Lanes.R8 + m);
        double cx = s.com[3 * l], cy = s.com[3 * l + 1], cz = s.com[3 * l + 2];
        double jx = s.jointPos[3 * l], jy = s.jointPos[3 * l + 1], jz = s.jointPos[3 * l + 2];
        DoubleVector px = DoubleVector.fromArray(S, ws.buf, Lanes.PX + m), py = DoubleVector.fromArray(S, ws.buf, Lanes.PY + m);
        DoubleVector pz = DoubleVector.fromArray(S, ws.buf, Lanes.PZ + m);
        DoubleVector ox = px.sub(m0.mul(cx).add(m1.mul(cy)).add(m2.mul(cz)));
        DoubleVector oy = py.sub(m3.mul(cx).add(m4.mul(cy)).add(m5.mul(cz)));
        DoubleVector oz = pz.sub(m6.mul(cx).add(m7.mul(cy)).add(m8.mul(cz)));
        DoubleVector dx = ox.add(m0.mul(jx)).add(m1.mul(jy)).add(m2.mul(jz)).sub(s.anchorOffset[3 * l]);
        DoubleVector dy = oy.add(m3.mul(jx)).add(m4.mul(jy)).add(m5.mul(jz)).sub(s.anchorOffset[3 * l + 1]);
        DoubleVector dz = oz.add(m6.mul(jx)).add(m7.mul(jy)).add(m8.mul(jz)).sub(s.anchorOffset[3 * l + 2]);
        DoubleVector rx = ox.sub(px), ry = oy.sub(py), rz = oz.sub(pz);
        DoubleVector wx = DoubleVector.fromArray(S, ws.buf, Lanes.WX + m), wy = DoubleVector.fromArray(S, ws.buf, Lanes.WY + m);
        DoubleVector wz = DoubleVector.fromArray(S, ws.buf, Lanes.WZ + m);
        DoubleVector vx = DoubleVector.fromArray(S, ws.buf, Lanes.VX + m).add(wy.mul(rz)).sub(wz.mul(ry));
        DoubleVector vy = DoubleVector.fromArray(S, ws.buf, Lanes.VY + m).add(wz.mul(rx)).sub(wx.mul(rz));
        DoubleVector vz = DoubleVector.fromArray(S, ws.buf, Lanes.VZ + m).add(wx.mul(ry)).sub(wy.mul(rx));
        for (int k = 0; k < 2; k++) { // into SFX, SFY (q) and SEX, SEY (qd)
            int b = 9 * l + 3 * k;
            double sx = s.parentDofAxis[b], sy = s.parentDofAxis[b + 1], sz = s.parentDofAxis[b + 2];
            dx.mul(sx).add(dy.mul(sy)).add(dz.mul(sz)).intoArray(ws.buf, Lanes.SFX + k * STRIDE + m);
            vx.mul(sx).add(vy.mul(sy)).add(vz.mul(sz)).intoArray(ws.buf, Lanes.SEX + k * STRIDE + m);
        }
        int a = s.qAdr[l], d = s.qdAdr[l];
        for (int j = 0; j < n; j++) {
            int qo = (e0 + j) * s.qSize + a, qdo = (e0 + j) * s.qdSize + d, k = m + j;
            q[qo] = ws.buf[Lanes.SFX + k];
            q[qo + 1] = ws.buf[Lanes.SFY + k];
            qd[qdo] = ws.buf[Lanes.SEX + k];
            qd[qdo + 1] = ws.buf[Lanes.SEY + k];
        }
    }

    /**
     * A hinge on the world, lanewise: SpringBatch's scalar {@code readRootHinge} with its constants (the parent
     * side R_ap = I·R_body, R_ap·a1, R_ap·a2). The angle as for any hinge; the rate as Brax expresses it, once more
     * in the joint's frame: {@code (R_apᵀ·R_c a0)·((R_apᵀ·R_c)ᵀ·(R_apᵀ·ω))}.
     */
    private void inverseRootHinge(Lanes ws, int l, int e0, int n, double[] q, double[] qd) {
        int m = W * l;
        DoubleVector m0 = DoubleVector.fromArray(S, ws.buf, Lanes.R0 + m), m1 = DoubleVector.fromArray(S, ws.buf, Lanes.R1 + m);
        DoubleVector m2 = DoubleVector.fromArray(S, ws.buf, Lanes.R2 + m), m3 = DoubleVector.fromArray(S, ws.buf, Lanes.R3 + m);
        DoubleVector m4 = DoubleVector.fromArray(S, ws.buf, Lanes.R4 + m), m5 = DoubleVector.fromArray(S, ws.buf, Lanes.R5 + m);
        DoubleVector m6 = DoubleVector.fromArray(S, ws.buf, Lanes.R6 + m), m7 = DoubleVector.fromArray(S, ws.buf, Lanes.R7 + m);
        DoubleVector m8 = DoubleVector.fromArray(S, ws.buf, Lanes.R8 + m);
        double a2x = s.axis2[3 * l], a2y = s.axis2[3 * l + 1], a2z = s.axis2[3 * l + 2];
        DoubleVector c2x = m0.mul(a2x).add(m1.mul(a2y)).add(m2.mul(a2z));
        DoubleVector c2y = m3.mul(a2x).add(m4.mul(a2y)).add(m5.mul(a2z));
        DoubleVector c2z = m6.mul(a2x).add(m7.mul(a2y)).add(m8.mul(a2z));
        c2x.mul(rootA1[3 * l]).add(c2y.mul(rootA1[3 * l + 1])).add(c2z.mul(rootA1[3 * l + 2])).neg()
                .intoArray(ws.buf, Lanes.SSN + m);
        c2x.mul(rootA2[3 * l]).add(c2y.mul(rootA2[3 * l + 1])).add(c2z.mul(rootA2[3 * l + 2]))
                .intoArray(ws.buf, Lanes.SCS + m);
        atan2(ws.buf, Lanes.SSN + m, Lanes.SCS + m, Lanes.SPSI + m);
        final double[] r = rootSide;
        final int o = 9 * l;
        m0 = DoubleVector.fromArray(S, ws.buf, Lanes.R0 + m);
        m1 = DoubleVector.fromArray(S, ws.buf, Lanes.R1 + m);
        m2 = DoubleVector.fromArray(S, ws.buf, Lanes.R2 + m);
        m3 = DoubleVector.fromArray(S, ws.buf, Lanes.R3 + m);
        m4 = DoubleVector.fromArray(S, ws.buf, Lanes.R4 + m);
        m5 = DoubleVector.fromArray(S, ws.buf, Lanes.R5 + m);
        m6 = DoubleVector.fromArray(S, ws.buf, Lanes.R6 + m);
        m7 = DoubleVector.fromArray(S, ws.buf, Lanes.R7 + m);
        m8 = DoubleVector.fromArray(S, ws.buf, Lanes.R8 + m);
        double a0x = s.axis0[3 * l], a0y = s.axis0[3 * l + 1], a0z = s.axis0[3 * l + 2];
        DoubleVector c0x = m0.mul(a0x).add(m1.mul(a0y)).add(m2.mul(a0z));
        DoubleVector c0y = m3.mul(a0x).add(m4.mul(a0y)).add(m5.mul(a0z));
        DoubleVector c0z = m6.mul(a0x).add(m7.mul(a0y)).add(m8.mul(a0z));
        // ω − 0 is ω: the world does not turn
        DoubleVector wx = DoubleVector.fromArray(S, ws.buf, Lanes.WX + m), wy = DoubleVector.fromArray(S, ws.buf, Lanes.WY + m);
        DoubleVector wz = DoubleVector.fromArray(S, ws.buf, Lanes.WZ + m);
        // rel = R_apᵀ·ω, u = R_apᵀ·(R_c a0)
        DoubleVector relx = wx.mul(r[o]).add(wy.mul(r[o + 3])).add(wz.mul(r[o + 6]));
        DoubleVector rely = wx.mul(r[o + 1]).add(wy.mul(r[o + 4])).add(wz.mul(r[o + 7]));
        DoubleVector relz = wx.mul(r[o + 2]).add(wy.mul(r[o + 5])).add(wz.mul(r[o + 8]));
        DoubleVector ux = c0x.mul(r[o]).add(c0y.mul(r[o + 3])).add(c0z.mul(r[o + 6]));
        DoubleVector uy = c0x.mul(r[o + 1]).add(c0y.mul(r[o + 4])).add(c0z.mul(r[o + 7]));
        DoubleVector uz = c0x.mul(r[o + 2]).add(c0y.mul(r[o + 5])).add(c0z.mul(r[o + 8]));
        // t = R_apᵀ·R_c, t[3i + j] = rap[i]·rc[j] + rap[3 + i]·rc[3 + j] + rap[6 + i]·rc[6 + j]; back = tᵀ·rel
        DoubleVector t0 = m0.mul(r[o]).add(m3.mul(r[o + 3])).add(m6.mul(r[o + 6]));
        DoubleVector t1 = m1.mul(r[o]).add(m4.mul(r[o + 3])).add(m7.mul(r[o + 6]));
        DoubleVector t2 = m2.mul(r[o]).add(m5.mul(r[o + 3])).add(m8.mul(r[o + 6]));
        DoubleVector t3 = m0.mul(r[o + 1]).add(m3.mul(r[o + 4])).add(m6.mul(r[o + 7]));
        DoubleVector t4 = m1.mul(r[o + 1]).add(m4.mul(r[o + 4])).add(m7.mul(r[o + 7]));
        DoubleVector t5 = m2.mul(r[o + 1]).add(m5.mul(r[o + 4])).add(m8.mul(r[o + 7]));
        DoubleVector t6 = m0.mul(r[o + 2]).add(m3.mul(r[o + 5])).add(m6.mul(r[o + 8]));
        DoubleVector t7 = m1.mul(r[o + 2]).add(m4.mul(r[o + 5])).add(m7.mul(r[o + 8]));
        DoubleVector t8 = m2.mul(r[o + 2]).add(m5.mul(r[o + 5])).add(m8.mul(r[o + 8]));
        DoubleVector bx = t0.mul(relx).add(t3.mul(rely)).add(t6.mul(relz));
        DoubleVector by = t1.mul(relx).add(t4.mul(rely)).add(t7.mul(relz));
        DoubleVector bz = t2.mul(relx).add(t5.mul(rely)).add(t8.mul(relz));
        ux.mul(bx).add(uy.mul(by)).add(uz.mul(bz)).intoArray(ws.buf, Lanes.SAL + m);
        int a = s.qAdr[l], d = s.qdAdr[l];
        for (int j = 0; j < n; j++) {
            q[(e0 + j) * s.qSize + a] = ws.buf[Lanes.SPSI + m + j];
            qd[(e0 + j) * s.qdSize + d] = ws.buf[Lanes.SAL + m + j];
        }
    }

    /** Stacked hinges' angles and rates, lanewise: the stacked branch of SpringBatch's scalar {@code inverse}. */
    private void inverseStacked(Lanes ws, int l, int e0, int n, double[] q, double[] qd) {
        int m = W * l;
        StackedLanes.frames(s, pa0, pa1, ws.buf, l);
        StackedLanes.rates(s, ws.buf, l);
        int a = s.qAdr[l], d = s.qdAdr[l], dofs = s.dofs[l];
        for (int j = 0; j < n; j++) {
            int qo = (e0 + j) * s.qSize + a, qdo = (e0 + j) * s.qdSize + d, k = m + j;
            q[qo] = ws.buf[Lanes.SPSI + k];
            q[qo + 1] = ws.buf[Lanes.STH + k];
            qd[qdo] = ws.buf[Lanes.SEX + k];
            qd[qdo + 1] = ws.buf[Lanes.SEY + k];
            if (dofs == 3) {
                q[qo + 2] = ws.buf[Lanes.SPHI + k];
                qd[qdo + 2] = ws.buf[Lanes.SEZ + k];
            }
        }
    }

    private void load(Lanes ws, int e0, int n, float[] ctrl, int ctrlStride) {
        final int nl = s.numLinks;
        for (int j = 0; j < W; j++) {
            int e = e0 + Math.min(j, n - 1);
            for (int l = 0; l < nl; l++) {
                int i = e * nl + l, k = W * l + j;
                ws.buf[Lanes.PX + k] = b.px[i]; ws.buf[Lanes.PY + k] = b.py[i]; ws.buf[Lanes.PZ + k] = b.pz[i];
                ws.buf[Lanes.QW + k] = b.qw[i]; ws.buf[Lanes.QX + k] = b.qx[i]; ws.buf[Lanes.QY + k] = b.qy[i]; ws.buf[Lanes.QZ + k] = b.qz[i];
                ws.buf[Lanes.VX + k] = b.vx[i]; ws.buf[Lanes.VY + k] = b.vy[i]; ws.buf[Lanes.VZ + k] = b.vz[i];
                ws.buf[Lanes.WX + k] = b.wx[i]; ws.buf[Lanes.WY + k] = b.wy[i]; ws.buf[Lanes.WZ + k] = b.wz[i];
                ws.buf[Lanes.TAU + k] = 0;
                ws.buf[Lanes.TAU1 + k] = 0;
                ws.buf[Lanes.TAU2 + k] = 0;
            }
            for (int a = 0; a < s.numMotors; a++) {
                double u = ctrl[e * ctrlStride + a];
                u = u < s.ctrlLo[a] ? s.ctrlLo[a] : u > s.ctrlHi[a] ? s.ctrlHi[a] : u;
                ws.buf[tauAt[a] + j] += s.gear[a] * u; // the reference's tau[motorDof], in motor order
            }
        }
    }

    private void store(Lanes ws, int e0, int n) {
        final int nl = s.numLinks;
        for (int j = 0; j < n; j++) {
            int e = e0 + j;
            for (int l = 0; l < nl; l++) {
                int i = e * nl + l, k = W * l + j;
                b.px[i] = ws.buf[Lanes.PX + k]; b.py[i] = ws.buf[Lanes.PY + k]; b.pz[i] = ws.buf[Lanes.PZ + k];
                b.qw[i] = ws.buf[Lanes.QW + k]; b.qx[i] = ws.buf[Lanes.QX + k]; b.qy[i] = ws.buf[Lanes.QY + k]; b.qz[i] = ws.buf[Lanes.QZ + k];
                b.vx[i] = ws.buf[Lanes.VX + k]; b.vy[i] = ws.buf[Lanes.VY + k]; b.vz[i] = ws.buf[Lanes.VZ + k];
                b.wx[i] = ws.buf[Lanes.WX + k]; b.wy[i] = ws.buf[Lanes.WY + k]; b.wz[i] = ws.buf[Lanes.WZ + k];
            }
        }
    }

    private void substep(Lanes ws) {
        final int nl = s.numLinks;
        frames(ws);
        joints(ws);
        velocities(ws);
        boolean contacts = c.numGeoms > 0 || c.numPairs > 0;
        if (contacts) {
            java.util.Arrays.fill(ws.buf, Lanes.CPX, Lanes.CPX + STRIDE, 0);
            java.util.Arrays.fill(ws.buf, Lanes.CPY, Lanes.CPY + STRIDE, 0);
            java.util.Arrays.fill(ws.buf, Lanes.CPZ, Lanes.CPZ + STRIDE, 0);
            java.util.Arrays.fill(ws.buf, Lanes.CLX, Lanes.CLX + STRIDE, 0);
            java.util.Arrays.fill(ws.buf, Lanes.CLY, Lanes.CLY + STRIDE, 0);
            java.util.Arrays.fill(ws.buf, Lanes.CLZ, Lanes.CLZ + STRIDE, 0);
            java.util.Arrays.fill(ws.buf, Lanes.CNT, Lanes.CNT + STRIDE, 0);
            for (int g = 0; g < c.numGeoms; g++) {
                geom(ws, g);
            }
            if (pairs != null) { // after the static contacts, as the reference
                pairs.solve(ws);
            }
        }
        integrate(ws, contacts);
    }

    // ---- 1. rotations and frame origins -----------------------------------------------------------------------------

    private void frames(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            int m = W * l;
            DoubleVector w = DoubleVector.fromArray(S, ws.buf, Lanes.QW + m), x = DoubleVector.fromArray(S, ws.buf, Lanes.QX + m);
            DoubleVector y = DoubleVector.fromArray(S, ws.buf, Lanes.QY + m), z = DoubleVector.fromArray(S, ws.buf, Lanes.QZ + m);
            DoubleVector x2 = x.add(x), y2 = y.add(y), z2 = z.add(z);
            DoubleVector xx = x.mul(x2), yy = y.mul(y2), zz = z.mul(z2);
            DoubleVector xy = x.mul(y2), xz = x.mul(z2), yz = y.mul(z2);
            DoubleVector wx = w.mul(x2), wy = w.mul(y2), wz = w.mul(z2);
            DoubleVector one = DoubleVector.broadcast(S, 1.0);
            DoubleVector a0 = one.sub(yy).sub(zz), a1 = xy.sub(wz), a2 = xz.add(wy);
            DoubleVector a3 = xy.add(wz), a4 = one.sub(xx).sub(zz), a5 = yz.sub(wx);
            DoubleVector a6 = xz.sub(wy), a7 = yz.add(wx), a8 = one.sub(xx).sub(yy);
            a0.intoArray(ws.buf, Lanes.R0 + m); a1.intoArray(ws.buf, Lanes.R1 + m); a2.intoArray(ws.buf, Lanes.R2 + m);
            a3.intoArray(ws.buf, Lanes.R3 + m); a4.intoArray(ws.buf, Lanes.R4 + m); a5.intoArray(ws.buf, Lanes.R5 + m);
            a6.intoArray(ws.buf, Lanes.R6 + m); a7.intoArray(ws.buf, Lanes.R7 + m); a8.intoArray(ws.buf, Lanes.R8 + m);
            double cx = s.com[3 * l], cy = s.com[3 * l + 1], cz = s.com[3 * l + 2];
            DoubleVector ox = DoubleVector.fromArray(S, ws.buf, Lanes.PX + m).sub(a0.mul(cx).add(a1.mul(cy)).add(a2.mul(cz)));
            DoubleVector oy = DoubleVector.fromArray(S, ws.buf, Lanes.PY + m).sub(a3.mul(cx).add(a4.mul(cy)).add(a5.mul(cz)));
            DoubleVector oz = DoubleVector.fromArray(S, ws.buf, Lanes.PZ + m).sub(a6.mul(cx).add(a7.mul(cy)).add(a8.mul(cz)));
            ox.intoArray(ws.buf, Lanes.OX + m);
            oy.intoArray(ws.buf, Lanes.OY + m);
            oz.intoArray(ws.buf, Lanes.OZ + m);
            if (!s.free[l]) {
                double a0x = s.axis0[3 * l], a0y = s.axis0[3 * l + 1], a0z = s.axis0[3 * l + 2];
                a0.mul(a0x).add(a1.mul(a0y)).add(a2.mul(a0z)).intoArray(ws.buf, Lanes.C0X + m);
                a3.mul(a0x).add(a4.mul(a0y)).add(a5.mul(a0z)).intoArray(ws.buf, Lanes.C0Y + m);
                a6.mul(a0x).add(a7.mul(a0y)).add(a8.mul(a0z)).intoArray(ws.buf, Lanes.C0Z + m);
                double a2x = s.axis2[3 * l], a2y = s.axis2[3 * l + 1], a2z = s.axis2[3 * l + 2];
                a0.mul(a2x).add(a1.mul(a2y)).add(a2.mul(a2z)).intoArray(ws.buf, Lanes.C2X + m);
                a3.mul(a2x).add(a4.mul(a2y)).add(a5.mul(a2z)).intoArray(ws.buf, Lanes.C2Y + m);
                a6.mul(a2x).add(a7.mul(a2y)).add(a8.mul(a2z)).intoArray(ws.buf, Lanes.C2Z + m);
                double jx = s.jointPos[3 * l], jy = s.jointPos[3 * l + 1], jz = s.jointPos[3 * l + 2];
                ox.add(a0.mul(jx)).add(a1.mul(jy)).add(a2.mul(jz)).intoArray(ws.buf, Lanes.ACX + m);
                oy.add(a3.mul(jx)).add(a4.mul(jy)).add(a5.mul(jz)).intoArray(ws.buf, Lanes.ACY + m);
                oz.add(a6.mul(jx)).add(a7.mul(jy)).add(a8.mul(jz)).intoArray(ws.buf, Lanes.ACZ + m);
            }
            DoubleVector zero = DoubleVector.zero(S);
            zero.intoArray(ws.buf, Lanes.FX + m); zero.intoArray(ws.buf, Lanes.FY + m); zero.intoArray(ws.buf, Lanes.FZ + m);
            zero.intoArray(ws.buf, Lanes.TX + m); zero.intoArray(ws.buf, Lanes.TY + m); zero.intoArray(ws.buf, Lanes.TZ + m);
        }
    }

    // ---- 2. joint springs, motors, limits, damping -----------------------------------------------------------------

    /**
     * The joint of link l, in parts small enough for C2 to compile with every vector operation intrinsified: the
     * anchor spring and damper, a hinge's limit torque, a stacked-hinge joint's torque ({@link StackedLanes}) or a
     * slide link's force and torque ({@link SlideLanes}), then a hinge's torque and the accumulation onto child and
     * parent, in link order as the reference.
     */
    private void joints(Lanes ws) {
        jointForces(ws);
        jointAngles(ws);
        if (s.stackedHinges || s.slideLinks) {
            for (int l = 0; l < s.numLinks; l++) {
                if (s.slide[l]) {
                    SlideLanes.apply(s, ws.buf, l);
                } else if (s.dofs[l] > 1) {
                    StackedLanes.frames(s, pa0, pa1, ws.buf, l);
                    StackedLanes.torque(s, ws.buf, l);
                }
            }
        }
        jointTorques(ws);
    }

    private void jointForces(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            if (s.free[l]) {
                continue;
            }
            final int p = s.parent[l];
            final int m = W * l, mp = W * (p < 0 ? MAX_LINKS : p); // a root joint's parent: the world slot
            DoubleVector r0 = DoubleVector.fromArray(S, ws.buf, Lanes.R0 + mp), r1 = DoubleVector.fromArray(S, ws.buf, Lanes.R1 + mp), r2 = DoubleVector.fromArray(S, ws.buf, Lanes.R2 + mp);
            DoubleVector r3 = DoubleVector.fromArray(S, ws.buf, Lanes.R3 + mp), r4 = DoubleVector.fromArray(S, ws.buf, Lanes.R4 + mp), r5 = DoubleVector.fromArray(S, ws.buf, Lanes.R5 + mp);
            DoubleVector r6 = DoubleVector.fromArray(S, ws.buf, Lanes.R6 + mp), r7 = DoubleVector.fromArray(S, ws.buf, Lanes.R7 + mp), r8 = DoubleVector.fromArray(S, ws.buf, Lanes.R8 + mp);
            // anchor on the parent: a_p = o_p + R_p · anchorOffset
            double ax = s.anchorOffset[3 * l], ay = s.anchorOffset[3 * l + 1], az = s.anchorOffset[3 * l + 2];
            DoubleVector apx = DoubleVector.fromArray(S, ws.buf, Lanes.OX + mp).add(r0.mul(ax)).add(r1.mul(ay)).add(r2.mul(az));
            DoubleVector apy = DoubleVector.fromArray(S, ws.buf, Lanes.OY + mp).add(r3.mul(ax)).add(r4.mul(ay)).add(r5.mul(az));
            DoubleVector apz = DoubleVector.fromArray(S, ws.buf, Lanes.OZ + mp).add(r6.mul(ax)).add(r7.mul(ay)).add(r8.mul(az));
            // anchor on the child: a_c = o_c + R_c · jointPos
            DoubleVector cox = DoubleVector.fromArray(S, ws.buf, Lanes.OX + m), coy = DoubleVector.fromArray(S, ws.buf, Lanes.OY + m), coz = DoubleVector.fromArray(S, ws.buf, Lanes.OZ + m);
            DoubleVector acx = DoubleVector.fromArray(S, ws.buf, Lanes.ACX + m), acy = DoubleVector.fromArray(S, ws.buf, Lanes.ACY + m);
            DoubleVector acz = DoubleVector.fromArray(S, ws.buf, Lanes.ACZ + m);
            // velocities: the child's frame origin against the parent's point at a_p
            DoubleVector cwx = DoubleVector.fromArray(S, ws.buf, Lanes.WX + m), cwy = DoubleVector.fromArray(S, ws.buf, Lanes.WY + m), cwz = DoubleVector.fromArray(S, ws.buf, Lanes.WZ + m);
            DoubleVector ccx = DoubleVector.fromArray(S, ws.buf, Lanes.PX + m), ccy = DoubleVector.fromArray(S, ws.buf, Lanes.PY + m), ccz = DoubleVector.fromArray(S, ws.buf, Lanes.PZ + m);
            DoubleVector dox = cox.sub(ccx), doy = coy.sub(ccy), doz = coz.sub(ccz);
            DoubleVector vox = DoubleVector.fromArray(S, ws.buf, Lanes.VX + m).add(cwy.mul(doz)).sub(cwz.mul(doy));
            DoubleVector voy = DoubleVector.fromArray(S, ws.buf, Lanes.VY + m).add(cwz.mul(dox)).sub(cwx.mul(doz));
            DoubleVector voz = DoubleVector.fromArray(S, ws.buf, Lanes.VZ + m).add(cwx.mul(doy)).sub(cwy.mul(dox));
            DoubleVector dax = apx.sub(DoubleVector.fromArray(S, ws.buf, Lanes.PX + mp)), day = apy.sub(DoubleVector.fromArray(S, ws.buf, Lanes.PY + mp));
            DoubleVector daz = apz.sub(DoubleVector.fromArray(S, ws.buf, Lanes.PZ + mp));
            DoubleVector pwx = DoubleVector.fromArray(S, ws.buf, Lanes.WX + mp), pwy = DoubleVector.fromArray(S, ws.buf, Lanes.WY + mp), pwz = DoubleVector.fromArray(S, ws.buf, Lanes.WZ + mp);
            DoubleVector vax = DoubleVector.fromArray(S, ws.buf, Lanes.VX + mp).add(pwy.mul(daz)).sub(pwz.mul(day));
            DoubleVector vay = DoubleVector.fromArray(S, ws.buf, Lanes.VY + mp).add(pwz.mul(dax)).sub(pwx.mul(daz));
            DoubleVector vaz = DoubleVector.fromArray(S, ws.buf, Lanes.VZ + mp).add(pwx.mul(day)).sub(pwy.mul(dax));
            double nk = -s.stiffness[l], kv = s.velDamping[l];
            acx.sub(apx).mul(nk).sub(vox.sub(vax).mul(kv)).intoArray(ws.buf, Lanes.SFX + m);
            acy.sub(apy).mul(nk).sub(voy.sub(vay).mul(kv)).intoArray(ws.buf, Lanes.SFY + m);
            acz.sub(apz).mul(nk).sub(voz.sub(vaz).mul(kv)).intoArray(ws.buf, Lanes.SFZ + m);
            acx.sub(ccx).intoArray(ws.buf, Lanes.SEX + m);
            acy.sub(ccy).intoArray(ws.buf, Lanes.SEY + m);
            acz.sub(ccz).intoArray(ws.buf, Lanes.SEZ + m);
            dax.intoArray(ws.buf, Lanes.SDX + m);
            day.intoArray(ws.buf, Lanes.SDY + m);
            daz.intoArray(ws.buf, Lanes.SDZ + m);
            if (s.slide[l]) { // SlideLanes' limits need d = a_c − a_p
                acx.sub(apx).intoArray(ws.buf, Lanes.DAX + m);
                acy.sub(apy).intoArray(ws.buf, Lanes.DAY + m);
                acz.sub(apz).intoArray(ws.buf, Lanes.DAZ + m);
            }
        }
    }

    /** Brax's joint angle ψ = atan2(−(R_c a₂)·(R_ap a₁), (R_c a₂)·(R_ap a₂)): its sine and cosine parts to sn, cs. */
    private void jointAngles(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            if (s.dofs[l] != 1) { // free joints exert nothing, stacked hinges have their own angles
                continue;
            }
            if (!s.limited[l]) {
                DoubleVector.fromArray(S, ws.buf, Lanes.TAU + W * l).intoArray(ws.buf, Lanes.SAL + W * l);
                continue;
            }
            final int p = s.parent[l];
            final int m = W * l, mp = W * (p < 0 ? MAX_LINKS : p); // a root joint's parent: the world slot
            DoubleVector r0 = DoubleVector.fromArray(S, ws.buf, Lanes.R0 + mp), r1 = DoubleVector.fromArray(S, ws.buf, Lanes.R1 + mp), r2 = DoubleVector.fromArray(S, ws.buf, Lanes.R2 + mp);
            DoubleVector r3 = DoubleVector.fromArray(S, ws.buf, Lanes.R3 + mp), r4 = DoubleVector.fromArray(S, ws.buf, Lanes.R4 + mp), r5 = DoubleVector.fromArray(S, ws.buf, Lanes.R5 + mp);
            DoubleVector r6 = DoubleVector.fromArray(S, ws.buf, Lanes.R6 + mp), r7 = DoubleVector.fromArray(S, ws.buf, Lanes.R7 + mp), r8 = DoubleVector.fromArray(S, ws.buf, Lanes.R8 + mp);
            double q1x = pa1[3 * l], q1y = pa1[3 * l + 1], q1z = pa1[3 * l + 2];
            double q2x = pa2[3 * l], q2y = pa2[3 * l + 1], q2z = pa2[3 * l + 2];
            DoubleVector c2x = DoubleVector.fromArray(S, ws.buf, Lanes.C2X + m), c2y = DoubleVector.fromArray(S, ws.buf, Lanes.C2Y + m);
            DoubleVector c2z = DoubleVector.fromArray(S, ws.buf, Lanes.C2Z + m);
            DoubleVector u1x = r0.mul(q1x).add(r1.mul(q1y)).add(r2.mul(q1z));
            DoubleVector u1y = r3.mul(q1x).add(r4.mul(q1y)).add(r5.mul(q1z));
            DoubleVector u1z = r6.mul(q1x).add(r7.mul(q1y)).add(r8.mul(q1z));
            DoubleVector u2x = r0.mul(q2x).add(r1.mul(q2y)).add(r2.mul(q2z));
            DoubleVector u2y = r3.mul(q2x).add(r4.mul(q2y)).add(r5.mul(q2z));
            DoubleVector u2z = r6.mul(q2x).add(r7.mul(q2y)).add(r8.mul(q2z));
            c2x.mul(u1x).add(c2y.mul(u1y)).add(c2z.mul(u1z)).neg().intoArray(ws.buf, Lanes.SSN + m);
            c2x.mul(u2x).add(c2y.mul(u2y)).add(c2z.mul(u2z)).intoArray(ws.buf, Lanes.SCS + m);
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
            DoubleVector sn = DoubleVector.fromArray(S, ws.buf, Lanes.SSN + m), cs = DoubleVector.fromArray(S, ws.buf, Lanes.SCS + m);
            DoubleVector margin = sn.abs().add(cs.abs()).mul(1e-9);
            DoubleVector aboveLo = sn.mul(cosLo[l]).sub(cs.mul(sinLo[l]));
            DoubleVector belowHi = cs.mul(sinHi[l]).sub(sn.mul(cosHi[l]));
            if (aboveLo.compare(VectorOperators.GT, margin).and(belowHi.compare(VectorOperators.GT, margin)).allTrue()) {
                DoubleVector.fromArray(S, ws.buf, Lanes.TAU + W * l).intoArray(ws.buf, Lanes.SAL + m);
                return;
            }
        }
        atan2(ws.buf, Lanes.SSN + m, Lanes.SCS + m, Lanes.SPSI + m);
        StackedLanes.excess(ws.buf, Lanes.SPSI + m, lo, hi, Lanes.SAL + m);
        DoubleVector excess = DoubleVector.fromArray(S, ws.buf, Lanes.SAL + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.TAU + W * l).sub(excess.mul(s.limitStiffness[l])).intoArray(ws.buf, Lanes.SAL + m);
    }

    /** A hinge's torque; child and parent take each joint's force and torque (a stacked joint's from ST). */
    private void jointTorques(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            if (s.free[l]) {
                continue;
            }
            final int p = s.parent[l];
            final int m = W * l, mp = W * (p < 0 ? MAX_LINKS : p); // a root joint's parent: the world slot
            if (s.dofs[l] == 1) {
                // a hinge's alignment, motor/limit and damping torques, to ST as a stacked joint's (in this method:
                // a call per hinge costs the ant several per cent)
                DoubleVector r0 = DoubleVector.fromArray(S, ws.buf, Lanes.R0 + mp), r1 = DoubleVector.fromArray(S, ws.buf, Lanes.R1 + mp), r2 = DoubleVector.fromArray(S, ws.buf, Lanes.R2 + mp);
                DoubleVector r3 = DoubleVector.fromArray(S, ws.buf, Lanes.R3 + mp), r4 = DoubleVector.fromArray(S, ws.buf, Lanes.R4 + mp), r5 = DoubleVector.fromArray(S, ws.buf, Lanes.R5 + mp);
                DoubleVector r6 = DoubleVector.fromArray(S, ws.buf, Lanes.R6 + mp), r7 = DoubleVector.fromArray(S, ws.buf, Lanes.R7 + mp), r8 = DoubleVector.fromArray(S, ws.buf, Lanes.R8 + mp);
                double q0x = pa0[3 * l], q0y = pa0[3 * l + 1], q0z = pa0[3 * l + 2];
                DoubleVector u0x = r0.mul(q0x).add(r1.mul(q0y)).add(r2.mul(q0z));
                DoubleVector u0y = r3.mul(q0x).add(r4.mul(q0y)).add(r5.mul(q0z));
                DoubleVector u0z = r6.mul(q0x).add(r7.mul(q0y)).add(r8.mul(q0z));
                DoubleVector c0x = DoubleVector.fromArray(S, ws.buf, Lanes.C0X + m), c0y = DoubleVector.fromArray(S, ws.buf, Lanes.C0Y + m);
                DoubleVector c0z = DoubleVector.fromArray(S, ws.buf, Lanes.C0Z + m);
                DoubleVector along = DoubleVector.fromArray(S, ws.buf, Lanes.SAL + m);
                double nk = -s.stiffness[l], ka = s.angDamping[l];
                DoubleVector pwx = DoubleVector.fromArray(S, ws.buf, Lanes.WX + mp), pwy = DoubleVector.fromArray(S, ws.buf, Lanes.WY + mp), pwz = DoubleVector.fromArray(S, ws.buf, Lanes.WZ + mp);
                DoubleVector tx = u0y.mul(c0z).sub(u0z.mul(c0y)).mul(nk).add(along.mul(u0x))
                        .sub(DoubleVector.fromArray(S, ws.buf, Lanes.WX + m).sub(pwx).mul(ka));
                DoubleVector ty = u0z.mul(c0x).sub(u0x.mul(c0z)).mul(nk).add(along.mul(u0y))
                        .sub(DoubleVector.fromArray(S, ws.buf, Lanes.WY + m).sub(pwy).mul(ka));
                DoubleVector tz = u0x.mul(c0y).sub(u0y.mul(c0x)).mul(nk).add(along.mul(u0z))
                        .sub(DoubleVector.fromArray(S, ws.buf, Lanes.WZ + m).sub(pwz).mul(ka));
                tx.intoArray(ws.buf, Lanes.STX + m);
                ty.intoArray(ws.buf, Lanes.STY + m);
                tz.intoArray(ws.buf, Lanes.STZ + m);
            }
            DoubleVector tx = DoubleVector.fromArray(S, ws.buf, Lanes.STX + m), ty = DoubleVector.fromArray(S, ws.buf, Lanes.STY + m), tz = DoubleVector.fromArray(S, ws.buf, Lanes.STZ + m);
            DoubleVector fx = DoubleVector.fromArray(S, ws.buf, Lanes.SFX + m), fy = DoubleVector.fromArray(S, ws.buf, Lanes.SFY + m), fz = DoubleVector.fromArray(S, ws.buf, Lanes.SFZ + m);
            DoubleVector ex = DoubleVector.fromArray(S, ws.buf, Lanes.SEX + m), ey = DoubleVector.fromArray(S, ws.buf, Lanes.SEY + m), ez = DoubleVector.fromArray(S, ws.buf, Lanes.SEZ + m);
            // on the child's COM: force at a_c; on the parent's COM: the opposite, at a_p
            DoubleVector.fromArray(S, ws.buf, Lanes.FX + m).add(fx).intoArray(ws.buf, Lanes.FX + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.FY + m).add(fy).intoArray(ws.buf, Lanes.FY + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.FZ + m).add(fz).intoArray(ws.buf, Lanes.FZ + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.TX + m).add(tx.add(ey.mul(fz)).sub(ez.mul(fy))).intoArray(ws.buf, Lanes.TX + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.TY + m).add(ty.add(ez.mul(fx)).sub(ex.mul(fz))).intoArray(ws.buf, Lanes.TY + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.TZ + m).add(tz.add(ex.mul(fy)).sub(ey.mul(fx))).intoArray(ws.buf, Lanes.TZ + m);
            if (p >= 0) {
                DoubleVector dax = DoubleVector.fromArray(S, ws.buf, Lanes.SDX + m), day = DoubleVector.fromArray(S, ws.buf, Lanes.SDY + m), daz = DoubleVector.fromArray(S, ws.buf, Lanes.SDZ + m);
                DoubleVector.fromArray(S, ws.buf, Lanes.FX + mp).sub(fx).intoArray(ws.buf, Lanes.FX + mp);
                DoubleVector.fromArray(S, ws.buf, Lanes.FY + mp).sub(fy).intoArray(ws.buf, Lanes.FY + mp);
                DoubleVector.fromArray(S, ws.buf, Lanes.FZ + mp).sub(fz).intoArray(ws.buf, Lanes.FZ + mp);
                DoubleVector.fromArray(S, ws.buf, Lanes.TX + mp).sub(tx.add(day.mul(fz)).sub(daz.mul(fy))).intoArray(ws.buf, Lanes.TX + mp);
                DoubleVector.fromArray(S, ws.buf, Lanes.TY + mp).sub(ty.add(daz.mul(fx)).sub(dax.mul(fz))).intoArray(ws.buf, Lanes.TY + mp);
                DoubleVector.fromArray(S, ws.buf, Lanes.TZ + mp).sub(tz.add(dax.mul(fy)).sub(day.mul(fx))).intoArray(ws.buf, Lanes.TZ + mp);
            }
        }
    }

    /**
     * {@link Angles#atan2} lanewise, the same operations, of {@code buf[y ..]} and {@code buf[x ..]} (four lanes each)
     * into {@code buf[out ..]}; zeros, infinities and NaN go to the scalar method.
     */
    static void atan2(double[] buf, int yAt, int xAt, int out) {
        DoubleVector y = DoubleVector.fromArray(S, buf, yAt), x = DoubleVector.fromArray(S, buf, xAt);
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
            double[] ys = new double[W], xs = new double[W], as = new double[W]; // rare: zeros, infinities, NaN
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
        a.intoArray(buf, out);
    }

    // fdlibm's e_acos.c, which StrictMath.acos and so Math.acos run (HotSpot has no acos intrinsic): its constants
    private static final double ACOS_PIO2_HI = 1.57079632679489655800e+00; // 0x3FF921FB54442D18
    private static final double ACOS_PIO2_LO = 6.12323399573676603587e-17; // 0x3C91A62633145C07
    private static final double ACOS_PI = 3.14159265358979311600e+00;
    private static final double ACOS_P0 = 1.66666666666666657415e-01, ACOS_P1 = -3.25565818622400915405e-01;
    private static final double ACOS_P2 = 2.01212532134862925881e-01, ACOS_P3 = -4.00555345006794114027e-02;
    private static final double ACOS_P4 = 7.91534994289814532176e-04, ACOS_P5 = 3.47933107596021167570e-05;
    private static final double ACOS_Q1 = -2.40339491173441421878e+00, ACOS_Q2 = 2.02094576023350569471e+00;
    private static final double ACOS_Q3 = -6.88283971605453293030e-01, ACOS_Q4 = 7.70381505559019352791e-02;
    /** Below this |x| fdlibm returns π/2 outright (high word of |x| at most 0x3c600000). */
    private static final double ACOS_TINY = Double.longBitsToDouble(0x3c60000100000000L);

    /**
     * {@link Math#acos} lanewise, bit for bit, of {@code buf[in ..]} (four lanes) into {@code buf[out ..]}: its
     * three ranges (|x| &lt; 0.5; x ≤ −0.5; x ≥ 0.5) are computed for every lane with fdlibm's operations in
     * fdlibm's order and blended, ±1 and tiny |x| are its constants; NaN and |x| &gt; 1 go to the scalar method.
     * The one rational function of z (x² or (1 − |x|)/2) serves all three ranges.
     */
    static void acos(double[] buf, int in, int out) {
        DoubleVector x = DoubleVector.fromArray(S, buf, in);
        DoubleVector ax = x.abs();
        VectorMask<Double> small = ax.compare(VectorOperators.LT, 0.5);
        DoubleVector z = DoubleVector.broadcast(S, 1.0).sub(ax).mul(0.5).blend(x.mul(x), small);
        // p = z·(p0 + z·(p1 + z·(p2 + z·(p3 + z·(p4 + z·p5))))), q = 1 + z·(q1 + z·(q2 + z·(q3 + z·q4)))
        DoubleVector p = z.mul(ACOS_P5).add(ACOS_P4);
        p = z.mul(p).add(ACOS_P3);
        p = z.mul(p).add(ACOS_P2);
        p = z.mul(p).add(ACOS_P1);
        p = z.mul(p).add(ACOS_P0);
        p = z.mul(p);
        DoubleVector q = z.mul(ACOS_Q4).add(ACOS_Q3);
        q = z.mul(q).add(ACOS_Q2);
        q = z.mul(q).add(ACOS_Q1);
        q = z.mul(q).add(1.0);
        DoubleVector r = p.div(q);
        DoubleVector sq = z.sqrt();
        // |x| < 0.5: π/2 − (x − (lo − x·r))
        DoubleVector a = DoubleVector.broadcast(S, ACOS_PIO2_HI).sub(x.sub(DoubleVector.broadcast(S, ACOS_PIO2_LO)
                .sub(x.mul(r))));
        // x ≤ −0.5: π − 2·(s + (r·s − lo))
        DoubleVector neg = DoubleVector.broadcast(S, ACOS_PI).sub(sq.add(r.mul(sq).sub(ACOS_PIO2_LO)).mul(2.0));
        // x ≥ 0.5: 2·(df + (r·s + c)), df = s with its low 32 bits cleared, c = (z − df²)/(s + df)
        DoubleVector df = sq.reinterpretAsLongs().lanewise(VectorOperators.AND, 0xffffffff00000000L)
                .reinterpretAsDoubles();
        DoubleVector c = z.sub(df.mul(df)).div(sq.add(df));
        DoubleVector pos = df.add(r.mul(sq).add(c)).mul(2.0);
        VectorMask<Double> negative = x.compare(VectorOperators.LT, 0.0);
        a = a.blend(pos.blend(neg, negative), small.not());
        a = a.blend(ACOS_PIO2_HI + ACOS_PIO2_LO, ax.compare(VectorOperators.LT, ACOS_TINY));
        a = a.blend(0.0, x.compare(VectorOperators.EQ, 1.0));
        a = a.blend(ACOS_PI + 2.0 * ACOS_PIO2_LO, x.compare(VectorOperators.EQ, -1.0));
        VectorMask<Double> outside = ax.compare(VectorOperators.LE, 1.0).not();
        if (outside.anyTrue()) { // rare: NaN (|x| > 1 too, though callers clamp)
            double[] xs = new double[W], as = new double[W];
            x.intoArray(xs, 0);
            a.intoArray(as, 0);
            for (int j = 0; j < W; j++) {
                if (outside.laneIsSet(j)) {
                    as[j] = Math.acos(xs[j]);
                }
            }
            a = DoubleVector.fromArray(S, as, 0);
        }
        a.intoArray(buf, out);
    }

    // ---- 3. semi-implicit Euler, velocities --------------------------------------------------------------------------

    private void velocities(Lanes ws) {
        for (int l = 0; l < s.numLinks; l++) {
            int m = W * l;
            double dt = s.timestep, im = dt / s.mass[l];
            double gx = s.gravity[0] * dt, gy = s.gravity[1] * dt, gz = s.gravity[2] * dt;
            DoubleVector.fromArray(S, ws.buf, Lanes.VX + m).add(DoubleVector.fromArray(S, ws.buf, Lanes.FX + m).mul(im).add(gx)).intoArray(ws.buf, Lanes.VX + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.VY + m).add(DoubleVector.fromArray(S, ws.buf, Lanes.FY + m).mul(im).add(gy)).intoArray(ws.buf, Lanes.VY + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.VZ + m).add(DoubleVector.fromArray(S, ws.buf, Lanes.FZ + m).mul(im).add(gz)).intoArray(ws.buf, Lanes.VZ + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.WX + m).add(DoubleVector.fromArray(S, ws.buf, Lanes.TX + m).mul(dt)).intoArray(ws.buf, Lanes.WX + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.WY + m).add(DoubleVector.fromArray(S, ws.buf, Lanes.TY + m).mul(dt)).intoArray(ws.buf, Lanes.WY + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.WZ + m).add(DoubleVector.fromArray(S, ws.buf, Lanes.TZ + m).mul(dt)).intoArray(ws.buf, Lanes.WZ + m);
        }
    }

    // ---- 4. contacts -------------------------------------------------------------------------------------------------

    private void geom(Lanes ws, int g) {
        int l = c.geomLink[g];
        int m = W * l;
        if (c.planesOf[g].length == 0) {
            // boxes only: bound the geom from its link's frame origin, the exact tests recompute its place
            if (c.touchesBoxes[g]) {
                double reach = c.radius[g] + (c.capsule[g] ? c.halfLength[g] : 0) + localReach[g];
                for (int j = 0; j < W; j++) {
                    if (nearBox(ws.buf[Lanes.OX + m + j], ws.buf[Lanes.OY + m + j], reach)) {
                        boxes(ws, g, l, j);
                    }
                }
            }
            return;
        }
        DoubleVector a0 = DoubleVector.fromArray(S, ws.buf, Lanes.R0 + m), a1 = DoubleVector.fromArray(S, ws.buf, Lanes.R1 + m), a2 = DoubleVector.fromArray(S, ws.buf, Lanes.R2 + m);
        DoubleVector a3 = DoubleVector.fromArray(S, ws.buf, Lanes.R3 + m), a4 = DoubleVector.fromArray(S, ws.buf, Lanes.R4 + m), a5 = DoubleVector.fromArray(S, ws.buf, Lanes.R5 + m);
        DoubleVector a6 = DoubleVector.fromArray(S, ws.buf, Lanes.R6 + m), a7 = DoubleVector.fromArray(S, ws.buf, Lanes.R7 + m), a8 = DoubleVector.fromArray(S, ws.buf, Lanes.R8 + m);
        double lx = c.localPos[3 * g], ly = c.localPos[3 * g + 1], lz = c.localPos[3 * g + 2];
        DoubleVector cx = DoubleVector.fromArray(S, ws.buf, Lanes.OX + m).add(a0.mul(lx)).add(a1.mul(ly)).add(a2.mul(lz));
        DoubleVector cy = DoubleVector.fromArray(S, ws.buf, Lanes.OY + m).add(a3.mul(lx)).add(a4.mul(ly)).add(a5.mul(lz));
        DoubleVector cz = DoubleVector.fromArray(S, ws.buf, Lanes.OZ + m).add(a6.mul(lx)).add(a7.mul(ly)).add(a8.mul(lz));
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
                cx.add(hx.mul(sg)).sub(k.mul(nx)).intoArray(ws.buf, Lanes.KX + 0);
                cy.add(hy.mul(sg)).sub(k.mul(ny)).intoArray(ws.buf, Lanes.KY + 0);
                cz.add(hz.mul(sg)).sub(k.mul(nz)).intoArray(ws.buf, Lanes.KZ + 0);
                dist.intoArray(ws.buf, Lanes.KD + 0);
                impulse(ws, l, nx, ny, nz, mu);
            }
        }
        if (c.touchesBoxes[g]) {
            double reach = r + (capsule ? c.halfLength[g] : 0);
            cx.intoArray(ws.buf, Lanes.KX);
            cy.intoArray(ws.buf, Lanes.KY);
            for (int j = 0; j < W; j++) {
                if (nearBox(ws.buf[Lanes.KX + j], ws.buf[Lanes.KY + j], reach)) {
                    boxes(ws, g, l, j);
                }
            }
        }
    }

    /**
     * Broad phase for the boxes: false when every box is farther (in x, y) than {@code reach} from (x, y), so that no
     * part of a geom centred there can touch one and the exact test would apply nothing. Looks up a precomputed
     * lower bound of the distance from each {@link #NEAR_CELL} square to the nearest box.
     */
    private boolean nearBox(double x, double y, double reach) {
        double fx = (x - nearX0) * (1 / NEAR_CELL), fy = (y - nearY0) * (1 / NEAR_CELL);
        if (!(fx >= 0 && fy >= 0 && fx < nearNx && fy < nearNy)) {
            return fx != fx || fy != fy; // outside the margin around every box: far (NaN: let the exact test decide)
        }
        return !(nearDist[(int) fx * nearNy + (int) fy] > reach + 1e-9);
    }

    /**
     * The impulse of the contacts in the scratch (point kx, ky, kz, depth kd; a lane applies when kd &lt; 0) on link l
     * with normal n from the static surface into the link; accumulated into the lanes' contact sums.
     */
    private void impulse(Lanes ws, int l, double nx, double ny, double nz, double mu) {
        int m = W * l;
        DoubleVector dist = DoubleVector.fromArray(S, ws.buf, Lanes.KD + 0);
        DoubleVector rx = DoubleVector.fromArray(S, ws.buf, Lanes.KX + 0).sub(DoubleVector.fromArray(S, ws.buf, Lanes.PX + m));
        DoubleVector ry = DoubleVector.fromArray(S, ws.buf, Lanes.KY + 0).sub(DoubleVector.fromArray(S, ws.buf, Lanes.PY + m));
        DoubleVector rz = DoubleVector.fromArray(S, ws.buf, Lanes.KZ + 0).sub(DoubleVector.fromArray(S, ws.buf, Lanes.PZ + m));
        DoubleVector wx = DoubleVector.fromArray(S, ws.buf, Lanes.WX + m), wy = DoubleVector.fromArray(S, ws.buf, Lanes.WY + m), wz = DoubleVector.fromArray(S, ws.buf, Lanes.WZ + m);
        DoubleVector ux = DoubleVector.fromArray(S, ws.buf, Lanes.VX + m).add(wy.mul(rz)).sub(wz.mul(ry));
        DoubleVector uy = DoubleVector.fromArray(S, ws.buf, Lanes.VY + m).add(wz.mul(rx)).sub(wx.mul(rz));
        DoubleVector uz = DoubleVector.fromArray(S, ws.buf, Lanes.VZ + m).add(wx.mul(ry)).sub(wy.mul(rx));
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
        DoubleVector.fromArray(S, ws.buf, Lanes.CPX + m).add(jx).intoArray(ws.buf, Lanes.CPX + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.CPY + m).add(jy).intoArray(ws.buf, Lanes.CPY + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.CPZ + m).add(jz).intoArray(ws.buf, Lanes.CPZ + m);
        // lanes without a contact add exactly 0, even where r is not finite (NaN * 0 would poison the sums)
        DoubleVector.fromArray(S, ws.buf, Lanes.CLX + m).add(zero.blend(ry.mul(jz).sub(rz.mul(jy)), on)).intoArray(ws.buf, Lanes.CLX + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.CLY + m).add(zero.blend(rz.mul(jx).sub(rx.mul(jz)), on)).intoArray(ws.buf, Lanes.CLY + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.CLZ + m).add(zero.blend(rx.mul(jy).sub(ry.mul(jx)), on)).intoArray(ws.buf, Lanes.CLZ + m);
        DoubleVector.fromArray(S, ws.buf, Lanes.CNT + m).add(zero.blend(1.0, on)).intoArray(ws.buf, Lanes.CNT + m);
    }

    // sphere/capsule against the static boxes, one lane at a time (the reference's ContactSolver, on lane scratch)

    private void boxes(Lanes ws, int g, int l, int j) {
        int k = W * l + j;
        double lx = c.localPos[3 * g], ly = c.localPos[3 * g + 1], lz = c.localPos[3 * g + 2];
        double cx = ws.buf[Lanes.OX + k] + ws.buf[Lanes.R0 + k] * lx + ws.buf[Lanes.R1 + k] * ly + ws.buf[Lanes.R2 + k] * lz;
        double cy = ws.buf[Lanes.OY + k] + ws.buf[Lanes.R3 + k] * lx + ws.buf[Lanes.R4 + k] * ly + ws.buf[Lanes.R5 + k] * lz;
        double cz = ws.buf[Lanes.OZ + k] + ws.buf[Lanes.R6 + k] * lx + ws.buf[Lanes.R7 + k] * ly + ws.buf[Lanes.R8 + k] * lz;
        double r = c.radius[g];
        double hx = 0, hy = 0, hz = 0;
        if (c.capsule[g]) {
            double ax = c.localAxis[3 * g], ay = c.localAxis[3 * g + 1], az = c.localAxis[3 * g + 2];
            double h = c.halfLength[g];
            hx = h * (ws.buf[Lanes.R0 + k] * ax + ws.buf[Lanes.R1 + k] * ay + ws.buf[Lanes.R2 + k] * az);
            hy = h * (ws.buf[Lanes.R3 + k] * ax + ws.buf[Lanes.R4 + k] * ay + ws.buf[Lanes.R5 + k] * az);
            hz = h * (ws.buf[Lanes.R6 + k] * ax + ws.buf[Lanes.R7 + k] * ay + ws.buf[Lanes.R8 + k] * az);
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
        double rx = x - ws.buf[Lanes.PX + i], ry = y - ws.buf[Lanes.PY + i], rz = z - ws.buf[Lanes.PZ + i];
        double wx = ws.buf[Lanes.WX + i], wy = ws.buf[Lanes.WY + i], wz = ws.buf[Lanes.WZ + i];
        double ux = ws.buf[Lanes.VX + i] + wy * rz - wz * ry;
        double uy = ws.buf[Lanes.VY + i] + wz * rx - wx * rz;
        double uz = ws.buf[Lanes.VZ + i] + wx * ry - wy * rx;
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
        ws.buf[Lanes.CPX + i] += jx;
        ws.buf[Lanes.CPY + i] += jy;
        ws.buf[Lanes.CPZ + i] += jz;
        ws.buf[Lanes.CLX + i] += ry * jz - rz * jy;
        ws.buf[Lanes.CLY + i] += rz * jx - rx * jz;
        ws.buf[Lanes.CLZ + i] += rx * jy - ry * jx;
        ws.buf[Lanes.CNT + i] += 1;
        return true;
    }

    // ---- 5. damping, impulses, positions and orientations -----------------------------------------------------------

    private void integrate(Lanes ws, boolean contacts) {
        for (int l = 0; l < s.numLinks; l++) {
            int m = W * l;
            double dt = s.timestep, fv = s.velDampFactor, fa = s.angDampFactor, h = 0.5 * dt;
            DoubleVector vx = DoubleVector.fromArray(S, ws.buf, Lanes.VX + m).mul(fv), vy = DoubleVector.fromArray(S, ws.buf, Lanes.VY + m).mul(fv), vz = DoubleVector.fromArray(S, ws.buf, Lanes.VZ + m).mul(fv);
            DoubleVector wx = DoubleVector.fromArray(S, ws.buf, Lanes.WX + m).mul(fa), wy = DoubleVector.fromArray(S, ws.buf, Lanes.WY + m).mul(fa), wz = DoubleVector.fromArray(S, ws.buf, Lanes.WZ + m).mul(fa);
            if (contacts && touching[l]) { // a link without contact geoms adds zero
                DoubleVector n = DoubleVector.broadcast(S, 1.0).div(DoubleVector.fromArray(S, ws.buf, Lanes.CNT + m).add(1e-8));
                DoubleVector im = n.div(s.mass[l]);
                vx = vx.add(DoubleVector.fromArray(S, ws.buf, Lanes.CPX + m).mul(im));
                vy = vy.add(DoubleVector.fromArray(S, ws.buf, Lanes.CPY + m).mul(im));
                vz = vz.add(DoubleVector.fromArray(S, ws.buf, Lanes.CPZ + m).mul(im));
                wx = wx.add(DoubleVector.fromArray(S, ws.buf, Lanes.CLX + m).mul(n));
                wy = wy.add(DoubleVector.fromArray(S, ws.buf, Lanes.CLY + m).mul(n));
                wz = wz.add(DoubleVector.fromArray(S, ws.buf, Lanes.CLZ + m).mul(n));
            }
            vx.intoArray(ws.buf, Lanes.VX + m); vy.intoArray(ws.buf, Lanes.VY + m); vz.intoArray(ws.buf, Lanes.VZ + m);
            wx.intoArray(ws.buf, Lanes.WX + m); wy.intoArray(ws.buf, Lanes.WY + m); wz.intoArray(ws.buf, Lanes.WZ + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.PX + m).add(vx.mul(dt)).intoArray(ws.buf, Lanes.PX + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.PY + m).add(vy.mul(dt)).intoArray(ws.buf, Lanes.PY + m);
            DoubleVector.fromArray(S, ws.buf, Lanes.PZ + m).add(vz.mul(dt)).intoArray(ws.buf, Lanes.PZ + m);
            DoubleVector qw = DoubleVector.fromArray(S, ws.buf, Lanes.QW + m), qx = DoubleVector.fromArray(S, ws.buf, Lanes.QX + m), qy = DoubleVector.fromArray(S, ws.buf, Lanes.QY + m), qz = DoubleVector.fromArray(S, ws.buf, Lanes.QZ + m);
            DoubleVector nw = qw.sub(wx.mul(qx).add(wy.mul(qy)).add(wz.mul(qz)).mul(h));
            DoubleVector nx = qx.add(wx.mul(qw).add(wy.mul(qz)).sub(wz.mul(qy)).mul(h));
            DoubleVector ny = qy.add(wy.mul(qw).add(wz.mul(qx)).sub(wx.mul(qz)).mul(h));
            DoubleVector nz = qz.add(wz.mul(qw).add(wx.mul(qy)).sub(wy.mul(qx)).mul(h));
            DoubleVector inv = DoubleVector.broadcast(S, 1.0)
                    .div(nw.mul(nw).add(nx.mul(nx)).add(ny.mul(ny)).add(nz.mul(nz)).sqrt());
            nw.mul(inv).intoArray(ws.buf, Lanes.QW + m);
            nx.mul(inv).intoArray(ws.buf, Lanes.QX + m);
            ny.mul(inv).intoArray(ws.buf, Lanes.QY + m);
            nz.mul(inv).intoArray(ws.buf, Lanes.QZ + m);
        }
    }
}
