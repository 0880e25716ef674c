package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.crl4j.rl.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order a run's files travel in (to a coordinator): any prefix of it copied elsewhere is a run directory that
 * resumes or reads as not started, and the whole list is the run. Checked on a real tiny run.
 */
class RunFilesToCopyTest {

    @Test
    void configFirstThenMetricsThenCheckpointsThenTheResumeStateAndFinishedLast(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("run");
        List<String> args = TrainLengthenTest.tiny(run, 2);
        args.addAll(List.of("--checkpoint-every", "1"));
        assertThat(CommandLineErrorsTest.run(args.toArray(new String[0])).code()).isZero();
        Files.writeString(run.resolve("train.log"), "log\n");
        Files.writeString(run.resolve("checkpoints").resolve(".last.safetensors.1234.tmp"), "torn");
        List<String> files = RunDirectory.at(run).filesToCopy();

        assertThat(files).startsWith("config.json", "config.toml", "checksums.sha256")
                .endsWith("checkpoints/resume.prev.safetensors", "checkpoints/resume.safetensors", "train.log",
                        "finished.json")
                .contains("metrics.jsonl", "metrics.csv", "random_policy.json", "checkpoints/last.safetensors",
                        "checkpoints/best.safetensors", "checkpoints/epoch_1.safetensors", "checkpoints/epoch_2.safetensors")
                .doesNotContain("lock").noneMatch(f -> f.endsWith(".tmp")).doesNotHaveDuplicates();
        assertThat(files.indexOf("metrics.jsonl")).isLessThan(files.indexOf("checkpoints/last.safetensors"));
        assertThat(files.stream().filter(f -> f.startsWith("tensorboard/")).count()).isEqualTo(1);

        // every file of the run but the lock and the temporary one is in the list
        try (var walk = Files.walk(run)) {
            List<String> all = walk.filter(Files::isRegularFile).map(p -> run.relativize(p).toString())
                    .filter(f -> !f.equals("lock") && !f.endsWith(".tmp")).toList();
            assertThat(files).containsExactlyInAnyOrderElementsOf(all);
        }

        // a copy cut off just before the resume state is a run that resumes from the previous one
        Path copy = tmp.resolve("copy");
        for (String f : files.subList(0, files.indexOf("checkpoints/resume.safetensors"))) {
            Files.createDirectories(copy.resolve(f).getParent());
            Files.copy(run.resolve(f), copy.resolve(f));
        }
        assertThat(RunState.of(copy)).isEqualTo(RunState.INTERRUPTED);
        CommandLineErrorsTest.Outcome resumed = CommandLineErrorsTest.run("train", "--resume", copy.toString());
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(RunState.of(copy)).isEqualTo(RunState.FINISHED);
        assertThat(Files.readAllLines(copy.resolve("metrics.jsonl"))).hasSize(2);
    }
}
