package org.crl4j.policy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.core.io.CorruptFileException;
import org.crl4j.core.io.Safetensors;
import org.crl4j.core.io.Tensor;
import org.crl4j.rl.Agent;
import org.crl4j.rl.Algo;
import org.crl4j.rl.BaselineConfig;
import org.crl4j.rl.Checkpoint;
import org.crl4j.rl.CrlConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Policy API against the agent that wrote the checkpoint: the same deterministic actions, to the bit, for every
 * algorithm and at depth 64; the same from several threads at once; no allocation per call; one-line errors.
 */
class PolicyTest {
    static final int S = 7;
    static final int A = 3;
    static final int G = 2;
    static Parallel pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPool() {
        pool = new Parallel(2);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    /** An agent of {@code algo}, trained a few SGD steps away from its initialisation, and its checkpoint. */
    static Agent saved(Path file, Algo algo, int width, int depth) throws IOException {
        CrlConfig config = CrlConfig.paper(width, depth);
        BaselineConfig baseline = BaselineConfig.defaults(algo);
        Agent agent = Agent.create(S, A, G, config, baseline, pool);
        agent.init(new Rng(5));
        // move every weight off its initial value so that a wrongly read tensor cannot pass by being zero or uniform
        Rng rng = new Rng(6);
        for (org.crl4j.nn.ParamStore ps : agent.stores()) {
            float[] p = ps.params();
            for (int i = 0; i < p.length; i++) {
                p[i] += 0.05f * (float) rng.nextGaussian();
            }
        }
        Checkpoint.save(file, agent, new Checkpoint.Info("simple_u_maze", S, A, G, config, baseline, 1234, 10, 1,
                Map.of()));
        return agent;
    }

    static float[] observations(int n, long seed) {
        float[] x = new float[n * (S + G)];
        new Rng(seed).fillGaussian(x, 0, x.length);
        return x;
    }

    @ParameterizedTest
    @EnumSource(Algo.class)
    void actsAsTheAgentsDeterministicActorToTheBit(Algo algo) throws IOException {
        Path file = dir.resolve(algo.id() + ".safetensors");
        Agent agent = saved(file, algo, 16, 8);
        Policy policy = Policy.load(file);
        assertThat(policy.algo()).isEqualTo(algo.id());
        assertThat(policy.env()).isEqualTo("simple_u_maze");
        assertThat(policy.stateDim()).isEqualTo(S);
        assertThat(policy.goalDim()).isEqualTo(G);
        assertThat(policy.actionDim()).isEqualTo(A);
        assertThat(policy.envSteps()).isEqualTo(1234);
        int n = 50;
        float[] obs = observations(n, 1);
        float[] expected = new float[n * A];
        agent.act(obs, n, true, null, expected);
        float[] batched = new float[n * A];
        policy.actBatch(obs, n, batched);
        assertThat(batched).containsExactly(expected);
        for (int i = 0; i < n; i++) {
            float[] state = java.util.Arrays.copyOfRange(obs, i * (S + G), i * (S + G) + S);
            float[] goal = java.util.Arrays.copyOfRange(obs, i * (S + G) + S, (i + 1) * (S + G));
            assertThat(policy.act(state, goal)).containsExactly(java.util.Arrays.copyOfRange(expected, i * A, (i + 1) * A));
        }
        boolean someInterior = false;
        for (float a : batched) {
            someInterior |= Math.abs(a) > 1e-3 && Math.abs(a) < 0.999;
        }
        assertThat(someInterior).as("actions are not all saturated or zero").isTrue();
    }

    @Test
    void aDepth64ActorLoadsFromItsRunDirectory() throws IOException {
        Path run = dir.resolve("run");
        Files.createDirectories(run.resolve("checkpoints"));
        Agent agent = saved(run.resolve("checkpoints").resolve("last.safetensors"), Algo.CRL, 32, 64);
        Policy policy = Policy.load(run);
        assertThat(policy.network().depth()).isEqualTo(64);
        int n = 20;
        float[] obs = observations(n, 2);
        float[] expected = new float[n * A];
        agent.act(obs, n, true, null, expected);
        float[] got = new float[n * A];
        policy.actBatch(obs, n, got);
        assertThat(got).containsExactly(expected);
    }

    @Test
    void severalThreadsAtOnceGetTheirOwnAnswers() throws Exception {
        Path file = dir.resolve("crl.safetensors");
        saved(file, Algo.CRL, 32, 8);
        Policy policy = Policy.load(file);
        int threads = 4;
        int calls = 300;
        float[][] obs = new float[threads][];
        float[][] expected = new float[threads][];
        for (int t = 0; t < threads; t++) {
            obs[t] = observations(calls, 10 + t);
            expected[t] = new float[calls * A];
            policy.actBatch(obs[t], calls, expected[t]);
        }
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                results.add(ex.submit(() -> {
                    float[] out = new float[calls * A];
                    float[] state = new float[S];
                    float[] goal = new float[G];
                    float[] action = new float[A];
                    for (int i = 0; i < calls; i++) {
                        System.arraycopy(obs[me], i * (S + G), state, 0, S);
                        System.arraycopy(obs[me], i * (S + G) + S, goal, 0, G);
                        policy.act(state, goal, action);
                        System.arraycopy(action, 0, out, i * A, A);
                    }
                    return out;
                }));
            }
            for (int t = 0; t < threads; t++) {
                assertThat(results.get(t).get()).containsExactly(expected[t]);
            }
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void actingAllocatesNothingOnceWarm() throws IOException {
        Path file = dir.resolve("crl.safetensors");
        saved(file, Algo.CRL, 32, 8);
        Policy policy = Policy.load(file);
        float[] state = new float[S];
        float[] goal = new float[G];
        float[] action = new float[A];
        float[] obs = observations(16, 3);
        float[] actions = new float[16 * A];
        for (int i = 0; i < 2000; i++) { // warm: the buffers, and the JIT
            state[i % S] = i * 1e-3f;
            policy.act(state, goal, action);
            policy.actBatch(obs, 16, actions);
        }
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(id);
        for (int i = 0; i < 10_000; i++) {
            state[i % S] = i * 1e-3f;
            policy.act(state, goal, action);
            policy.actBatch(obs, 16, actions);
        }
        long allocated = bean.getThreadAllocatedBytes(id) - before;
        // 20,000 calls: a single float[3] per call would be 240 kB
        assertThat(allocated).isLessThan(4096);
    }

    @Test
    void wrongLengthsAreOneLineErrorsThatSayWhatTheModelTakes() throws IOException {
        Path file = dir.resolve("crl.safetensors");
        saved(file, Algo.CRL, 16, 4);
        Policy policy = Policy.load(file);
        assertThatThrownBy(() -> policy.act(new float[S + 1], new float[G]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state has 8 values; this policy (simple_u_maze: state 7, goal 2, action 3) needs 7");
        assertThatThrownBy(() -> policy.actBatch(new float[10], 2, new float[2 * A]))
                .hasMessage("observations has 10 values; this policy (simple_u_maze: state 7, goal 2, action 3) needs 18");
    }

    @Test
    void badFilesAreOneLineErrors() throws IOException {
        assertThatThrownBy(() -> Policy.load(dir.resolve("missing.safetensors")))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("no such checkpoint");
        assertThatThrownBy(() -> Policy.load(dir))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("no checkpoints/last.safetensors");

        Path plain = dir.resolve("plain.safetensors");
        Safetensors.write(plain, List.of(Tensor.ofFloats("x", new long[] {2}, new float[] {1, 2}, 0)), Map.of());
        assertThatThrownBy(() -> Policy.load(plain)).isInstanceOf(CorruptFileException.class)
                .hasMessageContaining("not a crl4j checkpoint");

        Path file = dir.resolve("crl.safetensors");
        saved(file, Algo.CRL, 16, 4);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 5] ^= 0x40;
        Path damaged = dir.resolve("damaged.safetensors");
        Files.write(damaged, bytes);
        assertThatThrownBy(() -> Policy.load(damaged)).isInstanceOf(CorruptFileException.class);

        // another architecture: a depth-8 network's description over depth-4 tensors
        Safetensors.Contents c = Safetensors.read(file);
        String meta = c.metadata().get("crl4j").replace("\"actor-depth\":4", "\"actor-depth\":8");
        assertThat(meta).contains("\"actor-depth\":8");
        Path other = dir.resolve("other.safetensors");
        Safetensors.write(other, new ArrayList<>(c.tensors().values()), Map.of("crl4j", meta));
        assertThatThrownBy(() -> Policy.load(other)).isInstanceOf(IOException.class)
                .hasMessageContaining("does not fit this model").hasMessageNotContaining("\n");
    }
}
