package org.crl4j.envs.maze;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.VecEnv;

/**
 * Env steps per second on one thread: {@code java -cp ... org.crl4j.envs.maze.PointMazeThroughput [envs] [steps]}.
 * Actions are random in [−1, 1], redrawn every 10 steps (so the ball reaches walls and speed), drawn outside the
 * timed region. Reports steps per CPU second of the stepping thread (robust on a shared machine) and per wall second.
 */
public final class PointMazeThroughput {
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        for (EnvFactory f : PointMazes.factories()) {
            if (f.spec().id().endsWith("_eval")) {
                continue;
            }
            try (Parallel pool = new Parallel(1)) {
                VecEnv env = f.create(n, pool, VecEnv.ResetMode.SAME_START);
                env.reset(1);
                float[][] actions = new float[8][2 * n];
                Rng rng = new Rng(7);
                for (float[] a : actions) {
                    rng.fillUniform(a, 0, a.length, -1f, 1f);
                }
                for (int s = 0; s < steps / 2; s++) { // warm-up
                    env.step(actions[(s / 10) % actions.length]);
                }
                ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
                long w0 = System.nanoTime();
                long c0 = cpu.getCurrentThreadCpuTime();
                for (int s = 0; s < steps; s++) {
                    env.step(actions[(s / 10) % actions.length]);
                }
                double cpuSec = (cpu.getCurrentThreadCpuTime() - c0) * 1e-9;
                double wallSec = (System.nanoTime() - w0) * 1e-9;
                System.out.printf("%-22s %d envs: %.2fM env steps per CPU second (%.2fM per wall second)%n",
                        f.spec().id(), n, n * steps / cpuSec / 1e6, n * steps / wallSec / 1e6);
            }
        }
    }
}
