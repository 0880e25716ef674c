package org.crl4j.nn;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.crl4j.core.Parallel;
import org.crl4j.core.Simd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class GemmTest {
    private static final int[] SIZES = {1, 5, 7, 31, 33, 257};
    private static Parallel pool1;
    private static Parallel pool2;
    private static Parallel pool3;

    @BeforeAll
    static void startPools() {
        pool1 = new Parallel(1);
        pool2 = new Parallel(2);
        pool3 = new Parallel(3);
    }

    @AfterAll
    static void closePools() {
        pool1.close();
        pool2.close();
        pool3.close();
    }

    /** A GEMM problem with padded storage: offsets and leading dimensions larger than needed. */
    private static final class Problem {
        final boolean transA, transB, accumulate;
        final int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        final float[] a, b, c0;

        Problem(SplittableRandom rnd, boolean transA, boolean transB, int m, int n, int k, boolean accumulate,
                boolean padded) {
            this.transA = transA;
            this.transB = transB;
            this.accumulate = accumulate;
            this.m = m;
            this.n = n;
            this.k = k;
            int aRows = transA ? k : m, aCols = transA ? m : k;
            int bRows = transB ? n : k, bCols = transB ? k : n;
            aOff = padded ? rnd.nextInt(9) : 0;
            bOff = padded ? rnd.nextInt(9) : 0;
            cOff = padded ? rnd.nextInt(9) : 0;
            lda = aCols + (padded ? rnd.nextInt(5) : 0);
            ldb = bCols + (padded ? rnd.nextInt(5) : 0);
            ldc = n + (padded ? rnd.nextInt(5) : 0);
            a = random(rnd, aOff + (aRows - 1) * lda + aCols + (padded ? 3 : 0));
            b = random(rnd, bOff + (bRows - 1) * ldb + bCols + (padded ? 3 : 0));
            // C starts as garbage when not accumulating, to show it is overwritten.
            c0 = random(rnd, cOff + (m - 1) * ldc + n + (padded ? 3 : 0));
        }

        float a(int i, int p) {
            return transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
        }

        float b(int p, int j) {
            return transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
        }

        float[] run(Parallel pool) {
            float[] c = c0.clone();
            Gemm.gemm(pool, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return c;
        }

        /**
         * Checks every element against a double-precision reference within the error bound of float summation
         * ((k + 2)·u·Σ|a·b| with u = 2⁻²⁴, plus u·|c| when accumulating), and that C's padding is untouched.
         */
        void check(float[] c, String label) {
            for (int idx = 0; idx < c.length; idx++) {
                int rel = idx - cOff;
                boolean inside = rel >= 0 && rel / ldc < m && rel % ldc < n;
                if (!inside) {
                    assertThat(c[idx]).as("%s: padding at %d", label, idx).isEqualTo(c0[idx]);
                }
            }
            double u = Math.ulp(1.0f) / 2;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        double t = (double) a(i, p) * b(p, j);
                        sum += t;
                        abs += Math.abs(t);
                    }
                    double init = accumulate ? c0[cOff + i * ldc + j] : 0;
                    double expected = init + sum;
                    double tol = (k + 2) * u * abs + 2 * u * Math.abs(init) + 2 * u * Math.abs(expected) + 1e-30;
                    float actual = c[cOff + i * ldc + j];
                    if (!(Math.abs(actual - expected) <= tol)) {
                        throw new AssertionError(String.format("%s: C[%d,%d] = %s, expected %s (tolerance %s)",
                                label, i, j, actual, expected, tol));
                    }
                }
            }
        }

        String label() {
            return String.format("%s%s m=%d n=%d k=%d acc=%s aOff=%d lda=%d bOff=%d ldb=%d cOff=%d ldc=%d",
                    transA ? "T" : "N", transB ? "T" : "N", m, n, k, accumulate, aOff, lda, bOff, ldb, cOff, ldc);
        }
    }

    private static float[] random(SplittableRandom rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static int pick(SplittableRandom rnd) {
        return SIZES[rnd.nextInt(SIZES.length)];
    }

    @Test
    void allLayoutsMatchReferenceOnRandomShapes() {
        SplittableRandom rnd = new SplittableRandom(1);
        int cases = 0;
        for (int layout = 0; layout < 4; layout++) {
            boolean transA = (layout & 2) != 0, transB = (layout & 1) != 0;
            for (boolean accumulate : new boolean[] {false, true}) {
                for (int rep = 0; rep < 14; rep++) {
                    int m = pick(rnd), n = pick(rnd), k = pick(rnd);
                    if ((long) m * n * k > 257L * 257 * 40) {
                        k = 1 + rnd.nextInt(40); // keep the double reference cheap
                    }
                    Problem p = new Problem(rnd, transA, transB, m, n, k, accumulate, rep % 2 == 1);
                    Parallel pool = rep % 3 == 0 ? pool1 : rep % 3 == 1 ? pool2 : pool3;
                    p.check(p.run(pool), p.label());
                    cases++;
                }
            }
        }
        assertThat(cases).isEqualTo(112);
    }

    @Test
    void edgeSizesAroundTilesAndBlocks() {
        // Every remainder of the 6-row tile and of the 1- and 2-vector strips, K across a block boundary.
        SplittableRandom rnd = new SplittableRandom(2);
        int lanes = Simd.ENABLED ? VectorGemm.L : 8;
        int[] ms = {1, 2, 3, 4, 5, 6, 11, 13};
        int[] ns = {1, lanes - 1, lanes, lanes + 1, 2 * lanes - 1, 2 * lanes, 2 * lanes + 1, 3 * lanes + 3};
        for (int layout = 0; layout < 3; layout++) {
            boolean transA = layout == 2, transB = layout == 1;
            for (int m : ms) {
                for (int n : ns) {
                    int k = 1 + rnd.nextInt(9);
                    Problem p = new Problem(rnd, transA, transB, m, n, k, rnd.nextBoolean(), true);
                    p.check(p.run(pool2), p.label());
                }
            }
            for (int k : new int[] {255, 256, 257, 513}) {
                Problem p = new Problem(rnd, transA, transB, 13, 2 * lanes + 3, k, true, true);
                p.check(p.run(pool2), p.label());
            }
        }
    }

    @Test
    void projectShapesMatchReference() {
        SplittableRandom rnd = new SplittableRandom(3);
        int batch = 96; // a small batch keeps the double reference fast; the shapes' structure is the same
        int[][] shapes = {
            // transA, transB, m, n, k, accumulate
            {0, 0, batch, 256, 256, 0}, {0, 1, batch, 256, 256, 0}, {1, 0, 256, 256, batch, 1},
            {0, 0, batch, 256, 17, 0}, {1, 0, 17, 256, batch, 1}, {0, 0, batch, 64, 256, 0},
            {0, 1, batch, 256, 64, 0}, {0, 0, batch, 34, 256, 0}, {0, 0, batch, 4, 256, 0},
            {0, 1, batch, 256, 4, 0}, {1, 0, 256, 4, batch, 1}, {0, 1, batch, batch, 64, 0},
        };
        for (int[] s : shapes) {
            Problem p = new Problem(rnd, s[0] == 1, s[1] == 1, s[2], s[3], s[4], s[5] == 1, false);
            p.check(p.run(pool2), p.label());
        }
    }

    @Test
    void zeroSizesAndEmptyK() {
        float[] c = {7, 7, 7, 7};
        Gemm.gemm(pool2, false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, true);
        assertThat(c).containsExactly(7, 7, 7, 7);
        Gemm.gemm(pool2, false, false, 2, 2, 0, new float[0], 0, 0, new float[0], 0, 2, c, 0, 2, false);
        assertThat(c).containsExactly(0, 0, 0, 0);
        Gemm.gemm(pool2, false, false, 0, 2, 3, new float[0], 0, 3, new float[6], 0, 2, c, 0, 2, false);
        Gemm.gemm(pool2, false, false, 2, 0, 3, new float[6], 0, 3, new float[0], 0, 0, c, 0, 2, false);
        assertThat(c).containsExactly(0, 0, 0, 0);
    }

    @Test
    void matmulIsPlainProduct() {
        float[] a = {1, 2, 3, 4, 5, 6}; // 2×3
        float[] b = {7, 8, 9, 10, 11, 12}; // 3×2
        float[] c = new float[4];
        Gemm.matmul(2, 2, 3, a, b, c);
        assertThat(c).containsExactly(58, 64, 139, 154);
    }

    @Test
    void resultsAreBitIdenticalForOneTwoAndThreeThreads() {
        SplittableRandom rnd = new SplittableRandom(4);
        int[][] shapes = {{300, 290, 270}, {517, 256, 256}, {256, 256, 600}, {23, 256, 300}, {301, 70, 257},
            {200, 200, 64}, {256, 37, 256}};
        for (int[] s : shapes) {
            for (int layout = 0; layout < 3; layout++) {
                boolean transA = layout == 2, transB = layout == 1;
                boolean accumulate = layout == 2;
                Problem p = new Problem(rnd, transA, transB, s[0], s[1], s[2], accumulate, true);
                float[] one = p.run(pool1);
                float[] two = p.run(pool2);
                float[] three = p.run(pool3);
                assertThat(bits(two)).as(p.label()).isEqualTo(bits(one));
                assertThat(bits(three)).as(p.label()).isEqualTo(bits(one));
            }
        }
    }

    @Test
    void vectorPathDoesNotAllocateOnTheCallingThread() {
        assumeThat(Simd.ENABLED).as("Vector API enabled").isTrue();
        assumeThat(ManagementFactory.getThreadMXBean()).isInstanceOf(com.sun.management.ThreadMXBean.class);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        SplittableRandom rnd = new SplittableRandom(10);
        Problem[] problems = {
            new Problem(rnd, false, false, 130, 70, 300, false, true),
            new Problem(rnd, false, true, 100, 90, 40, false, true),
            new Problem(rnd, true, false, 64, 8, 100, true, true),
        };
        float[][] outputs = new float[problems.length][];
        for (int i = 0; i < problems.length; i++) {
            outputs[i] = problems[i].c0.clone();
        }
        // Until C2 has compiled the kernels, the Vector API boxes every vector; once it has, a call must allocate
        // nothing at all (the buffers are reused, the job object too). Warm up for at most a few seconds.
        for (Parallel pool : new Parallel[] {pool1, pool2}) {
            long allocated = -1;
            long deadline = System.nanoTime() + 8_000_000_000L;
            while (allocated != 0 && System.nanoTime() < deadline) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < problems.length; i++) {
                    Problem p = problems[i];
                    Gemm.gemm(pool, p.transA, p.transB, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                            outputs[i], p.cOff, p.ldc, p.accumulate);
                }
                allocated = mx.getCurrentThreadAllocatedBytes() - before;
            }
            assertThat(allocated).as("bytes allocated by three GEMMs on %d threads", pool.threads()).isZero();
        }
    }

    private static int[] bits(float[] x) {
        int[] r = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = Float.floatToRawIntBits(x[i]);
        }
        return r;
    }

    @Test
    void vectorAndScalarPathsAgree() {
        assumeThat(Simd.ENABLED).as("Vector API enabled").isTrue();
        SplittableRandom rnd = new SplittableRandom(5);
        for (int rep = 0; rep < 24; rep++) {
            boolean transA = rnd.nextBoolean(), transB = rnd.nextBoolean(), accumulate = rnd.nextBoolean();
            int m = 1 + rnd.nextInt(140), n = 1 + rnd.nextInt(140), k = 1 + rnd.nextInt(300);
            Problem p = new Problem(rnd, transA, transB, m, n, k, accumulate, true);
            float[] vec = p.c0.clone();
            float[] sca = p.c0.clone();
            VectorGemm.gemm(pool2, transA, transB, m, n, k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, vec, p.cOff,
                    p.ldc, accumulate);
            ScalarGemm.gemm(pool2, transA, transB, m, n, k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb, sca, p.cOff,
                    p.ldc, accumulate);
            float tol = 4e-6f * k + 1e-6f;
            for (int i = 0; i < vec.length; i++) {
                if (!(Math.abs(vec[i] - sca[i]) <= tol)) {
                    throw new AssertionError(p.label() + " at " + i + ": vector " + vec[i] + ", scalar " + sca[i]);
                }
            }
        }
    }

    @Test
    void scalarPathMatchesReference() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int layout = 0; layout < 4; layout++) {
            for (int rep = 0; rep < 4; rep++) {
                Problem p = new Problem(rnd, (layout & 2) != 0, (layout & 1) != 0, pick(rnd), pick(rnd),
                        1 + rnd.nextInt(40), rep % 2 == 0, true);
                float[] c = p.c0.clone();
                ScalarGemm.gemm(pool3, p.transA, p.transB, p.m, p.n, p.k, p.a, p.aOff, p.lda, p.b, p.bOff, p.ldb,
                        c, p.cOff, p.ldc, p.accumulate);
                p.check(c, "scalar " + p.label());
            }
        }
    }

    @Test
    void parallelRunsEveryTaskOnceAndPropagatesExceptions() {
        for (Parallel pool : new Parallel[] {pool1, pool2, pool3}) {
            for (int tasks : new int[] {1, 2, 3, 7, 100}) {
                AtomicIntegerArray count = new AtomicIntegerArray(tasks);
                pool.run(tasks, (t, w) -> {
                    assertThat(w).isBetween(0, pool.threads() - 1);
                    count.incrementAndGet(t);
                });
                for (int t = 0; t < tasks; t++) {
                    assertThat(count.get(t)).isEqualTo(1);
                }
            }
            assertThatThrownBy(() -> pool.run(5, (t, w) -> {
                if (t == 3) {
                    throw new IllegalStateException("task 3 failed");
                }
            })).isInstanceOf(IllegalStateException.class).hasMessage("task 3 failed");
            assertThatThrownBy(() -> pool.run(4, (t, w) -> {
                throw new AssertionError("boom");
            })).isInstanceOf(AssertionError.class);
            // The pool stays usable after a failure.
            AtomicIntegerArray count = new AtomicIntegerArray(9);
            pool.run(9, (t, w) -> count.incrementAndGet(t));
            for (int t = 0; t < 9; t++) {
                assertThat(count.get(t)).isEqualTo(1);
            }
        }
    }

    @Test
    void parallelAllowsNestedAndConcurrentCalls() throws Exception {
        AtomicIntegerArray count = new AtomicIntegerArray(4 * 5);
        pool2.run(4, (t, w) -> pool2.run(5, (u, w2) -> count.incrementAndGet(t * 5 + u)));
        for (int i = 0; i < 20; i++) {
            assertThat(count.get(i)).isEqualTo(1);
        }
        // Two threads sharing one pool: both GEMMs must still be right.
        SplittableRandom rnd = new SplittableRandom(7);
        Problem p = new Problem(rnd, false, false, 200, 100, 120, false, false);
        float[] expected = p.run(pool1);
        List<Throwable> errors = new ArrayList<>();
        Thread[] threads = new Thread[2];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    for (int r = 0; r < 30; r++) {
                        assertThat(bits(p.run(pool2))).isEqualTo(bits(expected));
                    }
                } catch (Throwable e) {
                    synchronized (errors) {
                        errors.add(e);
                    }
                }
            });
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
    }

    /**
     * The other tile height (6 rows where this JVM uses 4, or 4 where it uses 6), in a child JVM: every element is
     * still the same FMA chain, so the results must be bit-identical to this JVM's.
     */
    @Test
    void otherTileHeightGivesBitIdenticalResults() throws Exception {
        assumeThat(Simd.ENABLED).as("Vector API enabled").isTrue();
        int otherRows = VectorGemm.MR == 4 ? 6 : 4;
        String classpath = System.getProperty("java.class.path");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String child = runJava(java, "--add-modules", "jdk.incubator.vector", "-Dcrl4j.gemm.mr=" + otherRows, "-cp",
                classpath, TileProbe.class.getName());
        assertThat(child).isEqualTo("simd=true mr=" + otherRows + " checksum=" + TileProbe.checksum());
    }

    /**
     * The other vector width where this machine has AVX-512: a child JVM limited to 256-bit vectors takes the AVX2
     * path (8 lanes, its own tile height) and must give bit-identical products. (On an AVX2-only machine the wider
     * path cannot run; {@link #otherTileHeightGivesBitIdenticalResults} still covers its tile height.)
     */
    @Test
    void narrowerVectorPathGivesBitIdenticalResults() throws Exception {
        assumeThat(Simd.ENABLED).as("Vector API enabled").isTrue();
        assumeThat(VectorGemm.L).as("512-bit vectors here").isEqualTo(16);
        String classpath = System.getProperty("java.class.path");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String child = runJava(java, "--add-modules", "jdk.incubator.vector", "-XX:MaxVectorSize=32", "-cp",
                classpath, TileProbe.class.getName(), "width");
        assertThat(child).isEqualTo("simd=true mr=4 lanes=8 checksum=" + TileProbe.checksum());
    }

    /** Runs in a child JVM: products of many shapes, checked against the reference, and a checksum of their bits. */
    public static final class TileProbe {
        public static void main(String[] args) {
            String sum = checksum();
            String lanes = args.length > 0 ? " lanes=" + VectorGemm.L : "";
            System.out.println("simd=" + Simd.ENABLED + " mr=" + VectorGemm.MR + lanes + " checksum=" + sum);
        }

        static String checksum() {
            SplittableRandom rnd = new SplittableRandom(9);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            int[][] shapes = {{37, 45, 300}, {13, 8, 70}, {8, 50, 33}, {61, 33, 17}, {25, 16, 513}, {7, 3, 5},
                {120, 70, 64}};
            try (Parallel pool = new Parallel(2)) {
                for (int[] s : shapes) {
                    for (int layout = 0; layout < 4; layout++) {
                        Problem p = new Problem(rnd, (layout & 2) != 0, (layout & 1) != 0, s[0], s[1], s[2],
                                layout % 2 == 0, true);
                        float[] c = p.run(pool);
                        p.check(c, p.label());
                        for (float x : c) {
                            int bits = Float.floatToRawIntBits(x);
                            crc.update(bits);
                            crc.update(bits >>> 8);
                            crc.update(bits >>> 16);
                            crc.update(bits >>> 24);
                        }
                    }
                }
            }
            return Long.toHexString(crc.getValue());
        }
    }

    /** A JVM without {@code --add-modules jdk.incubator.vector}, or with crl4j.simd=false, uses the scalar path. */
    @Test
    void scalarFallbackWorksWithoutVectorModule() throws Exception {
        String classpath = System.getProperty("java.class.path");
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        assertThat(runJava(java, "-cp", classpath, ScalarProbe.class.getName())).isEqualTo("simd=false ok");
        assertThat(runJava(java, "--add-modules", "jdk.incubator.vector", "-Dcrl4j.simd=false", "-cp", classpath,
                ScalarProbe.class.getName())).isEqualTo("simd=false ok");
        assertThat(runJava(java, "--add-modules", "jdk.incubator.vector", "-cp", classpath,
                ScalarProbe.class.getName())).isEqualTo("simd=true ok");
    }

    private static String runJava(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("simd=")).findFirst().orElse(out).trim();
    }

    /** Runs in a child JVM: one GEMM through the public entry point, checked against a plain loop. */
    public static final class ScalarProbe {
        public static void main(String[] args) {
            SplittableRandom rnd = new SplittableRandom(8);
            int m = 37, n = 29, k = 41;
            float[] a = random(rnd, m * k);
            float[] b = random(rnd, n * k);
            float[] c = new float[m * n];
            try (Parallel pool = new Parallel(2)) {
                Gemm.gemm(pool, false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
            }
            boolean ok = true;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int p = 0; p < k; p++) {
                        s += (double) a[i * k + p] * b[j * k + p];
                    }
                    ok &= Math.abs(s - c[i * n + j]) < 1e-4;
                }
            }
            System.out.println("simd=" + Simd.ENABLED + (ok ? " ok" : " WRONG"));
        }
    }
}
