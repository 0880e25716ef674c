package org.crl4j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.io.Json;
import org.crl4j.core.io.Safetensors;
import org.crl4j.core.io.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint metadata spells the configurations' fields as the options do (format 2, kebab-case); a format-1
 * checkpoint (snake_case, no checksum) still loads to the same agent, and a newer format is refused in one line.
 */
class CheckpointFormatTest {

    @Test
    void theMetadataUsesTheOptionNamesAndAFormatOneCheckpointStillLoads(@TempDir Path dir) throws Exception {
        try (Parallel pool = new Parallel(1)) {
            CrlConfig cfg = CrlConfig.paper(16, 4);
            CrlAgent agent = new CrlAgent(5, 3, 2, cfg, pool);
            Path now = dir.resolve("now.safetensors");
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("eval-env", "reacher");
            Checkpoint.save(now, agent, new Checkpoint.Info("reacher", 5, 3, 2, cfg, 1234, 56, 7, extra));
            Safetensors.Contents c = Safetensors.read(now);
            Map<String, Object> meta = Json.parseObject(c.metadata().get(Checkpoint.META_KEY));
            assertThat(((Number) meta.get("format")).intValue()).as("contrastive RL's checkpoints stay format 2")
                    .isEqualTo(2);
            assertThat(meta).doesNotContainKeys("algo", "baseline");
            @SuppressWarnings("unchecked")
            Map<String, Object> network = (Map<String, Object>) meta.get("network");
            assertThat(network).containsKeys("critic-depth", "logsumexp-penalty-coeff", "layer-norm")
                    .doesNotContainKeys("critic_depth", "layer_norm");

            // the same checkpoint as format 1 wrote it: snake_case fields, eval_env, no checksum
            Map<String, Object> old = new LinkedHashMap<>(meta);
            old.put("format", 1);
            Map<String, Object> snake = new LinkedHashMap<>();
            network.forEach((k, v) -> snake.put(k.replace('-', '_'), v));
            old.put("network", snake);
            old.put("extra", Map.of("eval_env", "reacher"));
            Path formatOne = dir.resolve("old.safetensors");
            Safetensors.write(formatOne, new ArrayList<>(c.tensors().values()), Map.of(Checkpoint.META_KEY, Json.write(old)));
            Checkpoint.Loaded loaded = Checkpoint.load(formatOne, pool);
            assertThat(loaded.info().config()).isEqualTo(cfg);
            assertThat(loaded.info().envSteps()).isEqualTo(1234);
            assertThat(loaded.info().extra()).as("format 1's eval_env, by its option name").containsEntry("eval-env", "reacher");
            assertThat(((CrlAgent) loaded.agent()).actorParams().params()).isEqualTo(agent.actorParams().params());
            assertThat(((CrlAgent) loaded.agent()).criticParams().params()).isEqualTo(agent.criticParams().params());

            old.put("format", Checkpoint.FORMAT + 1);
            Path future = dir.resolve("future.safetensors");
            Safetensors.write(future, new ArrayList<>(c.tensors().values()), Map.of(Checkpoint.META_KEY, Json.write(old)));
            assertThatThrownBy(() -> Checkpoint.load(future, pool)).hasMessageContaining("checkpoint format " + (Checkpoint.FORMAT + 1))
                    .hasMessageContaining("update crl4j").hasMessageNotContaining("\n");
        }
    }

    @Test
    void aTrainConfigRoundTripsThroughBothSpellings() {
        TrainConfig t = new TrainConfig("reacher", "reacher", 4, 20_000, 3, 62, 16, 3, 2000, 1000, 1000, 0.99, 2, 11);
        Map<String, Object> kebab = Checkpoint.toMap(t);
        assertThat(kebab).containsKeys("num-envs", "total-env-steps", "num-sgd-batches-per-training-step");
        Map<String, Object> snake = new LinkedHashMap<>();
        kebab.forEach((k, v) -> snake.put(k.replace('-', '_'), v));
        assertThat(Checkpoint.trainConfigFromMap(kebab)).isEqualTo(t);
        assertThat(Checkpoint.trainConfigFromMap(snake)).isEqualTo(t);
        assertThat(List.copyOf(kebab.keySet())).allMatch(k -> !k.contains("_"));
    }
}
