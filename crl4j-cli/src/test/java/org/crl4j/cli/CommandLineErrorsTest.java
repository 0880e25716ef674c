package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one line on stderr that names the problem and the fix, a non-zero exit, and no stack trace. */
class CommandLineErrorsTest {

    record Outcome(int code, String out, String err) {
    }

    static Outcome run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static void assertOneLineError(Outcome o, String... fragments) {
        assertThat(o.code()).isNotZero();
        String err = o.err().strip();
        assertThat(err.lines().count()).as("one line: %s", err).isEqualTo(1);
        assertThat(err).startsWith("error: ").doesNotContain("Exception").doesNotContain("\tat ");
        for (String f : fragments) {
            assertThat(err).contains(f);
        }
    }

    @Test
    void depthNotAMultipleOfFour() {
        assertOneLineError(run("bench", "nn", "--depth", "6", "--steps", "1"), "multiple of 4", "try 8");
        assertOneLineError(run("train", "--critic-depth", "10"), "multiple of 4");
    }

    @Test
    void badAlgorithmsAndBaselineOptions(@TempDir Path dir) {
        assertOneLineError(run("train", "--algo", "dqn", "--run-dir", dir.resolve("a").toString()), "algo", "sac_her");
        assertOneLineError(run("train", "--algo", "sac_her", "--ranks", "2", "--run-dir", dir.resolve("b").toString()),
                "contrastive RL only", "leave --ranks out");
        assertOneLineError(run("train", "--algo", "td3_her", "--discount", "1", "--run-dir", dir.resolve("c").toString()),
                "discount", "[0, 1)");
        assertOneLineError(run("sweep", "--env", "reacher", "--algo", "crl,ppo2", "--sweep-dir", dir.resolve("d").toString()),
                "unknown algorithm 'ppo2'");
        assertThat(dir.resolve("b")).as("nothing written").doesNotExist();
    }

    @Test
    void unknownEnvironmentSuggestsTheClosestId() {
        assertOneLineError(run("envs", "bench", "--env", "simple_big_mze"), "unknown environment", "simple_big_maze");
        assertOneLineError(run("train", "--env", "humanoid_maze_xyz"), "unknown environment", "envs list");
    }

    @Test
    void malformedMazeLayoutAndUnknownOption() {
        assertOneLineError(run("render", "--env", "maze:#####/#R.Q#/#####", "--out", "x.png"));
        Outcome o = run("bench", "nn", "--widht", "4");
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--widht");
    }

    @Test
    void negativeCheckpointIntervalIsRejected() {
        assertOneLineError(run("train", "--checkpoint-every", "-1"), "--checkpoint-every", "is -1");
    }

    @Test
    void batchLargerThanOneTrainingStepCanSupply() {
        assertOneLineError(run("train", "--env", "reacher", "--num-envs", "1", "--batch-size", "5000"), "lower it or raise --num-envs");
    }

    @Test
    void corruptCheckpointIsReportedNotThrown(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("last.safetensors");
        Files.write(bad, new byte[] {1, 2, 3});
        assertOneLineError(run("eval", bad.toString()), "last.safetensors");
        assertOneLineError(run("eval", dir.resolve("missing").toString()), "no checkpoint at");
        assertOneLineError(run("eval", bad.toString(), "--record"), "give RUN_DIR, not a checkpoint file");
    }

    /** A small contrastive RL agent's checkpoint at {@code file} (state 4, action 2, goal 2). */
    static void smallCheckpoint(Path file) throws Exception {
        org.crl4j.rl.CrlConfig config = org.crl4j.rl.CrlConfig.paper(16, 4);
        try (org.crl4j.core.Parallel pool = new org.crl4j.core.Parallel(1)) {
            org.crl4j.rl.Agent agent = org.crl4j.rl.Agent.create(4, 2, 2, config, org.crl4j.rl.BaselineConfig.CRL, pool);
            agent.init(new org.crl4j.core.Rng(1));
            org.crl4j.rl.Checkpoint.save(file, agent, new org.crl4j.rl.Checkpoint.Info("simple_u_maze", 4, 2, 2, config,
                    500, 1, 1, java.util.Map.of()));
        }
    }

    @Test
    void exportWritesAnOnnxModelAndSaysWhat(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Files.createDirectories(run.resolve("checkpoints"));
        smallCheckpoint(run.resolve("checkpoints").resolve("last.safetensors"));
        Path onnx = dir.resolve("policy.onnx");
        Outcome o = run("export", run.toString(), "--onnx", onnx.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("observation", "float32 [batch, 6]", "state[0:4] ‖ goal[4:6]", "action",
                "float32 [batch, 2]", "opset 17", "23 nodes", String.format("%,d bytes", Files.size(onnx)));
        assertThat(Files.size(onnx)).isPositive();
    }

    @Test
    void exportErrorsNameTheProblemAndTheFix(@TempDir Path dir) throws Exception {
        Path ckpt = dir.resolve("last.safetensors");
        smallCheckpoint(ckpt);
        Path out = dir.resolve("policy.onnx");
        assertOneLineError(run("export", dir.resolve("missing").toString(), "--onnx", out.toString()),
                "no run directory or checkpoint at", "give a run directory");
        Files.createDirectories(dir.resolve("empty-run"));
        assertOneLineError(run("export", dir.resolve("empty-run").toString(), "--onnx", out.toString()),
                "has no checkpoints/last.safetensors", "finished an epoch");
        Path notCkpt = dir.resolve("notes.txt");
        Files.writeString(notCkpt, "not a checkpoint\n");
        assertOneLineError(run("export", notCkpt.toString(), "--onnx", out.toString()), "notes.txt",
                "crl4j .safetensors checkpoint");
        Path bytes = dir.resolve("three.safetensors");
        Files.write(bytes, new byte[] {1, 2, 3});
        assertOneLineError(run("export", bytes.toString(), "--onnx", out.toString()), "three.safetensors",
                "crl4j .safetensors checkpoint");
        assertOneLineError(run("export", ckpt.toString(), "--onnx", dir.resolve("no-dir").resolve("p.onnx").toString()),
                "does not exist", "choose another --onnx path");
        assertOneLineError(run("export", ckpt.toString(), "--onnx", notCkpt.resolve("p.onnx").toString()),
                "is a file, not a directory", "choose another --onnx path");
        assertOneLineError(run("export", ckpt.toString(), "--onnx", dir.toString()), "is a directory",
                "give a file name");
        assertOneLineError(run("export", ckpt.toString(), "--onnx", ckpt.toString()), "is the checkpoint being exported");
        Outcome noFlag = run("export", ckpt.toString());
        assertThat(noFlag.code()).isEqualTo(2);
        assertThat(noFlag.err()).contains("--onnx");
        assertThat(out).as("nothing written").doesNotExist();
        assertThat(Files.size(ckpt)).as("the checkpoint is untouched").isGreaterThan(100);
    }

    @Test
    void configFileKeysAreCheckedAndFlagsOverrideThem(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("run.toml");
        Files.writeString(bad, "critic_depht = 8\n");
        assertOneLineError(run("train", "--config", bad.toString()), "unknown config key 'critic_depht'", "critic-depth");
        Path broken = dir.resolve("run.yaml");
        Files.writeString(broken, "critic_depth: [8\n");
        assertOneLineError(run("train", "--config", broken.toString()), "is malformed");
        Path six = dir.resolve("six.toml");
        Files.writeString(six, "critic_depth = 6\nenv = \"reacher\"\n");
        assertOneLineError(run("train", "--config", six.toString()), "multiple of 4");
        // the command line's --critic-depth 7 overrides the file's 6 (and is reported, proving the override)
        assertOneLineError(run("train", "--config", six.toString(), "--critic-depth", "7"), "is 7");
    }

    @Test
    void envsListAndRenderWork(@TempDir Path dir) throws Exception {
        Outcome list = run("envs", "list");
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("simple_u_maze").contains("simple_hardest_maze_eval").contains("reacher");
        Path png = dir.resolve("maze.png");
        Outcome render = run("render", "--env", "simple_u_maze", "--out", png.toString(), "--size", "64");
        assertThat(render.code()).isZero();
        assertThat(javax.imageio.ImageIO.read(png.toFile()).getWidth()).isEqualTo(64);
        // the humanoid standing still until it falls: a GIF of the zero-action episode
        Path gif = dir.resolve("humanoid.gif");
        Outcome stand = run("render", "--env", "humanoid", "--gif", gif.toString(), "--actions", "zero", "--steps",
                "300", "--size", "64");
        assertThat(stand.code()).isZero();
        assertThat(stand.out()).containsPattern("\\(1[0-4][0-9] steps\\)"); // falls after 75-150 steps
        assertOneLineError(run("render", "--env", "humanoid", "--gif", gif.toString(), "--actions", "still"),
                "--actions", "random", "zero");
    }
}
