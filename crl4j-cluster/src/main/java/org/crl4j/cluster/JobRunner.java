package org.crl4j.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.crl4j.core.io.AtomicFiles;
import org.crl4j.rl.RunDirectory;

/**
 * One job on a worker: receives the run's files when it is a resumption, runs its commands one after another (the
 * run's {@code train}, then any final {@code eval}s) in child processes on a local run directory, and copies the
 * run back to the coordinator: each time a new resume state appears, and once more when the commands end, then
 * reports how they ended.
 *
 * <p>Each copy first takes a snapshot (hard links for the atomically replaced safetensors files, copies for the
 * files train appends to), resume states first, so the metrics copied with a resume state are at least as new as
 * it; the snapshot goes in {@link RunDirectory#filesToCopy()} order, and stops at the first file that fails, so the
 * coordinator's copy is a run directory that resumes at every moment.
 */
final class JobRunner extends AbstractBehavior<JobRunner.Command> {
    interface Command {
    }

    /** A file of this job offered by the coordinator. */
    record Incoming(FileTransfer.Offer offer) implements Command {
    }

    /** Stop the job: the running command gets SIGTERM (train saves its resume state), the run is copied back. */
    enum Cancel implements Command { INSTANCE }

    private record FileEvent(CoordinatorEvent event) implements Command {
    }

    private record Exited(int index, int code) implements Command {
    }

    private record Synced(FileBatch.Result result, Map<String, FileVersion> versions, Path snapshot) implements Command {
    }

    private enum Tick implements Command { INSTANCE }

    /** What identifies one version of a file: an atomic replacement changes the file key, an append the size. */
    private record FileVersion(Object key, long size, long modified) {
        static FileVersion of(Path p) {
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                return new FileVersion(a.fileKey(), a.size(), a.lastModifiedTime().toMillis());
            } catch (IOException gone) {
                return null;
            }
        }
    }

    private static final String RESUME = "checkpoints/resume.safetensors";

    private final Worker.Assign job;
    private final Path dir;
    private final Path snapshots;
    private final JobLauncher launcher;
    private final Worker.Settings settings;
    private final ActorRef<Worker.Command> worker;
    private final ActorRef<CoordinatorEvent> fileEvents;
    private final Set<String> missing;
    private final Map<String, FileVersion> sent = new HashMap<>();
    private FileVersion resumeCopied;
    private int command = -1;
    private Process process;
    private boolean syncing;
    private boolean cancelled;
    private int snapshotCount;
    /** Set once the commands have ended: what to report after the last copy. */
    private Coordinator.JobEnded ending;

    static Behavior<Command> create(Worker.Assign job, Path workDir, Worker.Settings settings,
                                    ActorRef<Worker.Command> worker) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new JobRunner(ctx, timers, job, workDir, settings,
                worker)));
    }

    private JobRunner(ActorContext<Command> ctx, TimerScheduler<Command> timers, Worker.Assign job, Path workDir,
                      Worker.Settings settings, ActorRef<Worker.Command> worker) throws IOException {
        super(ctx);
        this.job = job;
        this.settings = settings;
        this.launcher = settings.launcher();
        this.worker = worker;
        this.dir = workDir.resolve("lease-" + job.lease());
        this.snapshots = workDir.resolve(".snapshots").resolve("lease-" + job.lease());
        deleteTree(dir);
        deleteTree(snapshots);
        Files.createDirectories(dir);
        this.fileEvents = ctx.messageAdapter(CoordinatorEvent.class, FileEvent::new);
        this.missing = new HashSet<>(job.incoming());
        timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.syncInterval());
        ctx.getLog().info("job {} (lease {}): {}", job.job(), job.lease(),
                missing.isEmpty() ? "starting" : "waiting for " + missing.size() + " files of its resume state");
        if (missing.isEmpty()) {
            startNext();
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Incoming.class, this::onIncoming)
                .onMessage(FileEvent.class, this::onFileEvent)
                .onMessage(Exited.class, this::onExited)
                .onMessage(Tick.class, t -> {
                    if (process != null && !syncing && !Objects.equals(FileVersion.of(dir.resolve(RESUME)), resumeCopied)) {
                        copyBack();
                    }
                    return this;
                })
                .onMessage(Synced.class, this::onSynced)
                .onMessage(Cancel.class, c -> {
                    cancelled = true;
                    if (process != null) {
                        process.destroy(); // SIGTERM: train saves its resume state; Exited follows
                    } else if (ending == null) {
                        end(false, true, -1, "cancelled before it started");
                    }
                    return this;
                })
                .onSignal(PostStop.class, s -> {
                    stopProcess();
                    return this;
                })
                .build();
    }

    private Behavior<Command> onIncoming(Incoming in) {
        FileTransfer.Offer offer = in.offer();
        if (!missing.contains(offer.name())) {
            offer.sender().tell(new FileTransfer.Failed(offer.transferId(), "not a file this job waits for"));
            return this;
        }
        getContext().spawnAnonymous(FileTransfer.receiver(offer, dir,
                ClusterConfig.maximumFrameSize(getContext().getSystem().settings().config()), fileEvents));
        return this;
    }

    private Behavior<Command> onFileEvent(FileEvent e) {
        if (e.event() instanceof CoordinatorEvent.FileReceived r && missing.remove(r.name())) {
            sent.put(r.name(), FileVersion.of(r.path())); // it is on the coordinator already
            if (r.name().equals(RESUME)) {
                resumeCopied = FileVersion.of(r.path());
            }
            if (missing.isEmpty() && ending == null && !cancelled) {
                getContext().getLog().info("job {} (lease {}): resume state received, resuming", job.job(), job.lease());
                startNext();
            }
        } else if (e.event() instanceof CoordinatorEvent.FileRejected r && ending == null) {
            end(false, false, -1, "its resume state did not arrive (" + r.name() + ": " + r.reason() + ")");
        }
        return this;
    }

    private void startNext() {
        command++;
        if (command == job.commands().size()) {
            end(true, false, 0, null);
            return;
        }
        List<String> args = job.commands().get(command).stream().map(a -> a.replace(Worker.RUN_DIR, dir.toString()))
                .toList();
        Path log = dir.resolve("train.log");
        try {
            // the run's log says where each part of it ran: its own lines name this worker's directory
            Files.writeString(log, String.format("crl4j worker %s: %s (lease %d) in %s: %s%n",
                    getContext().getSystem().address(), job.job(), job.lease(), dir, String.join(" ", args)),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            process = launcher.start(args, log, job.threads());
        } catch (IOException e) {
            end(false, false, -1, "cannot start " + String.join(" ", args) + ": " + e.getMessage());
            return;
        }
        int index = command;
        getContext().pipeToSelf(process.onExit(), (p, failure) -> new Exited(index, p == null ? -1 : p.exitValue()));
    }

    private Behavior<Command> onExited(Exited e) {
        process = null;
        if (ending != null) {
            return this;
        }
        boolean stopped = cancelled || e.code() == 130 || e.code() == 143;
        if (e.code() == 0 && !cancelled) {
            startNext();
        } else {
            end(false, stopped, e.code(), stopped ? "stopped" : RunDirectory.at(dir).lastLogLine());
        }
        return this;
    }

    /** The commands are over: copy what changed one last time, then report. */
    private void end(boolean completed, boolean stopped, int code, String problem) {
        ending = new Coordinator.JobEnded(job.job(), job.lease(), completed, stopped, code, problem);
        if (!syncing) {
            copyBack();
        }
    }

    private void copyBack() {
        List<FileBatch.Item> items = new ArrayList<>();
        Map<String, FileVersion> versions = new HashMap<>();
        Path snapshot = snapshots.resolve(Integer.toString(++snapshotCount));
        try {
            List<String> names = RunDirectory.at(dir).filesToCopy();
            List<String> resumeFirst = new ArrayList<>(names);
            resumeFirst.sort(Comparator.comparing(n -> n.startsWith("checkpoints/resume") ? 0 : 1));
            Map<String, Path> snapped = new HashMap<>();
            for (String name : resumeFirst) {
                Path file = dir.resolve(name);
                FileVersion v = FileVersion.of(file);
                if (v == null || v.equals(sent.get(name))) {
                    continue;
                }
                Path copy = snapshot.resolve(name);
                Files.createDirectories(copy.getParent());
                if (name.endsWith(".safetensors")) {
                    try {
                        Files.createLink(copy, file); // written by rename, never in place: the link is a snapshot
                    } catch (IOException | UnsupportedOperationException noLinks) {
                        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                    }
                } else {
                    Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
                }
                snapped.put(name, copy);
                versions.put(name, v);
            }
            for (String name : names) {
                if (snapped.containsKey(name)) {
                    items.add(new FileBatch.Item(snapped.get(name), job.job() + "/" + name));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            getContext().getLog().warn("job {}: cannot take a snapshot of {}: {}", job.job(), dir, e.getMessage());
            items.clear();
        }
        syncing = true;
        ActorRef<FileBatch.Result> replyTo = getContext().messageAdapter(FileBatch.Result.class,
                r -> new Synced(r, versions, snapshot));
        getContext().spawnAnonymous(FileBatch.create(items, job.job(), job.lease(), job.coordinator().narrow(),
                settings.chunkSize(), settings.window(), true, replyTo));
    }

    private Behavior<Command> onSynced(Synced s) {
        syncing = false;
        for (String name : s.result().sent()) {
            String rel = name.substring(job.job().length() + 1);
            sent.put(rel, s.versions().get(rel));
            if (rel.equals(RESUME)) {
                resumeCopied = s.versions().get(rel);
            }
        }
        if (!s.result().ok()) {
            getContext().getLog().warn("job {}: {} files did not reach the coordinator ({}); trying again later",
                    job.job(), s.result().failed().size(), s.result().problem());
        }
        deleteTree(s.snapshot());
        if (ending == null) {
            return this;
        }
        Coordinator.JobEnded report = ending;
        if (!s.result().ok() && report.completed()) {
            report = new Coordinator.JobEnded(report.job(), report.lease(), true, false, report.exitCode(),
                    s.result().failed().size() + " files did not reach the coordinator: " + s.result().problem());
        }
        job.coordinator().tell(report);
        getContext().getLog().info("job {} (lease {}) ended: {}", job.job(), job.lease(),
                report.completed() ? "completed" : report.stopped() ? "stopped" : "failed: " + report.problem());
        worker.tell(new Worker.JobDone(job.job(), job.lease()));
        deleteTree(dir);
        deleteTree(snapshots);
        return Behaviors.stopped();
    }

    private void stopProcess() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path root) {
        try {
            AtomicFiles.deleteTree(root);
        } catch (IOException e) {
            // a leftover in the work directory is harmless: the next job of this lease number starts by deleting it
        }
    }
}
