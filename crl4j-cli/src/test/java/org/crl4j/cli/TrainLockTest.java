package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.crl4j.rl.RunLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory has one writer: while its lock is held (here by this JVM; RunLockTest holds it from another
 * process), {@code train --resume} and a new {@code train --run-dir} on it are refused with one line and change
 * nothing; once it is released the same resume runs.
 */
class TrainLockTest {

    @Test
    void aRunInUseIsRefusedAndResumesOnceReleased(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        assertThat(CommandLineErrorsTest.run(TrainLengthenTest.tiny(run, 1).toArray(new String[0])).code()).isZero();
        assertThat(RunLock.isHeld(run)).as("released when train ends").isFalse();
        String metrics = Files.readString(run.resolve("metrics.jsonl"));

        try (RunLock held = RunLock.acquire(run)) {
            CommandLineErrorsTest.Outcome again = CommandLineErrorsTest.run("train", "--resume", run.toString(),
                    "--total-env-steps", "2604");
            assertThat(again.code()).isNotZero();
            assertThat(again.err().strip()).doesNotContain("\n").contains(run + " is in use by another crl4j process")
                    .contains("pid " + ProcessHandle.current().pid());

            Path fresh = tmp.resolve("fresh");
            Files.createDirectories(fresh);
            try (RunLock other = RunLock.acquire(fresh)) {
                CommandLineErrorsTest.Outcome second = CommandLineErrorsTest.run(
                        TrainLengthenTest.tiny(fresh, 1).toArray(new String[0]));
                assertThat(second.code()).isNotZero();
                assertThat(second.err().strip()).doesNotContain("\n").contains("is in use by another crl4j process");
                assertThat(fresh.resolve("config.json")).as("nothing written").doesNotExist();
            }
        }
        assertThat(Files.readString(run.resolve("metrics.jsonl"))).as("the refused resume wrote nothing").isEqualTo(metrics);

        CommandLineErrorsTest.Outcome resumed = CommandLineErrorsTest.run("train", "--resume", run.toString(),
                "--total-env-steps", "2604");
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(2);
    }
}
