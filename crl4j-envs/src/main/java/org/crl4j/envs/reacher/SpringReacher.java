package org.crl4j.envs.reacher;

import org.crl4j.core.Parallel;
import org.crl4j.envs.EnvSpec;

import static org.crl4j.envs.reacher.ReacherGeometry.COM0;
import static org.crl4j.envs.reacher.ReacherGeometry.COM1;
import static org.crl4j.envs.reacher.ReacherGeometry.ELBOW;
import static org.crl4j.envs.reacher.ReacherGeometry.HEIGHT;
import static org.crl4j.envs.reacher.ReacherGeometry.MASS0;
import static org.crl4j.envs.reacher.ReacherGeometry.MASS1;
import static org.crl4j.envs.reacher.ReacherGeometry.TARGET_MASS;
import static org.crl4j.envs.reacher.ReacherGeometry.TIP;

/**
 * The reacher under a port of Brax's spring pipeline ({@code brax/spring}: maximal coordinates, joints as stiff
 * springs, semi-implicit Euler), restricted to what this model does.
 *
 * <p>Each link is a rigid body with its centre of mass, orientation and velocities as state. Per substep: the
 * shoulder anchor (link 0's origin) is pulled to the fixed pivot and the elbow anchor (link 1's origin) to the
 * point 0.1 along link 0 by springs with velocity damping; each joint applies its motor torque gear·action and
 * the damping −c·(ω_child − ω_parent) to the child and the opposite to the parent, forces acting at the anchors;
 * past ±3 rad the elbow's limit spring acts on the wrapped relative angle (so, as in Brax, a hard enough push
 * carries the elbow through ±π). Velocities are updated first, then positions with the new velocities; the
 * orientation advances as Brax's normalised quaternion update does, by 2·atan(ω·dt/2).
 *
 * <p>Out of the plane only vertical translation is kept: every body sags under gravity on the vertical part of its
 * joint spring (the target too, by about 3 mm, so the goal's z drifts from 0.01 to about 0.007 in the first steps).
 * The links' tilt (≲1e-4 rad: the vertical anchor forces' moments against the 1000 N·m/rad alignment springs)
 * and its effect on heights (≲2e-5 m) are left out; it would reach the planar motion only at second order (with
 * identity rotational inertia there is no gyroscopic coupling).
 */
public final class SpringReacher extends Reacher {

    private final SpringModel model;

    // link 0: COM position, orientation (cos, sin), COM velocity, angular velocity, height, vertical velocity
    private final double[] cx0, cy0, c0, s0, vx0, vy0, w0, z0, vz0;
    // link 1, the same
    private final double[] cx1, cy1, c1, s1, vx1, vy1, w1, z1, vz1;
    // target vertical velocity (its height is Reacher.targetZ)
    private final double[] vzt;
    // motor torques of the current control step
    private final double[] tau0, tau1;

    public SpringReacher(int numEnvs, Parallel pool, ResetMode resetMode) {
        this(SPEC, numEnvs, pool, resetMode, SpringModel.brax());
    }

    public SpringReacher(EnvSpec spec, int numEnvs, Parallel pool, ResetMode resetMode, SpringModel model) {
        super(spec, numEnvs, pool, resetMode);
        this.model = model;
        cx0 = new double[numEnvs];
        cy0 = new double[numEnvs];
        c0 = new double[numEnvs];
        s0 = new double[numEnvs];
        vx0 = new double[numEnvs];
        vy0 = new double[numEnvs];
        w0 = new double[numEnvs];
        z0 = new double[numEnvs];
        vz0 = new double[numEnvs];
        cx1 = new double[numEnvs];
        cy1 = new double[numEnvs];
        c1 = new double[numEnvs];
        s1 = new double[numEnvs];
        vx1 = new double[numEnvs];
        vy1 = new double[numEnvs];
        w1 = new double[numEnvs];
        z1 = new double[numEnvs];
        vz1 = new double[numEnvs];
        vzt = new double[numEnvs];
        tau0 = new double[numEnvs];
        tau1 = new double[numEnvs];
    }

    public SpringModel model() {
        return model;
    }

    @Override
    protected double[][] physicalState() {
        return new double[][] {targetX, targetY, targetZ, cx0, cy0, c0, s0, vx0, vy0, w0, z0, vz0,
                cx1, cy1, c1, s1, vx1, vy1, w1, z1, vz1, vzt, tau0, tau1};
    }

    @Override
    protected void place(int i, double q0, double q1, double qd0, double qd1) {
        double ca = Math.cos(q0), sa = Math.sin(q0);
        double cb = Math.cos(q0 + q1), sb = Math.sin(q0 + q1);
        double wa = qd0, wb = qd0 + qd1;
        c0[i] = ca;
        s0[i] = sa;
        cx0[i] = COM0 * ca;
        cy0[i] = COM0 * sa;
        vx0[i] = -wa * cy0[i];
        vy0[i] = wa * cx0[i];
        w0[i] = wa;
        double ex = ELBOW * ca, ey = ELBOW * sa;
        c1[i] = cb;
        s1[i] = sb;
        cx1[i] = ex + COM1 * cb;
        cy1[i] = ey + COM1 * sb;
        // elbow velocity from link 0's rotation, plus link 1's rotation about the elbow
        vx1[i] = -wa * ey - wb * COM1 * sb;
        vy1[i] = wa * ex + wb * COM1 * cb;
        w1[i] = wb;
        z0[i] = HEIGHT;
        z1[i] = HEIGHT;
        vz0[i] = 0;
        vz1[i] = 0;
        vzt[i] = 0;
    }

    @Override
    protected void simulate(float[] actions, int from, int to) {
        final SpringModel m = model;
        final double gear = m.gear();
        for (int i = from; i < to; i++) {
            tau0[i] = gear * actions[2 * i];
            tau1[i] = gear * actions[2 * i + 1];
        }
        // substeps outside, environments inside: the environments are independent, so the CPU overlaps them
        for (int k = 0; k < m.substeps(); k++) {
            substep(from, to);
        }
        // keep the orientations unit length against rounding (one Newton step towards |z| = 1)
        for (int i = from; i < to; i++) {
            double f0 = 1.5 - 0.5 * (c0[i] * c0[i] + s0[i] * s0[i]);
            double f1 = 1.5 - 0.5 * (c1[i] * c1[i] + s1[i] * s1[i]);
            c0[i] *= f0;
            s0[i] *= f0;
            c1[i] *= f1;
            s1[i] *= f1;
        }
    }

    /** One substep of Brax's spring pipeline for environments [from, to). */
    private void substep(int from, int to) {
        final SpringModel m = model;
        final double dt = m.timestep();
        final double k0 = m.stiffness0(), k1 = m.stiffness1(), kt = m.targetStiffness();
        final double d0 = m.velDamping0(), d1 = m.velDamping1(), dtg = m.targetVelDamping();
        final double ca = m.angDamping(), kl = m.limitStiffness();
        final double im0 = dt / MASS0, im1 = dt / MASS1, imt = dt / TARGET_MASS, ii = dt / m.rotorInertia();
        final double gdt = m.gravity() * dt;
        final double halfDt = 0.5 * dt;
        for (int i = from; i < to; i++) {
            double pcx0 = cx0[i], pcy0 = cy0[i], pc0 = c0[i], ps0 = s0[i];
            double pvx0 = vx0[i], pvy0 = vy0[i], pw0 = w0[i], pz0 = z0[i], pvz0 = vz0[i];
            double pcx1 = cx1[i], pcy1 = cy1[i], pc1 = c1[i], ps1 = s1[i];
            double pvx1 = vx1[i], pvy1 = vy1[i], pw1 = w1[i], pz1 = z1[i], pvz1 = vz1[i];
            double pzt = targetZ[i], pvzt = vzt[i];
            // lever arms from the COMs to the anchors: link origins and the elbow point on link 0
            double rx0 = -COM0 * pc0, ry0 = -COM0 * ps0;
            double ex0 = (ELBOW - COM0) * pc0, ey0 = (ELBOW - COM0) * ps0;
            double rx1 = -COM1 * pc1, ry1 = -COM1 * ps1;
            // anchor velocities v + ω × r
            double ux0 = pvx0 - pw0 * ry0, uy0 = pvy0 + pw0 * rx0;
            double upx = pvx0 - pw0 * ey0, upy = pvy0 + pw0 * ex0;
            double ux1 = pvx1 - pw1 * ry1, uy1 = pvy1 + pw1 * rx1;
            // shoulder: spring and damper pulling link 0's origin to the pivot at (0, 0)
            double fx0 = -k0 * (pcx0 + rx0) - d0 * ux0;
            double fy0 = -k0 * (pcy0 + ry0) - d0 * uy0;
            double t0 = tau0[i] - ca * pw0;
            // elbow: link 1's origin to the elbow point of link 0
            double fx1 = -k1 * (pcx1 + rx1 - pcx0 - ex0) - d1 * (ux1 - upx);
            double fy1 = -k1 * (pcy1 + ry1 - pcy0 - ey0) - d1 * (uy1 - upy);
            double cq = pc0 * pc1 + ps0 * ps1, sq = pc0 * ps1 - ps0 * pc1;
            double t1 = tau1[i] - ca * (pw1 - pw0) - kl * elbowExcess(cq, sq);
            // net torques about the COMs (2-d cross r × f = rx fy − ry fx)
            double tl0 = t0 + (rx0 * fy0 - ry0 * fx0) - t1 - (ex0 * fy1 - ey0 * fx1);
            double tl1 = t1 + (rx1 * fy1 - ry1 * fx1);
            // vertical: each body hangs on the vertical part of its joint spring
            double fz0 = -k0 * (pz0 - HEIGHT) - d0 * pvz0;
            double fz1 = -k1 * (pz1 - pz0) - d1 * (pvz1 - pvz0);
            double fzt = -kt * (pzt - HEIGHT) - dtg * pvzt;
            // velocities first (semi-implicit Euler)
            pvx0 += (fx0 - fx1) * im0;
            pvy0 += (fy0 - fy1) * im0;
            pw0 += tl0 * ii;
            pvz0 += (fz0 - fz1) * im0 - gdt;
            pvx1 += fx1 * im1;
            pvy1 += fy1 * im1;
            pw1 += tl1 * ii;
            pvz1 += fz1 * im1 - gdt;
            pvzt += fzt * imt - gdt;
            // then positions with the new velocities
            cx0[i] = pcx0 + pvx0 * dt;
            cy0[i] = pcy0 + pvy0 * dt;
            z0[i] = pz0 + pvz0 * dt;
            cx1[i] = pcx1 + pvx1 * dt;
            cy1[i] = pcy1 + pvy1 * dt;
            z1[i] = pz1 + pvz1 * dt;
            targetZ[i] = pzt + pvzt * dt;
            vx0[i] = pvx0;
            vy0[i] = pvy0;
            w0[i] = pw0;
            vz0[i] = pvz0;
            vx1[i] = pvx1;
            vy1[i] = pvy1;
            w1[i] = pw1;
            vz1[i] = pvz1;
            vzt[i] = pvzt;
            // quaternion q <- normalise(q + dt/2 (0, w) q): a turn by 2 atan(w dt/2), exactly, as a unit complex
            double h0 = pw0 * halfDt, h1 = pw1 * halfDt;
            double g0 = 1.0 + h0 * h0, g1 = 1.0 + h1 * h1;
            double inv = 1.0 / (g0 * g1); // one division for both links
            double n0 = inv * g1, n1 = inv * g0;
            double rc0 = (2.0 - g0) * n0, rs0 = 2.0 * h0 * n0;
            double rc1 = (2.0 - g1) * n1, rs1 = 2.0 * h1 * n1;
            c0[i] = pc0 * rc0 - ps0 * rs0;
            s0[i] = ps0 * rc0 + pc0 * rs0;
            c1[i] = pc1 * rc1 - ps1 * rs1;
            s1[i] = ps1 * rc1 + pc1 * rs1;
        }
    }

    @Override
    protected void writeState(int i, float[] out, int off) {
        double a = c0[i], b = s0[i], c = c1[i], s = s1[i], w = w1[i];
        out[off] = (float) a;
        out[off + 1] = (float) (a * c + b * s);
        out[off + 2] = (float) b;
        out[off + 3] = (float) (a * s - b * c);
        // fingertip: 0.11 along link 1 from its origin, which is COM1 behind its COM
        out[off + 4] = (float) (cx1[i] + (TIP - COM1) * c);
        out[off + 5] = (float) (cy1[i] + (TIP - COM1) * s);
        out[off + 6] = (float) z1[i];
        // JaxGCRL's tip velocity: link 1 origin velocity + ω × (0.11, 0, 0) in world axes
        out[off + 7] = (float) (vx1[i] + COM1 * w * s);
        out[off + 8] = (float) (vy1[i] - COM1 * w * c + TIP * w);
        out[off + 9] = (float) vz1[i];
    }

    /** Joint angles as Brax's inverse kinematics reports them (each in (−π, π]). */
    double shoulderAngle(int i) {
        return Math.atan2(s0[i], c0[i]);
    }

    double elbowAngle(int i) {
        return Math.atan2(c0[i] * s1[i] - s0[i] * c1[i], c0[i] * c1[i] + s0[i] * s1[i]);
    }

    /** How far the elbow anchor has pulled away from link 0's end (m): the joint springs' give. */
    double elbowGap(int i) {
        double ox1 = cx1[i] - COM1 * c1[i], oy1 = cy1[i] - COM1 * s1[i];
        double px = cx0[i] + (ELBOW - COM0) * c0[i], py = cy0[i] + (ELBOW - COM0) * s0[i];
        return Math.hypot(ox1 - px, oy1 - py);
    }

    /** How far link 0's origin has pulled away from the shoulder pivot (m). */
    double shoulderGap(int i) {
        return Math.hypot(cx0[i] - COM0 * c0[i], cy0[i] - COM0 * s0[i]);
    }

    @Override
    public double energy(int i) {
        SpringModel m = model;
        double kinetic = 0.5 * MASS0 * (vx0[i] * vx0[i] + vy0[i] * vy0[i] + vz0[i] * vz0[i])
                + 0.5 * MASS1 * (vx1[i] * vx1[i] + vy1[i] * vy1[i] + vz1[i] * vz1[i])
                + 0.5 * m.rotorInertia() * (w0[i] * w0[i] + w1[i] * w1[i])
                + 0.5 * TARGET_MASS * vzt[i] * vzt[i];
        double ox0 = cx0[i] - COM0 * c0[i], oy0 = cy0[i] - COM0 * s0[i];
        double ox1 = cx1[i] - COM1 * c1[i], oy1 = cy1[i] - COM1 * s1[i];
        double px = cx0[i] + (ELBOW - COM0) * c0[i], py = cy0[i] + (ELBOW - COM0) * s0[i];
        double dz0 = z0[i] - HEIGHT, dz1 = z1[i] - z0[i], dzt = targetZ[i] - HEIGHT;
        double springs = 0.5 * m.stiffness0() * (ox0 * ox0 + oy0 * oy0 + dz0 * dz0)
                + 0.5 * m.stiffness1() * ((ox1 - px) * (ox1 - px) + (oy1 - py) * (oy1 - py) + dz1 * dz1)
                + 0.5 * m.targetStiffness() * dzt * dzt;
        double cq = c0[i] * c1[i] + s0[i] * s1[i], sq = c0[i] * s1[i] - s0[i] * c1[i];
        double excess = elbowExcess(cq, sq);
        double limit = 0.5 * m.limitStiffness() * excess * excess;
        double gravity = m.gravity() * (MASS0 * z0[i] + MASS1 * z1[i] + TARGET_MASS * targetZ[i]);
        return kinetic + springs + limit + gravity;
    }
}
