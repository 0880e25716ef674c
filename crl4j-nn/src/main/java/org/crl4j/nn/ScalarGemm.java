package org.crl4j.nn;

/** The portable GEMM: plain loops, used when the Vector API is absent and as the reference in tests. */
final class ScalarGemm {
    private ScalarGemm() {
    }

    static void gemm(Parallel pool, boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        final int rowsPerTask = 16;
        int tasks = (m + rowsPerTask - 1) / rowsPerTask;
        pool.run(tasks, (t, w) -> {
            int i0 = t * rowsPerTask;
            int i1 = Math.min(m, i0 + rowsPerTask);
            for (int i = i0; i < i1; i++) {
                int cRow = cOff + i * ldc;
                if (!accumulate) {
                    java.util.Arrays.fill(c, cRow, cRow + n, 0f);
                }
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (transB) {
                        for (int j = 0; j < n; j++) {
                            c[cRow + j] += av * b[bOff + j * ldb + p];
                        }
                    } else {
                        int bRow = bOff + p * ldb;
                        for (int j = 0; j < n; j++) {
                            c[cRow + j] += av * b[bRow + j];
                        }
                    }
                }
            }
        });
    }
}
