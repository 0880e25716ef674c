package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void lineShowsBarStepsSpeedEtaAndTimeAtGoal() {
        String line = ProgressLine.format(250_000, 1_000_000, 5_000, 123.45, 2.5, 0.2);
        assertThat(line).contains("[" + "#".repeat(6) + "-".repeat(18) + "]")
                .contains(" 25%")
                .contains("250,000 / 1,000,000 env steps")
                .contains("5,000 steps/s")
                .contains("ETA 2m30s") // 750,000 steps at 5,000/s
                .contains("time at goal 123.5")
                .contains("critic loss 2.500")
                .contains("acc 0.20");
        assertThat(ProgressLine.format(0, 100, 0, Double.NaN, 0, 0)).contains("time at goal -");
        assertThat(ProgressLine.format(150, 100, 10, 1, 0, 0)).contains("[" + "#".repeat(24) + "]").contains("100%");
        // the bar alone, as eval shows it
        assertThat(ProgressLine.bar(64_000, 128_000, 16_000, "env steps")).isEqualTo(
                "  [" + "#".repeat(12) + "-".repeat(12) + "]  50%  64,000 / 128,000 env steps  16,000 steps/s  ETA 0m04s");
    }

    @Test
    void terminalRedrawsOneLineAndAFileGetsWholeLines() {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ProgressLine toFile = new ProgressLine(new PrintStream(file, true, StandardCharsets.UTF_8), false, 0);
        toFile.update(1, 10, 1, 0, 0);
        toFile.update(2, 10, 1, 0, 0);
        toFile.endLine(); // lines are already whole
        String f = file.toString(StandardCharsets.UTF_8);
        assertThat(f).doesNotContain("\r");
        assertThat(f.lines().count()).isEqualTo(2);
        assertThat(f).endsWith(System.lineSeparator());

        ByteArrayOutputStream tty = new ByteArrayOutputStream();
        ProgressLine toTerminal = new ProgressLine(new PrintStream(tty, true, StandardCharsets.UTF_8), true, 0);
        toTerminal.endLine(); // nothing drawn yet: no stray newline
        assertThat(tty.size()).isZero();
        toTerminal.update(1, 10, 1, 0, 0);
        toTerminal.update(2, 10, 1, 0, 0);
        String t = tty.toString(StandardCharsets.UTF_8);
        assertThat(t).startsWith("\r").doesNotContain("\n");
        toTerminal.endLine();
        assertThat(tty.toString(StandardCharsets.UTF_8)).endsWith(System.lineSeparator());

        ByteArrayOutputStream slow = new ByteArrayOutputStream();
        new ProgressLine(new PrintStream(slow, true, StandardCharsets.UTF_8), false).update(1, 10, 1, 0, 0);
        assertThat(slow.size()).as("silent within the first 30 s").isZero();
    }
}
