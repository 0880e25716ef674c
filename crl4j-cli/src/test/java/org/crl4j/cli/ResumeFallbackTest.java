package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every save of the resume state keeps the one it replaces, so a damaged or missing resume.safetensors falls back to
 * the previous state, one epoch earlier, and the run that continues from there is the same run (real, tiny runs).
 */
class ResumeFallbackTest {

    @Test
    void aTruncatedResumeStateFallsBackToThePreviousOneAndGivesTheSameRun(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        assertThat(CommandLineErrorsTest.run(TrainLengthenTest.tiny(run, 2).toArray(new String[0])).code()).isZero();
        Path checkpoints = run.resolve("checkpoints");
        assertThat(checkpoints.resolve("resume.prev.safetensors")).isRegularFile();
        List<String> original = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(original).hasSize(2);

        Path state = checkpoints.resolve("resume.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(state.toFile(), "rw")) {
            f.setLength(f.length() / 2); // a torn copy, a full disk
        }
        Files.delete(run.resolve("finished.json"));
        CommandLineErrorsTest.Outcome resumed = CommandLineErrorsTest.run("train", "--resume", run.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resume.safetensors is damaged (").contains("kept as resume.damaged.safetensors")
                .contains("resuming from the previous state, resume.prev.safetensors, at 2,356 env steps");
        assertThat(checkpoints.resolve("resume.damaged.safetensors")).isRegularFile();
        assertThat(run.resolve("finished.json")).isRegularFile();
        List<String> again = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(again).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(TrainLengthenTest.withoutTimings(again.get(i))).as("epoch " + (i + 1))
                    .isEqualTo(TrainLengthenTest.withoutTimings(original.get(i)));
        }
    }

    @Test
    void aMissingResumeStateFallsBackAndBothDamagedIsOneLine(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        assertThat(CommandLineErrorsTest.run(TrainLengthenTest.tiny(run, 2).toArray(new String[0])).code()).isZero();
        Path checkpoints = run.resolve("checkpoints");
        Path prev = checkpoints.resolve("resume.prev.safetensors");
        byte[] good = Files.readAllBytes(prev);

        // a crash between keeping the old state and writing the new one
        Files.delete(checkpoints.resolve("resume.safetensors"));
        assertThat(RunState.of(run)).isEqualTo(RunState.FINISHED);
        Files.delete(run.resolve("finished.json"));
        assertThat(RunState.of(run)).as("sweep resumes it rather than starting over").isEqualTo(RunState.INTERRUPTED);
        Files.write(prev, java.util.Arrays.copyOf(good, 100));
        Files.write(checkpoints.resolve("resume.safetensors"), new byte[] {1, 2, 3});
        CommandLineErrorsTest.Outcome both = CommandLineErrorsTest.run("train", "--resume", run.toString());
        assertThat(both.code()).isNotZero();
        assertThat(both.err().strip()).doesNotContain("\n").contains("resume.safetensors")
                .contains("the previous state resume.prev.safetensors is damaged too").contains("cannot be resumed");

        Files.delete(checkpoints.resolve("resume.safetensors"));
        Files.write(prev, good);
        CommandLineErrorsTest.Outcome resumed = CommandLineErrorsTest.run("train", "--resume", run.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resume.safetensors is missing (a save was interrupted); resuming from the "
                + "previous state");
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(2);
    }
}
