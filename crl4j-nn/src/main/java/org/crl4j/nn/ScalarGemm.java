package org.crl4j.nn;

import java.util.Arrays;

import org.crl4j.core.Parallel;

/**
 * The portable GEMM: plain loops, used when the Vector API is absent (and in tests as a second opinion).
 *
 * <p>Row i of C is accumulated as a sequence of saxpy sweeps over j (contiguous, which C2 auto-vectorises), four
 * values of k at a time so that each sweep loads and stores C once per four products. The expression is evaluated
 * left to right, so every element is the same sequence of roundings (c + a₀b₀ + a₁b₁ + …, k in order) whatever the
 * split into tasks: results do not depend on the thread count. A transposed B is first copied to K×N.
 */
final class ScalarGemm {
    private ScalarGemm() {
    }

    /** Below this many multiply-adds the call stays on the calling thread. */
    private static final long PARALLEL_MIN_FMA = 1L << 16;

    /** Per-thread scratch for a transposed copy of B, grown on demand. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][] {new float[0]});

    static void gemm(Parallel pool, boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0) {
            return;
        }
        final float[] bk;
        final int bkOff, ldbk;
        if (transB && k > 0) {
            float[][] holder = SCRATCH.get();
            if (holder[0].length < k * n) {
                holder[0] = new float[k * n];
            }
            bk = holder[0];
            for (int j = 0; j < n; j++) {
                int src = bOff + j * ldb;
                for (int p = 0; p < k; p++) {
                    bk[p * n + j] = b[src + p];
                }
            }
            bkOff = 0;
            ldbk = n;
        } else {
            bk = b;
            bkOff = bOff;
            ldbk = ldb;
        }
        int tasks = (long) m * n * k < PARALLEL_MIN_FMA ? 1 : Math.min(m, 4 * pool.threads());
        pool.run(tasks, (t, w) -> {
            int i0 = (int) ((long) t * m / tasks);
            int i1 = (int) ((long) (t + 1) * m / tasks);
            for (int i = i0; i < i1; i++) {
                row(transA, i, n, k, a, aOff, lda, bk, bkOff, ldbk, c, cOff + i * ldc, accumulate);
            }
        });
    }

    /** C[i, 0:n] (=|+=) op(A)[i, :]·B, with B row-major K×N. */
    private static void row(boolean transA, int i, int n, int k, float[] a, int aOff, int lda,
                            float[] b, int bOff, int ldb, float[] c, int cRow, boolean accumulate) {
        if (!accumulate) {
            Arrays.fill(c, cRow, cRow + n, 0f);
        }
        int aStep = transA ? lda : 1;
        int ai = transA ? aOff + i : aOff + i * lda;
        int p = 0;
        for (; p + 4 <= k; p += 4, ai += 4 * aStep) {
            float a0 = a[ai], a1 = a[ai + aStep], a2 = a[ai + 2 * aStep], a3 = a[ai + 3 * aStep];
            int b0 = bOff + p * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
            for (int j = 0; j < n; j++) {
                c[cRow + j] = c[cRow + j] + a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
            }
        }
        for (; p < k; p++, ai += aStep) {
            float a0 = a[ai];
            int b0 = bOff + p * ldb;
            for (int j = 0; j < n; j++) {
                c[cRow + j] = c[cRow + j] + a0 * b[b0 + j];
            }
        }
    }
}
