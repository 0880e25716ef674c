package org.crl4j.envs.spring;

/** Angle helpers for the hot loop. */
final class Angles {
    private Angles() {
    }

    private static final double TAN_PI_8 = 0.41421356237309503;

    /**
     * atan2 without the cost of {@code StrictMath}: octant reduction, a shift by π/4 above tan(π/8), then the odd
     * Taylor series of atan to u²¹ on |u| ≤ tan(π/8); error below 1e-10 rad, far below the float32 Brax runs in.
     */
    static double atan2(double y, double x) {
        double ax = Math.abs(x), ay = Math.abs(y);
        double mx = Math.max(ax, ay), mn = Math.min(ax, ay);
        if (!(mx > 0) || mx == Double.POSITIVE_INFINITY) {
            return Math.atan2(y, x); // zeros, infinities and NaN: the library's conventions
        }
        double t = mn / mx;
        boolean shifted = t > TAN_PI_8;
        double u = shifted ? (t - 1) / (t + 1) : t;
        double u2 = u * u;
        double p = 1.0 / 21;
        p = p * -u2 + 1.0 / 19;
        p = p * -u2 + 1.0 / 17;
        p = p * -u2 + 1.0 / 15;
        p = p * -u2 + 1.0 / 13;
        p = p * -u2 + 1.0 / 11;
        p = p * -u2 + 1.0 / 9;
        p = p * -u2 + 1.0 / 7;
        p = p * -u2 + 1.0 / 5;
        p = p * -u2 + 1.0 / 3;
        p = p * -u2 + 1.0;
        double a = u * p + (shifted ? Math.PI / 4 : 0);
        if (ay > ax) {
            a = Math.PI / 2 - a;
        }
        if (x < 0) {
            a = Math.PI - a;
        }
        return y < 0 ? -a : a;
    }
}
