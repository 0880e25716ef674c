package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.crl4j.rl.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume RUN --ranks K2}: a run trained by 2 ranks refuses a number of ranks its environments do not
 * split over (and stays resumable with 2), then continues in one process, lengthened, to its end; its records
 * (config.json, metrics, plot) read as any one-process run's; lengthened again, it goes back to 2 ranks.
 */
class ReshardTrainTest {
    private static final long PREFILL = 17L * 62 * 4;
    private static final long EPOCH = 2 * 62 * 4L; // 2 training steps of 4 envs

    private static List<String> twoRankArgs(Path dir) {
        return new ArrayList<>(List.of("train", "--env", "reacher", "--critic-depth", "4", "--actor-depth", "4",
                "--critic-width", "32", "--actor-width", "32", "--batch-size", "32", "--num-envs", "4",
                "--min-replay-size", "1001", "--num-sgd-batches-per-training-step", "2", "--num-eval-envs", "1",
                "--no-gif", "--threads", "1", "--num-epochs", "2", "--total-env-steps", "" + (PREFILL + 2 * EPOCH),
                "--ranks", "2", "--run-dir", dir.toString()));
    }

    @Test
    @Timeout(180)
    void aTwoRankRunIsFinishedByOneProcess(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        CommandLineErrorsTest.Outcome two = CommandLineErrorsTest.run(twoRankArgs(run).toArray(new String[0]));
        assertThat(two.code()).as(two.toString()).isZero();
        assertThat(RunDirectory.at(run).ranks()).isEqualTo(2);
        byte[] rank1 = Files.readAllBytes(run.resolve("ranks/1/checkpoints/resume.safetensors"));

        CommandLineErrorsTest.assertOneLineError(CommandLineErrorsTest.run("train", "--resume", run.toString(),
                "--ranks", "3", "--threads", "1"), "--num-envs 4", "must both be divisible by --ranks 3");
        assertThat(RunDirectory.at(run).ranks()).as("still a 2-rank run").isEqualTo(2);
        assertThat(run.resolve("reshard")).doesNotExist();
        assertThat(Files.readAllBytes(run.resolve("ranks/1/checkpoints/resume.safetensors"))).isEqualTo(rank1);

        CommandLineErrorsTest.Outcome one = CommandLineErrorsTest.run("train", "--resume", run.toString(), "--ranks", "1",
                "--threads", "1", "--total-env-steps", "" + (PREFILL + 4 * EPOCH));
        assertThat(one.code()).as(one.toString()).isZero();
        assertThat(one.out()).contains("crl4j train: resharded " + run + " from 2 ranks to 1 at "
                + String.format("%,d", PREFILL + 2 * EPOCH) + " env steps (envs 0-1 of rank 0, 2-3 of rank 1 → rank 0)");
        assertThat(one.out()).doesNotContain("data-parallel");
        assertThat(run.resolve("finished.json")).exists();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(4);
        RunDirectory dir = RunDirectory.at(run);
        assertThat(dir.ranks()).isEqualTo(1);
        assertThat(dir.readConfigJson()).doesNotContainKey("ranks").containsKey("config");
        assertThat(run.resolve("reshard")).doesNotExist();
        assertThat(run.resolve("ranks")).doesNotExist();

        CommandLineErrorsTest.Outcome plot = CommandLineErrorsTest.run("plot", run.toString());
        assertThat(plot.code()).as(plot.toString()).isZero();

        // and back to 2 ranks, lengthened again: rank 1 is new and must take the longer schedule too
        CommandLineErrorsTest.Outcome back = CommandLineErrorsTest.run("train", "--resume", run.toString(), "--ranks", "2",
                "--threads", "1", "--total-env-steps", "" + (PREFILL + 5 * EPOCH));
        assertThat(back.code()).as(back.toString()).isZero();
        assertThat(back.out()).contains("from 1 rank to 2 at " + String.format("%,d", PREFILL + 4 * EPOCH)
                + " env steps (envs 0-1 of rank 0 → rank 0; envs 2-3 of rank 0 → rank 1)");
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(5);
        assertThat(RunDirectory.at(run).ranks()).isEqualTo(2);
        assertThat(Files.readString(run.resolve("ranks/1/train.log"))).contains("done");
        assertThat(Files.readString(run.resolve("finished.json"))).contains("\"epochs\":5");

        CommandLineErrorsTest.Outcome again = CommandLineErrorsTest.run("train", "--resume", run.toString(), "--threads", "1");
        assertThat(again.code()).as(again.toString()).isZero();
        assertThat(again.out()).contains("its schedule is complete").doesNotContain("resharded");
    }
}
