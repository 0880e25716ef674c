package org.crl4j.envs.reacher;

import org.crl4j.core.Parallel;
import org.crl4j.envs.EnvSpec;

import static org.crl4j.envs.reacher.ReacherGeometry.COM0;
import static org.crl4j.envs.reacher.ReacherGeometry.COM1;
import static org.crl4j.envs.reacher.ReacherGeometry.ELBOW;
import static org.crl4j.envs.reacher.ReacherGeometry.ELBOW_LIMIT;
import static org.crl4j.envs.reacher.ReacherGeometry.HEIGHT;
import static org.crl4j.envs.reacher.ReacherGeometry.MASS0;
import static org.crl4j.envs.reacher.ReacherGeometry.MASS1;
import static org.crl4j.envs.reacher.ReacherGeometry.TIP;

/**
 * The reacher as an exact articulated 2-link chain in joint coordinates (q0 shoulder, q1 elbow relative to link 0):
 * M(q)·q̈ = τ − D·q̇ + c(q, q̇) − limit, with the planar mass matrix of two rigid links (masses and centres of mass
 * of {@link ReacherGeometry}, inertias and armature of the {@link ArticulatedModel}), Coriolis/centrifugal forces
 * c, and semi-implicit Euler with the damping taken implicitly: (M + dt·D)·q̇' = M·q̇ + dt·(τ + c − limit),
 * q' = q + dt·q̇'. Rigid, so the fingertip sits exactly at the forward kinematics of the angles, at height 0.01.
 */
public final class ArticulatedReacher extends Reacher {

    private final ArticulatedModel model;
    private final double[] q0, q1, qd0, qd1;

    // constant parts of the mass matrix: M00 = a + b·cos q1, M01 = c + e·cos q1, M11 = d, with h = e·sin q1
    private final double mA, mB, mC, mD, mE;

    public ArticulatedReacher(int numEnvs, Parallel pool, ResetMode resetMode, ArticulatedModel model) {
        this(SPEC, numEnvs, pool, resetMode, model);
    }

    public ArticulatedReacher(EnvSpec spec, int numEnvs, Parallel pool, ResetMode resetMode,
                              ArticulatedModel model) {
        super(spec, numEnvs, pool, resetMode);
        this.model = model;
        q0 = new double[numEnvs];
        q1 = new double[numEnvs];
        qd0 = new double[numEnvs];
        qd1 = new double[numEnvs];
        double link1AboutElbow = model.inertia1() + MASS1 * COM1 * COM1;
        mE = MASS1 * ELBOW * COM1;
        mA = model.inertia0() + MASS0 * COM0 * COM0 + link1AboutElbow + MASS1 * ELBOW * ELBOW + model.armature();
        mB = 2 * mE;
        mC = link1AboutElbow;
        mD = link1AboutElbow + model.armature();
    }

    public ArticulatedModel model() {
        return model;
    }

    @Override
    protected double[][] physicalState() {
        return new double[][] {targetX, targetY, targetZ, q0, q1, qd0, qd1};
    }

    @Override
    protected void place(int i, double a, double b, double va, double vb) {
        q0[i] = a;
        q1[i] = b;
        qd0[i] = va;
        qd1[i] = vb;
    }

    @Override
    protected void simulate(float[] actions, int from, int to) {
        final ArticulatedModel m = model;
        final double dt = m.timestep();
        final double dd = dt * m.damping();
        final double kl = m.limitStiffness();
        final int substeps = m.substeps();
        for (int i = from; i < to; i++) {
            double tau0 = m.gear() * actions[2 * i];
            double tau1 = m.gear() * actions[2 * i + 1];
            double a = q0[i], b = q1[i], va = qd0[i], vb = qd1[i];
            for (int k = 0; k < substeps; k++) {
                double cb = Math.cos(b), sb = Math.sin(b);
                double m00 = mA + mB * cb, m01 = mC + mE * cb, m11 = mD;
                double h = mE * sb;
                double excess = b > ELBOW_LIMIT ? b - ELBOW_LIMIT : b < -ELBOW_LIMIT ? b + ELBOW_LIMIT : 0.0;
                double f0 = tau0 + h * (2 * va * vb + vb * vb);
                double f1 = tau1 - h * va * va - kl * excess;
                double r0 = m00 * va + m01 * vb + dt * f0;
                double r1 = m01 * va + m11 * vb + dt * f1;
                double a00 = m00 + dd, a11 = m11 + dd;
                double inv = 1.0 / (a00 * a11 - m01 * m01);
                va = (a11 * r0 - m01 * r1) * inv;
                vb = (a00 * r1 - m01 * r0) * inv;
                a += va * dt;
                b += vb * dt;
            }
            if (a > Math.PI || a < -Math.PI) { // the shoulder is free: keep its angle small for precision
                a -= 2 * Math.PI * Math.rint(a / (2 * Math.PI));
            }
            q0[i] = a;
            q1[i] = b;
            qd0[i] = va;
            qd1[i] = vb;
        }
    }

    @Override
    protected void writeState(int i, float[] out, int off) {
        double ca = Math.cos(q0[i]), sa = Math.sin(q0[i]);
        double cb = Math.cos(q1[i]), sb = Math.sin(q1[i]);
        double cab = ca * cb - sa * sb, sab = sa * cb + ca * sb;
        double w1 = qd0[i] + qd1[i];
        out[off] = (float) ca;
        out[off + 1] = (float) cb;
        out[off + 2] = (float) sa;
        out[off + 3] = (float) sb;
        out[off + 4] = (float) (ELBOW * ca + TIP * cab);
        out[off + 5] = (float) (ELBOW * sa + TIP * sab);
        out[off + 6] = (float) HEIGHT;
        // JaxGCRL's tip velocity: elbow velocity + ω₁ × (0.11, 0, 0) in world axes
        out[off + 7] = (float) (-ELBOW * qd0[i] * sa);
        out[off + 8] = (float) (ELBOW * qd0[i] * ca + TIP * w1);
        out[off + 9] = 0f;
    }

    double shoulderAngle(int i) {
        return q0[i];
    }

    double elbowAngle(int i) {
        return q1[i];
    }

    double shoulderVelocity(int i) {
        return qd0[i];
    }

    double elbowVelocity(int i) {
        return qd1[i];
    }

    @Override
    public double energy(int i) {
        double cb = Math.cos(q1[i]);
        double va = qd0[i], vb = qd1[i];
        double kinetic = 0.5 * ((mA + mB * cb) * va * va + 2 * (mC + mE * cb) * va * vb + mD * vb * vb);
        double b = q1[i];
        double excess = b > ELBOW_LIMIT ? b - ELBOW_LIMIT : b < -ELBOW_LIMIT ? b + ELBOW_LIMIT : 0.0;
        return kinetic + 0.5 * model.limitStiffness() * excess * excess;
    }
}
