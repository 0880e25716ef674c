package org.crl4j.bench;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;

/**
 * Environment steps per second: N copies stepped with uniformly random actions (drawn once up front, so the
 * random generator is not what is measured), auto-resets included.
 */
public final class EnvBenchmark {
    private EnvBenchmark() {
    }

    public record Result(String env, int numEnvs, int threads, long steps, double seconds, double stepsPerSecond) {
    }

    public static Result run(String id, int numEnvs, int threads, double seconds, long seed) {
        try (Parallel pool = new Parallel(threads)) {
            VecEnv env = Envs.make(id, numEnvs, seed, pool, VecEnv.ResetMode.SAME_START);
            int a = env.spec().actionDim();
            int banks = 16;
            float[][] actions = new float[banks][numEnvs * a];
            Rng rng = new Rng(seed);
            for (float[] bank : actions) {
                rng.fillUniform(bank, 0, bank.length, -1f, 1f);
            }
            // Warm-up: let the JIT compile the step loop.
            long warmEnd = System.nanoTime() + (long) Math.min(1e9, seconds * 0.3e9);
            int k = 0;
            while (System.nanoTime() < warmEnd) {
                env.step(actions[k++ & (banks - 1)]);
            }
            long calls = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            long now;
            do {
                for (int i = 0; i < 16; i++) {
                    env.step(actions[k++ & (banks - 1)]);
                }
                calls += 16;
                now = System.nanoTime();
            } while (now < end);
            double sec = (now - t0) / 1e9;
            long steps = calls * numEnvs;
            return new Result(id, numEnvs, threads, steps, sec, steps / sec);
        }
    }
}
