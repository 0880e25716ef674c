package org.crl4j.envs.spring;

/**
 * One substep of Brax's spring pipeline ({@code brax/spring/pipeline.step}) for one environment:
 * <ol>
 *   <li>joint forces ({@code spring/joints._one_dof}): the anchor spring {@code −k·(a_c − a_p) − k_v·(relative
 *   anchor velocity)}, the angular alignment torque {@code −k·(parent axis × child axis)}, the motor torque and the
 *   limit torque {@code −k_l·(ψ − limit)} along the joint axis, and angular damping {@code −k_a·(ω_c − ω_p)}; each
 *   acts on the child's centre of mass and, opposite, on the parent's;</li>
 *   <li>semi-implicit Euler: velocities first, with gravity and {@code F/m}, {@code I⁻¹τ};</li>
 *   <li>contact impulses from the positions at the start of the substep and the new velocities
 *   ({@link ContactSolver});</li>
 *   <li>position and quaternion integration ({@code spring/integrator.integrate}), with velocity damping factors.</li>
 * </ol>
 * Brax computes the joint terms in the joint frame and rotates them to the world; here they are written directly in
 * world coordinates (the rotations cancel), and the joint angle ψ is Brax's {@code axis_angle_ang} angle in closed
 * form, {@code atan2(−(R_c a₂)·(R_ap a₁), (R_c a₂)·(R_ap a₂))}.
 */
final class SpringDynamics {
    private final SpringSystem s;
    private final SpringBatch b;
    private final ContactSolver contacts;
    private final double[] pa0, pa1, pa2; // the system's parent-side joint axes

    SpringDynamics(SpringSystem s, SpringBatch b) {
        this.s = s;
        this.b = b;
        this.contacts = new ContactSolver(s, b);
        this.pa0 = s.pa0;
        this.pa1 = s.pa1;
        this.pa2 = s.pa2;
    }

    void substep(int e, Workspace ws) {
        final int nl = s.numLinks;
        final int base = e * nl;
        final double[] R = ws.rot;
        final double[] com = s.com;
        final double dt = s.timestep;

        // 1. link rotations and frame origins
        for (int l = 0; l < nl; l++) {
            int i = base + l;
            double w = b.qw[i], x = b.qx[i], y = b.qy[i], z = b.qz[i];
            int m = 9 * l;
            double x2 = x + x, y2 = y + y, z2 = z + z;
            double xx = x * x2, yy = y * y2, zz = z * z2, xy = x * y2, xz = x * z2, yz = y * z2;
            double wx = w * x2, wy = w * y2, wz = w * z2;
            R[m] = 1 - yy - zz;
            R[m + 1] = xy - wz;
            R[m + 2] = xz + wy;
            R[m + 3] = xy + wz;
            R[m + 4] = 1 - xx - zz;
            R[m + 5] = yz - wx;
            R[m + 6] = xz - wy;
            R[m + 7] = yz + wx;
            R[m + 8] = 1 - xx - yy;
            double cx = com[3 * l], cy = com[3 * l + 1], cz = com[3 * l + 2];
            ws.ox[l] = b.px[i] - (R[m] * cx + R[m + 1] * cy + R[m + 2] * cz);
            ws.oy[l] = b.py[i] - (R[m + 3] * cx + R[m + 4] * cy + R[m + 5] * cz);
            ws.oz[l] = b.pz[i] - (R[m + 6] * cx + R[m + 7] * cy + R[m + 8] * cz);
            ws.fx[l] = 0;
            ws.fy[l] = 0;
            ws.fz[l] = 0;
            ws.tx[l] = 0;
            ws.ty[l] = 0;
            ws.tz[l] = 0;
        }

        // 2. joint springs, motors, limits and damping
        for (int l = 0; l < nl; l++) {
            if (s.free[l]) {
                continue; // a free joint exerts nothing
            }
            int i = base + l;
            int p = s.parent[l];
            // parent frame: rotation, origin, COM and velocities (the world when p < 0)
            double r0 = 1, r1 = 0, r2 = 0, r3 = 0, r4 = 1, r5 = 0, r6 = 0, r7 = 0, r8 = 1;
            double pox = 0, poy = 0, poz = 0, pcx = 0, pcy = 0, pcz = 0;
            double pvx = 0, pvy = 0, pvz = 0, pwx = 0, pwy = 0, pwz = 0;
            if (p >= 0) {
                int m = 9 * p;
                r0 = R[m];
                r1 = R[m + 1];
                r2 = R[m + 2];
                r3 = R[m + 3];
                r4 = R[m + 4];
                r5 = R[m + 5];
                r6 = R[m + 6];
                r7 = R[m + 7];
                r8 = R[m + 8];
                pox = ws.ox[p];
                poy = ws.oy[p];
                poz = ws.oz[p];
                int ip = base + p;
                pcx = b.px[ip];
                pcy = b.py[ip];
                pcz = b.pz[ip];
                pvx = b.vx[ip];
                pvy = b.vy[ip];
                pvz = b.vz[ip];
                pwx = b.wx[ip];
                pwy = b.wy[ip];
                pwz = b.wz[ip];
            }
            // anchor on the parent: a_p = o_p + R_p · anchorOffset
            double ax = s.anchorOffset[3 * l], ay = s.anchorOffset[3 * l + 1], az = s.anchorOffset[3 * l + 2];
            double apx = pox + r0 * ax + r1 * ay + r2 * az;
            double apy = poy + r3 * ax + r4 * ay + r5 * az;
            double apz = poz + r6 * ax + r7 * ay + r8 * az;
            // anchor on the child: a_c = o_c + R_c · jointPos
            int m = 9 * l;
            double jx = s.jointPos[3 * l], jy = s.jointPos[3 * l + 1], jz = s.jointPos[3 * l + 2];
            double acx = ws.ox[l] + R[m] * jx + R[m + 1] * jy + R[m + 2] * jz;
            double acy = ws.oy[l] + R[m + 3] * jx + R[m + 4] * jy + R[m + 5] * jz;
            double acz = ws.oz[l] + R[m + 6] * jx + R[m + 7] * jy + R[m + 8] * jz;
            // velocities: the child's frame origin against the parent's point at a_p
            double cvx = b.vx[i], cvy = b.vy[i], cvz = b.vz[i];
            double cwx = b.wx[i], cwy = b.wy[i], cwz = b.wz[i];
            double ccx = b.px[i], ccy = b.py[i], ccz = b.pz[i];
            double dox = ws.ox[l] - ccx, doy = ws.oy[l] - ccy, doz = ws.oz[l] - ccz;
            double vox = cvx + cwy * doz - cwz * doy;
            double voy = cvy + cwz * dox - cwx * doz;
            double voz = cvz + cwx * doy - cwy * dox;
            double dax = apx - pcx, day = apy - pcy, daz = apz - pcz;
            double vax = pvx + pwy * daz - pwz * day;
            double vay = pvy + pwz * dax - pwx * daz;
            double vaz = pvz + pwx * day - pwy * dax;
            double k = s.stiffness[l], kv = s.velDamping[l];
            double fx = -k * (acx - apx) - kv * (vox - vax);
            double fy = -k * (acy - apy) - kv * (voy - vay);
            double fz = -k * (acz - apz) - kv * (voz - vaz);
            double tx, ty, tz;
            if (s.slide[l]) {
                // two slides on the world (SpringSystem allows no other slide link)
                double[] f3 = ws.slideForce;
                f3[0] = fx;
                f3[1] = fy;
                f3[2] = fz;
                SlideJoint.apply(s, l, R, m, acx - apx, acy - apy, acz - apz, f3, ws.tau, s.qdAdr[l], cwx, cwy, cwz,
                        ws.hinge3);
                fx = f3[0];
                fy = f3[1];
                fz = f3[2];
                tx = ws.hinge3[0];
                ty = ws.hinge3[1];
                tz = ws.hinge3[2];
            } else if (s.dofs[l] > 1) {
                // stacked hinges (never on the world: SpringSystem refuses that)
                StackedHinges.frames(s, l, R, 9 * p, R, m, ws.hinge);
                StackedHinges.torque(s, l, ws.hinge, ws.tau, s.qdAdr[l], cwx - pwx, cwy - pwy, cwz - pwz, ws.hinge3);
                tx = ws.hinge3[0];
                ty = ws.hinge3[1];
                tz = ws.hinge3[2];
            } else {
                // joint axes in the world: parent side (R_p · bodyRot · a_k) and child side (R_c · a_k)
                double q0x = pa0[3 * l], q0y = pa0[3 * l + 1], q0z = pa0[3 * l + 2];
                double u0x = r0 * q0x + r1 * q0y + r2 * q0z;
                double u0y = r3 * q0x + r4 * q0y + r5 * q0z;
                double u0z = r6 * q0x + r7 * q0y + r8 * q0z;
                double a0x = s.axis0[3 * l], a0y = s.axis0[3 * l + 1], a0z = s.axis0[3 * l + 2];
                double c0x = R[m] * a0x + R[m + 1] * a0y + R[m + 2] * a0z;
                double c0y = R[m + 3] * a0x + R[m + 4] * a0y + R[m + 5] * a0z;
                double c0z = R[m + 6] * a0x + R[m + 7] * a0y + R[m + 8] * a0z;
                double along = ws.tau[s.qdAdr[l]];
                if (s.limited[l]) {
                    double q1x = pa1[3 * l], q1y = pa1[3 * l + 1], q1z = pa1[3 * l + 2];
                    double q2x = pa2[3 * l], q2y = pa2[3 * l + 1], q2z = pa2[3 * l + 2];
                    double a2x = s.axis2[3 * l], a2y = s.axis2[3 * l + 1], a2z = s.axis2[3 * l + 2];
                    double c2x = R[m] * a2x + R[m + 1] * a2y + R[m + 2] * a2z;
                    double c2y = R[m + 3] * a2x + R[m + 4] * a2y + R[m + 5] * a2z;
                    double c2z = R[m + 6] * a2x + R[m + 7] * a2y + R[m + 8] * a2z;
                    double u1x = r0 * q1x + r1 * q1y + r2 * q1z;
                    double u1y = r3 * q1x + r4 * q1y + r5 * q1z;
                    double u1z = r6 * q1x + r7 * q1y + r8 * q1z;
                    double u2x = r0 * q2x + r1 * q2y + r2 * q2z;
                    double u2y = r3 * q2x + r4 * q2y + r5 * q2z;
                    double u2z = r6 * q2x + r7 * q2y + r8 * q2z;
                    double sn = -(c2x * u1x + c2y * u1y + c2z * u1z);
                    double cs = c2x * u2x + c2y * u2y + c2z * u2z;
                    double psi = Angles.atan2(sn, cs);
                    if (psi < s.limitLo[l]) {
                        along -= s.limitStiffness[l] * (psi - s.limitLo[l]);
                    } else if (psi > s.limitHi[l]) {
                        along -= s.limitStiffness[l] * (psi - s.limitHi[l]);
                    }
                }
                double ka = s.angDamping[l];
                tx = -k * (u0y * c0z - u0z * c0y) + along * u0x - ka * (cwx - pwx);
                ty = -k * (u0z * c0x - u0x * c0z) + along * u0y - ka * (cwy - pwy);
                tz = -k * (u0x * c0y - u0y * c0x) + along * u0z - ka * (cwz - pwz);
            }
            // on the child's COM: force at a_c; on the parent's COM: the opposite, at a_p
            double ex = acx - ccx, ey = acy - ccy, ez = acz - ccz;
            ws.fx[l] += fx;
            ws.fy[l] += fy;
            ws.fz[l] += fz;
            ws.tx[l] += tx + ey * fz - ez * fy;
            ws.ty[l] += ty + ez * fx - ex * fz;
            ws.tz[l] += tz + ex * fy - ey * fx;
            if (p >= 0) {
                ws.fx[p] -= fx;
                ws.fy[p] -= fy;
                ws.fz[p] -= fz;
                ws.tx[p] -= tx + day * fz - daz * fy;
                ws.ty[p] -= ty + daz * fx - dax * fz;
                ws.tz[p] -= tz + dax * fy - day * fx;
            }
        }

        // 3. semi-implicit Euler: velocities first (unit rotational inertia: I⁻¹τ = τ)
        final double gx = s.gravity[0] * dt, gy = s.gravity[1] * dt, gz = s.gravity[2] * dt;
        for (int l = 0; l < nl; l++) {
            int i = base + l;
            double im = dt / s.mass[l];
            b.vx[i] += gx + ws.fx[l] * im;
            b.vy[i] += gy + ws.fy[l] * im;
            b.vz[i] += gz + ws.fz[l] * im;
            b.wx[i] += ws.tx[l] * dt;
            b.wy[i] += ws.ty[l] * dt;
            b.wz[i] += ws.tz[l] * dt;
        }

        // 4. contact impulses (positions from the start of the substep, the new velocities)
        boolean touched = contacts.solve(e, ws);

        // 5. damping, impulses, then positions and orientations
        final double fv = s.velDampFactor, fa = s.angDampFactor, h = 0.5 * dt;
        for (int l = 0; l < nl; l++) {
            int i = base + l;
            double vx = b.vx[i] * fv, vy = b.vy[i] * fv, vz = b.vz[i] * fv;
            double wx = b.wx[i] * fa, wy = b.wy[i] * fa, wz = b.wz[i] * fa;
            if (touched) {
                double n = 1.0 / (ws.contactCount[l] + 1e-8);
                double im = n / s.mass[l];
                vx += ws.px[l] * im;
                vy += ws.py[l] * im;
                vz += ws.pz[l] * im;
                wx += ws.lx[l] * n;
                wy += ws.ly[l] * n;
                wz += ws.lz[l] * n;
            }
            b.vx[i] = vx;
            b.vy[i] = vy;
            b.vz[i] = vz;
            b.wx[i] = wx;
            b.wy[i] = wy;
            b.wz[i] = wz;
            b.px[i] += vx * dt;
            b.py[i] += vy * dt;
            b.pz[i] += vz * dt;
            // q ← normalise(q + dt/2 · (0, ω) ⊗ q)
            double qw = b.qw[i], qx = b.qx[i], qy = b.qy[i], qz = b.qz[i];
            double nw = qw - h * (wx * qx + wy * qy + wz * qz);
            double nx = qx + h * (wx * qw + wy * qz - wz * qy);
            double ny = qy + h * (wy * qw + wz * qx - wx * qz);
            double nz = qz + h * (wz * qw + wx * qy - wy * qx);
            double inv = 1.0 / Math.sqrt(nw * nw + nx * nx + ny * ny + nz * nz);
            b.qw[i] = nw * inv;
            b.qx[i] = nx * inv;
            b.qy[i] = ny * inv;
            b.qz[i] = nz * inv;
        }
    }
}
