package org.crl4j.envs.spring;

/**
 * Quaternion (w, x, y, z) and 3-vector helpers on small arrays, for model building and kinematics outside the hot
 * loop. {@link #rotate} is Brax's formula, which does not assume a unit quaternion (a non-unit q scales by |q|²;
 * Brax's forward kinematics relies on that, and so does {@link SpringBatch#reset}).
 */
final class Quat {
    private Quat() {
    }

    static double[] mul(double[] u, double[] v) {
        return new double[] {
            u[0] * v[0] - u[1] * v[1] - u[2] * v[2] - u[3] * v[3],
            u[0] * v[1] + u[1] * v[0] + u[2] * v[3] - u[3] * v[2],
            u[0] * v[2] - u[1] * v[3] + u[2] * v[0] + u[3] * v[1],
            u[0] * v[3] + u[1] * v[2] - u[2] * v[1] + u[3] * v[0]};
    }

    static double[] rotate(double[] q, double[] v) {
        double s = q[0], ux = q[1], uy = q[2], uz = q[3];
        double ud = ux * v[0] + uy * v[1] + uz * v[2];
        double k = s * s - (ux * ux + uy * uy + uz * uz);
        return new double[] {
            2 * ud * ux + k * v[0] + 2 * s * (uy * v[2] - uz * v[1]),
            2 * ud * uy + k * v[1] + 2 * s * (uz * v[0] - ux * v[2]),
            2 * ud * uz + k * v[2] + 2 * s * (ux * v[1] - uy * v[0])};
    }

    static double[] conj(double[] q) {
        return new double[] {q[0], -q[1], -q[2], -q[3]};
    }

    static double[] normalized(double[] q) {
        double n = Math.sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        if (!(n > 0)) {
            throw new IllegalArgumentException("zero quaternion");
        }
        return new double[] {q[0] / n, q[1] / n, q[2] / n, q[3] / n};
    }

    /** Rotation by {@code angle} about the unit {@code axis}. */
    static double[] axisAngle(double[] axis, double angle) {
        double s = Math.sin(angle / 2);
        return new double[] {Math.cos(angle / 2), axis[0] * s, axis[1] * s, axis[2] * s};
    }

    /** The rotation taking +z to the direction (dx, dy, dz). */
    static double[] fromZTo(double dx, double dy, double dz) {
        double n = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (!(n > 0)) {
            throw new IllegalArgumentException("capsule fromto has zero length");
        }
        dx /= n;
        dy /= n;
        dz /= n;
        if (dz < -1 + 1e-12) {
            return new double[] {0, 1, 0, 0};
        }
        return normalized(new double[] {1 + dz, -dy, dx, 0});
    }

    /** Row-major 3×3 rotation matrix of a unit quaternion. */
    static double[] matrix(double[] q) {
        double[] m = new double[9];
        matrix(q[0], q[1], q[2], q[3], m, 0);
        return m;
    }

    /**
     * The row-major rotation matrix of the unit quaternion (w, x, y, z) into {@code out[off .. off + 9]}, without
     * allocating: the scalar formula of the inverse kinematics ({@link SpringBatch#readState}), which
     * {@code LaneDynamics.inverse} repeats lanewise operation for operation. (The substep's frame uses another
     * rounding of the same matrix, {@code x2 = x + x, ...}; the two may differ in the last bit and are not mixed.)
     */
    static void matrix(double w, double x, double y, double z, double[] out, int off) {
        out[off] = 1 - 2 * (y * y + z * z);
        out[off + 1] = 2 * (x * y - w * z);
        out[off + 2] = 2 * (x * z + w * y);
        out[off + 3] = 2 * (x * y + w * z);
        out[off + 4] = 1 - 2 * (x * x + z * z);
        out[off + 5] = 2 * (y * z - w * x);
        out[off + 6] = 2 * (x * z - w * y);
        out[off + 7] = 2 * (y * z + w * x);
        out[off + 8] = 1 - 2 * (x * x + y * y);
    }

    static double[] add(double[] a, double[] b) {
        return new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
    }

    static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    static double[] scale(double[] a, double s) {
        return new double[] {a[0] * s, a[1] * s, a[2] * s};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    static boolean isIdentity(double[] q) {
        return q[0] == 1 && q[1] == 0 && q[2] == 0 && q[3] == 0;
    }
}
