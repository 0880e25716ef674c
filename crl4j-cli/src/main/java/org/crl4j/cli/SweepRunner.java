package org.crl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.crl4j.rl.RunDirectory;

/** Runs a sweep's runs, {@code workers} at a time, each in its own JVM. */
final class SweepRunner {
    /** A final evaluation's episodes and eval seed (eval's defaults): every run of a sweep is scored on the same goals. */
    static final int FINAL_EVAL_EPISODES = 128;
    static final long FINAL_EVAL_SEED = 0;

    private final SweepGrid grid;
    private final Path dir;
    private final int workers;
    private final int threadsPerRun;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private SweepProgress progress;

    SweepRunner(SweepGrid grid, Path dir, int workers, int threadsPerRun) {
        this.grid = grid;
        this.dir = dir;
        this.workers = workers;
        this.threadsPerRun = threadsPerRun;
    }

    /** True when every run has finished. */
    boolean runAll() {
        List<SweepGrid.Run> runs = grid.runs();
        System.out.printf("crl4j sweep: %d points × %d seeds = %d runs in %s (%d at a time, %d thread%s each)%n",
                grid.points().size(), grid.seeds(), runs.size(), dir, workers, threadsPerRun, threadsPerRun == 1 ? "" : "s");
        // Ctrl-C reaches the runs too (same process group); a SIGTERM to the sweep alone is passed on to them.
        // Either way each run saves its resume state, and we wait for that before the JVM exits.
        Thread onStop = new Thread(this::stopRuns, "crl4j-sweep-stop");
        Runtime.getRuntime().addShutdownHook(onStop);
        List<String> failed = new ArrayList<>();
        AtomicInteger finished = new AtomicInteger();
        progress = new SweepProgress(dir, runs, workers, System.out, System.console() != null);
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "crl4j-sweep-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(progress::tick, 2, 2, TimeUnit.SECONDS);
        try {
            for (int i = 0; i < runs.size(); i++) {
                SweepGrid.Run run = runs.get(i);
                String tag = String.format("[%d/%d] %s", i + 1, runs.size(), run.name());
                pool.submit(() -> {
                    String problem = runOne(run, tag);
                    synchronized (failed) {
                        if (problem == null) {
                            finished.incrementAndGet();
                        } else {
                            failed.add(run.name() + ": " + problem);
                        }
                    }
                    progress.ended(run, problem == null);
                });
            }
            pool.shutdown();
            pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ticker.shutdownNow();
            progress.close();
            try {
                Runtime.getRuntime().removeShutdownHook(onStop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns once the runs have saved
            }
        }
        if (finished.get() == runs.size()) {
            System.out.println("sweep done: " + runs.size() + " runs in " + dir + "; plot them with ./crl4j plot " + dir);
            return true;
        }
        System.out.println("sweep incomplete: " + finished.get() + " of " + runs.size() + " runs finished");
        for (String f : failed) {
            System.out.println("  " + f);
        }
        System.out.println("continue with: ./crl4j sweep --resume " + dir);
        return false;
    }

    /** Trains (or resumes, or skips) one run; returns null when it is finished, else what went wrong. */
    private String runOne(SweepGrid.Run run, String tag) {
        Path runDir = run.dir(dir);
        RunState state = RunState.of(runDir);
        if (state == RunState.FINISHED) {
            progress.println(tag + ": finished, skipped" + scoreText(runDir));
            return finalEvals(runDir, tag);
        }
        List<String> args;
        if (state == RunState.INTERRUPTED) {
            args = new ArrayList<>(List.of("train", "--resume", runDir.toString()));
        } else {
            args = new ArrayList<>(grid.trainArgs(run));
            args.addAll(List.of("--run-dir", runDir.toString()));
        }
        args.addAll(List.of("--threads", Integer.toString(threadsPerRun)));
        Path log = RunDirectory.at(runDir).trainLog();
        long start = System.nanoTime();
        try {
            Files.createDirectories(runDir); // a run killed before its first save is started over by train itself
        } catch (IOException e) {
            return "cannot start: " + e.getMessage();
        }
        progress.println(tag + ": " + (state == RunState.INTERRUPTED ? "resuming" : "training") + " (log: " + log + ")");
        progress.started(run);
        Child child = runChild(args, log);
        if (child.problem != null) {
            return child.problem;
        }
        String took = ProgressLine.duration((System.nanoTime() - start) / 1e9);
        RunState after = RunState.of(runDir);
        if (after == RunState.FINISHED) {
            progress.println(tag + ": done in " + took + scoreText(runDir));
            String problem = finalEvals(runDir, tag);
            if (state == RunState.NEW && problem == null) {
                progress.measured(run, (System.nanoTime() - start) / 1e9);
            }
            return problem;
        }
        // the run was asked to stop (0 without the finished marker) or got SIGINT/SIGTERM, and saved
        if (after == RunState.INTERRUPTED && (child.stopped() || child.code == 0)) {
            progress.println(tag + ": stopped after " + took + "; its resume state is saved");
            return "interrupted (resume state saved)";
        }
        String why = RunDirectory.at(runDir).lastLogLine();
        progress.println(tag + ": failed (exit " + child.code + ") after " + took + ": " + why);
        return "failed: " + why;
    }

    /**
     * Evaluates a finished run's last checkpoint on each --final-eval task it has no current record for, through
     * {@code eval --record} in a child JVM (output appended to train.log); returns null when all are recorded.
     */
    private String finalEvals(Path runDir, String tag) {
        for (String task : grid.finalEvals()) {
            if (RunRecord.currentFinalEval(runDir, task, FINAL_EVAL_EPISODES, FINAL_EVAL_SEED) != null) {
                continue;
            }
            List<String> args = List.of("eval", runDir.toString(), "--env", task, "--episodes", "" + FINAL_EVAL_EPISODES,
                    "--seed", "" + FINAL_EVAL_SEED, "--threads", "" + threadsPerRun, "--record");
            Path log = RunDirectory.at(runDir).trainLog();
            Child child = runChild(args, log);
            if (child.problem != null) {
                return "final evaluation on " + task + ": " + child.problem;
            }
            if (child.stopped()) {
                return "final evaluation on " + task + " interrupted";
            }
            Double score = RunRecord.currentFinalEval(runDir, task, FINAL_EVAL_EPISODES, FINAL_EVAL_SEED);
            if (child.code != 0 || score == null) {
                String why = child.code != 0 ? RunDirectory.at(runDir).lastLogLine() : "no readable " + runDir.resolve(RunRecord.finalEvalFile(task));
                progress.println(tag + ": final evaluation on " + task + " failed (exit " + child.code + "): " + why);
                return "final evaluation on " + task + " failed: " + why;
            }
            progress.println(String.format("%s: %s time at goal %.1f (last checkpoint, %d episodes)", tag, task, score,
                    FINAL_EVAL_EPISODES));
        }
        return null;
    }

    /** A child JVM's exit code, or why it did not run to an exit. */
    private record Child(int code, String problem, boolean sweepStopping) {
        /** SIGINT/SIGTERM (Ctrl-C), or the sweep is stopping: the child saved what it could and stopped. */
        boolean stopped() {
            return sweepStopping || code == 130 || code == 143;
        }
    }

    /** Runs {@code crl4j <args>} in a child JVM that the sweep's stop hook can reach, output appended to {@code log}. */
    private Child runChild(List<String> args, Path log) {
        Process p;
        synchronized (running) {
            if (stopping) {
                return new Child(-1, "not started (sweep stopped)", true);
            }
            try {
                p = TrainProcess.start(args, log, threadsPerRun);
            } catch (IOException e) {
                return new Child(-1, "cannot start: " + e.getMessage(), false);
            }
            running.add(p);
        }
        try {
            int code = p.waitFor();
            return new Child(code, null, stopping);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Child(-1, "interrupted", true);
        } finally {
            running.remove(p);
        }
    }

    private void stopRuns() {
        List<Process> live;
        synchronized (running) {
            stopping = true;
            live = new ArrayList<>(running);
        }
        for (Process p : live) {
            p.destroy(); // SIGTERM: train saves its resume state, as on Ctrl-C
        }
        for (Process p : live) {
            try {
                p.waitFor(300, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** ", score S" for a finished run's record, or nothing when it cannot be read. */
    static String scoreText(Path runDir) {
        try {
            return String.format(", score %.1f", RunRecord.load(runDir).score());
        } catch (RuntimeException unreadable) {
            return "";
        }
    }
}
