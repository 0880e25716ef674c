package org.crl4j.envs.spring;

/**
 * Closest points of segments, as MJX computes them for capsule contacts ({@code mjx/_src/math.py}
 * {@code closest_segment_point}, {@code closest_segment_to_segment_points}, {@code norm}), including their small
 * constants, so that near-parallel and touching segments behave as there.
 */
final class Segments {
    private Segments() {
    }

    /** MJX's {@code norm}: 0 when every component is within 1e-8 of 0 ({@code allclose(x, 0)}). */
    static double norm(double x, double y, double z) {
        if (Math.abs(x) <= 1e-8 && Math.abs(y) <= 1e-8 && Math.abs(z) <= 1e-8) {
            return 0;
        }
        return Math.sqrt(x * x + y * y + z * z);
    }

    /**
     * The point of segment {@code v[a .. a+3) – v[b .. b+3)} nearest (px, py, pz) into {@code out[o ..]}; returns the
     * squared distance.
     */
    static double closestOn(double[] v, int a, int b, double px, double py, double pz, double[] out, int o) {
        double abx = v[b] - v[a], aby = v[b + 1] - v[a + 1], abz = v[b + 2] - v[a + 2];
        double t = ((px - v[a]) * abx + (py - v[a + 1]) * aby + (pz - v[a + 2]) * abz)
                / (abx * abx + aby * aby + abz * abz + 1e-6);
        t = Math.max(0.0, Math.min(1.0, t));
        double cx = v[a] + t * abx, cy = v[a + 1] + t * aby, cz = v[a + 2] + t * abz;
        out[o] = cx;
        out[o + 1] = cy;
        out[o + 2] = cz;
        double dx = px - cx, dy = py - cy, dz = pz - cz;
        return dx * dx + dy * dy + dz * dz;
    }

    /**
     * The closest points of segments A ({@code v[a .. a+6)}: two end points) and B ({@code v[b .. b+6)}) into
     * {@code out[o .. o+3)} (on A) and {@code out[o+3 .. o+6)} (on B): the closest points of the two lines from the
     * segments' mid-points, clipped to the segments, then each re-projected once onto the other segment, keeping the
     * pair whose re-projection moved less (MJX's handling of lines that cross outside the segments). Uses
     * {@code out[o+6 .. o+12)} as scratch.
     */
    static void closestBetween(double[] v, int a, int b, double[] out, int o) {
        double ux = v[a + 3] - v[a], uy = v[a + 4] - v[a + 1], uz = v[a + 5] - v[a + 2];
        double wx = v[b + 3] - v[b], wy = v[b + 4] - v[b + 1], wz = v[b + 5] - v[b + 2];
        double lenA = norm(ux, uy, uz), lenB = norm(wx, wy, wz);
        double ia = 1 / (lenA + (lenA == 0 ? 1e-6 : 0)), ib = 1 / (lenB + (lenB == 0 ? 1e-6 : 0));
        double dax = ux * ia, day = uy * ia, daz = uz * ia;
        double dbx = wx * ib, dby = wy * ib, dbz = wz * ib;
        double ha = lenA * 0.5, hb = lenB * 0.5;
        double max = v[a] + dax * ha, may = v[a + 1] + day * ha, maz = v[a + 2] + daz * ha;
        double mbx = v[b] + dbx * hb, mby = v[b + 1] + dby * hb, mbz = v[b + 2] + dbz * hb;
        double tx = max - mbx, ty = may - mby, tz = maz - mbz;
        double ab = dax * dbx + day * dby + daz * dbz;
        double at = dax * tx + day * ty + daz * tz;
        double bt = dbx * tx + dby * ty + dbz * tz;
        double denom = 1 - ab * ab;
        double ta0 = (-at + ab * bt) / (denom + 1e-6);
        double tb0 = bt + ta0 * ab;
        double ta = Math.max(-ha, Math.min(ha, ta0));
        double tb = Math.max(-hb, Math.min(hb, tb0));
        double bax = max + dax * ta, bay = may + day * ta, baz = maz + daz * ta;
        double bbx = mbx + dbx * tb, bby = mby + dby * tb, bbz = mbz + dbz * tb;
        int t = o + 6;
        double d1 = closestOn(v, a, a + 3, bbx, bby, bbz, out, t);
        double d2 = closestOn(v, b, b + 3, bax, bay, baz, out, t + 3);
        if (d1 < d2) {
            out[o] = out[t];
            out[o + 1] = out[t + 1];
            out[o + 2] = out[t + 2];
            out[o + 3] = bbx;
            out[o + 4] = bby;
            out[o + 5] = bbz;
        } else {
            out[o] = bax;
            out[o + 1] = bay;
            out[o + 2] = baz;
            out[o + 3] = out[t + 3];
            out[o + 4] = out[t + 4];
            out[o + 5] = out[t + 5];
        }
    }
}
