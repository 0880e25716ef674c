package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/**
 * A sweep whose first run finished and whose second was interrupted (SIGTERM, as Ctrl-C): running it again skips
 * the first and resumes the second where it stopped. Real, tiny runs (reacher, width 32, depth 4, 3 epochs).
 */
class SweepResumeTest {

    @Test
    void rerunSkipsTheFinishedRunAndResumesTheInterruptedOne(@TempDir Path dir) throws Exception {
        Path sweep = dir.resolve("sw");
        String[] sweepArgs = {"sweep", "--env", "reacher", "--depth", "4", "--width", "32", "--batch", "32", "--seeds", "2",
            "--steps", "3000", "--sweep-dir", sweep.toString(), "--threads", "1", "--num-envs", "2", "--num-epochs", "3",
            "--min-replay-size", "1001", "--num-sgd-batches-per-training-step", "2", "--num-eval-envs", "1", "--no-gif"};
        SweepCommand options = new SweepCommand();
        new CommandLine(options).parseArgs(java.util.Arrays.copyOfRange(sweepArgs, 1, sweepArgs.length));
        SweepGrid grid = options.gridFromOptions();
        SweepCommand.claim(sweep, grid);
        List<SweepGrid.Run> runs = grid.runs();
        assertThat(runs).extracting(SweepGrid.Run::name).containsExactly("d4-w32-b32/seed1", "d4-w32-b32/seed2");

        // run 1: finished, through train itself
        Path first = runs.get(0).dir(sweep);
        List<String> firstArgs = new ArrayList<>(grid.trainArgs(runs.get(0)));
        firstArgs.addAll(List.of("--run-dir", first.toString(), "--threads", "1"));
        assertThat(CommandLineErrorsTest.run(firstArgs.toArray(new String[0])).code()).isZero();
        assertThat(RunState.of(first)).isEqualTo(RunState.FINISHED);
        byte[] firstMetrics = Files.readAllBytes(first.resolve("metrics.jsonl"));

        // run 2: stopped by SIGTERM after its first evaluation
        Path second = runs.get(1).dir(sweep);
        Files.createDirectories(second);
        List<String> secondArgs = new ArrayList<>(grid.trainArgs(runs.get(1)));
        secondArgs.addAll(List.of("--run-dir", second.toString(), "--threads", "1"));
        Process p = TrainProcess.start(secondArgs, second.resolve("train.log"), 1);
        Path secondMetrics = second.resolve("metrics.jsonl");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(Files.isRegularFile(secondMetrics) && Files.readString(secondMetrics).endsWith("\n"))
                && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(10);
        }
        p.destroy();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(RunState.of(second)).as(Files.readString(second.resolve("train.log")))
                .isEqualTo(RunState.INTERRUPTED);
        List<String> before = Files.readAllLines(secondMetrics);
        assertThat(before).hasSizeBetween(1, 2);

        // the same command again
        CommandLineErrorsTest.Outcome o = CommandLineErrorsTest.run(sweepArgs);
        assertThat(o.code()).as(o.out() + o.err()).isZero();
        assertThat(o.out()).contains("[1/2] d4-w32-b32/seed1: finished, skipped").contains("[2/2] d4-w32-b32/seed2: resuming")
                .contains("sweep done: 2 runs");
        // overall progress, with an ETA from the finished run's training time
        assertThat(o.out()).containsPattern("sweep: 1/2 runs done, 1 running, 0 left; ETA \\d+m\\d\\ds \\(\\d+m\\d\\ds per run, "
                + "the mean of 1 finished, 1 at a time\\)").contains("sweep: 2/2 runs done, 0 running, 0 left");
        assertThat(Files.readAllBytes(first.resolve("metrics.jsonl"))).isEqualTo(firstMetrics);
        assertThat(first.resolve("train.log")).doesNotExist(); // the sweep never started run 1
        List<String> after = Files.readAllLines(secondMetrics);
        assertThat(after).hasSize(3).startsWith(before.toArray(new String[0])); // continued, not restarted
        for (int e = 0; e < 3; e++) {
            assertThat(after.get(e)).startsWith("{\"epoch\":" + (e + 1) + ",");
        }
        assertThat(second.resolve("finished.json")).isRegularFile();
        assertThat(Files.readString(second.resolve("train.log"))).contains("resuming " + second);

        // and once more: nothing left to do
        CommandLineErrorsTest.Outcome again = CommandLineErrorsTest.run("sweep", "--resume", sweep.toString(), "--threads", "1");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("[2/2] d4-w32-b32/seed2: finished, skipped");
    }
}
