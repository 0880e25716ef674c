package org.crl4j.cli;

/**
 * Mean and standard error of the mean over {@code n} values (seeds): SE = sample standard deviation / √n, 0 for a
 * single value. Non-finite values are left out.
 */
record MeanSe(double mean, double se, int n) {

    static MeanSe of(double... values) {
        int n = 0;
        double sum = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        if (n == 0) {
            return new MeanSe(Double.NaN, Double.NaN, 0);
        }
        double mean = sum / n;
        if (n == 1) {
            return new MeanSe(mean, 0, 1);
        }
        double ss = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                ss += (v - mean) * (v - mean);
            }
        }
        return new MeanSe(mean, Math.sqrt(ss / (n - 1)) / Math.sqrt(n), n);
    }
}
