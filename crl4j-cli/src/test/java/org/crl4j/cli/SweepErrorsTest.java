package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.crl4j.cli.CommandLineErrorsTest.assertOneLineError;
import static org.crl4j.cli.CommandLineErrorsTest.run;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sweep and plot refuse bad input with one line that names the problem and the fix, before training anything. */
class SweepErrorsTest {

    @Test
    void depthNotAMultipleOfFourNamesTheGridPoint(@TempDir Path dir) {
        Path sweep = dir.resolve("sw");
        assertOneLineError(run("sweep", "--env", "reacher", "--depth", "4,6", "--sweep-dir", sweep.toString()),
                "grid point d6-w128-b128", "multiple of 4");
        assertThat(sweep).doesNotExist(); // validated before anything is written
    }

    @Test
    void unknownAndSweepControlledTrainFlags(@TempDir Path dir) {
        String sweep = dir.resolve("sw").toString();
        assertOneLineError(run("sweep", "--env", "reacher", "--sweep-dir", sweep, "--num-envz", "4"), "--num-envz", "train --help");
        assertOneLineError(run("sweep", "--env", "reacher", "--sweep-dir", sweep, "--critic-depth", "8"),
                "--critic-depth is set by the sweep", "use --depth");
        assertOneLineError(run("sweep", "--env", "reacher", "--sweep-dir", sweep, "--activation", "relu"), "use --ablation relu");
        assertOneLineError(run("sweep", "--env", "reacher", "--sweep-dir", sweep, "--ablation", "none,no-norm"),
                "unknown ablation 'no-norm'");
        assertOneLineError(run("sweep", "--depth", "4"), "--env is required");
        assertOneLineError(run("sweep", "--env", "reacher", "--seeds", "0"), "--seeds must be at least 1");
    }

    @Test
    void reusingADirectoryWithADifferentGridIsRefused(@TempDir Path dir) throws Exception {
        Path sweep = dir.resolve("sw");
        SweepCommand.claim(sweep, new SweepGrid("reacher", java.util.List.of(4, 8), java.util.List.of(32),
                java.util.List.of(32), java.util.List.of(Ablation.NONE), 1, null, java.util.List.of(), java.util.List.of()));
        assertOneLineError(run("sweep", "--env", "reacher", "--depth", "4,16", "--width", "32", "--batch", "32",
                "--sweep-dir", sweep.toString()), "holds a different sweep", "depth [4, 16] here, [4, 8] there",
                "--resume " + sweep);
        assertOneLineError(run("sweep", "--env", "reacher", "--depth", "4,8", "--width", "32", "--batch", "32",
                "--seeds", "0", "--sweep-dir", sweep.toString()), "--seeds must be at least 1");
        assertOneLineError(run("sweep", "--env", "reacher", "--depth", "4,8", "--width", "32", "--batch", "32",
                "--final-eval", "simple_u_maze_eval", "--sweep-dir", sweep.toString()),
                "--final-eval simple_u_maze_eval does not fit agents trained on reacher");
        assertOneLineError(run("sweep", "--env", "reacher", "--final-eval", "reacher_far", "--sweep-dir",
                dir.resolve("new").toString()), "unknown environment 'reacher_far'");
        assertThat(dir.resolve("new")).doesNotExist();
        assertOneLineError(run("sweep", "--resume", sweep.toString(), "--depth", "8"), "--depth cannot be combined with --resume");
        try (var held = SweepCommand.lock(sweep)) {
            assertOneLineError(run("sweep", "--resume", sweep.toString()), "another sweep is running in " + sweep);
            assertOneLineError(run("sweep", "--env", "reacher", "--depth", "4,8", "--width", "32", "--batch", "32",
                    "--seeds", "2", "--sweep-dir", sweep.toString()), "another sweep is running in " + sweep);
        }
        assertThat(SweepCommand.readSweepFile(sweep).seeds()).isEqualTo(1); // the refused grow changed nothing
        assertOneLineError(run("sweep", "--resume", dir.resolve("none").toString()), "nothing to resume", "no sweep.json");
        Path notASweep = dir.resolve("other");
        Files.createDirectories(notASweep.resolve("stuff"));
        assertOneLineError(run("sweep", "--env", "reacher", "--sweep-dir", notASweep.toString()), "holds no sweep.json");
    }

    @Test
    void plotWithoutRuns(@TempDir Path dir) {
        assertOneLineError(run("plot", dir.resolve("missing").toString()), "does not exist");
        assertOneLineError(run("plot", dir.toString()), "holds no runs");
    }
}
