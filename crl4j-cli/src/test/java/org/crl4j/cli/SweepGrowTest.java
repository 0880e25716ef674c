package org.crl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.crl4j.core.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

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
        // a quick manual evaluation is not the sweep's (128 episodes), and another task's broken record must not block it
        CommandLineErrorsTest.Outcome manual = CommandLineErrorsTest.run("eval", seed1.toString(), "--env", "reacher",
                "--episodes", "2", "--threads", "1", "--record");
        assertThat(manual.code()).as(manual.err()).isZero();
        Files.writeString(seed1.resolve("eval_ant.json"), "{\"env\": \"ant\", trunc");

        CommandLineErrorsTest.Outcome grown = CommandLineErrorsTest.run(sweep(sw, "--seeds", "2", "--final-eval", "reacher"));
        assertThat(grown.code()).as(grown.out() + grown.err()).isZero();
        assertThat(grown.out()).contains("growing " + sw).contains("[1/2] d4-w32-b32/seed1: finished, skipped")
                .contains("[2/2] d4-w32-b32/seed2: training").contains("reacher time at goal").contains("sweep done: 2 runs");
        assertThat(Files.readAllBytes(seed1.resolve("metrics.jsonl"))).isEqualTo(seed1Metrics); // not retrained
        Files.delete(seed1.resolve("eval_ant.json"));
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
        CommandLineErrorsTest.assertOneLineError(CommandLineErrorsTest.run(sweep(sw, "--seeds", "1", "--final-eval", "reacher")),
                "holds a different sweep", "seeds 1 here, 2 there", "only more --seeds or another --final-eval");
    }

    @Test
    void aSweepJsonFromBeforeFinalEvaluationsIsKeptAsIsAndGrowsKeepingItsCreationTime(@TempDir Path dir) throws Exception {
        SweepGrid grid = new SweepGrid("reacher", List.of(4), List.of(32), List.of(32), List.of(Ablation.NONE), 1, 3000L,
                List.of(), List.of());
        Path sw = dir.resolve("sw");
        Files.createDirectories(sw);
        var gridJson = new java.util.LinkedHashMap<>(grid.toJson());
        gridJson.remove("final_eval");
        String old = Json.writePretty(java.util.Map.of("grid", gridJson, "created", "2026-11-20T10:00")) + "\n";
        Files.writeString(sw.resolve(SweepCommand.SWEEP_FILE), old);

        SweepCommand.claim(sw, grid);
        assertThat(Files.readString(sw.resolve(SweepCommand.SWEEP_FILE))).isEqualTo(old); // the same sweep: untouched

        SweepGrid grown = new SweepGrid("reacher", List.of(4), List.of(32), List.of(32), List.of(Ablation.NONE), 3, 3000L,
                List.of(), List.of("reacher"));
        SweepCommand.claim(sw, grown);
        var file = Json.parseObject(Files.readString(sw.resolve(SweepCommand.SWEEP_FILE)));
        assertThat(file.get("created")).isEqualTo("2026-11-20T10:00");
        assertThat(file).containsKey("grown");
        assertThat(SweepCommand.readSweepFile(sw)).isEqualTo(grown);
    }
}
