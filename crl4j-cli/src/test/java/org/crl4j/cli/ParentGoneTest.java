package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep killed with SIGKILL leaves no orphan: its train child notices that its parent is gone, saves its resume
 * state as on SIGTERM and exits, so that nothing trains on unseen (and a worker's runs, reassigned elsewhere, are not
 * trained twice).
 */
class ParentGoneTest {
    @Test
    @Timeout(180)
    void aTrainChildWhoseSweepIsKilledSavesAndExits(@TempDir Path tmp) throws Exception {
        Path sweepDir = tmp.resolve("sweep");
        long steps = 2108 + 200 * 248L; // far more epochs than the test waits for
        Process sweep = KillAnywhereTest.start(List.of("sweep", "--env", "reacher", "--depth", "4", "--width", "32",
                "--batch", "32", "--seeds", "1", "--steps", "" + steps, "--num-envs", "2", "--min-replay-size", "1001",
                "--num-sgd-batches-per-training-step", "2", "--num-eval-envs", "1", "--no-gif", "--num-epochs", "200",
                "--workers", "1", "--threads", "1", "--sweep-dir", sweepDir.toString()), tmp.resolve("sweep.log"));
        ProcessHandle train = null;
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (findResumeState(sweepDir).isEmpty()) {
                assertThat(System.nanoTime()).as(Files.readString(tmp.resolve("sweep.log"))).isLessThan(deadline);
                Thread.sleep(100);
            }
            train = sweep.descendants().findFirst().orElseThrow();
            sweep.destroyForcibly(); // SIGKILL: no hook of the sweep runs
            sweep.waitFor(10, TimeUnit.SECONDS);
            assertThat(train.onExit().get(60, TimeUnit.SECONDS).isAlive()).as("the orphan exits").isFalse();
        } finally {
            sweep.descendants().forEach(ProcessHandle::destroyForcibly);
            sweep.destroyForcibly();
            if (train != null) {
                train.destroyForcibly();
            }
        }
        Path runDir = findResumeState(sweepDir).orElseThrow().getParent().getParent();
        String log = Files.readString(runDir.resolve("train.log"), StandardCharsets.UTF_8);
        assertThat(log).contains("is gone; stopping").contains("interrupted at");
    }

    private static Optional<Path> findResumeState(Path root) throws Exception {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().equals("resume.safetensors")).findFirst();
        }
    }
}
