package org.crl4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.Envs;
import org.crl4j.policy.Policy;
import org.crl4j.rl.Agent;
import org.crl4j.rl.BaselineConfig;
import org.crl4j.rl.Checkpoint;
import org.crl4j.rl.CrlConfig;

/**
 * How fast the Java Policy API acts: the latency of one observation ({@code act(state, goal, out)}, p50 and p99 over
 * many calls on one thread, after a warm-up) and the throughput of a batch ({@code actBatch}, observations/s). The
 * actor is a contrastive RL one of the given task's sizes, width and depth, with initial weights (the cost does not
 * depend on their values).
 */
public final class PolicyLatency {
    private PolicyLatency() {
    }

    public record Result(int depth, int width, double p50Micros, double p99Micros, double batchRowsPerSecond) {
    }

    /** Writes a checkpoint of a fresh CRL agent for {@code env} at this width and depth; returns its path. */
    public static Path checkpoint(Path dir, String env, int width, int depth) throws IOException {
        EnvSpec spec = Envs.spec(env);
        CrlConfig config = CrlConfig.paper(width, depth);
        Path file = dir.resolve("policy-" + env + "-w" + width + "-d" + depth + ".safetensors");
        try (Parallel pool = new Parallel(1)) {
            Agent agent = Agent.create(spec.stateDim(), spec.actionDim(), spec.goalDim(), config, BaselineConfig.CRL, pool);
            agent.init(new Rng(1));
            Checkpoint.save(file, agent, new Checkpoint.Info(env, spec.stateDim(), spec.actionDim(), spec.goalDim(),
                    config, 0, 0, 0, Map.of()));
        }
        return file;
    }

    /** Measures one checkpoint: {@code calls} single acts (after as many warm-up calls), then batches of {@code batch}. */
    public static Result measure(Path checkpoint, int calls, int batch, double batchSeconds) throws IOException {
        Policy p = Policy.load(checkpoint);
        Rng rng = new Rng(2);
        float[] state = new float[p.stateDim()];
        float[] goal = new float[p.goalDim()];
        float[] action = new float[p.actionDim()];
        rng.fillGaussian(state, 0, state.length);
        rng.fillGaussian(goal, 0, goal.length);
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) { // warm-up: the JIT, and the thread's buffers
            state[i % state.length] += 1e-3f;
            p.act(state, goal, action);
        }
        for (int i = 0; i < calls; i++) {
            state[i % state.length] += 1e-3f;
            long t0 = System.nanoTime();
            p.act(state, goal, action);
            nanos[i] = System.nanoTime() - t0;
        }
        Arrays.sort(nanos);
        float[] obs = new float[batch * p.observationDim()];
        rng.fillGaussian(obs, 0, obs.length);
        float[] actions = new float[batch * p.actionDim()];
        p.actBatch(obs, batch, actions);
        long rows = 0;
        long t0 = System.nanoTime();
        long end = t0 + (long) (batchSeconds * 1e9);
        long now;
        do {
            p.actBatch(obs, batch, actions);
            rows += batch;
            now = System.nanoTime();
        } while (now < end);
        return new Result(p.network().depth(), p.network().width(), nanos[calls / 2] / 1e3,
                nanos[(int) (calls * 0.99)] / 1e3, rows / ((now - t0) / 1e9));
    }

    /** Run: {@code PolicyLatency [env] [width] [depths...]}; prints a markdown table. */
    public static void main(String[] args) throws IOException {
        String env = args.length > 0 ? args[0] : "ant_u_maze";
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int[] depths = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray()
                : new int[] {4, 16, 64};
        Path dir = Files.createTempDirectory("crl4j-policy-bench");
        System.out.printf("Policy API on %s, width %d, one thread, %s%n", env, width, org.crl4j.core.Simd.describe());
        System.out.println("| depth | act p50 (µs) | act p99 (µs) | actBatch 256 rows (observations/s) |");
        System.out.println("|---|---|---|---|");
        for (int d : depths) {
            Result r = measure(checkpoint(dir, env, width, d), d >= 64 ? 5_000 : 20_000, 256, 3);
            System.out.printf(java.util.Locale.ROOT, "| %d | %.1f | %.1f | %,.0f |%n", d, r.p50Micros(), r.p99Micros(),
                    r.batchRowsPerSecond());
        }
    }
}
