package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.crl4j.cluster.ClusterNode;
import org.crl4j.cluster.Coordinator;
import org.crl4j.cluster.CoordinatorEvent;
import org.crl4j.cluster.Secret;
import org.crl4j.cluster.Worker;
import org.crl4j.core.io.AtomicFiles;
import org.crl4j.rl.RunDirectory;

/**
 * A sweep whose runs train on workers ({@code crl4j worker --join HOST:PORT}) instead of child JVMs here: this
 * process is the cluster's coordinator. The sweep directory here is the truth (see {@link SweepAssignments}): each
 * run trains on a worker exactly as {@code train} (same flags, same threads), its files come back here as it goes,
 * and a run whose worker is lost resumes on another from the last resume state that arrived. Stopping and running
 * the sweep again (with --resume) picks it up from the directory; the workers join the new coordinator themselves.
 */
final class ClusterSweep {
    /** A run handed out this many times without success is given up (worker losses do not count). */
    static final int MAX_ATTEMPTS = 3;

    private final SweepGrid grid;
    private final Path dir;
    private final int threadsPerRun;
    private final String host;
    private final int port;
    private final Secret secret;
    private final Map<Long, SweepAssignments.Assignment> byLease = new HashMap<>();
    private final List<SweepGrid.Run> runs;

    ClusterSweep(SweepGrid grid, Path dir, int threadsPerRun, String host, int port, Secret secret) {
        this.grid = grid;
        this.dir = dir;
        this.threadsPerRun = threadsPerRun;
        this.host = host;
        this.port = port;
        this.secret = secret;
        this.runs = grid.runs();
    }

    /** True when every run has finished (and has its final evaluations). */
    boolean runAll() throws InterruptedException {
        deletePartFiles(dir); // transfers a killed coordinator left half-received
        BlockingQueue<CoordinatorEvent> events = new LinkedBlockingQueue<>();
        ClusterNode node = ClusterNode.startSeed(host, port, ClusterSecret.fastFailureDetection(), null);
        Thread onStop = new Thread(node::close, "crl4j-sweep-stop");
        Runtime.getRuntime().addShutdownHook(onStop);
        try {
            ActorRef<CoordinatorEvent> listener = node.system().systemActorOf(Behaviors.receiveMessage(e -> {
                events.add(e);
                return Behaviors.same();
            }), "sweep-events", Props.empty());
            ActorRef<Coordinator.Command> coordinator = node.system().systemActorOf(Coordinator.create(
                    new Coordinator.Settings(secret, dir, Duration.ofSeconds(60), listener)), "coordinator", Props.empty());
            SweepAssignments assignments = new SweepAssignments(runs, this::state, MAX_ATTEMPTS);
            String address = host + ":" + node.port();
            System.out.printf("crl4j sweep: %d points × %d seeds = %d runs in %s (%d finished), %d thread%s each;"
                            + " coordinator at %s%n", grid.points().size(), grid.seeds(), runs.size(), dir,
                    assignments.finished(), threadsPerRun, threadsPerRun == 1 ? "" : "s", address);
            System.out.println("  start workers with: ./crl4j worker --join " + address + "   (same " + ClusterSecret.ENV
                    + " or --secret-file)");
            System.out.flush();
            while (!assignments.over()) {
                CoordinatorEvent e = events.poll(1, TimeUnit.SECONDS);
                if (e != null) {
                    handle(e, assignments);
                }
                for (SweepAssignments.Assignment a : assignments.assign()) {
                    start(a, coordinator);
                }
            }
            return summary(assignments);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onStop);
                node.close();
            } catch (IllegalStateException shuttingDown) {
                // the hook closes the node
            }
        }
    }

    private void handle(CoordinatorEvent e, SweepAssignments assignments) {
        if (e instanceof CoordinatorEvent.WorkerRegistered w) {
            assignments.workerJoined(w.worker(), w.slots());
            say("worker " + w.address() + " joined with " + w.slots() + " slot" + (w.slots() == 1 ? "" : "s")
                    + " (" + w.workers() + " workers, " + w.totalSlots() + " slots)");
        } else if (e instanceof CoordinatorEvent.WorkerUnreachable u) {
            say("worker " + u.address() + " is unreachable");
        } else if (e instanceof CoordinatorEvent.WorkerLost l) {
            List<SweepGrid.Run> back = assignments.workerLost(l.worker());
            byLease.values().removeIf(a -> a.worker().equals(l.worker()));
            say("worker " + l.address() + " lost (" + l.reason() + ")" + (back.isEmpty() ? "" : "; "
                    + String.join(", ", back.stream().map(SweepGrid.Run::name).toList())
                    + " will resume from the last resume state that arrived here"));
        } else if (e instanceof CoordinatorEvent.JobEnded j) {
            SweepAssignments.Assignment a = byLease.remove(j.lease());
            if (a == null) {
                return;
            }
            SweepAssignments.Outcome outcome = j.completed() ? SweepAssignments.Outcome.FINISHED
                    : j.stopped() ? SweepAssignments.Outcome.STOPPED : SweepAssignments.Outcome.FAILED;
            assignments.ended(a.run(), a.lease(), outcome, j.problem());
            RunState now = RunState.of(a.run().dir(dir));
            String tag = tag(a.run());
            if (j.completed() && now == RunState.FINISHED) {
                say(tag + ": done" + SweepRunner.scoreText(a.run().dir(dir)));
            } else if (j.completed()) {
                say(tag + ": finished on its worker, but not all its files arrived (" + j.problem() + "); trying again");
            } else if (j.stopped()) {
                say(tag + ": stopped on its worker (" + j.problem() + "); it goes back to the queue");
            } else {
                say(tag + ": failed (exit " + j.exitCode() + "): " + j.problem());
            }
        } else if (e instanceof CoordinatorEvent.JoinRefused r) {
            say("refused a node at " + r.address() + ": " + r.reason());
        } else if (e instanceof CoordinatorEvent.FileRejected r) {
            say("a file from " + r.from() + " was refused: " + r.name() + " (" + r.reason() + ")");
        }
    }

    /** Hands one run to its worker: what to run there, and the files to send first when it resumes. */
    private void start(SweepAssignments.Assignment a, ActorRef<Coordinator.Command> coordinator) {
        Path runDir = a.run().dir(dir);
        RunState state = RunState.of(runDir);
        List<List<String>> commands = new ArrayList<>();
        List<String> files = List.of();
        String threads = Integer.toString(threadsPerRun);
        try {
            if (state == RunState.NEW) {
                AtomicFiles.deleteTree(runDir); // what a failed first attempt left; a new run starts from nothing
                List<String> train = new ArrayList<>(grid.trainArgs(a.run()));
                train.addAll(List.of("--run-dir", Worker.RUN_DIR, "--threads", threads));
                commands.add(train);
            } else {
                files = RunDirectory.at(runDir).filesToCopy();
                if (state == RunState.INTERRUPTED) {
                    commands.add(List.of("train", "--resume", Worker.RUN_DIR, "--threads", threads));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot read " + runDir + ": " + e.getMessage(), e);
        }
        for (String task : grid.finalEvals()) {
            if (RunRecord.currentFinalEval(runDir, task, SweepRunner.FINAL_EVAL_EPISODES, SweepRunner.FINAL_EVAL_SEED) == null) {
                commands.add(List.of("eval", Worker.RUN_DIR, "--env", task, "--episodes", "" + SweepRunner.FINAL_EVAL_EPISODES,
                        "--seed", "" + SweepRunner.FINAL_EVAL_SEED, "--threads", threads, "--record"));
            }
        }
        byLease.put(a.lease(), a);
        say(tag(a.run()) + ": " + (state == RunState.NEW ? "training" : state == RunState.INTERRUPTED ? "resuming"
                : "final evaluation") + " on " + a.worker().replaceFirst("/system/worker$", "") + " (lease " + a.lease() + ")");
        coordinator.tell(new Coordinator.StartJob(a.worker(), a.run().name(), a.lease(), commands, threadsPerRun, runDir,
                files));
    }

    /** Finished only with every final evaluation recorded: a run that lacks one is handed out to get it. */
    private RunState state(SweepGrid.Run run) {
        Path runDir = run.dir(dir);
        RunState s = RunState.of(runDir);
        if (s == RunState.FINISHED) {
            for (String task : grid.finalEvals()) {
                if (RunRecord.currentFinalEval(runDir, task, SweepRunner.FINAL_EVAL_EPISODES, SweepRunner.FINAL_EVAL_SEED) == null) {
                    return RunState.INTERRUPTED;
                }
            }
        }
        return s;
    }

    private boolean summary(SweepAssignments assignments) {
        if (assignments.finished() == runs.size()) {
            say("sweep done: " + runs.size() + " runs in " + dir + "; plot them with ./crl4j plot " + dir);
            return true;
        }
        say("sweep incomplete: " + assignments.finished() + " of " + runs.size() + " runs finished");
        assignments.failed().forEach((run, problem) -> say("  " + run.name() + ": " + problem));
        say("continue with: ./crl4j sweep --resume " + dir + " --cluster-port " + port);
        return false;
    }

    private String tag(SweepGrid.Run run) {
        return String.format("[%d/%d] %s", runs.indexOf(run) + 1, runs.size(), run.name());
    }

    private static void deletePartFiles(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".")
                    && p.getFileName().toString().endsWith(".part")).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot clean " + root + ": " + e.getMessage(), e);
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
