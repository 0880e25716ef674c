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

    @Test
    void aBitFlippedResumeStateIsCaughtByItsChecksumAndFallsBack(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        assertThat(CommandLineErrorsTest.run(TrainLengthenTest.tiny(run, 2).toArray(new String[0])).code()).isZero();
        Path checkpoints = run.resolve("checkpoints");
        List<String> original = Files.readAllLines(run.resolve("metrics.jsonl"));
        Path state = checkpoints.resolve("resume.safetensors");
        flipOneBit(state, 0.6); // in the data: every size and the JSON header stay valid, only the checksum can tell
        Files.delete(run.resolve("finished.json"));
        CommandLineErrorsTest.Outcome resumed = CommandLineErrorsTest.run("train", "--resume", run.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resume.safetensors is damaged (").contains("checksum mismatch")
                .contains("resuming from the previous state, resume.prev.safetensors");
        List<String> again = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(again).hasSize(2);
        assertThat(TrainLengthenTest.withoutTimings(again.get(1))).isEqualTo(TrainLengthenTest.withoutTimings(original.get(1)));

        // a damaged agent checkpoint is named in one line by the commands that read it
        flipOneBit(checkpoints.resolve("last.safetensors"), 0.5);
        CommandLineErrorsTest.Outcome eval = CommandLineErrorsTest.run("eval", run.toString(), "--episodes", "1");
        assertThat(eval.code()).isNotZero();
        assertThat(eval.err().strip()).doesNotContain("\n").contains("last.safetensors").contains("checksum mismatch");
    }

    @Test
    void aDamagedConfigIsNamedByItsChecksumAndResumeWritesItAgain(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        assertThat(CommandLineErrorsTest.run(TrainLengthenTest.tiny(run, 2).toArray(new String[0])).code()).isZero();
        Path config = run.resolve("config.json");
        String good = Files.readString(config);
        assertThat(good).contains("\"critic-width\": 32");
        Files.writeString(config, good.replace("\"critic-width\": 32", "\"critic-width\": 33")); // '2' to '3': one bit

        CommandLineErrorsTest.Outcome plot = CommandLineErrorsTest.run("plot", run.toString());
        assertThat(plot.code()).isNotZero();
        assertThat(plot.err().strip()).doesNotContain("\n").contains("config.json").contains("SHA-256")
                .contains("train --resume");

        CommandLineErrorsTest.Outcome resumed = CommandLineErrorsTest.run("train", "--resume", run.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("rebuilding it from the resume state");
        assertThat(org.crl4j.rl.RunDirectory.at(run).readConfigJson()).isNotNull();
        assertThat(Files.readString(config)).contains("\"critic-width\": 32");
        assertThat(CommandLineErrorsTest.run("plot", run.toString()).code()).isZero();
    }

    /** Flips the lowest bit of the byte at {@code fraction} of the file's length. */
    static void flipOneBit(Path file, double fraction) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            long at = (long) (f.length() * fraction);
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 1);
        }
    }
}
