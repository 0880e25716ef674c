package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.io.Json;
import org.crl4j.rl.RunDirectory;
import org.crl4j.rl.config.RunConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory's config files: one spelling, re-usable, and format-1 directories still resume. */
class RunDirectoryFormatTest {

    @Test
    void aRunsConfigTomlReproducesItsConfigAndHelpListsEveryOption(@TempDir Path tmp) throws Exception {
        Path first = tmp.resolve("first");
        List<String> args = TrainLengthenTest.tiny(first, 1);
        args.addAll(List.of("--energy", "l2", "--no-layer-norm", "--activation", "relu", "--eval-env", "reacher"));
        assertThat(CommandLineErrorsTest.run(args.toArray(new String[0])).code()).isZero();
        Map<String, Object> saved = Json.parseObject(Files.readString(first.resolve("config.json")));
        assertThat(((Number) saved.get("format")).intValue()).isEqualTo(RunDirectory.FORMAT);
        Map<?, ?> networks = (Map<?, ?>) ((Map<?, ?>) saved.get("config")).get("networks");
        assertThat(networks.get("layer-norm")).isEqualTo(false);
        assertThat(networks.get("activation")).isEqualTo("relu");

        Path second = tmp.resolve("second");
        CommandLineErrorsTest.Outcome again = CommandLineErrorsTest.run("train", "--config",
                first.resolve("config.toml").toString(), "--run-dir", second.toString(), "--threads", "1");
        assertThat(again.code()).as(again.err()).isZero();
        Map<String, Object> savedAgain = Json.parseObject(Files.readString(second.resolve("config.json")));
        assertThat(savedAgain.get("config")).isEqualTo(saved.get("config"));
        assertThat(Files.readString(second.resolve("config.toml"))).isEqualTo(Files.readString(first.resolve("config.toml")));
        assertThat(Files.readAllLines(second.resolve("metrics.jsonl")).size()).isEqualTo(1);

        String help = CommandLineErrorsTest.run("train", "--help").out().replaceAll("\\s+", " ");
        for (RunConfigs.Option o : RunConfigs.options()) {
            assertThat(help).contains("--" + o.key()).contains("[" + o.section() + "]");
            assertThat(help).contains(o.describe().replaceAll("\\s+", " "));
        }
    }

    @Test
    void aFormatOneRunDirectoryStillResumesAndIsUpgraded(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("old");
        assertThat(CommandLineErrorsTest.run(TrainLengthenTest.tiny(run, 1).toArray(new String[0])).code()).isZero();
        // as crl4j wrote it before run-directory format 2: no "format" and "config", switches at the top level
        Map<String, Object> old = new LinkedHashMap<>(Json.parseObject(Files.readString(run.resolve("config.json"))));
        old.remove("format");
        old.remove("config");
        old.put("checkpoint_every", 1);
        old.put("gif", false);
        Files.writeString(run.resolve("config.json"), Json.writePretty(old));
        Files.delete(run.resolve("checksums.sha256")); // format 1 had none
        Files.writeString(run.resolve("config.toml"), "# crl4j train, resolved options (use with --config)\nenv = \"reacher\"\n"
                + "critic_depth = 4\nno_gif = true\ncheckpoint_every = 1\n");

        CommandLineErrorsTest.Outcome resumed = CommandLineErrorsTest.run("train", "--resume", run.toString(),
                "--total-env-steps", "" + (2108 + 2 * 248));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("upgrading its config files to run-directory format " + RunDirectory.FORMAT);
        Map<String, Object> now = Json.parseObject(Files.readString(run.resolve("config.json")));
        assertThat(((Number) now.get("format")).intValue()).isEqualTo(RunDirectory.FORMAT);
        Map<?, ?> logging = (Map<?, ?>) ((Map<?, ?>) now.get("config")).get("logging");
        assertThat(((Number) logging.get("checkpoint-every")).intValue()).as("kept from the format-1 config.json").isEqualTo(1);
        assertThat(run.resolve("checkpoints").resolve("epoch_2.safetensors")).isRegularFile();
        assertThat(run.resolve("eval_episode.gif")).doesNotExist();
        assertThat(Files.readString(run.resolve("config.toml"))).contains("\ncheckpoint-every = 1  #")
                .contains("\ntotal-env-steps = " + (2108 + 2 * 248) + "  #");
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(2);
    }

    @Test
    void aFormatTwoRunDirectoryIsPlottedAndLosesItsSecondSpellingOnResume(@TempDir Path tmp) throws Exception {
        Path run = tmp.resolve("two");
        assertThat(CommandLineErrorsTest.run(TrainLengthenTest.tiny(run, 1).toArray(new String[0])).code()).isZero();
        Map<String, Object> now = Json.parseObject(Files.readString(run.resolve("config.json")));
        assertThat(now).containsOnlyKeys("format", "config", "threads");
        // as format 2 wrote it: the same plus snake_case "train" and "network", and no checksums file
        Map<String, Object> two = new LinkedHashMap<>(now);
        two.put("format", 2);
        two.put("train", Map.of("env", "reacher", "critic_depth_is_not_here", 1, "seed", 1));
        two.put("network", Map.of("critic_depth", 999));
        Files.writeString(run.resolve("config.json"), Json.writePretty(two));
        Files.delete(run.resolve("checksums.sha256"));
        RunRecord record = RunRecord.load(run);
        assertThat(record.params()).as("read from \"config\", not the old sections").containsEntry("depth", 4);

        CommandLineErrorsTest.Outcome resumed = CommandLineErrorsTest.run("train", "--resume", run.toString(),
                "--total-env-steps", "" + (2108 + 2 * 248));
        assertThat(resumed.code()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("upgrading its config files to run-directory format " + RunDirectory.FORMAT);
        Map<String, Object> after = Json.parseObject(Files.readString(run.resolve("config.json")));
        assertThat(after).containsOnlyKeys("format", "config", "threads").containsEntry("format", (long) RunDirectory.FORMAT);
        assertThat(run.resolve("checksums.sha256")).isRegularFile();
    }
}
