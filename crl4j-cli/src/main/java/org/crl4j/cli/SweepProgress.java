package org.crl4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.crl4j.rl.RunDirectory;

/**
 * A sweep's overall progress: runs done, running, left and failed, and an ETA from the finished runs' mean training
 * wall-clock times the work left (runs not started count whole, running ones by their env steps so far). On a
 * terminal the status line is redrawn in place every few seconds; into a file or pipe it is printed after each run
 * starts or ends and every 10 minutes. Every other line of the sweep goes through {@link #println} so the two do
 * not interleave.
 */
final class SweepProgress {
    private static final long PLAIN_INTERVAL_NANOS = 600_000_000_000L;

    private final Path sweepDir;
    private final int total;
    private final int workers;
    private final PrintStream out;
    private final boolean terminal;
    private final Set<SweepGrid.Run> running = new LinkedHashSet<>();
    private final Map<SweepGrid.Run, Double> wallOfFinished = new HashMap<>();
    private int done;
    private int failed;
    private boolean lineOpen;
    private int openLength;
    /** Each run's planned env steps, once its config.json could be read (it does not change while it runs). */
    private final Map<SweepGrid.Run, Double> planned = new HashMap<>();
    private long lastPlain = System.nanoTime();

    SweepProgress(Path sweepDir, List<SweepGrid.Run> runs, int workers, PrintStream out, boolean terminal) {
        this.sweepDir = sweepDir;
        this.total = runs.size();
        this.workers = workers;
        this.out = out;
        this.terminal = terminal;
    }

    /** A line of the sweep's own output (the status line is cleared first and redrawn after). */
    synchronized void println(String line) {
        clearLine();
        out.println(line);
        redraw();
    }

    synchronized void started(SweepGrid.Run run) {
        running.add(run);
        event();
    }

    /** A run this sweep trained from its start to its end took {@code seconds} of wall-clock, JVM and evaluations included. */
    synchronized void measured(SweepGrid.Run run, double seconds) {
        wallOfFinished.put(run, seconds);
    }

    /**
     * A run ended (or was skipped as finished): {@code finished} says whether it is complete. A finished run that
     * was not {@link #measured} (skipped, or resumed) counts with the training time its metrics record.
     */
    synchronized void ended(SweepGrid.Run run, boolean finished) {
        running.remove(run);
        if (finished) {
            done++;
            double wall = trainingSeconds(run.dir(sweepDir));
            if (Double.isFinite(wall)) {
                wallOfFinished.putIfAbsent(run, wall);
            }
        } else {
            failed++;
        }
        event();
    }

    /** Called every few seconds by the sweep: redraws on a terminal, prints a plain line every 10 minutes. */
    synchronized void tick() {
        if (terminal) {
            redraw();
        } else if (!running.isEmpty() && System.nanoTime() - lastPlain > PLAIN_INTERVAL_NANOS) {
            plain();
        }
    }

    /** Ends the redrawn line before the sweep's closing lines. */
    synchronized void close() {
        clearLine();
    }

    private void event() {
        if (terminal) {
            redraw();
        } else {
            plain();
        }
    }

    private void plain() {
        out.println(status());
        out.flush();
        lastPlain = System.nanoTime();
    }

    private void redraw() {
        if (terminal) {
            String s = status();
            out.print("\r" + s + "   ");
            out.flush();
            lineOpen = true;
            openLength = s.length() + 3;
        }
    }

    private void clearLine() {
        if (lineOpen) {
            out.print("\r" + " ".repeat(openLength) + "\r");
            lineOpen = false;
        }
    }

    String status() {
        double meanWall = wallOfFinished.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        int left = total - done - failed - running.size();
        double work = left;
        for (SweepGrid.Run r : running) {
            work += 1 - fractionDone(r);
        }
        return status(total, done, running.size(), left, failed, meanWall, wallOfFinished.size(), work, workers);
    }

    /**
     * The status line. {@code work} is the runs' worth of training left, {@code meanWall} the mean training seconds
     * of the {@code measured} finished runs (NaN when none): the ETA is their product over the runs that can go at
     * once.
     */
    static String status(int total, int done, int running, int left, int failed, double meanWall, int measured,
            double work, int workers) {
        StringBuilder s = new StringBuilder(String.format("sweep: %d/%d runs done, %d running, %d left", done, total,
                running, left));
        if (failed > 0) {
            s.append(", ").append(failed).append(" stopped or failed");
        }
        if (running + left == 0) {
            return s.toString();
        }
        if (Double.isNaN(meanWall)) {
            s.append("; ETA once a run has finished");
        } else {
            int atOnce = Math.max(1, Math.min(workers, running + left));
            s.append(String.format("; ETA %s (%s per run, the mean of %d finished, %d at a time)",
                    ProgressLine.duration(meanWall * work / atOnce), ProgressLine.duration(meanWall), measured, atOnce));
        }
        return s.toString();
    }

    /** A run's training wall-clock at its last evaluation, NaN when unreadable. */
    private static double trainingSeconds(Path runDir) {
        try {
            return RunRecord.load(runDir).wallSeconds();
        } catch (RuntimeException unreadable) {
            return Double.NaN;
        }
    }

    /** Env steps so far over those planned, from the run's files (0 before its first evaluation or if unreadable). */
    private double fractionDone(SweepGrid.Run run) {
        try {
            RunDirectory d = RunDirectory.at(run.dir(sweepDir));
            Double total = planned.get(run);
            if (total == null && Files.isRegularFile(d.configJson())
                    && RunRecord.options(d.readConfigJson(), d.configJson().toString()).get("total-env-steps")
                            instanceof Number n) {
                total = n.doubleValue();
                planned.put(run, total);
            }
            List<Map<String, Object>> rows = d.metricsRows();
            if (total == null || rows.isEmpty()
                    || !(rows.get(rows.size() - 1).get("training/envsteps") instanceof Number steps)) {
                return 0;
            }
            return Math.min(1, steps.doubleValue() / total);
        } catch (java.io.IOException | RuntimeException unreadable) {
            return 0;
        }
    }
}
