package org.crl4j.envs.spring;

/**
 * The state of N copies of a {@link SpringSystem} in maximal coordinates, structure of arrays: for each link its
 * centre of mass, orientation (unit quaternion w, x, y, z), linear and angular velocity in the world frame, at
 * index {@code env · numLinks + link} of one array per component (Brax's {@code x_i}, {@code xd_i}).
 *
 * <p>{@link #reset} places an environment from generalized coordinates q, qd by Brax's forward kinematics;
 * {@link #step} advances environments by one control step of the spring pipeline; {@link #readQ} and
 * {@link #readQd} recover q, qd by Brax's inverse kinematics, as observations need. Environments are independent;
 * a range of them may be stepped on any thread, given its own {@link #newWorkspace workspace}.
 */
public final class SpringBatch {

    final SpringSystem sys;
    final int numEnvs;
    final int numLinks;
    final double[] px, py, pz;     // centre of mass
    final double[] qw, qx, qy, qz; // orientation
    final double[] vx, vy, vz;     // linear velocity of the centre of mass
    final double[] wx, wy, wz;     // angular velocity
    final double[] markerQ;        // [N × markers' q] the slide coordinates of the markers
    private final int markerQSize;
    private final int[] markerQAdr, markerQdAdr; // per marker coordinate: its q and qd address
    private final SpringDynamics dynamics; // scalar reference, one environment at a time
    private final LaneDynamics lanes;      // the same substep, four environments at a time; null without the Vector API
    private final boolean vectorInverse;   // the step's q and qd come from the lanes (every model, with the Vector API)

    public SpringBatch(SpringSystem sys, int numEnvs) {
        this.sys = sys;
        this.numEnvs = numEnvs;
        this.numLinks = sys.numLinks;
        int n = numEnvs * numLinks;
        px = new double[n];
        py = new double[n];
        pz = new double[n];
        qw = new double[n];
        qx = new double[n];
        qy = new double[n];
        qz = new double[n];
        vx = new double[n];
        vy = new double[n];
        vz = new double[n];
        wx = new double[n];
        wy = new double[n];
        wz = new double[n];
        int mq = 0;
        for (SpringSystem.Marker m : sys.markers) {
            mq += m.qCount();
        }
        markerQSize = mq;
        markerQ = new double[numEnvs * mq];
        markerQAdr = new int[mq];
        markerQdAdr = new int[mq];
        int k = 0;
        for (SpringSystem.Marker m : sys.markers) {
            for (int j = 0; j < m.qCount(); j++, k++) {
                markerQAdr[k] = m.qAdr() + j;
                markerQdAdr[k] = m.qdAdr() + j;
            }
        }
        dynamics = new SpringDynamics(sys, this);
        // Without the Vector API (no module, or -Dcrl4j.simd=false) every step is the scalar reference, which the
        // vectorised step reproduces bit for bit (LaneDynamicsTest, HumanoidLanesTest, PusherLanesTest), one
        // environment at a time.
        lanes = org.crl4j.core.Simd.ENABLED ? new LaneDynamics(sys, this) : null;
        vectorInverse = lanes != null;
    }

    public SpringSystem system() {
        return sys;
    }

    public int numEnvs() {
        return numEnvs;
    }

    /** Scratch for stepping; use one per thread (or per fixed chunk of environments). */
    public Object newWorkspace() {
        return new LaneDynamics.Lanes(numLinks, sys.qdSize);
    }

    /** Every state array, by reference (for checkpoints). */
    public double[][] arrays() {
        return new double[][] {px, py, pz, qw, qx, qy, qz, vx, vy, vz, wx, wy, wz, markerQ};
    }

    /**
     * Advances environments [from, to) by one control step ({@link SpringSystem#substeps} substeps).
     * {@code ctrl[e · ctrlStride + a]} is motor a's control for environment e (clipped to its control range).
     */
    public void step(float[] ctrl, int ctrlStride, int from, int to, Object workspace) {
        if (lanes == null || numLinks > LaneDynamics.MAX_LINKS) {
            stepReference(ctrl, ctrlStride, from, to, ((LaneDynamics.Lanes) workspace).scalar);
            return;
        }
        lanes.step(ctrl, ctrlStride, from, to, (LaneDynamics.Lanes) workspace, null, null);
    }

    /**
     * {@link #step}, then environments [from, to)'s q and qd into {@code q[e · qSize ..]} and {@code qd[e · qdSize ..]}
     * (what {@link #readState} gives), computed four environments at a time where the model allows.
     */
    public void step(float[] ctrl, int ctrlStride, int from, int to, Object workspace, double[] q, double[] qd) {
        LaneDynamics.Lanes ws = (LaneDynamics.Lanes) workspace;
        if (vectorInverse && numLinks <= LaneDynamics.MAX_LINKS) {
            lanes.step(ctrl, ctrlStride, from, to, ws, q, qd);
            return;
        }
        step(ctrl, ctrlStride, from, to, workspace);
        for (int e = from; e < to; e++) {
            readState(e, q, e * sys.qSize, qd, e * sys.qdSize, ws);
        }
    }

    int markerQSize() {
        return markerQSize;
    }

    int markerQAdr(int k) {
        return markerQAdr[k];
    }

    int markerQdAdr(int k) {
        return markerQdAdr[k];
    }

    /**
     * {@link #step} by the scalar reference implementation ({@link SpringDynamics}, one environment at a time); the
     * vectorised step must reproduce it. For tests.
     */
    void stepReference(float[] ctrl, int ctrlStride, int from, int to) {
        stepReference(ctrl, ctrlStride, from, to, new Workspace(numLinks, sys.qdSize));
    }

    private void stepReference(float[] ctrl, int ctrlStride, int from, int to, Workspace ws) {
        for (int e = from; e < to; e++) {
            java.util.Arrays.fill(ws.tau, 0);
            for (int a = 0; a < sys.numMotors; a++) {
                double c = ctrl[e * ctrlStride + a];
                c = c < sys.ctrlLo[a] ? sys.ctrlLo[a] : c > sys.ctrlHi[a] ? sys.ctrlHi[a] : c;
                ws.tau[sys.motorDof[a]] += sys.gear[a] * c;
            }
            for (int k = 0; k < sys.substeps; k++) {
                dynamics.substep(e, ws);
            }
        }
    }

    // ---- forward kinematics ---------------------------------------------------------------------------------------

    /**
     * Places environment {@code env} at generalized coordinates q ({@link SpringSystem#qSize}) and velocities qd,
     * as Brax's {@code kinematics.forward} does: a free joint's quaternion is used as given (not normalised) while
     * the tree is built, and only the final orientations are normalised.
     */
    public void reset(int env, double[] q, double[] qd) {
        if (q.length != sys.qSize || qd.length != sys.qdSize) {
            throw new IllegalArgumentException("q and qd must have " + sys.qSize + " and " + sys.qdSize
                    + " entries, got " + q.length + " and " + qd.length);
        }
        int nl = numLinks;
        double[][] xpos = new double[nl][];
        double[][] xrot = new double[nl][];
        double[][] xvel = new double[nl][];
        double[][] xang = new double[nl][];
        for (int l = 0; l < nl; l++) {
            double[] jpos;
            double[] jrot;
            double[] jvel;
            double[] jang;
            double[] anchor = vec(sys.jointPos, l);
            int a = sys.qAdr[l];
            int d = sys.qdAdr[l];
            if (sys.free[l]) {
                jrot = new double[] {q[a + 3], q[a + 4], q[a + 5], q[a + 6]};
                jpos = Quat.add(new double[] {q[a], q[a + 1], q[a + 2]},
                        Quat.sub(anchor, Quat.rotate(jrot, anchor)));
                jvel = new double[] {qd[d], qd[d + 1], qd[d + 2]};
                jang = new double[] {qd[d + 3], qd[d + 4], qd[d + 5]};
            } else if (sys.slide[l]) {
                // slides on the world: j.pos = Σ m_k·q_k, then the body frame; Brax's root velocity stays unrotated
                jpos = new double[3];
                jvel = new double[3];
                for (int k = 0; k < 2; k++) {
                    double[] ak = java.util.Arrays.copyOfRange(sys.dofAxis, 9 * l + 3 * k, 9 * l + 3 * k + 3);
                    jpos = Quat.add(jpos, Quat.scale(ak, q[a + k]));
                    jvel = Quat.add(jvel, Quat.scale(ak, qd[d + k]));
                }
                double[] bq = quat(sys.bodyQuat, l);
                jpos = Quat.add(vec(sys.bodyPos, l), Quat.rotate(bq, jpos));
                jrot = bq;
                jang = new double[3];
            } else {
                // hinges stacked one after another (Brax: j = j ∘ j_k, jd.ang += rotate(a_k·qd_k, rot_k))
                double[] axis = java.util.Arrays.copyOfRange(sys.dofAxis, 9 * l, 9 * l + 3);
                jrot = Quat.normalized(Quat.axisAngle(axis, q[a]));
                jang = Quat.scale(axis, qd[d]);
                for (int k = 1; k < sys.dofs[l]; k++) {
                    double[] ak = java.util.Arrays.copyOfRange(sys.dofAxis, 9 * l + 3 * k, 9 * l + 3 * k + 3);
                    double[] rk = Quat.normalized(Quat.axisAngle(ak, q[a + k]));
                    jrot = Quat.mul(jrot, rk);
                    jang = Quat.add(jang, Quat.rotate(rk, Quat.scale(ak, qd[d + k])));
                }
                double[] p = Quat.sub(anchor, Quat.rotate(jrot, anchor));
                double[] bq = quat(sys.bodyQuat, l);
                jpos = Quat.add(vec(sys.bodyPos, l), Quat.rotate(bq, p));
                jrot = Quat.mul(bq, jrot);
                jvel = new double[3];
            }
            int p = sys.parent[l];
            if (p < 0) {
                xpos[l] = jpos;
                xrot[l] = jrot;
                xvel[l] = jvel;
                xang[l] = Quat.rotate(jrot, jang);
            } else {
                xpos[l] = Quat.add(xpos[p], Quat.rotate(xrot[p], jpos));
                xrot[l] = Quat.mul(xrot[p], jrot);
                xvel[l] = Quat.add(Quat.add(xvel[p], Quat.cross(xang[p], Quat.sub(xpos[l], xpos[p]))),
                        Quat.rotate(xrot[p], jvel));
                xang[l] = Quat.add(xang[p], Quat.rotate(xrot[l], jang));
            }
        }
        for (int l = 0; l < nl; l++) {
            double[] r = Quat.normalized(xrot[l]);
            double[] c = Quat.add(xpos[l], Quat.rotate(r, vec(sys.com, l)));
            double[] v = Quat.add(xvel[l], Quat.cross(xang[l], Quat.sub(c, xpos[l])));
            int i = env * nl + l;
            px[i] = c[0];
            py[i] = c[1];
            pz[i] = c[2];
            qw[i] = r[0];
            qx[i] = r[1];
            qy[i] = r[2];
            qz[i] = r[3];
            vx[i] = v[0];
            vy[i] = v[1];
            vz[i] = v[2];
            wx[i] = xang[l][0];
            wy[i] = xang[l][1];
            wz[i] = xang[l][2];
        }
        int off = env * markerQSize;
        for (SpringSystem.Marker m : sys.markers) {
            for (int k = 0; k < m.qCount(); k++) {
                markerQ[off++] = q[m.qAdr() + k];
            }
        }
    }

    // ---- inverse kinematics ---------------------------------------------------------------------------------------

    /**
     * Writes environment {@code env}'s q to {@code q[qOff ..]} and qd to {@code qd[qdOff ..]} (Brax's
     * {@code kinematics.inverse}), computing each link's rotation once; {@code workspace} is one from
     * {@link #newWorkspace} (its scratch is used), as for {@link #step}. The scalar reference of the inverse
     * kinematics (the private {@code inverse} below).
     */
    public void readState(int env, double[] q, int qOff, double[] qd, int qdOff, Object workspace) {
        LaneDynamics.Lanes ws = (LaneDynamics.Lanes) workspace;
        inverse(env, ws.ik, ws.scalar.hinge, q, qOff, qd, qdOff);
    }

    /**
     * Writes environment {@code env}'s q (Brax {@code kinematics.inverse}) to {@code out[off ..]}: {@link #readState}'s
     * values. Allocates scratch; for resets and tools (the step hands back q and qd itself).
     */
    public void readQ(int env, double[] out, int off) {
        inverse(env, new double[9 * (numLinks + 1)], new double[StackedHinges.SIZE], out, off, new double[sys.qdSize],
                0);
    }

    /** Writes environment {@code env}'s qd to {@code out[off ..]}: {@link #readState}'s values; allocates, as readQ. */
    public void readQd(int env, double[] out, int off) {
        inverse(env, new double[9 * (numLinks + 1)], new double[StackedHinges.SIZE], new double[sys.qSize], 0, out,
                off);
    }

    /**
     * The inverse kinematics of environment {@code env}, q to {@code q[qOff ..]} and qd to {@code qd[qdOff ..]}, with
     * {@code rm} ({@code 9 · (numLinks + 1)}) as scratch for the link rotations (and last, a rotated hinge's parent
     * side) and {@code hinge} for stacked hinges: the scalar reference. The one other
     * implementation, {@code LaneDynamics.inverse} (four environments at a time, behind {@link #step} with q and qd),
     * performs the same operations lanewise and must give the same bits (InverseKinematicsTest, LaneDynamicsTest).
     */
    private void inverse(int env, double[] rm, double[] hinge, double[] q, int qOff, double[] qd, int qdOff) {
        int nl = numLinks;
        for (int l = 0; l < nl; l++) {
            int i = env * nl + l;
            Quat.matrix(qw[i], qx[i], qy[i], qz[i], rm, 9 * l);
        }
        for (int l = 0; l < nl; l++) {
            int i = env * nl + l;
            int r = 9 * l;
            double m0 = rm[r], m1 = rm[r + 1], m2 = rm[r + 2], m3 = rm[r + 3], m4 = rm[r + 4], m5 = rm[r + 5];
            double m6 = rm[r + 6], m7 = rm[r + 7], m8 = rm[r + 8];
            if (sys.free[l]) {
                // the frame origin, the quaternion as stored; the origin's velocity, ω in the body frame
                double cx = sys.com[3 * l], cy = sys.com[3 * l + 1], cz = sys.com[3 * l + 2];
                double dx = -(m0 * cx + m1 * cy + m2 * cz);
                double dy = -(m3 * cx + m4 * cy + m5 * cz);
                double dz = -(m6 * cx + m7 * cy + m8 * cz);
                int a = qOff + sys.qAdr[l];
                q[a] = px[i] + dx;
                q[a + 1] = py[i] + dy;
                q[a + 2] = pz[i] + dz;
                q[a + 3] = qw[i];
                q[a + 4] = qx[i];
                q[a + 5] = qy[i];
                q[a + 6] = qz[i];
                int d = qdOff + sys.qdAdr[l];
                qd[d] = vx[i] + wy[i] * dz - wz[i] * dy;
                qd[d + 1] = vy[i] + wz[i] * dx - wx[i] * dz;
                qd[d + 2] = vz[i] + wx[i] * dy - wy[i] * dx;
                qd[d + 3] = m0 * wx[i] + m3 * wy[i] + m6 * wz[i];
                qd[d + 4] = m1 * wx[i] + m4 * wy[i] + m7 * wz[i];
                qd[d + 5] = m2 * wx[i] + m5 * wy[i] + m8 * wz[i];
                continue;
            }
            int p = sys.parent[l];
            if (sys.slide[l]) {
                // a_c − a_p (the parent is the world) and the frame origin's velocity
                double jx = sys.jointPos[3 * l], jy = sys.jointPos[3 * l + 1], jz = sys.jointPos[3 * l + 2];
                double cx = sys.com[3 * l], cy = sys.com[3 * l + 1], cz = sys.com[3 * l + 2];
                double ox = px[i] - (m0 * cx + m1 * cy + m2 * cz);
                double oy = py[i] - (m3 * cx + m4 * cy + m5 * cz);
                double oz = pz[i] - (m6 * cx + m7 * cy + m8 * cz);
                double dx = ox + m0 * jx + m1 * jy + m2 * jz - sys.anchorOffset[3 * l];
                double dy = oy + m3 * jx + m4 * jy + m5 * jz - sys.anchorOffset[3 * l + 1];
                double dz = oz + m6 * jx + m7 * jy + m8 * jz - sys.anchorOffset[3 * l + 2];
                double rx = ox - px[i], ry = oy - py[i], rz = oz - pz[i];
                SlideJoint.inverse(sys, l, dx, dy, dz, vx[i] + wy[i] * rz - wz[i] * ry, vy[i] + wz[i] * rx - wx[i] * rz,
                        vz[i] + wx[i] * ry - wy[i] * rx, q, qOff + sys.qAdr[l], qd, qdOff + sys.qdAdr[l]);
                continue;
            }
            if (sys.dofs[l] > 1) {
                // stacked hinges: their parent is a link (SpringSystem refuses stacked hinges on the world)
                int ip = env * nl + p;
                StackedHinges.frames(sys, l, rm, 9 * p, rm, r, hinge);
                StackedHinges.inverse(sys, l, hinge, wx[i] - wx[ip], wy[i] - wy[ip], wz[i] - wz[ip],
                        q, qOff + sys.qAdr[l], qd, qdOff + sys.qdAdr[l]);
                continue;
            }
            if (p < 0) {
                readRootHinge(env, l, q, qOff, true);
                readRootHinge(env, l, qd, qdOff, false);
                continue;
            }
            // a hinge on a parent link: parent-side rotation R_ap = R_parent, or R_parent · R_body when rotated
            int ip = env * nl + p;
            int rp = 9 * p;
            if (!sys.bodyRotIdentity[l]) {
                matMulInto(rm, rp, sys.bodyRot, 9 * l, rm, 9 * nl);
                rp = 9 * nl;
            }
            double r0 = rm[rp], r1 = rm[rp + 1], r2 = rm[rp + 2], r3 = rm[rp + 3], r4 = rm[rp + 4];
            double r5 = rm[rp + 5], r6 = rm[rp + 6], r7 = rm[rp + 7], r8 = rm[rp + 8];
            double a1x = sys.axis1[3 * l], a1y = sys.axis1[3 * l + 1], a1z = sys.axis1[3 * l + 2];
            double a2x = sys.axis2[3 * l], a2y = sys.axis2[3 * l + 1], a2z = sys.axis2[3 * l + 2];
            double c2x = m0 * a2x + m1 * a2y + m2 * a2z;
            double c2y = m3 * a2x + m4 * a2y + m5 * a2z;
            double c2z = m6 * a2x + m7 * a2y + m8 * a2z;
            double u1x = r0 * a1x + r1 * a1y + r2 * a1z;
            double u1y = r3 * a1x + r4 * a1y + r5 * a1z;
            double u1z = r6 * a1x + r7 * a1y + r8 * a1z;
            double u2x = r0 * a2x + r1 * a2y + r2 * a2z;
            double u2y = r3 * a2x + r4 * a2y + r5 * a2z;
            double u2z = r6 * a2x + r7 * a2y + r8 * a2z;
            q[qOff + sys.qAdr[l]] = Angles.atan2(-(c2x * u1x + c2y * u1y + c2z * u1z),
                    c2x * u2x + c2y * u2y + c2z * u2z);
            double a0x = sys.axis0[3 * l], a0y = sys.axis0[3 * l + 1], a0z = sys.axis0[3 * l + 2];
            double c0x = m0 * a0x + m1 * a0y + m2 * a0z;
            double c0y = m3 * a0x + m4 * a0y + m5 * a0z;
            double c0z = m6 * a0x + m7 * a0y + m8 * a0z;
            qd[qdOff + sys.qdAdr[l]] = c0x * (wx[i] - wx[ip]) + c0y * (wy[i] - wy[ip]) + c0z * (wz[i] - wz[ip]);
        }
        int k = env * markerQSize;
        for (int j = 0; j < markerQSize; j++, k++) {
            q[qOff + markerQAdr[j]] = markerQ[k];
            qd[qdOff + markerQdAdr[j]] = 0;
        }
    }

    /**
     * Environments [from, to)'s q and qd into {@code q[e · qSize ..]} and {@code qd[e · qdSize ..]} by the lanewise
     * inverse kinematics alone, without a step; for tests against {@link #readState}. Needs the Vector API and a
     * model it covers ({@link #hasVectorInverse}).
     */
    void readStatesLanewise(int from, int to, Object workspace, double[] q, double[] qd) {
        if (!vectorInverse) {
            throw new IllegalStateException("no lanewise inverse kinematics here (Vector API off, or model not covered)");
        }
        lanes.inverseOnly(from, to, (LaneDynamics.Lanes) workspace, q, qd);
    }

    /** Whether {@link #step} with q and qd uses the lanewise inverse kinematics. */
    boolean hasVectorInverse() {
        return vectorInverse;
    }

    /** A hinge on the world (the pusher's shoulder pan); allocates, as readQ does. */
    private void readRootHinge(int env, int l, double[] out, int off, boolean positions) {
        int nl = numLinks;
        int i = env * nl + l;
        double[] r = rotation(i);
        double[] parentSide = parentRotation(env, l); // Rap = R_parent · R_body
        if (positions) {
            double[] ua2 = mulVec(r, sys.axis2, l);
            double[] pa1 = mulVec(parentSide, sys.axis1, l);
            double[] pa2 = mulVec(parentSide, sys.axis2, l);
            out[off + sys.qAdr[l]] = Angles.atan2(-Quat.dot(ua2, pa1), Quat.dot(ua2, pa2));
            return;
        }
        int p = sys.parent[l];
        double[] ua0 = mulVec(r, sys.axis0, l);
        double dwx = wx[i] - (p < 0 ? 0 : wx[env * nl + p]);
        double dwy = wy[i] - (p < 0 ? 0 : wy[env * nl + p]);
        double dwz = wz[i] - (p < 0 ? 0 : wz[env * nl + p]);
        double rate = ua0[0] * dwx + ua0[1] * dwy + ua0[2] * dwz;
        if (p < 0) {
            // Brax expresses a root hinge's relative rate once more in the joint's frame first
            double[] rel = transposeMulVec(parentSide, new double[] {dwx, dwy, dwz});
            double[] m = transposeMulVec(parentSide, ua0);
            double[] back = transposeMulVec(relRotation(parentSide, r), rel);
            rate = Quat.dot(m, back);
        }
        out[off + sys.qdAdr[l]] = rate;
    }

    // ---- queries --------------------------------------------------------------------------------------------------

    /** World position of link {@code l}'s frame origin. */
    public double[] linkOrigin(int env, int l) {
        int i = env * numLinks + l;
        double[] r = rotation(i);
        double[] c = vec(sys.com, l);
        return new double[] {
            px[i] - (r[0] * c[0] + r[1] * c[1] + r[2] * c[2]),
            py[i] - (r[3] * c[0] + r[4] * c[1] + r[5] * c[2]),
            pz[i] - (r[6] * c[0] + r[7] * c[1] + r[8] * c[2])};
    }

    /** World position of the point {@code local} (link frame) of link {@code l}. */
    public double[] linkPoint(int env, int l, double[] local) {
        int i = env * numLinks + l;
        double[] r = rotation(i);
        double[] o = linkOrigin(env, l);
        return new double[] {
            o[0] + r[0] * local[0] + r[1] * local[1] + r[2] * local[2],
            o[1] + r[3] * local[0] + r[4] * local[1] + r[5] * local[2],
            o[2] + r[6] * local[0] + r[7] * local[1] + r[8] * local[2]};
    }

    /**
     * The two ends of link l's geom {@code g} (a capsule's segment; a sphere's centre twice) in the world, for
     * drawing.
     */
    public double[][] geomEnds(int env, int l, MjcfModel.Geom g) {
        double[] h = g.halfAxis(), p = g.pos();
        return new double[][] {linkPoint(env, l, new double[] {p[0] + h[0], p[1] + h[1], p[2] + h[2]}),
            linkPoint(env, l, new double[] {p[0] - h[0], p[1] - h[1], p[2] - h[2]})};
    }

    /** World centre of link geom {@code g} of {@link SpringSystem#contacts}. */
    public double[] geomCentre(int env, int g) {
        ContactModel cm = sys.contacts;
        return linkPoint(env, cm.geomLink[g], vec(cm.localPos, g));
    }

    /**
     * Points along geom g's core in world coordinates: its centre, and for a capsule also points spaced along its
     * axis out to both ends (a sphere of the geom's radius around each lies inside the geom). For tests.
     */
    public double[][] geomCorePoints(int env, int g, int perHalf) {
        ContactModel cm = sys.contacts;
        if (!cm.capsule[g]) {
            return new double[][] {geomCentre(env, g)};
        }
        double[][] out = new double[2 * perHalf + 1][];
        for (int k = -perHalf; k <= perHalf; k++) {
            double s = cm.halfLength[g] * k / perHalf;
            double[] local = new double[3];
            for (int i = 0; i < 3; i++) {
                local[i] = cm.localPos[3 * g + i] + s * cm.localAxis[3 * g + i];
            }
            out[k + perHalf] = linkPoint(env, cm.geomLink[g], local);
        }
        return out;
    }

    /**
     * Every link's centre of mass, its velocity and angular velocity (world frame) for environment {@code env}:
     * {@code out[off + 9·l ..]} = px, py, pz, vx, vy, vz, ωx, ωy, ωz (Brax's {@code x_i.pos}, {@code xd_i}).
     */
    public void readLinkStates(int env, double[] out, int off) {
        for (int l = 0; l < numLinks; l++) {
            int i = env * numLinks + l, o = off + 9 * l;
            out[o] = px[i];
            out[o + 1] = py[i];
            out[o + 2] = pz[i];
            out[o + 3] = vx[i];
            out[o + 4] = vy[i];
            out[o + 5] = vz[i];
            out[o + 6] = wx[i];
            out[o + 7] = wy[i];
            out[o + 8] = wz[i];
        }
    }

    /**
     * How deep environment {@code env}'s geoms reach into the static boxes (maze walls), by brute force along every
     * capsule's core: the largest radius − clearance, negative when nothing touches. For tests and diagnostics.
     */
    public double wallDepth(int env) {
        ContactModel cm = sys.contacts;
        double worst = Double.NEGATIVE_INFINITY;
        for (int g = 0; g < cm.numGeoms(); g++) {
            for (double[] c : geomCorePoints(env, g, 4)) {
                worst = Math.max(worst, cm.geomRadius(g) - cm.wallClearance(g, c[0], c[1], c[2]));
            }
        }
        return worst;
    }

    /** Centre of mass of link l: x, y, z. */
    public double comX(int env, int l) {
        return px[env * numLinks + l];
    }

    public double comY(int env, int l) {
        return py[env * numLinks + l];
    }

    public double comZ(int env, int l) {
        return pz[env * numLinks + l];
    }

    /** Total linear momentum of environment {@code env} (spring masses). */
    public double[] momentum(int env) {
        double[] m = new double[3];
        for (int l = 0; l < numLinks; l++) {
            int i = env * numLinks + l;
            m[0] += sys.mass[l] * vx[i];
            m[1] += sys.mass[l] * vy[i];
            m[2] += sys.mass[l] * vz[i];
        }
        return m;
    }

    /** Kinetic energy of environment {@code env} (spring masses, unit rotational inertia). */
    public double kineticEnergy(int env) {
        double k = 0;
        for (int l = 0; l < numLinks; l++) {
            int i = env * numLinks + l;
            k += 0.5 * sys.mass[l] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i])
                    + 0.5 * (wx[i] * wx[i] + wy[i] * wy[i] + wz[i] * wz[i]);
        }
        return k;
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    double[] rotation(int i) {
        return Quat.matrix(new double[] {qw[i], qx[i], qy[i], qz[i]});
    }

    private double[] parentRotation(int env, int l) {
        int p = sys.parent[l];
        if (p < 0) {
            return rootParentSide(sys, l);
        }
        return matMul(rotation(env * numLinks + p), java.util.Arrays.copyOfRange(sys.bodyRot, 9 * l, 9 * l + 9));
    }

    /**
     * The parent side {@code R_ap = I · R_body} of root link l's joint as the inverse kinematics computes it (the
     * product formed, as for any parent); {@code LaneDynamics} takes its root hinges' constants from here.
     */
    static double[] rootParentSide(SpringSystem sys, int l) {
        return matMul(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1},
                java.util.Arrays.copyOfRange(sys.bodyRot, 9 * l, 9 * l + 9));
    }

    private static double[] relRotation(double[] rap, double[] rc) {
        // Rap^T · Rc
        double[] t = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                t[3 * i + j] = rap[i] * rc[j] + rap[3 + i] * rc[3 + j] + rap[6 + i] * rc[6 + j];
            }
        }
        return t;
    }

    private static double[] matMul(double[] a, double[] b) {
        double[] c = new double[9];
        matMulInto(a, 0, b, 0, c, 0);
        return c;
    }

    /** {@code c[co ..] = a[ao ..] · b[bo ..]} (row-major 3×3); {@code StackedLanes.parentSide} repeats it lanewise. */
    private static void matMulInto(double[] a, int ao, double[] b, int bo, double[] c, int co) {
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                c[co + 3 * i + j] = a[ao + 3 * i] * b[bo + j] + a[ao + 3 * i + 1] * b[bo + 3 + j]
                        + a[ao + 3 * i + 2] * b[bo + 6 + j];
            }
        }
    }

    /** {@code m · arr[3l ..]} (row-major 3×3 times link l's vector). */
    static double[] mulVec(double[] m, double[] arr, int l) {
        double x = arr[3 * l], y = arr[3 * l + 1], z = arr[3 * l + 2];
        return new double[] {m[0] * x + m[1] * y + m[2] * z, m[3] * x + m[4] * y + m[5] * z,
            m[6] * x + m[7] * y + m[8] * z};
    }

    private static double[] transposeMulVec(double[] m, double[] v) {
        return new double[] {m[0] * v[0] + m[3] * v[1] + m[6] * v[2], m[1] * v[0] + m[4] * v[1] + m[7] * v[2],
            m[2] * v[0] + m[5] * v[1] + m[8] * v[2]};
    }

    static double[] vec(double[] arr, int l) {
        return new double[] {arr[3 * l], arr[3 * l + 1], arr[3 * l + 2]};
    }

    private static double[] quat(double[] arr, int l) {
        return new double[] {arr[4 * l], arr[4 * l + 1], arr[4 * l + 2], arr[4 * l + 3]};
    }
}
