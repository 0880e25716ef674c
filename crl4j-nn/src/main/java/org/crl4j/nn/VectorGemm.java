package org.crl4j.nn;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.crl4j.core.Parallel;

/**
 * The Vector API GEMM, GotoBLAS style: op(B) is packed per KC×NC block into strips NR = 2 vectors wide, op(A) is
 * packed in strips of MR rows, and an MR×NR register-blocked micro-kernel keeps its accumulators in local variables
 * (never in an array: that is catastrophically slow).
 *
 * <p>Every transpose is absorbed by the packing, so one kernel serves NN, NT and TN. Each element of C is computed
 * the same way wherever its tile lies: per K block, an FMA chain from zero over k in order, then one add into C (or
 * a plain store for the first block when not accumulating). Edge tiles use zero padding and the same arithmetic, so
 * the result depends neither on how the work is split over M and N (hence not on the thread count) nor on MR or the
 * vector width.
 *
 * <p>Only loaded when {@link Simd#ENABLED}.
 */
final class VectorGemm {
    private VectorGemm() {
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Floats per vector (16 with AVX-512, 8 with AVX2). */
    static final int L = S.length();
    /** Columns of a micro-tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * Rows of a micro-tile: 6 (12 accumulators) where there are 32 vector registers (AVX-512), 4 (8 accumulators)
     * with 16 (AVX2). C2 schedules all MR broadcasts of an iteration early, so MR + 2·MR + 2 registers must fit: a
     * 6×2 kernel on AVX2 spills accumulators (measured: 2× slower on JDK 25, and 4×2 is faster on JDK 17 too).
     * {@code -Dcrl4j.gemm.mr=4|6} overrides (for tests and experiments).
     */
    static final int MR = chooseRows();
    /** Rows of A packed at once (a multiple of MR): MC×KC floats stay in L2 while their strips are used. */
    static final int MC = 16 * MR;
    /** Largest K block; K is cut into equal blocks of at most this (a function of K alone, for determinism). */
    static final int KC = 256;
    /**
     * Distance between the rows of a packed A strip, in floats. A strip keeps op(A)'s MR rows row-major, each
     * padded to this fixed length, so that the micro-kernels address row r at a constant offset r·A_ROW from one
     * index (no extra address arithmetic per k), and op(A) = A (forward, input gradient) is packed by plain row
     * copies. KC + 16 rather than KC: rows a multiple of 4 KiB apart would put every row's loads in one L1 set.
     */
    static final int A_ROW = KC + 16;
    /** Floats of packed B per block (kc × nc), sized to stay in L2 while all row strips sweep over it. */
    static final int PACKED_B_FLOATS = 64 * 1024;
    /** Up to this many rows of C, B is read in place rather than packed (measured: pays off up to two strips). */
    static final int DIRECT_B_MAX_ROWS = 2 * MR;
    /**
     * Below this many multiply-adds (m·n·k, ~5 µs on one core) the call stays on the calling thread: with spinning
     * workers even 32³ gains from two threads, but waking a parked worker costs a futex call (a few µs).
     */
    static final long PARALLEL_MIN_FMA = 1L << 17;
    /** From this many multiply-adds on, work is cut into two tasks per thread (see {@link Job#split}). */
    static final long BALANCE_MIN_FMA = 1L << 27;

    private static int chooseRows() {
        String forced = System.getProperty("crl4j.gemm.mr");
        if ("4".equals(forced) || "6".equals(forced)) {
            return Integer.parseInt(forced);
        }
        return L >= 16 ? 6 : 4;
    }

    /** Per-thread packing buffers, grown on demand and reused; the caller's also holds its reusable job. */
    private static final class Workspace {
        float[] packedB = new float[0];
        final float[] packedA = new float[MC * A_ROW];
        final float[] tile = new float[MR * NR];
        final Job job = new Job();
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    static void gemm(Parallel pool, boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0) {
            return;
        }
        if (k <= 0) {
            if (!accumulate) {
                for (int i = 0; i < m; i++) {
                    Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
                }
            }
            return;
        }
        Workspace ws = WORKSPACE.get();
        Job job = ws.job;
        job.set(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        try {
            int threads = pool.threads();
            if (threads == 1 || (long) m * n * k < PARALLEL_MIN_FMA) {
                job.compute(ws, 0, m, 0, n);
            } else {
                job.split(threads);
                pool.run(job.mChunks * job.nGroups, job);
            }
        } finally {
            job.clear();
        }
    }

    /** One GEMM call's parameters and its split into tasks; task t computes one block of C. */
    private static final class Job implements Parallel.Task {
        boolean transA, transB, accumulate;
        int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        float[] a, b, c;
        int kcBlock, ncBlock;
        int mUnits, nUnits, mChunks, nGroups;

        void set(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                 float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.accumulate = accumulate;
            int kBlocks = (k + KC - 1) / KC;
            this.kcBlock = (k + kBlocks - 1) / kBlocks;
            this.ncBlock = Math.max(NR, PACKED_B_FLOATS / kcBlock / NR * NR);
            this.mUnits = (m + MR - 1) / MR;
            this.nUnits = (n + NR - 1) / NR;
        }

        void clear() {
            a = null;
            b = null;
            c = null;
        }

        /**
         * Chooses how many row chunks and column groups to cut C into. Splitting rows repeats the packing of B in
         * every chunk, splitting columns repeats the packing of A; so split the dimension whose repeated packing is
         * cheaper (a transposing pack costs about three plain ones).
         */
        void split(int threads) {
            // Big problems get two tasks per thread, so a worker that starts late (parked, pre-empted) delays the
            // end by half as much; the price is one more packing of the repeated operand per extra task.
            if ((long) m * n * k >= BALANCE_MIN_FMA) {
                threads *= 2;
            }
            long repeatB = (long) n * (transB ? 3 : 1); // cost per extra row chunk
            long repeatA = (long) m * 2; // cost per extra column group (A's pack is never a vector copy)
            if (repeatB <= repeatA) {
                mChunks = Math.min(mUnits, threads);
                nGroups = Math.min(nUnits, (threads + mChunks - 1) / mChunks);
            } else {
                nGroups = Math.min(nUnits, threads);
                mChunks = Math.min(mUnits, (threads + nGroups - 1) / nGroups);
            }
        }

        @Override
        public void run(int task, int worker) {
            int tm = task / nGroups;
            int tn = task - tm * nGroups;
            int i0 = MR * (int) ((long) tm * mUnits / mChunks);
            int i1 = Math.min(m, MR * (int) ((long) (tm + 1) * mUnits / mChunks));
            int j0 = NR * (int) ((long) tn * nUnits / nGroups);
            int j1 = Math.min(n, NR * (int) ((long) (tn + 1) * nUnits / nGroups));
            if (i0 < i1 && j0 < j1) {
                compute(WORKSPACE.get(), i0, i1, j0, j1);
            }
        }

        /** C[i0:i1, j0:j1] over all of K; i0 is a multiple of MR and j0 of NR. */
        void compute(Workspace ws, int i0, int i1, int j0, int j1) {
            final float[] a = this.a, b = this.b, c = this.c;
            final int ldc = this.ldc, cOff = this.cOff;
            // An operand is packed only where it is reused enough to repay the copy: A across column strips, B
            // across row strips. Otherwise the strided kernels read it in place. (Same arithmetic either way.)
            final boolean directA = n <= NR;
            final boolean directB = !transB && m <= DIRECT_B_MAX_ROWS;
            final int rs = transA ? 1 : lda, ks = transA ? lda : 1; // op(A)[i, p] = a[aOff + i·rs + p·ks]
            int packedFloats = kcBlock * (Math.min(ncBlock, j1 - j0) + NR);
            if (ws.packedB.length < packedFloats) {
                ws.packedB = new float[packedFloats];
            }
            final float[] pb = ws.packedB, pa = ws.packedA, tile = ws.tile;
            for (int jc = j0; jc < j1; jc += ncBlock) {
                int jcEnd = Math.min(j1, jc + ncBlock);
                for (int pc = 0; pc < k; pc += kcBlock) {
                    int kc = Math.min(kcBlock, k - pc);
                    boolean overwrite = pc == 0 && !accumulate;
                    if (!directB) {
                        packB(pb, pc, kc, jc, jcEnd);
                    } else {
                        int last = jc + (jcEnd - jc - 1) / NR * NR;
                        int lastCols = jcEnd - last;
                        if (lastCols != NR && lastCols != L) {
                            packBStrip(pb, 0, pc, kc, last, lastCols); // a partial strip cannot be read in place
                        }
                    }
                    for (int ic = i0; ic < i1; ic += MC) {
                        int icEnd = Math.min(i1, ic + MC);
                        if (!directA) {
                            packA(pa, ic, icEnd, pc, kc);
                        }
                        for (int i = ic, ao = 0; i < icEnd; i += MR, ao += MR * A_ROW) {
                            int mr = Math.min(MR, icEnd - i);
                            float[] aSrc = pa;
                            int aIdx = ao, aRs = A_ROW, aKs = 1;
                            if (directA) {
                                if (mr == MR) {
                                    aSrc = a;
                                    aIdx = aOff + i * rs + pc * ks;
                                    aRs = rs;
                                    aKs = ks;
                                } else {
                                    packA(pa, i, icEnd, pc, kc); // the last rows: zero-padded copy
                                    aIdx = 0;
                                }
                            }
                            int bo = 0;
                            for (int j = jc; j < jcEnd; j += NR) {
                                int nr = Math.min(NR, jcEnd - j);
                                boolean wide = nr > L;
                                int width = wide ? NR : L;
                                float[] bSrc = pb;
                                int bIdx = bo;
                                if (directB) {
                                    if (nr == width) {
                                        bSrc = b;
                                        bIdx = bOff + pc * ldb + j;
                                    } else {
                                        bIdx = 0;
                                    }
                                }
                                int bKs = bSrc == b ? ldb : width;
                                // Edge tiles: compute the whole zero-padded tile aside, then keep its valid corner.
                                boolean edge = mr < MR || nr < width;
                                float[] dst = edge ? tile : c;
                                int dOff = edge ? 0 : cOff + i * ldc + j;
                                int ldd = edge ? width : ldc;
                                boolean store = edge || overwrite;
                                if (aSrc == pa && bSrc == pb) {
                                    packedKernel(wide, kc, pa, aIdx, pb, bIdx, dst, dOff, ldd, store);
                                } else {
                                    stridedKernel(wide, kc, aSrc, aIdx, aRs, aKs, bSrc, bIdx, bKs, dst, dOff, ldd,
                                            store);
                                }
                                if (edge) {
                                    merge(tile, width, mr, nr, c, cOff + i * ldc + j, ldc, overwrite);
                                }
                                bo += kc * width;
                            }
                        }
                    }
                }
            }
        }

        /**
         * Packs op(B)[pc:pc+kc, jc:jcEnd] into strips, each stored k-major: NR wide, or L wide for a last strip of
         * at most L columns; columns past the end are zero.
         */
        private void packB(float[] dst, int pc, int kc, int jc, int jcEnd) {
            int off = 0;
            for (int j = jc; j < jcEnd; j += NR) {
                int nr = Math.min(NR, jcEnd - j);
                packBStrip(dst, off, pc, kc, j, nr);
                off += kc * (nr > L ? NR : L);
            }
        }

        /** Packs op(B)[pc:pc+kc, j:j+nr] at dst[off], k-major, NR wide (L wide if nr ≤ L), zero-padded. */
        private void packBStrip(float[] dst, int off, int pc, int kc, int j, int nr) {
            final float[] b = this.b;
            final int ldb = this.ldb;
            int w = nr > L ? NR : L;
            if (!transB) {
                int src = bOff + pc * ldb + j;
                if (nr == NR) {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        int d = off + p * NR;
                        FloatVector.fromArray(S, b, src).intoArray(dst, d);
                        FloatVector.fromArray(S, b, src + L).intoArray(dst, d + L);
                    }
                } else if (nr == L) {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        FloatVector.fromArray(S, b, src).intoArray(dst, off + p * L);
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += ldb) {
                        int d = off + p * w;
                        for (int jj = 0; jj < nr; jj++) {
                            dst[d + jj] = b[src + jj];
                        }
                        for (int jj = nr; jj < w; jj++) {
                            dst[d + jj] = 0f;
                        }
                    }
                }
            } else {
                // B is stored N×K: column jj of the strip is row j+jj of B, contiguous in k.
                for (int jj = 0; jj < nr; jj++) {
                    int src = bOff + (j + jj) * ldb + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[off + p * w + jj] = b[src + p];
                    }
                }
                for (int jj = nr; jj < w; jj++) {
                    for (int p = 0; p < kc; p++) {
                        dst[off + p * w + jj] = 0f;
                    }
                }
            }
        }

        /**
         * Packs op(A)[i0:i1, pc:pc+kc] into strips of MR rows, row r of a strip at r·A_ROW; rows past i1 in the
         * last strip are zero.
         */
        private void packA(float[] dst, int i0, int i1, int pc, int kc) {
            final float[] a = this.a;
            final int lda = this.lda;
            int rows = i1 - i0;
            int fullStrips = rows / MR, rest = rows - fullStrips * MR;
            if (rest > 0) {
                for (int r = rest; r < MR; r++) {
                    int d = (fullStrips * MR + r) * A_ROW;
                    Arrays.fill(dst, d, d + kc, 0f);
                }
            }
            if (!transA) {
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(a, aOff + (i0 + r) * lda + pc, dst, r * A_ROW, kc);
                }
            } else {
                // A is stored K×M: the MR values of one k are contiguous; each goes to its own row of the strip.
                for (int st = 0; st < fullStrips; st++) {
                    int src = aOff + pc * lda + i0 + st * MR;
                    int d = st * MR * A_ROW;
                    if (MR == 4) {
                        for (int p = 0; p < kc; p++, src += lda) {
                            dst[d + p] = a[src];
                            dst[d + A_ROW + p] = a[src + 1];
                            dst[d + 2 * A_ROW + p] = a[src + 2];
                            dst[d + 3 * A_ROW + p] = a[src + 3];
                        }
                    } else {
                        for (int p = 0; p < kc; p++, src += lda) {
                            dst[d + p] = a[src];
                            dst[d + A_ROW + p] = a[src + 1];
                            dst[d + 2 * A_ROW + p] = a[src + 2];
                            dst[d + 3 * A_ROW + p] = a[src + 3];
                            dst[d + 4 * A_ROW + p] = a[src + 4];
                            dst[d + 5 * A_ROW + p] = a[src + 5];
                        }
                    }
                }
                for (int r = 0; r < rest; r++) {
                    int src = aOff + pc * lda + i0 + fullStrips * MR + r;
                    int d = (fullStrips * MR + r) * A_ROW;
                    for (int p = 0; p < kc; p++, src += lda) {
                        dst[d + p] = a[src];
                    }
                }
            }
        }
    }

    /** Stores or adds the valid mr×nr corner of an edge tile into C (the same single add as the full kernels). */
    private static void merge(float[] tile, int ldt, int mr, int nr, float[] c, int cOff, int ldc, boolean overwrite) {
        for (int r = 0; r < mr; r++) {
            int t = r * ldt;
            int o = cOff + r * ldc;
            if (overwrite) {
                System.arraycopy(tile, t, c, o, nr);
            } else {
                for (int j = 0; j < nr; j++) {
                    c[o + j] += tile[t + j];
                }
            }
        }
    }

    /** C[MR×width] (= or +=) packed A strip · packed B strip over kc; width is NR when wide, else L. */
    private static void packedKernel(boolean wide, int kc, float[] a, int aOff, float[] b, int bOff, float[] c,
                                     int cOff, int ldc, boolean overwrite) {
        if (MR == 6) {
            if (wide) {
                kernel6x2(kc, a, aOff, b, bOff, c, cOff, ldc, overwrite);
            } else {
                kernel6x1(kc, a, aOff, b, bOff, c, cOff, ldc, overwrite);
            }
        } else {
            if (wide) {
                kernel4x2(kc, a, aOff, b, bOff, c, cOff, ldc, overwrite);
            } else {
                kernel4x1(kc, a, aOff, b, bOff, c, cOff, ldc, overwrite);
            }
        }
    }

    /** As {@link #packedKernel} with A[r, p] = a[aOff + r·rs + p·ks] and B row p at b[bOff + p·bks]. */
    private static void stridedKernel(boolean wide, int kc, float[] a, int aOff, int rs, int ks, float[] b, int bOff,
                                      int bks, float[] c, int cOff, int ldc, boolean overwrite) {
        if (MR == 6) {
            if (wide) {
                strided6x2(kc, a, aOff, rs, ks, b, bOff, bks, c, cOff, ldc, overwrite);
            } else {
                strided6x1(kc, a, aOff, rs, ks, b, bOff, bks, c, cOff, ldc, overwrite);
            }
        } else {
            if (wide) {
                strided4x2(kc, a, aOff, rs, ks, b, bOff, bks, c, cOff, ldc, overwrite);
            } else {
                strided4x1(kc, a, aOff, rs, ks, b, bOff, bks, c, cOff, ldc, overwrite);
            }
        }
    }

    // The micro-kernels: kernelRxV computes C[R rows × V vectors] from a packed A strip (row r at aOff + r·A_ROW)
    // and B packed k-major (V·L values per k, from bOff); stridedRxV reads both through strides instead (about 10%
    // slower: more address arithmetic). Accumulators are locals so that they live in registers.
    //
    // UNROLL_NOTE: the two-vector kernels take four k per loop iteration. C2 does not unroll these loops itself and
    // keeps the range check of a[] inside them, so each k paid about five scalar instructions; on cores whose
    // scalar ALUs share ports with the vector FMA units (Intel: ports 0 and 5) those take FMA slots. Measured on an
    // Intel Xeon with AVX-512 (2026-12-06), 6×2 kernel alone, B streaming from L2: 147 → 175 GFLOP/s (peak 237);
    // two k per iteration gave 163, eight 152. The FMA order per accumulator is unchanged: results are bit-identical.

    private static void kernel6x2(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
            int ldc, boolean overwrite) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero;
        FloatVector c50 = zero, c51 = zero;
        FloatVector b0, b1, av;
        int p = 0;
        for (; p + 3 < kc; p += 4) { // see UNROLL_NOTE
            int bp = bOff + p * NR;
            int ap = aOff + p;
            b0 = FloatVector.fromArray(S, b, bp);
            b1 = FloatVector.fromArray(S, b, bp + L);
            av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + 4 * A_ROW]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5 * A_ROW]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            b0 = FloatVector.fromArray(S, b, bp + 1 * NR);
            b1 = FloatVector.fromArray(S, b, bp + 1 * NR + L);
            av = FloatVector.broadcast(S, a[ap + 1]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW + 1]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW + 1]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + 4 * A_ROW + 1]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5 * A_ROW + 1]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            b0 = FloatVector.fromArray(S, b, bp + 2 * NR);
            b1 = FloatVector.fromArray(S, b, bp + 2 * NR + L);
            av = FloatVector.broadcast(S, a[ap + 2]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW + 2]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW + 2]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + 4 * A_ROW + 2]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5 * A_ROW + 2]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            b0 = FloatVector.fromArray(S, b, bp + 3 * NR);
            b1 = FloatVector.fromArray(S, b, bp + 3 * NR + L);
            av = FloatVector.broadcast(S, a[ap + 3]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW + 3]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW + 3]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + 4 * A_ROW + 3]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5 * A_ROW + 3]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
        }
        for (; p < kc; p++) {
            int bp = bOff + p * NR;
            int ap = aOff + p;
            b0 = FloatVector.fromArray(S, b, bp);
            b1 = FloatVector.fromArray(S, b, bp + L);
            av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + 4 * A_ROW]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + 5 * A_ROW]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
        }
        int o = cOff;
        if (overwrite) {
            c00.intoArray(c, o); c01.intoArray(c, o + L); o += ldc;
            c10.intoArray(c, o); c11.intoArray(c, o + L); o += ldc;
            c20.intoArray(c, o); c21.intoArray(c, o + L); o += ldc;
            c30.intoArray(c, o); c31.intoArray(c, o + L); o += ldc;
            c40.intoArray(c, o); c41.intoArray(c, o + L); o += ldc;
            c50.intoArray(c, o); c51.intoArray(c, o + L);
        } else {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c01.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c11.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c21.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c31.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c40.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c41.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c50.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c51.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        }
    }

    private static void kernel6x1(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
            int ldc, boolean overwrite) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero;
        FloatVector c10 = zero;
        FloatVector c20 = zero;
        FloatVector c30 = zero;
        FloatVector c40 = zero;
        FloatVector c50 = zero;
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * L;
            int ap = aOff + p;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW]);
            c10 = av.fma(b0, c10);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW]);
            c20 = av.fma(b0, c20);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW]);
            c30 = av.fma(b0, c30);
            av = FloatVector.broadcast(S, a[ap + 4 * A_ROW]);
            c40 = av.fma(b0, c40);
            av = FloatVector.broadcast(S, a[ap + 5 * A_ROW]);
            c50 = av.fma(b0, c50);
        }
        int o = cOff;
        if (overwrite) {
            c00.intoArray(c, o); o += ldc;
            c10.intoArray(c, o); o += ldc;
            c20.intoArray(c, o); o += ldc;
            c30.intoArray(c, o); o += ldc;
            c40.intoArray(c, o); o += ldc;
            c50.intoArray(c, o);
        } else {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c40.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c50.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        }
    }

    private static void kernel4x2(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
            int ldc, boolean overwrite) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector b0, b1, av;
        int p = 0;
        for (; p + 3 < kc; p += 4) { // see UNROLL_NOTE
            int bp = bOff + p * NR;
            int ap = aOff + p;
            b0 = FloatVector.fromArray(S, b, bp);
            b1 = FloatVector.fromArray(S, b, bp + L);
            av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            b0 = FloatVector.fromArray(S, b, bp + 1 * NR);
            b1 = FloatVector.fromArray(S, b, bp + 1 * NR + L);
            av = FloatVector.broadcast(S, a[ap + 1]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW + 1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW + 1]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW + 1]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            b0 = FloatVector.fromArray(S, b, bp + 2 * NR);
            b1 = FloatVector.fromArray(S, b, bp + 2 * NR + L);
            av = FloatVector.broadcast(S, a[ap + 2]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW + 2]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW + 2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW + 2]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            b0 = FloatVector.fromArray(S, b, bp + 3 * NR);
            b1 = FloatVector.fromArray(S, b, bp + 3 * NR + L);
            av = FloatVector.broadcast(S, a[ap + 3]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW + 3]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW + 3]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW + 3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
        }
        for (; p < kc; p++) {
            int bp = bOff + p * NR;
            int ap = aOff + p;
            b0 = FloatVector.fromArray(S, b, bp);
            b1 = FloatVector.fromArray(S, b, bp + L);
            av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
        }
        int o = cOff;
        if (overwrite) {
            c00.intoArray(c, o); c01.intoArray(c, o + L); o += ldc;
            c10.intoArray(c, o); c11.intoArray(c, o + L); o += ldc;
            c20.intoArray(c, o); c21.intoArray(c, o + L); o += ldc;
            c30.intoArray(c, o); c31.intoArray(c, o + L);
        } else {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c01.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c11.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c21.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c31.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        }
    }

    private static void kernel4x1(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff,
            int ldc, boolean overwrite) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero;
        FloatVector c10 = zero;
        FloatVector c20 = zero;
        FloatVector c30 = zero;
        for (int p = 0; p < kc; p++) {
            int bp = bOff + p * L;
            int ap = aOff + p;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            av = FloatVector.broadcast(S, a[ap + 1 * A_ROW]);
            c10 = av.fma(b0, c10);
            av = FloatVector.broadcast(S, a[ap + 2 * A_ROW]);
            c20 = av.fma(b0, c20);
            av = FloatVector.broadcast(S, a[ap + 3 * A_ROW]);
            c30 = av.fma(b0, c30);
        }
        int o = cOff;
        if (overwrite) {
            c00.intoArray(c, o); o += ldc;
            c10.intoArray(c, o); o += ldc;
            c20.intoArray(c, o); o += ldc;
            c30.intoArray(c, o);
        } else {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        }
    }


    private static void strided6x2(int kc, float[] a, int aOff, int rs, int ks, float[] b, int bOff, int bks,
            float[] c, int cOff, int ldc, boolean overwrite) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        FloatVector c40 = zero, c41 = zero;
        FloatVector c50 = zero, c51 = zero;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int p = 0, ap = aOff, bp = bOff; p < kc; p++, ap += ks, bp += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + r1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + r2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + r3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[ap + r4]);
            c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[ap + r5]);
            c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
        }
        int o = cOff;
        if (overwrite) {
            c00.intoArray(c, o); c01.intoArray(c, o + L); o += ldc;
            c10.intoArray(c, o); c11.intoArray(c, o + L); o += ldc;
            c20.intoArray(c, o); c21.intoArray(c, o + L); o += ldc;
            c30.intoArray(c, o); c31.intoArray(c, o + L); o += ldc;
            c40.intoArray(c, o); c41.intoArray(c, o + L); o += ldc;
            c50.intoArray(c, o); c51.intoArray(c, o + L);
        } else {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c01.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c11.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c21.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c31.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c40.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c41.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c50.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c51.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        }
    }

    private static void strided6x1(int kc, float[] a, int aOff, int rs, int ks, float[] b, int bOff, int bks,
            float[] c, int cOff, int ldc, boolean overwrite) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero;
        FloatVector c10 = zero;
        FloatVector c20 = zero;
        FloatVector c30 = zero;
        FloatVector c40 = zero;
        FloatVector c50 = zero;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs, r4 = 4 * rs, r5 = 5 * rs;
        for (int p = 0, ap = aOff, bp = bOff; p < kc; p++, ap += ks, bp += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            av = FloatVector.broadcast(S, a[ap + r1]);
            c10 = av.fma(b0, c10);
            av = FloatVector.broadcast(S, a[ap + r2]);
            c20 = av.fma(b0, c20);
            av = FloatVector.broadcast(S, a[ap + r3]);
            c30 = av.fma(b0, c30);
            av = FloatVector.broadcast(S, a[ap + r4]);
            c40 = av.fma(b0, c40);
            av = FloatVector.broadcast(S, a[ap + r5]);
            c50 = av.fma(b0, c50);
        }
        int o = cOff;
        if (overwrite) {
            c00.intoArray(c, o); o += ldc;
            c10.intoArray(c, o); o += ldc;
            c20.intoArray(c, o); o += ldc;
            c30.intoArray(c, o); o += ldc;
            c40.intoArray(c, o); o += ldc;
            c50.intoArray(c, o);
        } else {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c40.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c50.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        }
    }

    private static void strided4x2(int kc, float[] a, int aOff, int rs, int ks, float[] b, int bOff, int bks,
            float[] c, int cOff, int ldc, boolean overwrite) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero, c01 = zero;
        FloatVector c10 = zero, c11 = zero;
        FloatVector c20 = zero, c21 = zero;
        FloatVector c30 = zero, c31 = zero;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int p = 0, ap = aOff, bp = bOff; p < kc; p++, ap += ks, bp += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + L);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[ap + r1]);
            c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[ap + r2]);
            c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[ap + r3]);
            c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
        }
        int o = cOff;
        if (overwrite) {
            c00.intoArray(c, o); c01.intoArray(c, o + L); o += ldc;
            c10.intoArray(c, o); c11.intoArray(c, o + L); o += ldc;
            c20.intoArray(c, o); c21.intoArray(c, o + L); o += ldc;
            c30.intoArray(c, o); c31.intoArray(c, o + L);
        } else {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c01.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c11.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c21.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            c31.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        }
    }

    private static void strided4x1(int kc, float[] a, int aOff, int rs, int ks, float[] b, int bOff, int bks,
            float[] c, int cOff, int ldc, boolean overwrite) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c00 = zero;
        FloatVector c10 = zero;
        FloatVector c20 = zero;
        FloatVector c30 = zero;
        int r1 = 1 * rs, r2 = 2 * rs, r3 = 3 * rs;
        for (int p = 0, ap = aOff, bp = bOff; p < kc; p++, ap += ks, bp += bks) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector av = FloatVector.broadcast(S, a[ap]);
            c00 = av.fma(b0, c00);
            av = FloatVector.broadcast(S, a[ap + r1]);
            c10 = av.fma(b0, c10);
            av = FloatVector.broadcast(S, a[ap + r2]);
            c20 = av.fma(b0, c20);
            av = FloatVector.broadcast(S, a[ap + r3]);
            c30 = av.fma(b0, c30);
        }
        int o = cOff;
        if (overwrite) {
            c00.intoArray(c, o); o += ldc;
            c10.intoArray(c, o); o += ldc;
            c20.intoArray(c, o); o += ldc;
            c30.intoArray(c, o);
        } else {
            c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
            o += ldc;
            c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        }
    }
}
