package org.crl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.crl4j.core.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code train --resume RUN --total-env-steps N} lengthens a finished run with more epochs of the same length, and the
 * result is the run that was planned that long from the start (every metric but the timings).
 * Real, tiny runs (reacher, width 32, depth 4).
 */
class TrainLengthenTest {

    /** prefill 17 unrolls of 62 × 2 envs = 2,108 env steps, then epochs of 2 training steps (248 env steps). */
    static List<String> tiny(Path dir, int epochs) {
        long total = 2108 + epochs * 248L;
        return new ArrayList<>(List.of("train", "--env", "reacher", "--critic-depth", "4", "--actor-depth", "4",
                "--critic-width", "32", "--actor-width", "32", "--batch-size", "32", "--num-envs", "2", "--min-replay-size",
                "1001", "--num-sgd-batches-per-training-step", "2", "--num-eval-envs", "1", "--no-gif", "--threads", "1",
                "--num-epochs", "" + epochs, "--total-env-steps", "" + total, "--run-dir", dir.toString()));
    }

    @Test
    void aFinishedRunLengthenedEqualsOnePlannedThatLong(@TempDir Path tmp) throws Exception {
        Path planned = tmp.resolve("planned");
        assertThat(CommandLineErrorsTest.run(tiny(planned, 4).toArray(new String[0])).code()).isZero();

        Path run = tmp.resolve("run");
        assertThat(CommandLineErrorsTest.run(tiny(run, 2).toArray(new String[0])).code()).isZero();
        assertThat(RunState.of(run)).isEqualTo(RunState.FINISHED);
        CommandLineErrorsTest.Outcome shorter = CommandLineErrorsTest.run("train", "--resume", run.toString(),
                "--total-env-steps", "2356");
        assertThat(shorter.code()).isNotZero();
        assertThat(shorter.err().strip()).doesNotContain("\n").contains("does not lengthen").contains("plans 2604 env steps");
        assertThat(RunState.of(run)).as("a refused lengthening changes nothing").isEqualTo(RunState.FINISHED);

        CommandLineErrorsTest.Outcome other = CommandLineErrorsTest.run("train", "--resume", run.toString(),
                "--total-env-steps", "3000", "--num-epochs", "8");
        assertThat(other.code()).isNotZero();
        assertThat(other.err().strip()).doesNotContain("\n").contains("--num-epochs cannot be combined with --resume");
        // a crash after an epoch's metrics row was written but before its resume state: the row is written again
        Files.writeString(run.resolve("metrics.jsonl"), "{\"epoch\":3,\"eval/episode_success\":999.0}\n{\"epo",
                java.nio.file.StandardOpenOption.APPEND);

        // 3,000 is inside the 4th epoch: rounds up to it
        CommandLineErrorsTest.Outcome longer = CommandLineErrorsTest.run("train", "--resume", run.toString(),
                "--total-env-steps", "3000", "--threads", "1");
        assertThat(longer.code()).as(longer.err()).isZero();
        assertThat(longer.out()).contains("lengthened from 2,604 to 3,100 env steps: 2 more epochs of 248 env steps (4 in all)");
        assertThat(RunState.of(run)).isEqualTo(RunState.FINISHED);

        List<String> a = Files.readAllLines(planned.resolve("metrics.jsonl"));
        List<String> b = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(b).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(withoutTimings(b.get(i))).as("epoch " + (i + 1)).isEqualTo(withoutTimings(a.get(i)));
        }
        // the best checkpoint is the best epoch's, earlier ones included (the 999 row above was not a real epoch)
        double best = b.stream().mapToDouble(r -> ((Number) Json.parseObject(r).get("eval/episode_success")).doubleValue())
                .max().orElseThrow();
        try (org.crl4j.core.Parallel pool = new org.crl4j.core.Parallel(1)) {
            int bestEpoch = org.crl4j.rl.Checkpoint.load(run.resolve("checkpoints").resolve("best.safetensors"), pool).info().epoch();
            assertThat(((Number) Json.parseObject(b.get(bestEpoch - 1)).get("eval/episode_success")).doubleValue())
                    .as("best.safetensors is epoch " + bestEpoch).isEqualTo(best);
        }
        Map<String, Object> config = Json.parseObject(Files.readString(run.resolve("config.json")));
        Map<?, ?> schedule = (Map<?, ?>) ((Map<?, ?>) config.get("config")).get("schedule");
        assertThat(((Number) schedule.get("num-epochs")).longValue()).isEqualTo(4);
        assertThat(((Number) schedule.get("total-env-steps")).longValue()).isEqualTo(3100);
        assertThat(config).as("one spelling: no snake_case sections").doesNotContainKeys("train", "network");
        assertThat(Files.readString(run.resolve("config.toml"))).contains("\nnum-epochs = 4  #").contains("\ntotal-env-steps = 3100  #");
        assertThat(Files.readString(run.resolve("finished.json"))).contains("\"env_steps\":3100");
    }

    @Test
    void aResumedRunKeepsTheMetricsOfTheEpochsItsResumeStateHoldsAndKnowsTheirBest(@TempDir Path tmp) throws Exception {
        Path metrics = tmp.resolve("metrics.jsonl");
        assertThat(org.crl4j.rl.RunDirectory.at(tmp).keepCompletedEpochs(2)).isEqualTo(Double.NEGATIVE_INFINITY);
        String kept = "{\"epoch\":1,\"eval/episode_success\":12.5}\n{\"epoch\":2,\"eval/episode_success\":40.0}\n";
        Files.writeString(metrics, kept + "{\"epoch\":3,\"eval/episode_success\":90.0}\n{\"epoch\":4,\"eval/episode_succ");
        assertThat(org.crl4j.rl.RunDirectory.at(tmp).keepCompletedEpochs(2)).isEqualTo(40.0);
        assertThat(Files.readString(metrics)).isEqualTo(kept);
        assertThat(org.crl4j.rl.RunDirectory.at(tmp).keepCompletedEpochs(2)).as("nothing more to drop").isEqualTo(40.0);
    }

    /** A metrics row without its wall-clock fields. */
    static Map<String, Object> withoutTimings(String row) {
        Map<String, Object> m = new java.util.TreeMap<>(Json.parseObject(row));
        m.keySet().removeIf(k -> k.startsWith("timing/") || k.endsWith("sps") || k.equals("training/walltime"));
        return m;
    }
}
