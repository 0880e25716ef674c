package org.crl4j.envs.spring;

/**
 * Links with two or three stacked hinges (Brax link types '2' and '3': the humanoid's abdomen, hips and shoulders):
 * their joint angles ({@code kinematics.axis_angle_ang}), the torque of {@code spring/joints._two_dof} and
 * {@code _three_dof}, and the inverse kinematics' rates. The scalar reference, used by the substep
 * ({@link SpringDynamics}) and by the inverse kinematics ({@link SpringBatch}); {@link StackedLanes} repeats it four
 * environments at a time, operation for operation (change both together).
 *
 * <p>Brax works in the parent's anchor frame; here every vector is in world coordinates, where the dot and cross
 * products are the same (the rotations cancel). With the joint frame {@code (f0, f1, f2) = (a0, a1, a0 × a1)} of
 * {@link SpringSystem}, {@code P_k = R_p·R_body·f_k} is its parent side and {@code C_k = R_c·f_k} its child side
 * ({@code R_c = R_ap·R_j}, so {@code C_k} is Brax's {@code rotate(f_k, j.rot)} seen from the world).
 *
 * <p>What Brax does that is not textbook, and is kept: the universal joint's alignment torque uses the
 * <i>limit</i> stiffness ({@code −k_l·(proj × C1)}, {@code _two_dof}); a three-hinge joint has no alignment term
 * at all (the anchor spring is all that holds it together); the angles are intrinsic x-y'-z'' Euler angles of the
 * frame, which for axes that are not orthonormal are not the hinge angles the forward kinematics stacked; and the
 * forward kinematics' angular velocity of stacked hinges ({@code Σ rotate(a_k·qd_k, rot_k)}) is not what the
 * inverse kinematics reads back ({@code C_k·Δω}) unless qd is zero (Brax's own TODO in {@code kinematics.forward}).
 */
final class StackedHinges {
    private StackedHinges() {
    }

    /** Layout of a frame scratch array: P0, P1, C0, C1, C2 (three doubles each), then the angles psi, theta, phi. */
    static final int P0 = 0, P1 = 3, C0 = 6, C1 = 9, C2 = 12, PSI = 15, THETA = 16, PHI = 17, SIZE = 18;

    /**
     * Fills {@code f} with the parent-side and child-side frames of link l and its joint angles, from the parent's
     * rotation {@code rp[rpOff ..]} and the child's {@code rc[rcOff ..]} (row-major 3×3).
     */
    static void frames(SpringSystem s, int l, double[] rp, int rpOff, double[] rc, int rcOff, double[] f) {
        // R_p · (R_body · f_k), the second factor a constant of the system
        mulInto(rp, rpOff, s.pa0[3 * l], s.pa0[3 * l + 1], s.pa0[3 * l + 2], f, P0);
        mulInto(rp, rpOff, s.pa1[3 * l], s.pa1[3 * l + 1], s.pa1[3 * l + 2], f, P1);
        mulInto(rc, rcOff, s.axis0[3 * l], s.axis0[3 * l + 1], s.axis0[3 * l + 2], f, C0);
        mulInto(rc, rcOff, s.axis1[3 * l], s.axis1[3 * l + 1], s.axis1[3 * l + 2], f, C1);
        mulInto(rc, rcOff, s.axis2[3 * l], s.axis2[3 * l + 1], s.axis2[3 * l + 2], f, C2);
        angles(f, s.parity[l]);
    }

    private static void mulInto(double[] r, int o, double x, double y, double z, double[] out, int at) {
        out[at] = r[o] * x + r[o + 1] * y + r[o + 2] * z;
        out[at + 1] = r[o + 3] * x + r[o + 4] * y + r[o + 5] * z;
        out[at + 2] = r[o + 6] * x + r[o + 7] * y + r[o + 8] * z;
    }

    /** Brax's {@code axis_angle_ang}: psi, theta, phi into {@code f[PSI], f[THETA], f[PHI]}. */
    private static void angles(double[] f, double parity) {
        // line of nodes: normalize(C2 × P0)
        double nx = f[C2 + 1] * f[P0 + 2] - f[C2 + 2] * f[P0 + 1];
        double ny = f[C2 + 2] * f[P0] - f[C2] * f[P0 + 2];
        double nz = f[C2] * f[P0 + 1] - f[C2 + 1] * f[P0];
        double inv = 1 / safeNormPlus(nx, ny, nz);
        nx *= inv;
        ny *= inv;
        nz *= inv;
        // psi = signed_angle(P0, P1, n) = atan2((P1 × n)·P0, P1·n)
        double sx = f[P1 + 1] * nz - f[P1 + 2] * ny;
        double sy = f[P1 + 2] * nx - f[P1] * nz;
        double sz = f[P1] * ny - f[P1 + 1] * nx;
        f[PSI] = Angles.atan2(sx * f[P0] + sy * f[P0 + 1] + sz * f[P0 + 2],
                f[P1] * nx + f[P1 + 1] * ny + f[P1 + 2] * nz);
        // theta: the angle between P0 and its projection on the child's C0-C1 plane, signed by P0·C2
        double d0 = dot(f, P0, C0), d1 = dot(f, P0, C1);
        double px = d0 * f[C0] + d1 * f[C1];
        double py = d0 * f[C0 + 1] + d1 * f[C1 + 1];
        double pz = d0 * f[C0 + 2] + d1 * f[C1 + 2];
        double pinv = 1 / safeNormPlus(px, py, pz);
        double c = (px * pinv) * f[P0] + (py * pinv) * f[P0 + 1] + (pz * pinv) * f[P0 + 2];
        f[THETA] = Math.acos(Math.max(-1.0, Math.min(1.0, c))) * Math.signum(dot(f, P0, C2));
        // phi = signed_angle(−parity·C2, C1, n)
        double ux = f[C1 + 1] * nz - f[C1 + 2] * ny;
        double uy = f[C1 + 2] * nx - f[C1] * nz;
        double uz = f[C1] * ny - f[C1 + 1] * nx;
        f[PHI] = Angles.atan2(-parity * (ux * f[C2] + uy * f[C2 + 1] + uz * f[C2 + 2]),
                f[C1] * nx + f[C1 + 1] * ny + f[C1 + 2] * nz);
    }

    /** Brax's {@code normalize} denominator: {@code safe_norm(v)}, or 1e-6 where that is 0 (all |v_i| ≤ 1e-8). */
    private static double safeNormPlus(double x, double y, double z) {
        if (Math.abs(x) <= 1e-8 && Math.abs(y) <= 1e-8 && Math.abs(z) <= 1e-8) {
            return 1e-6;
        }
        return Math.sqrt(x * x + y * y + z * z);
    }

    private static double dot(double[] f, int a, int b) {
        return f[a] * f[b] + f[a + 1] * f[b + 1] + f[a + 2] * f[b + 2];
    }

    /**
     * The joint torque of link l (world frame, before it is moved to the centres of mass), from {@link #frames},
     * the motor torques {@code tau[t ..]} of its hinges and the relative angular velocity {@code Δω = ω_c − ω_p};
     * into {@code out[0..2]}.
     */
    static void torque(SpringSystem s, int l, double[] f, double[] tau, int t, double dwx, double dwy, double dwz,
                       double[] out) {
        double kl = s.limitStiffness[l], ka = s.angDamping[l], parity = s.parity[l];
        double lo0 = s.dofLo[3 * l], hi0 = s.dofHi[3 * l], lo1 = s.dofLo[3 * l + 1], hi1 = s.dofHi[3 * l + 1];
        double d0 = excess(f[PSI], lo0, hi0), d1 = excess(f[THETA], lo1, hi1);
        double x, y, z;
        if (s.dofs[l] == 2) {
            // _two_dof: align C1 to the plane normal to P0 (with the limit stiffness, as Brax)
            double a = dot(f, C1, P0);
            double px = f[C1] - a * f[P0], py = f[C1 + 1] - a * f[P0 + 1], pz = f[C1 + 2] - a * f[P0 + 2];
            double n = Math.abs(px) <= 1e-8 && Math.abs(py) <= 1e-8 && Math.abs(pz) <= 1e-8 ? 0
                    : Math.sqrt(px * px + py * py + pz * pz);
            px /= n;
            py /= n;
            pz /= n;
            x = -kl * (py * f[C1 + 2] - pz * f[C1 + 1]);
            y = -kl * (pz * f[C1] - px * f[C1 + 2]);
            z = -kl * (px * f[C1 + 1] - py * f[C1]);
            x += f[P0] * tau[t] + f[C1] * tau[t + 1];
            y += f[P0 + 1] * tau[t] + f[C1 + 1] * tau[t + 1];
            z += f[P0 + 2] * tau[t] + f[C1 + 2] * tau[t + 1];
            if (s.limited[l]) {
                x -= kl * (f[P0] * d0 + f[C1] * d1);
                y -= kl * (f[P0 + 1] * d0 + f[C1 + 1] * d1);
                z -= kl * (f[P0 + 2] * d0 + f[C1 + 2] * d1);
            }
            x -= ka * dwx;
            y -= ka * dwy;
            z -= ka * dwz;
        } else {
            // _three_dof: damping, the motors and the limits on the axes (P0, C1, parity·C2)
            double lo2 = s.dofLo[3 * l + 2], hi2 = s.dofHi[3 * l + 2];
            double d2 = excess(f[PHI], lo2, hi2);
            double t2 = parity * tau[t + 2];
            x = -ka * dwx;
            y = -ka * dwy;
            z = -ka * dwz;
            x += f[P0] * tau[t] + f[C1] * tau[t + 1] + f[C2] * t2;
            y += f[P0 + 1] * tau[t] + f[C1 + 1] * tau[t + 1] + f[C2 + 1] * t2;
            z += f[P0 + 2] * tau[t] + f[C1 + 2] * tau[t + 1] + f[C2 + 2] * t2;
            if (s.limited[l]) {
                double e2 = parity * d2;
                x -= kl * (f[P0] * d0 + f[C1] * d1 + f[C2] * e2);
                y -= kl * (f[P0 + 1] * d0 + f[C1 + 1] * d1 + f[C2 + 1] * e2);
                z -= kl * (f[P0 + 2] * d0 + f[C1 + 2] * d1 + f[C2 + 2] * e2);
            }
        }
        out[0] = x;
        out[1] = y;
        out[2] = z;
    }

    /** How far an angle is outside [lo, hi]: Brax's {@code dang}. */
    private static double excess(double angle, double lo, double hi) {
        return angle < lo ? angle - lo : angle > hi ? angle - hi : 0;
    }

    /**
     * The inverse kinematics of link l's hinges (Brax {@code x_dof}): the angles from {@link #frames} into
     * {@code q[qa ..]} and the rates {@code (C0, C1, parity·C2)·Δω} into {@code qd[qda ..]}.
     */
    static void inverse(SpringSystem s, int l, double[] f, double dwx, double dwy, double dwz, double[] q, int qa,
                        double[] qd, int qda) {
        int n = s.dofs[l];
        q[qa] = f[PSI];
        q[qa + 1] = f[THETA];
        qd[qda] = f[C0] * dwx + f[C0 + 1] * dwy + f[C0 + 2] * dwz;
        qd[qda + 1] = f[C1] * dwx + f[C1 + 1] * dwy + f[C1 + 2] * dwz;
        if (n == 3) {
            q[qa + 2] = f[PHI];
            qd[qda + 2] = s.parity[l] * (f[C2] * dwx + f[C2 + 1] * dwy + f[C2 + 2] * dwz);
        }
    }
}
