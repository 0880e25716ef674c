package org.crl4j.nn.loss;

import java.util.Random;

import org.crl4j.core.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.crl4j.nn.loss.DoubleReference.assertClose;

class LogSumExpTest {

    private static Parallel one;
    private static Parallel three;

    @BeforeAll
    static void pools() {
        one = new Parallel(1);
        three = new Parallel(3);
    }

    @AfterAll
    static void closePools() {
        one.close();
        three.close();
    }

    @Test
    void handComputedRowsAndColumns() {
        // [[0, ln 3], [5, 5]]: rows → ln 4, 5 + ln 2; columns → ln(1 + e⁵), ln(3 + e⁵).
        float ln3 = (float) Math.log(3);
        float[] x = {0, ln3, 5, 5};
        float[] rows = new float[2];
        float[] cols = new float[2];
        LogSumExp.rows(one, x, 2, 2, rows, null);
        LogSumExp.columns(one, x, 2, 2, cols, null);
        assertThat((double) rows[0]).isCloseTo(Math.log(4), within(1e-6));
        assertThat((double) rows[1]).isCloseTo(5 + Math.log(2), within(1e-6));
        assertThat((double) cols[0]).isCloseTo(Math.log(1 + Math.exp(5)), within(1e-6));
        assertThat((double) cols[1]).isCloseTo(Math.log(Math.exp(ln3) + Math.exp(5)), within(1e-6));
    }

    @Test
    void stableForValuesWhoseExpOverflowsOrUnderflows() {
        float[] x = {1000, 1000, -1000, -1000, 88.8f, 89.0f, -1e4f, 1e4f};
        float[] lse = new float[4];
        LogSumExp.rows(one, x, 4, 2, lse, null);
        assertThat((double) lse[0]).isCloseTo(1000 + Math.log(2), within(1e-4));
        assertThat((double) lse[1]).isCloseTo(-1000 + Math.log(2), within(1e-4));
        assertThat((double) lse[2]).isCloseTo(89.0 + Math.log1p(Math.exp(88.8f - 89.0)), within(1e-5));
        assertThat(lse[3]).isEqualTo(1e4f);
    }

    @Test
    void softmaxOutputIsTheGradientAndRowsSumToOne() {
        Random r = new Random(1);
        int rows = 7;
        int cols = 11;
        float[] x = DoubleReference.randomFloats(r, rows * cols, 3);
        float[] lse = new float[rows];
        float[] softmax = new float[rows * cols];
        LogSumExp.rows(one, x, rows, cols, lse, softmax);
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += softmax[i * cols + j];
            }
            assertThat(s).isCloseTo(1.0, within(1e-6));
        }
        float[] ones = new float[rows];
        java.util.Arrays.fill(ones, 1f);
        float[] dX = new float[rows * cols];
        LogSumExp.rowsBackward(one, x, rows, cols, lse, ones, dX, false);
        assertClose("softmax", softmax, DoubleReference.toDouble(dX), 1e-6, 0);
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        Random r = new Random(2);
        int rows = 5;
        int cols = 6;
        float[] x = DoubleReference.randomFloats(r, rows * cols, 2);
        float[] wRows = DoubleReference.randomFloats(r, rows, 1);
        float[] wCols = DoubleReference.randomFloats(r, cols, 1);
        float[] lseRows = new float[rows];
        float[] lseCols = new float[cols];
        LogSumExp.rows(one, x, rows, cols, lseRows, null);
        LogSumExp.columns(one, x, rows, cols, lseCols, null);
        // Accumulating both backward passes gives the gradient of Σ_i wR_i·lseRow_i + Σ_j wC_j·lseCol_j.
        float[] dX = new float[rows * cols];
        LogSumExp.rowsBackward(one, x, rows, cols, lseRows, wRows, dX, false);
        LogSumExp.columnsBackward(one, x, rows, cols, lseCols, wCols, dX, true);
        double[] expected = DoubleReference.numericGradient(v -> {
            double[][] m = new double[rows][cols];
            for (int i = 0; i < rows; i++) {
                System.arraycopy(v, i * cols, m[i], 0, cols);
            }
            double s = 0;
            for (int i = 0; i < rows; i++) {
                s += wRows[i] * DoubleReference.rowLse(m, i);
            }
            for (int j = 0; j < cols; j++) {
                s += wCols[j] * DoubleReference.colLse(m, j);
            }
            return s;
        }, DoubleReference.toDouble(x), 1e-6);
        assertClose("dX", dX, expected, 1e-5, 1e-7);
    }

    @Test
    void columnsEqualRowsOfTheTranspose() {
        Random r = new Random(3);
        int rows = 13;
        int cols = 9;
        float[] x = DoubleReference.randomFloats(r, rows * cols, 4);
        float[] xt = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                xt[j * rows + i] = x[i * cols + j];
            }
        }
        float[] cols1 = new float[cols];
        float[] rows2 = new float[cols];
        float[] softCols = new float[rows * cols];
        float[] softRowsT = new float[rows * cols];
        LogSumExp.columns(three, x, rows, cols, cols1, softCols);
        LogSumExp.rows(three, xt, cols, rows, rows2, softRowsT);
        assertThat(cols1).isEqualTo(rows2);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                assertThat(softCols[i * cols + j]).isEqualTo(softRowsT[j * rows + i]);
            }
        }
    }

    @Test
    void resultsDoNotDependOnThreadCount() {
        Random r = new Random(4);
        int rows = 50;
        int cols = 41;
        float[] x = DoubleReference.randomFloats(r, rows * cols, 5);
        float[] d = DoubleReference.randomFloats(r, cols, 1);
        float[] a1 = new float[cols];
        float[] a3 = new float[cols];
        float[] s1 = new float[rows * cols];
        float[] s3 = new float[rows * cols];
        LogSumExp.columns(one, x, rows, cols, a1, s1);
        LogSumExp.columns(three, x, rows, cols, a3, s3);
        assertThat(a3).isEqualTo(a1);
        assertThat(s3).isEqualTo(s1);
        LogSumExp.columnsBackward(one, x, rows, cols, a1, d, s1, true);
        LogSumExp.columnsBackward(three, x, rows, cols, a3, d, s3, true);
        assertThat(s3).isEqualTo(s1);
    }
}
