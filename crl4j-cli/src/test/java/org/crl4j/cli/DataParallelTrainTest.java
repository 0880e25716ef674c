package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --ranks 2}: two processes over the loopback cluster. SIGTERM to rank 0 stops both ranks at the same
 * step, saved; killing rank 1 with SIGKILL mid-run stops rank 0 with a one-line error and its last saved epoch
 * intact; {@code --resume} then starts rank 1 again from its matching state, and the finished run's checkpoints are
 * byte-identical to a 2-rank run never interrupted.
 */
class DataParallelTrainTest {
    static final int EPOCHS = 6;

    static List<String> args(Path dir) {
        long total = 17L * 62 * 4 + EPOCHS * 2 * 62 * 4L; // prefill, then EPOCHS epochs of 2 training steps of 4 envs
        return new ArrayList<>(List.of("train", "--env", "reacher", "--critic-depth", "4", "--actor-depth", "4",
                "--critic-width", "32", "--actor-width", "32", "--batch-size", "32", "--num-envs", "4",
                "--min-replay-size", "1001", "--num-sgd-batches-per-training-step", "2", "--num-eval-envs", "1",
                "--no-gif", "--threads", "1", "--num-epochs", "" + EPOCHS, "--total-env-steps", "" + total,
                "--checkpoint-every", "1", "--ranks", "2", "--run-dir", dir.toString()));
    }

    private static void awaitFiles(Path log, Path... files) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!java.util.Arrays.stream(files).allMatch(Files::exists)) {
            assertThat(System.nanoTime()).as(Files.exists(log) ? Files.readString(log) : "no log").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    @Timeout(240)
    void aStoppedRunAndAKilledRankResumeToTheRunNeverInterrupted(@TempDir Path tmp) throws Exception {
        Path reference = tmp.resolve("reference");
        CommandLineErrorsTest.Outcome whole = CommandLineErrorsTest.run(args(reference).toArray(new String[0]));
        assertThat(whole.code()).as(whole.toString()).isZero();

        Path run = tmp.resolve("killed");
        Path rank1State = run.resolve("ranks/1/checkpoints/resume.safetensors");
        // 1. SIGTERM to rank 0 alone: all ranks agree on the step to stop at and save (Pekko's own JVM shutdown hooks,
        //    which would abort the transport first, are off on rank nodes)
        Path stopLog = tmp.resolve("stopped.log");
        Process first = KillAnywhereTest.start(args(run), stopLog, "-Dcrl4j.cluster.fast-failure-detection=true");
        try {
            awaitFiles(stopLog, run.resolve("checkpoints/epoch_1.safetensors"), rank1State);
            first.destroy();
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("rank 0 stops after saving").isTrue();
        } finally {
            first.descendants().forEach(ProcessHandle::destroyForcibly);
            first.destroyForcibly();
        }
        assertThat(Files.readString(stopLog)).contains("interrupted at");
        assertThat(Files.readString(run.resolve("ranks/1/train.log"))).contains("stopped at");

        // 2. resumed, then rank 1 killed with SIGKILL once epoch 3 is saved
        Path log = tmp.resolve("killed.log");
        List<String> resume = List.of("train", "--resume", run.toString(), "--threads", "1");
        Process lead = KillAnywhereTest.start(resume, log, "-Dcrl4j.cluster.fast-failure-detection=true");
        try {
            awaitFiles(log, run.resolve("checkpoints/epoch_3.safetensors"), rank1State);
            ProcessHandle rank1 = lead.descendants().findFirst().orElseThrow();
            rank1.destroyForcibly();
            assertThat(lead.waitFor(60, TimeUnit.SECONDS)).as("rank 0 stops by itself").isTrue();
            assertThat(lead.exitValue()).isEqualTo(1);
        } finally {
            lead.descendants().forEach(ProcessHandle::destroyForcibly);
            lead.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        String last = lines.get(lines.size() - 1);
        assertThat(last).contains("rank 1").contains("continue with './crl4j train --resume " + run + "'");
        assertThat(lines.stream().filter(l -> l.contains("\tat ")).toList()).as("no stack trace").isEmpty();
        assertThat(run.resolve("finished.json")).doesNotExist();

        CommandLineErrorsTest.Outcome resumed = CommandLineErrorsTest.run("train", "--resume", run.toString(), "--threads", "1");
        assertThat(resumed.code()).as(resumed.toString()).isZero();
        for (String f : List.of("last", "best", "epoch_1", "epoch_" + EPOCHS)) {
            Path a = reference.resolve("checkpoints/" + f + ".safetensors");
            Path b = run.resolve("checkpoints/" + f + ".safetensors");
            assertThat(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b))).as(f + " byte-identical").isTrue();
        }
        assertThat(Files.readString(run.resolve("finished.json"))).isEqualTo(Files.readString(reference.resolve("finished.json")));
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(EPOCHS);
    }
}
