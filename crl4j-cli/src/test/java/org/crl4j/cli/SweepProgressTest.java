package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepProgressTest {

    @Test
    void theEtaIsTheFinishedRunsMeanTimesTheWorkLeftOverTheRunsAtOnce() {
        // 19 runs not started and one half done: 19.5 runs of 10 minutes, 2 at a time = 97.5 minutes
        assertThat(SweepProgress.status(24, 3, 2, 19, 0, 600, 3, 19.5, 2)).isEqualTo(
                "sweep: 3/24 runs done, 2 running, 19 left; ETA 1h37m (10m00s per run, the mean of 3 finished, 2 at a time)");
        // the last run alone cannot go faster with more workers
        assertThat(SweepProgress.status(4, 3, 1, 0, 0, 120, 3, 0.25, 4)).endsWith("ETA 0m30s (2m00s per run, the mean of 3 "
                + "finished, 1 at a time)");
        assertThat(SweepProgress.status(4, 0, 2, 2, 0, Double.NaN, 0, 3.5, 2)).isEqualTo(
                "sweep: 0/4 runs done, 2 running, 2 left; ETA once a run has finished");
        assertThat(SweepProgress.status(4, 3, 0, 0, 1, 60, 3, 0, 2)).isEqualTo(
                "sweep: 3/4 runs done, 0 running, 0 left, 1 stopped or failed");
    }

    @Test
    void intoAFileEachEventIsOneWholeLine(@TempDir Path dir) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        SweepGrid grid = new SweepGrid("reacher", List.of(4), List.of(32), List.of(32), List.of(Ablation.NONE), 2, 1000L,
                List.of(), List.of());
        List<SweepGrid.Run> runs = grid.runs();
        SweepProgress p = new SweepProgress(dir, runs, 1, out, false);
        p.started(runs.get(0));
        p.println("[1/2] something the sweep says");
        p.ended(runs.get(0), false);
        p.tick(); // nothing running: no line
        p.close();
        assertThat(buffer.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "sweep: 0/2 runs done, 1 running, 1 left; ETA once a run has finished",
                "[1/2] something the sweep says",
                "sweep: 0/2 runs done, 0 running, 1 left, 1 stopped or failed; ETA once a run has finished");
    }
}
