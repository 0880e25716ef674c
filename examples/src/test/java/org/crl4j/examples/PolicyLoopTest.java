package org.crl4j.examples;

import java.nio.file.Path;
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
import org.crl4j.rl.Evaluator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The example loop, on a checkpoint, scores each episode exactly as crl4j's evaluator does on the same episode. */
class PolicyLoopTest {
    @TempDir
    Path dir;

    @Test
    void theLoopScoresEachEpisodeAsTheEvaluator() throws Exception {
        String env = "reacher"; // an untrained arm often passes through its target, so the scores are not all 0
        EnvSpec spec = Envs.spec(env);
        CrlConfig config = CrlConfig.paper(32, 4);
        Path file = dir.resolve("last.safetensors");
        try (Parallel pool = new Parallel(1)) {
            Agent agent = Agent.create(spec.stateDim(), spec.actionDim(), spec.goalDim(), config, BaselineConfig.CRL, pool);
            agent.init(new Rng(3));
            Checkpoint.save(file, agent, new Checkpoint.Info(env, spec.stateDim(), spec.actionDim(), spec.goalDim(),
                    config, 0, 0, 0, Map.of()));
            int episodes = 6;
            int[] loop = PolicyLoop.run(Policy.load(file), episodes);
            int total = 0;
            for (int e = 0; e < episodes; e++) {
                Evaluator one = new Evaluator(env, 1, e + 1, spec.episodeLength(), pool);
                assertThat((double) loop[e]).as("episode " + (e + 1)).isEqualTo(one.run(agent, false).episodeSuccess());
                total += loop[e];
            }
            assertThat(total).isPositive();
        }
    }
}
