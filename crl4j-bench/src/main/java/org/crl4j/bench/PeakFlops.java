package org.crl4j.bench;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.crl4j.core.Parallel;

/**
 * Measures this machine's attainable FP32 peak: independent chains of vector FMAs (enough to cover FMA latency
 * on two pipes), no memory traffic. The "% of peak" of the benchmarks is relative to this number, so it stays
 * honest on machines whose vector width or clock differ from the one the docs were written on.
 */
public final class PeakFlops {
    private PeakFlops() {
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** GFLOP/s of {@code threads} threads running FMA chains for about {@code millis} ms (best of 3 rounds). */
    public static double measure(int threads, int millis) {
        int iters = 200_000;
        chains(1000, 1f); // warm up the JIT
        for (int i = 0; i < 50; i++) {
            chains(iters / 100, 1f);
        }
        double best = 0;
        try (Parallel pool = new Parallel(threads)) {
            long flopsPerCall = 10L * S.length() * 2 * iters;
            for (int round = 0; round < 3; round++) {
                long t0 = System.nanoTime();
                long deadline = t0 + millis * 1_000_000L / 3;
                long[] calls = new long[threads];
                pool.run(threads, (t, w) -> {
                    while (System.nanoTime() < deadline) {
                        chains(iters, 1.0000001f);
                        calls[t]++;
                    }
                });
                double sec = (System.nanoTime() - t0) / 1e9;
                long total = 0;
                for (long c : calls) {
                    total += c;
                }
                best = Math.max(best, total * flopsPerCall / sec / 1e9);
            }
        }
        return best;
    }

    static float chains(int n, float k) {
        FloatVector x = FloatVector.broadcast(S, k);
        FloatVector y = FloatVector.broadcast(S, 0.9999999f);
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector a8 = a0;
        FloatVector a9 = a0;
        for (int i = 0; i < n; i++) {
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).reduceLanes(VectorOperators.ADD);
    }
}
