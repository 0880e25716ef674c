package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.crl4j.nn.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A finished one-seed sweep re-run with {@code --seeds 2 --final-eval reacher}: the first run is not retrained but gets
 * its final evaluation, the second is trained and evaluated, sweep.json records the grown grid, and a third run of the
 * command does nothing. Real, tiny runs (reacher, width 32, depth 4, 3 epochs).
 */
class SweepGrowTest {

    private static String[] sweep(Path dir, String... extra) {
        List<String> a = new ArrayList<>(List.of("sweep", "--env", "reacher", "--depth", "4", "--width", "32", "--batch", "32",
                "--steps", "3000", "--sweep-dir", dir.toString(), "--threads", "1", "--num-envs", "2", "--num-epochs", "3",
                "--min-replay-size", "1001", "--num-sgd-batches-per-training-step", "2", "--num-eval-envs", "1", "--no-gif"));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    @Test
    void moreSeedsAndAFinalEvaluationExtendAFinishedSweep(@TempDir Path dir) throws Exception {
        Path sw = dir.resolve("sw");
        CommandLineErrorsTest.Outcome first = CommandLineErrorsTest.run(sweep(sw, "--seeds", "1"));
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        Path seed1 = sw.resolve("d4-w32-b32").resolve("seed1");
        byte[] seed1Metrics = Files.readAllBytes(seed1.resolve("metrics.jsonl"));
        assertThat(seed1.resolve("eval_reacher.json")).doesNotExist();

        CommandLineErrorsTest.Outcome grown = CommandLineErrorsTest.run(sweep(sw, "--seeds", "2", "--final-eval", "reacher"));
        assertThat(grown.code()).as(grown.out() + grown.err()).isZero();
        assertThat(grown.out()).contains("growing " + sw).contains("[1/2] d4-w32-b32/seed1: finished, skipped")
                .contains("[2/2] d4-w32-b32/seed2: training").contains("reacher time at goal").contains("sweep done: 2 runs");
        assertThat(Files.readAllBytes(seed1.resolve("metrics.jsonl"))).isEqualTo(seed1Metrics); // not retrained
        for (String s : List.of("seed1", "seed2")) {
            Path run = sw.resolve("d4-w32-b32").resolve(s);
            var eval = Json.parseObject(Files.readString(run.resolve("eval_reacher.json")));
            assertThat(eval.get("episodes")).isEqualTo(128L);
            RunRecord r = RunRecord.load(run);
            // the record is of the last checkpoint, so plot reports it
            assertThat(((Number) eval.get("env_steps")).doubleValue()).isEqualTo(r.envSteps()[r.envSteps().length - 1]);
            assertThat(r.finalEvals()).containsOnlyKeys("reacher");
        }
        var grid = SweepCommand.readSweepFile(sw);
        assertThat(grid.seeds()).isEqualTo(2);
        assertThat(grid.finalEvals()).containsExactly("reacher");

        long evalTime = Files.getLastModifiedTime(seed1.resolve("eval_reacher.json")).toMillis();
        CommandLineErrorsTest.Outcome again = CommandLineErrorsTest.run("sweep", "--resume", sw.toString(), "--threads", "1");
        assertThat(again.code()).isZero();
        assertThat(again.out()).doesNotContain("growing").doesNotContain("time at goal")
                .contains("[2/2] d4-w32-b32/seed2: finished, skipped");
        assertThat(Files.getLastModifiedTime(seed1.resolve("eval_reacher.json")).toMillis()).isEqualTo(evalTime);

        // fewer seeds is not a smaller version of this sweep
        CommandLineErrorsTest.Outcome fewer = CommandLineErrorsTest.run(sweep(sw, "--seeds", "1", "--final-eval", "reacher"));
        assertThat(fewer.code()).isNotZero();
        assertThat(fewer.err()).contains("holds a different sweep").contains("only more --seeds or another --final-eval");
    }
}
