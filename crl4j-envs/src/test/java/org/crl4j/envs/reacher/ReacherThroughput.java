package org.crl4j.envs.reacher;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.VecEnv;

/**
 * Throughput of the reacher engines on one thread (not a test: run its main by hand, e.g.
 * {@code java -cp crl4j-envs/target/classes:crl4j-envs/target/test-classes:crl4j-nn/target/classes
 * org.crl4j.envs.reacher.ReacherThroughput 1024 3}).
 */
public final class ReacherThroughput {
    private ReacherThroughput() {
    }

    private static final java.lang.management.ThreadMXBean THREADS =
            java.lang.management.ManagementFactory.getThreadMXBean();

    public static void main(String[] args) {
        int numEnvs = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
        try (Parallel pool = new Parallel(1)) {
            measure("spring", new SpringReacher(numEnvs, pool, VecEnv.ResetMode.SAME_START), seconds);
            measure("articulated", new ArticulatedReacher(numEnvs, pool, VecEnv.ResetMode.SAME_START,
                    ArticulatedModel.springRigidLimit()), seconds);
        }
    }

    private static void measure(String name, Reacher env, double seconds) {
        int n = env.numEnvs();
        float[][] actions = new float[64][2 * n];
        Rng rng = new Rng(1);
        for (float[] a : actions) {
            rng.fillUniform(a, 0, a.length, -1f, 1f);
        }
        env.reset(7);
        for (int round = 0; round < 3; round++) {
            long steps = 0;
            long cpuStart = THREADS.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long now;
            do {
                for (int k = 0; k < 64; k++) {
                    env.step(actions[k]);
                }
                steps += 64L * n;
                now = System.nanoTime();
            } while (now < end);
            long cpu = THREADS.getCurrentThreadCpuTime() - cpuStart;
            double rate = steps / ((now - start) * 1e-9);
            double cpuRate = steps / (cpu * 1e-9);
            System.out.printf("%-12s %5d envs  round %d  %.2fM env steps/s wall, %.2fM per CPU-second"
                    + " (%.1f ns of CPU per env step)%n", name, n, round, rate / 1e6, cpuRate / 1e6, 1e9 / cpuRate);
        }
    }
}
