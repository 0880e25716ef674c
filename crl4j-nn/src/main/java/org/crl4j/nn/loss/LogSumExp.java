package org.crl4j.nn.loss;

import org.crl4j.core.Parallel;

/**
 * Numerically stable log-sum-exp over the rows or the columns of a row-major matrix X [rows×cols], and its backward
 * pass (the softmax).
 *
 * <p>lse = m + log Σ exp(x − m) with m the maximum; the exps come from {@link SoftmaxKernels} (float, within
 * 2 ulp) and are summed in double precision in a fixed order. Inputs are expected to be finite; NaN propagates.
 *
 * <p>The forward methods can also write the softmax exp(x − lse), which is both the Jacobian of lse and what a
 * cross-entropy gradient needs, so a caller wanting lse and its gradient pays for one exp per element.
 *
 * <p>Work is split in fixed blocks (8 rows or 8 columns per task) and every element is computed by one fixed chain
 * of operations, so results are bit-identical for any thread count.
 */
public final class LogSumExp {
    private LogSumExp() {
    }

    private static final int PER_TASK = 8;

    /**
     * lse[i] = log Σ_j exp(x[i·cols + j]) for i &lt; rows; when {@code softmax} is not null it receives
     * softmax[i·cols + j] = exp(x_ij − lse_i) (must not alias x).
     */
    public static void rows(Parallel pool, float[] x, int rows, int cols, float[] lse, float[] softmax) {
        check(x, rows, cols);
        PairwiseEnergy.checkLength("lse", lse, rows);
        if (softmax != null) {
            PairwiseEnergy.checkLength("softmax", softmax, (long) rows * cols);
        }
        pool.run(tasks(rows), (task, worker) -> {
            int end = Math.min(rows, (task + 1) * PER_TASK);
            for (int i = task * PER_TASK; i < end; i++) {
                int row = i * cols;
                float max = SoftmaxKernels.BEST.max(x, row, cols);
                double sum;
                if (softmax != null) {
                    SoftmaxKernels.BEST.expShifted(x, row, cols, max, softmax, row);
                    sum = SoftmaxKernels.sum(softmax, row, cols);
                    float inv = (float) (1.0 / sum);
                    for (int j = row; j < row + cols; j++) {
                        softmax[j] *= inv;
                    }
                } else {
                    sum = SoftmaxKernels.sumExpShifted(x, row, 1, cols, max);
                }
                lse[i] = (float) (max + Math.log(sum));
            }
        });
    }

    /**
     * lse[j] = log Σ_i exp(x[i·cols + j]) for j &lt; cols; when {@code softmax} is not null it receives
     * softmax[i·cols + j] = exp(x_ij − lse_j) (must not alias x).
     */
    public static void columns(Parallel pool, float[] x, int rows, int cols, float[] lse, float[] softmax) {
        check(x, rows, cols);
        PairwiseEnergy.checkLength("lse", lse, cols);
        if (softmax != null) {
            PairwiseEnergy.checkLength("softmax", softmax, (long) rows * cols);
        }
        pool.run(tasks(cols), (task, worker) -> {
            int end = Math.min(cols, (task + 1) * PER_TASK);
            for (int j = task * PER_TASK; j < end; j++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int idx = j; idx < rows * cols; idx += cols) {
                    max = Math.max(max, x[idx]);
                }
                // Same per-element exps and summation order as rows() on the transpose.
                double sum = SoftmaxKernels.sumExpShifted(x, j, cols, rows, max);
                if (softmax != null) {
                    float inv = (float) (1.0 / sum);
                    for (int idx = j; idx < rows * cols; idx += cols) {
                        softmax[idx] = SoftmaxKernels.exp(x[idx] - max) * inv;
                    }
                }
                lse[j] = (float) (max + Math.log(sum));
            }
        });
    }

    /**
     * Backward of {@link #rows}: dX[i·cols + j] = dLse[i]·exp(x_ij − lse_i), overwritten or, when {@code accumulate},
     * added to what dX holds.
     */
    public static void rowsBackward(Parallel pool, float[] x, int rows, int cols, float[] lse, float[] dLse,
                                    float[] dX, boolean accumulate) {
        check(x, rows, cols);
        PairwiseEnergy.checkLength("lse", lse, rows);
        PairwiseEnergy.checkLength("dLse", dLse, rows);
        PairwiseEnergy.checkLength("dX", dX, (long) rows * cols);
        pool.run(tasks(rows), (task, worker) -> {
            int end = Math.min(rows, (task + 1) * PER_TASK);
            for (int i = task * PER_TASK; i < end; i++) {
                int row = i * cols;
                float l = lse[i];
                double g = dLse[i];
                for (int j = row; j < row + cols; j++) {
                    float v = (float) (g * SoftmaxKernels.exp(x[j] - l));
                    dX[j] = accumulate ? dX[j] + v : v;
                }
            }
        });
    }

    /**
     * Backward of {@link #columns}: dX[i·cols + j] = dLse[j]·exp(x_ij − lse_j), overwritten or, when
     * {@code accumulate}, added to what dX holds.
     */
    public static void columnsBackward(Parallel pool, float[] x, int rows, int cols, float[] lse, float[] dLse,
                                       float[] dX, boolean accumulate) {
        check(x, rows, cols);
        PairwiseEnergy.checkLength("lse", lse, cols);
        PairwiseEnergy.checkLength("dLse", dLse, cols);
        PairwiseEnergy.checkLength("dX", dX, (long) rows * cols);
        pool.run(tasks(rows), (task, worker) -> {
            int end = Math.min(rows, (task + 1) * PER_TASK);
            for (int i = task * PER_TASK; i < end; i++) {
                int row = i * cols;
                for (int j = 0; j < cols; j++) {
                    float v = (float) ((double) dLse[j] * SoftmaxKernels.exp(x[row + j] - lse[j]));
                    dX[row + j] = accumulate ? dX[row + j] + v : v;
                }
            }
        });
    }

    private static int tasks(int n) {
        return (n + PER_TASK - 1) / PER_TASK;
    }

    private static void check(float[] x, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative size: rows=" + rows + " cols=" + cols);
        }
        PairwiseEnergy.checkLength("x", x, (long) rows * cols);
    }
}
