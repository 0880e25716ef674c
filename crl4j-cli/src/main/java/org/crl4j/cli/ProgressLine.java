package org.crl4j.cli;

import java.io.PrintStream;
import java.util.Map;

import org.crl4j.rl.Evaluator;

/**
 * A progress bar: for training, env steps, a bar, SPS, ETA, the latest time at goal and the critic's loss and
 * accuracy; for an evaluation, its env steps. On a terminal it redraws one line every 2 s; into a file or pipe it prints a plain line every 30 s,
 * so logs stay readable.
 */
final class ProgressLine {
    private static final int BAR_WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final long intervalNanos;
    private long lastPrint;
    private boolean lineOpen;
    private double timeAtGoal = Double.NaN;

    ProgressLine(PrintStream out, boolean terminal) {
        this(out, terminal, terminal ? 2_000_000_000L : 30_000_000_000L);
    }

    ProgressLine(PrintStream out, boolean terminal, long intervalNanos) {
        this.out = out;
        this.terminal = terminal;
        this.intervalNanos = intervalNanos;
        this.lastPrint = System.nanoTime();
    }

    /** The latest evaluation's time at goal, shown from now on. */
    void timeAtGoal(double value) {
        this.timeAtGoal = value;
    }

    /** Shows training progress if the interval has passed since the last time. */
    void update(long envSteps, long planned, double sps, double criticLoss, double accuracy) {
        show(() -> format(envSteps, planned, sps, timeAtGoal, criticLoss, accuracy));
    }

    /** Shows {@code line}'s text if the interval has passed since the last time (it is only built then). */
    void show(java.util.function.Supplier<String> line) {
        long now = System.nanoTime();
        if (now - lastPrint < intervalNanos) {
            return;
        }
        lastPrint = now;
        if (terminal) {
            out.print("\r" + line.get() + "   ");
            lineOpen = true;
        } else {
            out.println(line.get());
        }
        out.flush();
    }

    /** Ends a redrawn line so the next output starts on its own line. */
    void endLine() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
        }
    }

    static String format(long envSteps, long planned, double sps, double timeAtGoal, double criticLoss, double accuracy) {
        String goal = Double.isNaN(timeAtGoal) ? "-" : String.format("%.1f", timeAtGoal);
        return bar(envSteps, planned, sps, "env steps") + String.format("  time at goal %s", goal)
                + optional("critic loss %.3f", criticLoss) + optional("acc %.2f", accuracy);
    }

    /** The bar, percentage, count, rate and ETA of {@code done} out of {@code planned} (in {@code unit}). */
    static String bar(long done, long planned, double perSecond, String unit) {
        double fraction = planned > 0 ? Math.min(1.0, (double) done / planned) : 0;
        int filled = (int) Math.round(fraction * BAR_WIDTH);
        String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
        double eta = (planned - done) / Math.max(perSecond, 1e-9);
        return String.format("  [%s] %3.0f%%  %,d / %,d %s  %,.0f steps/s  ETA %s", bar, 100 * fraction, done, planned,
                unit, perSecond, duration(eta));
    }

    /** The line each epoch prints: its evaluation and training statistics. */
    static String epochLine(int epoch, int epochs, Map<String, Double> m, Evaluator.Result eval) {
        return String.format("epoch %d/%d  env steps %,.0f  time at goal %.1f  success_any %.2f  dist %.2f",
                epoch, epochs, m.get("training/envsteps"), eval.episodeSuccess(), eval.episodeSuccessAny(),
                eval.episodeDist())
                + optional("critic loss %.3f", m.getOrDefault("training/critic_loss", Double.NaN))
                + optional("acc %.2f", m.getOrDefault("training/categorical_accuracy", Double.NaN))
                + optional("actor loss %.3f", m.getOrDefault("training/actor_loss", Double.NaN))
                + optional("log_alpha %.2f", m.getOrDefault("training/log_alpha", Double.NaN))
                + String.format("  sps %,.0f", m.get("training/sps"));
    }

    /** "  name value", or nothing for a metric the algorithm does not have (NaN). */
    private static String optional(String format, double value) {
        return Double.isNaN(value) ? "" : "  " + String.format(format, value);
    }

    /** A duration as 1h02m or 3m05s. */
    static String duration(double seconds) {
        long s = (long) Math.max(0, seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s / 60) % 60) : String.format("%dm%02ds", s / 60, s % 60);
    }
}
