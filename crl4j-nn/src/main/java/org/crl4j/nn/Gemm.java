package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Simd;

/**
 * Single-precision matrix multiply on row-major {@code float[]}: C[M×N] = op(A)·op(B) (or +=, to accumulate gradients).
 *
 * <ul>
 *   <li>op(A) is M×K: A is stored M×K with row stride lda, or, when {@code transA}, K×M (so Aᵀ·B for weight gradients).
 *   <li>op(B) is K×N: B is stored K×N with row stride ldb, or, when {@code transB}, N×K (so A·Bᵀ for input gradients).
 * </ul>
 * One entry point serves every caller; the implementation picks the Vector API kernel when {@link Simd#ENABLED} and
 * the scalar one otherwise. Work is split over M and N only, never over K, so the result does not depend on the
 * thread count: it is bit-identical for any pool (and, on the vector path, for any vector width or tile height).
 *
 * <p>Problems under about 10⁵ multiply-adds run on the calling thread. The vector path allocates nothing once C2 has
 * compiled it (before that the Vector API boxes vectors); each thread that has run a GEMM keeps about 400 KB of
 * packing buffers. Calls from several threads at once are safe (the buffers are per thread; a pool serialises
 * callers). C must not overlap A or B; A and B may be the same array.
 */
public final class Gemm {
    private Gemm() {
    }

    public static void gemm(Parallel pool, boolean transA, boolean transB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) {
            return;
        }
        if (Simd.ENABLED) {
            VectorGemm.gemm(pool, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
        }
        ScalarGemm.gemm(pool, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /** C = A·B for dense row-major matrices with no padding, on the shared pool. */
    public static void matmul(int m, int n, int k, float[] a, float[] b, float[] c) {
        gemm(Parallel.shared(), false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
    }
}
