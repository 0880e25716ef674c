package org.crl4j.envs.spring;

/**
 * Brax's spring contacts ({@code spring/collisions.resolve}) between the link geoms and the static world: every
 * penetrating contact ({@code dist < 0}) whose point approaches the surface gets a normal impulse
 * {@code (−(1 + e)·v_n − erp/dt·dist) / (1/m + |r × n|²)} (the Baumgarte term pushes out what has sunk in) and, above
 * 1e-3 m/s of slip, a friction impulse against the slip of at most μ times the normal one; each link then takes the
 * average of its contacts' impulses. Contact points and depths follow MuJoCo's conventions (the point halfway between
 * the surfaces). Sphere–plane, capsule–plane (one contact per end, as MJX), sphere–box exactly; capsule–box as the
 * two end spheres plus, when neither touches, the segment point nearest the box (an approximation).
 *
 * <p>Link–link pairs (only where the model asks for them, see {@link SpringSystem#compile(MjcfModel, double, int,
 * boolean)}) follow MJX's {@code capsule_capsule} / {@code sphere_capsule} / {@code sphere_sphere} (closest points of
 * the two segments, then the two spheres there) and Brax's two-body impulse: both inverse masses and both
 * {@code |r × n|²} in the denominator, equal and opposite impulses, friction the same way, and each link's share
 * counted in its average.
 */
final class ContactSolver {
    private final SpringSystem s;
    private final SpringBatch b;
    private final ContactModel c;
    private final double erpOverDt;
    private final double restitution;

    ContactSolver(SpringSystem s, SpringBatch b) {
        this.s = s;
        this.b = b;
        this.c = s.contacts;
        this.erpOverDt = s.baumgarteErp / s.timestep;
        this.restitution = 1 + s.elasticity;
    }

    /** Accumulates the contact impulses of environment e into the workspace; false when there were none. */
    boolean solve(int e, Workspace ws) {
        if (c.numGeoms == 0 && c.numPairs == 0) {
            return false;
        }
        java.util.Arrays.fill(ws.contactCount, 0);
        java.util.Arrays.fill(ws.px, 0);
        java.util.Arrays.fill(ws.py, 0);
        java.util.Arrays.fill(ws.pz, 0);
        java.util.Arrays.fill(ws.lx, 0);
        java.util.Arrays.fill(ws.ly, 0);
        java.util.Arrays.fill(ws.lz, 0);
        boolean any = false;
        final double[] R = ws.rot;
        for (int g = 0; g < c.numGeoms; g++) {
            int l = c.geomLink[g];
            int m = 9 * l;
            double lx = c.localPos[3 * g], ly = c.localPos[3 * g + 1], lz = c.localPos[3 * g + 2];
            double cx = ws.ox[l] + R[m] * lx + R[m + 1] * ly + R[m + 2] * lz;
            double cy = ws.oy[l] + R[m + 3] * lx + R[m + 4] * ly + R[m + 5] * lz;
            double cz = ws.oz[l] + R[m + 6] * lx + R[m + 7] * ly + R[m + 8] * lz;
            double r = c.radius[g];
            double hx = 0, hy = 0, hz = 0; // half segment of a capsule
            if (c.capsule[g]) {
                double ax = c.localAxis[3 * g], ay = c.localAxis[3 * g + 1], az = c.localAxis[3 * g + 2];
                double h = c.halfLength[g];
                hx = h * (R[m] * ax + R[m + 1] * ay + R[m + 2] * az);
                hy = h * (R[m + 3] * ax + R[m + 4] * ay + R[m + 5] * az);
                hz = h * (R[m + 6] * ax + R[m + 7] * ay + R[m + 8] * az);
            }
            for (int p : c.planesOf[g]) {
                double nx = c.planeNormal[3 * p], ny = c.planeNormal[3 * p + 1], nz = c.planeNormal[3 * p + 2];
                double mu = Math.max(c.geomFriction[g], c.planeFriction[p]);
                double d0 = (cx - c.planePoint[3 * p]) * nx + (cy - c.planePoint[3 * p + 1]) * ny
                        + (cz - c.planePoint[3 * p + 2]) * nz;
                if (!c.capsule[g]) {
                    any |= planePoint(e, ws, l, cx, cy, cz, r, d0, nx, ny, nz, mu);
                } else {
                    double dh = hx * nx + hy * ny + hz * nz;
                    any |= planePoint(e, ws, l, cx + hx, cy + hy, cz + hz, r, d0 + dh, nx, ny, nz, mu);
                    any |= planePoint(e, ws, l, cx - hx, cy - hy, cz - hz, r, d0 - dh, nx, ny, nz, mu);
                }
            }
            if (c.touchesBoxes[g]) {
                any |= boxes(e, ws, g, l, cx, cy, cz, r, hx, hy, hz);
            }
        }
        for (int p = 0; p < c.numPairs; p++) {
            any |= pair(e, ws, p);
        }
        return any;
    }

    /** Geom k of the pair arrays in the world: segment end points into {@code out[o ..]} (a0, a1; equal for a sphere). */
    private static void segment(ContactModel c, Workspace ws, int k, double[] out, int o) {
        int l = c.pairLink[k];
        double[] R = ws.rot;
        int m = 9 * l;
        double lx = c.pairPos[3 * k], ly = c.pairPos[3 * k + 1], lz = c.pairPos[3 * k + 2];
        double cx = ws.ox[l] + R[m] * lx + R[m + 1] * ly + R[m + 2] * lz;
        double cy = ws.oy[l] + R[m + 3] * lx + R[m + 4] * ly + R[m + 5] * lz;
        double cz = ws.oz[l] + R[m + 6] * lx + R[m + 7] * ly + R[m + 8] * lz;
        double ax = c.pairAxis[3 * k], ay = c.pairAxis[3 * k + 1], az = c.pairAxis[3 * k + 2];
        double h = c.pairHalf[k];
        double hx = h * (R[m] * ax + R[m + 1] * ay + R[m + 2] * az);
        double hy = h * (R[m + 3] * ax + R[m + 4] * ay + R[m + 5] * az);
        double hz = h * (R[m + 6] * ax + R[m + 7] * ay + R[m + 8] * az);
        out[o] = cx - hx;
        out[o + 1] = cy - hy;
        out[o + 2] = cz - hz;
        out[o + 3] = cx + hx;
        out[o + 4] = cy + hy;
        out[o + 5] = cz + hz;
    }

    /** One link–link pair: MJX's closest points and sphere–sphere contact, then Brax's two-body impulse. */
    private boolean pair(int e, Workspace ws, int p) {
        double[] g = ws.pair;
        int ka = 2 * p, kb = 2 * p + 1;
        segment(c, ws, ka, g, 0);
        segment(c, ws, kb, g, 6);
        if (c.pairCapsule[ka] && c.pairCapsule[kb]) {
            Segments.closestBetween(g, 0, 6, g, 12);
        } else if (c.pairCapsule[kb]) {
            // sphere A against capsule B: the point of B's segment nearest A's centre
            System.arraycopy(g, 0, g, 12, 3);
            Segments.closestOn(g, 6, 9, g[0], g[1], g[2], g, 15);
        } else {
            System.arraycopy(g, 0, g, 12, 3);
            System.arraycopy(g, 6, g, 15, 3);
        }
        // MJX _sphere_sphere: the normal from A to B, (1, 0, 0) for coincident centres
        double dx = g[15] - g[12], dy = g[16] - g[13], dz = g[17] - g[14];
        double n = Segments.norm(dx, dy, dz);
        double inv = 1 / (n + (n == 0 ? 1e-6 : 0));
        double nx = n == 0 ? 1 : dx * inv, ny = n == 0 ? 0 : dy * inv, nz = n == 0 ? 0 : dz * inv;
        double ra = c.pairRadius[ka], rb = c.pairRadius[kb];
        double dist = n - (ra + rb);
        if (!(dist < 0)) {
            return false;
        }
        double k = ra + dist * 0.5;
        return twoBody(e, ws, c.pairLink[ka], c.pairLink[kb], g[12] + nx * k, g[13] + ny * k, g[14] + nz * k,
                nx, ny, nz, dist, c.pairFriction[p]);
    }

    /**
     * Brax's impulse of a contact between links la and lb at point x with normal n from la's geom to lb's: lb is
     * pushed along n, la the opposite way; accumulated into the workspace for both. Returns whether it was applied.
     */
    private boolean twoBody(int e, Workspace ws, int la, int lb, double x, double y, double z, double nx, double ny,
                            double nz, double dist, double mu) {
        int ia = e * s.numLinks + la, ib = e * s.numLinks + lb;
        double rax = x - b.px[ia], ray = y - b.py[ia], raz = z - b.pz[ia];
        double rbx = x - b.px[ib], rby = y - b.py[ib], rbz = z - b.pz[ib];
        // contact velocity: A's point minus B's point
        double cvx = (b.vx[ia] + b.wy[ia] * raz - b.wz[ia] * ray) - (b.vx[ib] + b.wy[ib] * rbz - b.wz[ib] * rby);
        double cvy = (b.vy[ia] + b.wz[ia] * rax - b.wx[ia] * raz) - (b.vy[ib] + b.wz[ib] * rbx - b.wx[ib] * rbz);
        double cvz = (b.vz[ia] + b.wx[ia] * ray - b.wy[ia] * rax) - (b.vz[ib] + b.wx[ib] * rby - b.wy[ib] * rbx);
        double vn = -(nx * cvx + ny * cvy + nz * cvz); // B's approach along n is negative
        if (!(vn < 0)) {
            return false;
        }
        double invMass = 1.0 / s.mass[la] + 1.0 / s.mass[lb];
        double ang = cross2(rax, ray, raz, nx, ny, nz) + cross2(rbx, rby, rbz, nx, ny, nz);
        double imp = (-restitution * vn - erpOverDt * dist) / (invMass + ang);
        if (!(imp > 0)) {
            return false;
        }
        // on B: +imp·n and friction along the slip of A relative to B; on A the opposite
        double jx = imp * nx, jy = imp * ny, jz = imp * nz;
        double tx = cvx + vn * nx, ty = cvy + vn * ny, tz = cvz + vn * nz;
        double slip = Segments.norm(tx, ty, tz);
        if (slip > 1e-3) {
            double sinv = 1.0 / (1e-6 + slip);
            double dx = tx * sinv, dy = ty * sinv, dz = tz * sinv;
            double angD = cross2(rax, ray, raz, dx, dy, dz) + cross2(rbx, rby, rbz, dx, dy, dz);
            double fr = Math.min(slip / (invMass + angD), mu * imp);
            jx += fr * dx;
            jy += fr * dy;
            jz += fr * dz;
        }
        ws.px[lb] += jx;
        ws.py[lb] += jy;
        ws.pz[lb] += jz;
        ws.lx[lb] += rby * jz - rbz * jy;
        ws.ly[lb] += rbz * jx - rbx * jz;
        ws.lz[lb] += rbx * jy - rby * jx;
        ws.contactCount[lb] += 1;
        ws.px[la] -= jx;
        ws.py[la] -= jy;
        ws.pz[la] -= jz;
        ws.lx[la] -= ray * jz - raz * jy;
        ws.ly[la] -= raz * jx - rax * jz;
        ws.lz[la] -= rax * jy - ray * jx;
        ws.contactCount[la] += 1;
        return true;
    }

    /** |r × u|². */
    private static double cross2(double rx, double ry, double rz, double ux, double uy, double uz) {
        double ax = ry * uz - rz * uy, ay = rz * ux - rx * uz, az = rx * uy - ry * ux;
        return ax * ax + ay * ay + az * az;
    }

    private boolean planePoint(int e, Workspace ws, int l, double x, double y, double z, double r, double centreDist,
                               double nx, double ny, double nz, double mu) {
        double dist = centreDist - r;
        if (dist >= 0) {
            return false;
        }
        double k = r + 0.5 * dist;
        return impulse(e, ws, l, x - nx * k, y - ny * k, z - nz * k, nx, ny, nz, dist, mu);
    }

    private boolean boxes(int e, Workspace ws, int g, int l, double cx, double cy, double cz, double r,
                          double hx, double hy, double hz) {
        double ext = r + Math.max(Math.abs(hx), Math.abs(hy)) + c.maxHalfXY;
        int x0 = Math.max(0, (int) Math.floor((cx - ext - c.gridX0) / c.cell));
        int x1 = Math.min(c.gridNx - 1, (int) Math.floor((cx + ext - c.gridX0) / c.cell));
        int y0 = Math.max(0, (int) Math.floor((cy - ext - c.gridY0) / c.cell));
        int y1 = Math.min(c.gridNy - 1, (int) Math.floor((cy + ext - c.gridY0) / c.cell));
        boolean any = false;
        for (int gx = x0; gx <= x1; gx++) {
            for (int gy = y0; gy <= y1; gy++) {
                int cellIdx = gx * c.gridNy + gy;
                for (int k = c.cellStart[cellIdx]; k < c.cellStart[cellIdx + 1]; k++) {
                    int bx = c.cellBoxes[k];
                    if (!ContactModel.collides(c.geomContype[g], c.geomConaffinity[g], c.boxContype[bx],
                            c.boxConaffinity[bx])) {
                        continue;
                    }
                    double mu = Math.max(c.geomFriction[g], c.boxFriction[bx]);
                    if (!c.capsule[g]) {
                        any |= sphereBox(e, ws, l, bx, cx, cy, cz, r, mu);
                    } else {
                        boolean a = sphereBox(e, ws, l, bx, cx + hx, cy + hy, cz + hz, r, mu);
                        boolean b2 = sphereBox(e, ws, l, bx, cx - hx, cy - hy, cz - hz, r, mu);
                        if (!a && !b2) {
                            // the segment point nearest the box point nearest the capsule's centre
                            double qx = clamp(cx, bx, 0), qy = clamp(cy, bx, 1), qz = clamp(cz, bx, 2);
                            double hh = hx * hx + hy * hy + hz * hz;
                            double t = hh > 0 ? ((qx - cx) * hx + (qy - cy) * hy + (qz - cz) * hz) / hh : 0;
                            t = Math.max(-1, Math.min(1, t));
                            any |= sphereBox(e, ws, l, bx, cx + t * hx, cy + t * hy, cz + t * hz, r, mu);
                        } else {
                            any = true;
                        }
                    }
                }
            }
        }
        return any;
    }

    private double clamp(double v, int box, int axis) {
        double centre = c.boxCentre[3 * box + axis], half = c.boxHalf[3 * box + axis];
        return Math.max(centre - half, Math.min(centre + half, v));
    }

    /** Sphere (x, y, z, r) against axis-aligned box bx. */
    private boolean sphereBox(int e, Workspace ws, int l, int bx, double x, double y, double z, double r, double mu) {
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
            // centre inside the box: leave by the nearest face
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
        return impulse(e, ws, l, x - nx * k, y - ny * k, z - nz * k, nx, ny, nz, dist, mu);
    }

    /**
     * The impulse of one contact on link l at point (x, y, z) with normal n pointing from the static surface into
     * the link; accumulated into the workspace. Returns whether it was applied.
     */
    private boolean impulse(int e, Workspace ws, int l, double x, double y, double z, double nx, double ny,
                            double nz, double dist, double mu) {
        int i = e * s.numLinks + l;
        double rx = x - b.px[i], ry = y - b.py[i], rz = z - b.pz[i];
        double wx = b.wx[i], wy = b.wy[i], wz = b.wz[i];
        double ux = b.vx[i] + wy * rz - wz * ry;
        double uy = b.vy[i] + wz * rx - wx * rz;
        double uz = b.vz[i] + wx * ry - wy * rx;
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
            double dx = -tx * inv, dy = -ty * inv, dz = -tz * inv; // against the slip
            double bx = ry * dz - rz * dy, by = rz * dx - rx * dz, bz = rx * dy - ry * dx;
            double fr = Math.min(slip / (invMass + bx * bx + by * by + bz * bz), mu * imp);
            jx += fr * dx;
            jy += fr * dy;
            jz += fr * dz;
        }
        ws.px[l] += jx;
        ws.py[l] += jy;
        ws.pz[l] += jz;
        ws.lx[l] += ry * jz - rz * jy;
        ws.ly[l] += rz * jx - rx * jz;
        ws.lz[l] += rx * jy - ry * jx;
        ws.contactCount[l] += 1;
        return true;
    }
}
