package org.crl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.Envs;
import org.crl4j.rl.Agent;
import org.crl4j.rl.BaselineConfig;
import org.crl4j.rl.Checkpoint;
import org.crl4j.rl.CrlConfig;
import org.crl4j.rl.RunDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.crl4j.cli.CommandLineErrorsTest.assertOneLineError;
import static org.crl4j.cli.CommandLineErrorsTest.run;

/** {@code distill} end to end on a small teacher: a run directory that eval and plot read; and its one-line errors. */
class DistillCommandTest {
    @TempDir
    Path dir;

    Path teacher() throws Exception {
        Path run = dir.resolve("teacher");
        EnvSpec spec = Envs.spec("simple_u_maze");
        CrlConfig config = CrlConfig.paper(16, 8);
        try (Parallel pool = new Parallel(1)) {
            Agent agent = Agent.create(spec.stateDim(), spec.actionDim(), spec.goalDim(), config, BaselineConfig.CRL, pool);
            agent.init(new Rng(1));
            Files.createDirectories(RunDirectory.at(run).checkpoints());
            Checkpoint.save(RunDirectory.at(run).lastCheckpoint(), agent, new Checkpoint.Info("simple_u_maze",
                    spec.stateDim(), spec.actionDim(), spec.goalDim(), config, 5000, 10, 1, Map.of()));
        }
        return run;
    }

    @Test
    void theStudentIsARunDirectoryThatEvalAndPlotRead() throws Exception {
        Path teacher = teacher();
        Path student = dir.resolve("student");
        CommandLineErrorsTest.Outcome o = run("distill", teacher.toString(), "--out", student.toString(),
                "--student-depth", "4", "--student-width", "8", "--steps", "400", "--num-envs", "4", "--unroll-length",
                "25", "--sgd-steps", "5", "--batch-size", "16", "--num-epochs", "2", "--num-eval-envs", "2",
                "--threads", "1");
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("epoch 2/2").contains("done: ");
        RunDirectory d = RunDirectory.at(student);
        assertThat(d.metricsRows()).hasSize(2);
        assertThat(d.isFinished()).isTrue();
        assertThat(Files.readString(student.resolve("distill.json"))).contains("\"teacher-actor-depth\": 8")
                .contains("KL(teacher || student)");
        try (Parallel pool = new Parallel(1)) {
            Checkpoint.Loaded c = Checkpoint.load(d.lastCheckpoint(), pool);
            assertThat(c.info().config().actorDepth()).isEqualTo(4);
            assertThat(c.info().config().actorWidth()).isEqualTo(8);
            assertThat(c.info().config().criticDepth()).isEqualTo(8);
            assertThat(c.info().envSteps()).isEqualTo(400);
        }
        assertThat(d.readConfigJson().toString()).contains("actor-depth=4");
        CommandLineErrorsTest.Outcome eval = run("eval", student.toString(), "--episodes", "2", "--threads", "1");
        assertThat(eval.code()).as(eval.err()).isZero();
        CommandLineErrorsTest.Outcome plot = run("plot", student.toString(), "--out", dir.resolve("plot").toString());
        assertThat(plot.code()).as(plot.err()).isZero();
    }

    @Test
    void badInputIsOneLine() throws Exception {
        assertOneLineError(run("distill", dir.resolve("nothing").toString(), "--out", dir.resolve("s").toString()),
                "no checkpoint at", "run directory");
        Path teacher = teacher();
        assertOneLineError(run("distill", teacher.toString(), "--out", teacher.toString()), "already exists",
                "new directory");
        assertOneLineError(run("distill", teacher.toString(), "--out", dir.resolve("s2").toString(), "--student-depth",
                "6"), "multiple of 4");
        assertThat(dir.resolve("s2")).doesNotExist();
    }
}
