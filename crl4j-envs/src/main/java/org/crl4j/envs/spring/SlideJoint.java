package org.crl4j.envs.spring;

/**
 * A link on two slide joints hung from the world (Brax's translational link type '2', the pusher's object): the
 * force and torque of {@code spring/joints._two_dof} with {@code is_translational}, and the inverse kinematics of
 * {@code kinematics.inverse} for slides. In world coordinates, with {@code S_k = R_body·m_k} the slide axes,
 * {@code P_k = R_body·e_k} the anchor frame and {@code C_k = R_c·e_k} the child's:
 * <ul>
 *   <li>force: the anchor spring and damper {@code −k·d − k_v·Δv} without its components along the slides, the
 *   slides' motor forces, and limit springs {@code −k_l·(d·S_k − limit)·S_k};</li>
 *   <li>torque: {@code −k_l·(P1 × C1) − k·(P2 × C2) − k_a·ω}, which holds all three rotations (Brax uses the limit
 *   stiffness for the first term: its universal-joint alignment, kept).</li>
 * </ul>
 */
final class SlideJoint {
    private SlideJoint() {
    }

    /**
     * Turns the anchor force {@code f} (−k·d − k_v·Δv, world) into the slide link's force, in place, and writes its
     * torque to {@code torque}; {@code d} is a_c − a_p, {@code rc[m ..]} the child's rotation, ω its angular
     * velocity, {@code tau[t ..]} the slides' motor forces.
     */
    static void apply(SpringSystem s, int l, double[] rc, int m, double dx, double dy, double dz, double[] f,
                      double[] tau, int t, double wx, double wy, double wz, double[] torque) {
        double[] sa = s.parentDofAxis; // the slides in the world (the parent is the world)
        int b = 9 * l;
        double fx = f[0], fy = f[1], fz = f[2];
        double s0x = sa[b], s0y = sa[b + 1], s0z = sa[b + 2], s1x = sa[b + 3], s1y = sa[b + 4], s1z = sa[b + 5];
        double p0 = fx * s0x + fy * s0y + fz * s0z, p1 = fx * s1x + fy * s1y + fz * s1z;
        fx -= p0 * s0x + p1 * s1x;
        fy -= p0 * s0y + p1 * s1y;
        fz -= p0 * s0z + p1 * s1z;
        fx += s0x * tau[t] + s1x * tau[t + 1];
        fy += s0y * tau[t] + s1y * tau[t + 1];
        fz += s0z * tau[t] + s1z * tau[t + 1];
        if (s.limited[l]) {
            double e0 = excess(dx * s0x + dy * s0y + dz * s0z, s.dofLo[3 * l], s.dofHi[3 * l]);
            double e1 = excess(dx * s1x + dy * s1y + dz * s1z, s.dofLo[3 * l + 1], s.dofHi[3 * l + 1]);
            double kl = s.limitStiffness[l];
            fx -= kl * (s0x * e0 + s1x * e1);
            fy -= kl * (s0y * e0 + s1y * e1);
            fz -= kl * (s0z * e0 + s1z * e1);
        }
        f[0] = fx;
        f[1] = fy;
        f[2] = fz;
        // P1 = R_body·e_y, P2 = R_body·e_z (the parent is the world); C1, C2 the child's
        double p1x = s.pa1[3 * l], p1y = s.pa1[3 * l + 1], p1z = s.pa1[3 * l + 2];
        double p2x = s.pa2[3 * l], p2y = s.pa2[3 * l + 1], p2z = s.pa2[3 * l + 2];
        double c1x = rc[m + 1], c1y = rc[m + 4], c1z = rc[m + 7];
        double c2x = rc[m + 2], c2y = rc[m + 5], c2z = rc[m + 8];
        double kl = s.limitStiffness[l], k = s.stiffness[l], ka = s.angDamping[l];
        torque[0] = -kl * (p1y * c1z - p1z * c1y) - k * (p2y * c2z - p2z * c2y) - ka * wx;
        torque[1] = -kl * (p1z * c1x - p1x * c1z) - k * (p2z * c2x - p2x * c2z) - ka * wy;
        torque[2] = -kl * (p1x * c1y - p1y * c1x) - k * (p2x * c2y - p2y * c2x) - ka * wz;
    }

    private static double excess(double x, double lo, double hi) {
        return x < lo ? x - lo : x > hi ? x - hi : 0;
    }

    /**
     * Brax's inverse kinematics of the slides: {@code q_k = S_k·(a_c − a_p)}, {@code qd_k = S_k·v_o} with v_o the
     * velocity of the link's frame origin.
     */
    static void inverse(SpringSystem s, int l, double dx, double dy, double dz, double vx, double vy, double vz,
                        double[] q, int qa, double[] qd, int qda) {
        int b = 9 * l;
        for (int k = 0; k < 2; k++) {
            double sx = s.parentDofAxis[b + 3 * k], sy = s.parentDofAxis[b + 3 * k + 1];
            double sz = s.parentDofAxis[b + 3 * k + 2];
            q[qa + k] = sx * dx + sy * dy + sz * dz;
            qd[qda + k] = sx * vx + sy * vy + sz * vz;
        }
    }
}
