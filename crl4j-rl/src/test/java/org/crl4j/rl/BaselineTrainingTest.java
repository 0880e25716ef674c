package org.crl4j.rl;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.crl4j.core.Parallel;
import org.crl4j.nn.ParamStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every baseline trains through the same trainer, checkpoint and resume as contrastive RL: an interrupted, saved
 * and resumed run ends bit-identical to an uninterrupted one (every store, target networks included, and every
 * Adam moment), and a checkpoint loads back as the same algorithm.
 */
class BaselineTrainingTest {

    static List<float[]> state(Agent agent) {
        List<float[]> out = new ArrayList<>();
        for (ParamStore ps : agent.stores()) {
            out.add(ps.params().clone());
        }
        agent.optimisers().values().forEach(a -> {
            out.add(a.firstMoment().clone());
            out.add(a.secondMoment().clone());
        });
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = Algo.class, names = {"SAC", "SAC_HER", "TD3_HER", "PPO", "GCBC"})
    void anInterruptedAndResumedRunMatchesTheUninterruptedOne(Algo algo, @TempDir Path dir) throws Exception {
        BaselineConfig hp = BaselineConfig.defaults(algo);
        List<float[]> uninterrupted;
        try (Parallel pool = new Parallel(2)) {
            Trainer a = new Trainer(ResumeTest.small(), ResumeTest.net(), hp, pool);
            assertThat(a.run(new Trainer.Listener() { })).isTrue();
            assertThat(a.agent().algo()).isEqualTo(algo);
            uninterrupted = state(a.agent());
        }
        Path file = dir.resolve("resume.safetensors");
        try (Parallel pool = new Parallel(2)) {
            Trainer b = new Trainer(ResumeTest.small(), ResumeTest.net(), hp, pool);
            boolean done = b.run(new Trainer.Listener() {
                int steps;

                @Override
                public void onTrainingStep(long envSteps, long total, double sps, TrainingMetrics w) {
                    if (++steps == 3) { // an odd number of SGD steps in: TD3's policy delay is mid-cycle
                        b.requestStop();
                    }
                }
            });
            assertThat(done).isFalse();
            b.saveResumeState(file);
        }
        try (Parallel pool = new Parallel(2)) {
            Trainer c = Trainer.resume(file, pool);
            assertThat(c.agent().algo()).isEqualTo(algo);
            assertThat(c.agent().baseline()).isEqualTo(hp);
            assertThat(c.run(new Trainer.Listener() { })).isTrue();
            List<float[]> resumed = state(c.agent());
            assertThat(resumed).hasSameSizeAs(uninterrupted);
            for (int k = 0; k < resumed.size(); k++) {
                assertThat(resumed.get(k)).as("array %d", k).isEqualTo(uninterrupted.get(k));
            }
            Checkpoint.save(dir.resolve("last.safetensors"), c.agent(), c.checkpointInfo(2));
            Checkpoint.Loaded l = Checkpoint.load(dir.resolve("last.safetensors"), pool);
            assertThat(l.agent().algo()).isEqualTo(algo);
            assertThat(l.metadata().get("format")).isEqualTo(3L);
            List<float[]> loaded = state(l.agent());
            for (int k = 0; k < loaded.size(); k++) {
                assertThat(loaded.get(k)).isEqualTo(uninterrupted.get(k));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aCheckpointFromBeforePpoLoadsWithPposDefaults() {
        BaselineConfig sac = new BaselineConfig(Algo.SAC_HER, 0.95f, 0.01f, 2e-4f, 3e-4f, 3e-4f, 0.7f, 0.4f, 0.5f, 2, 0.2f,
                0.5f, 1e-4f, 2, 0.3f, 0.95f, 1e-4f);
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(Checkpoint.toMap(sac));
        for (String k : List.of("ppo-lr", "ppo-epochs", "clip-epsilon", "gae-lambda", "entropy-cost")) {
            m.remove(k); // what commits before PPO wrote
        }
        assertThat(Checkpoint.baselineFromMap(Algo.SAC_HER, m)).isEqualTo(sac);
    }
}
