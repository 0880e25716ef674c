package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.crl4j.cluster.ClusterNode;
import org.crl4j.cluster.Coordinator;
import org.crl4j.cluster.CoordinatorEvent;
import org.crl4j.cluster.Secret;
import org.crl4j.cluster.Worker;
import org.crl4j.rl.RunDirectory;
import org.crl4j.rl.Trainer;

/**
 * Ranks 1..K−1 of a data-parallel run on cluster workers ({@code crl4j worker --join HOST:PORT}, the same workers a
 * distributed sweep uses): rank 0's process is the coordinator. Each rank is one job on a worker slot: its command
 * is the {@code crl4j rank} that a local run starts as a child JVM, its directory lives on the worker, and the
 * worker copies its resume states and log back here into RUN/ranks/R as they are written (as a sweep's runs come
 * back), so a run whose worker is lost resumes here with new workers. The ranks' own nodes join this cluster and
 * prove the secret like workers (with no slots), and their data links check it too.
 */
final class WorkerRanks {
    /** How long to wait for enough worker slots to turn up. */
    static final Duration WORKERS_TIMEOUT = Duration.ofMinutes(10);
    /** How long rank 0 waits for the copy of another rank's last state before it saves over its own previous one. */
    static final Duration COPY_TIMEOUT = Duration.ofMinutes(10);

    private final RunDirectory run;
    private final int ranks;
    private final ClusterNode node;
    private final BlockingQueue<CoordinatorEvent> events = new LinkedBlockingQueue<>();
    private final Map<Long, Integer> rankOfLease = new HashMap<>();
    private final Map<Integer, CoordinatorEvent.JobEnded> ended = new HashMap<>();
    /** The workers with slots (the ranks' own nodes register with none, and leave at the end). */
    private final java.util.Set<String> slotWorkers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Thread watcher;

    private WorkerRanks(RunDirectory run, int ranks, ClusterNode node) {
        this.run = run;
        this.ranks = ranks;
        this.node = node;
        this.watcher = new Thread(this::watch, "crl4j-worker-ranks");
        watcher.setDaemon(true);
    }

    /** Where ranks 1..K−1 run: this machine's cluster address and the shared secret. */
    record Placement(String host, int port, Secret secret) {
    }

    /**
     * Starts the coordinator on {@code node} (already started as the seed), waits for K−1 free worker slots and hands
     * each of ranks 1..K−1 to one, new (from the run's config.toml) or resuming at {@code resumeAt} env steps.
     */
    static WorkerRanks start(ClusterNode node, RunDirectory run, int ranks, int threads, Long resumeAt,
                             Long totalEnvSteps, String runId, Placement where) throws InterruptedException {
        WorkerRanks w = new WorkerRanks(run, ranks, node);
        BlockingQueue<CoordinatorEvent> startup = new LinkedBlockingQueue<>();
        ActorRef<CoordinatorEvent> listener = node.system().systemActorOf(Behaviors.receiveMessage(e -> {
            startup.add(e);
            w.events.add(e);
            return Behaviors.same();
        }), "rank-events", Props.empty());
        Path inbox = run.root().resolve("ranks");
        try {
            Files.createDirectories(inbox);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + inbox + ": " + e.getMessage(), e);
        }
        ActorRef<Coordinator.Command> coordinator = node.system().systemActorOf(Coordinator.create(
                new Coordinator.Settings(where.secret(), inbox, Duration.ofSeconds(60), listener)), "coordinator",
                Props.empty());
        String address = where.host() + ":" + node.port();
        say(String.format("  ranks 1..%d run on cluster workers: waiting for %d free worker slot%s at %s; start them "
                        + "with: ./crl4j worker --join %s   (same %s or --secret-file)", ranks - 1, ranks - 1,
                ranks == 2 ? "" : "s", address, address, ClusterSecret.ENV));
        Map<String, Integer> slots = new LinkedHashMap<>();
        long deadline = System.nanoTime() + WORKERS_TIMEOUT.toNanos();
        while (slots.values().stream().mapToInt(Integer::intValue).sum() < ranks - 1) {
            CoordinatorEvent e = startup.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new IllegalStateException("only " + slots.values().stream().mapToInt(Integer::intValue).sum()
                        + " of the " + (ranks - 1) + " worker slots the other ranks need joined " + address + " within "
                        + WORKERS_TIMEOUT + "; start more workers, or fewer ranks with --ranks");
            }
            if (e instanceof CoordinatorEvent.WorkerRegistered r && r.slots() > 0) {
                slots.put(r.worker(), r.slots());
                w.slotWorkers.add(r.worker());
                say("  worker " + r.address() + " joined with " + r.slots() + " slot" + (r.slots() == 1 ? "" : "s"));
            } else if (e instanceof CoordinatorEvent.WorkerLost l) {
                slots.remove(l.worker());
            } else if (e instanceof CoordinatorEvent.JoinRefused r) {
                say("  refused a node at " + r.address() + ": " + r.reason());
            }
        }
        long leaseBase = System.currentTimeMillis() * 1000;
        List<String> workers = new ArrayList<>(slots.keySet());
        int next = 0;
        for (int r = 1; r < ranks; r++) {
            while (slots.get(workers.get(next % workers.size())) == 0) {
                next++;
            }
            String worker = workers.get(next % workers.size());
            slots.merge(worker, -1, Integer::sum);
            next++; // spread the ranks over the workers
            long lease = leaseBase + r;
            w.rankOfLease.put(lease, r);
            Path source = run.rankDir(r);
            List<String> files = w.filesFor(r, resumeAt, source);
            List<String> args = RankGroup.rankArgs(address, runId, r, ranks, Worker.RUN_DIR,
                    threads, resumeAt, totalEnvSteps, Worker.RUN_DIR + "/config.toml", true);
            say("  rank " + r + " → worker " + worker.replaceFirst("/system/worker$", "") + " (lease " + lease + ")");
            coordinator.tell(new Coordinator.StartJob(worker, Integer.toString(r), lease, List.of(args), threads, source,
                    files));
        }
        w.watcher.start();
        return w;
    }

    /** What rank {@code r}'s worker needs first: the run's options, or the rank's saved states. */
    private List<String> filesFor(int r, Long resumeAt, Path source) {
        try {
            Files.createDirectories(source);
            if (resumeAt == null) {
                Files.copy(run.configToml(), source.resolve("config.toml"), StandardCopyOption.REPLACE_EXISTING);
                return List.of("config.toml");
            }
            List<String> files = new ArrayList<>();
            Path state = source.resolve("checkpoints").resolve("resume.safetensors");
            for (Path p : new Path[] {Trainer.previousOf(state), state}) {
                if (Files.isRegularFile(p)) {
                    files.add(source.relativize(p).toString().replace('\\', '/'));
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare rank " + r + "'s files in " + source + ": " + e.getMessage(), e);
        }
    }

    /** Says what happens to the ranks' jobs while the run trains. */
    private void watch() {
        try {
            while (true) {
                CoordinatorEvent e = events.take();
                if (e instanceof CoordinatorEvent.JobEnded j && rankOfLease.containsKey(j.lease())) {
                    int r = rankOfLease.get(j.lease());
                    synchronized (ended) {
                        ended.put(r, j);
                        ended.notifyAll();
                    }
                    if (!j.completed()) {
                        say("  rank " + r + " on its worker " + (j.stopped() ? "stopped" : "failed (exit " + j.exitCode()
                                + ")") + (j.problem() == null ? "" : ": " + j.problem()));
                    }
                } else if (e instanceof CoordinatorEvent.WorkerLost l && slotWorkers.contains(l.worker())) {
                    say("  worker " + l.address() + " lost (" + l.reason() + ")");
                } else if (e instanceof CoordinatorEvent.JoinRefused r) {
                    say("  refused a node at " + r.address() + ": " + r.reason());
                } else if (e instanceof CoordinatorEvent.FileRejected r) {
                    say("  a file from " + r.from() + " was refused: " + r.name() + " (" + r.reason() + ")");
                }
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Before rank 0 saves over its previous state: waits until every other rank's state at {@code envSteps} (rank
     * 0's current state, which is about to become its previous one) has been copied here, so that rank 0's two
     * states always have a match from every rank on this machine, whatever a lost worker had not sent yet.
     */
    void awaitCopiesAt(long envSteps) {
        long deadline = System.nanoTime() + COPY_TIMEOUT.toNanos();
        for (int r = 1; r < ranks; r++) {
            Path state = run.rankDir(r).resolve("checkpoints").resolve("resume.safetensors");
            while (!Trainer.hasStateAt(state, envSteps)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("rank " + r + "'s state at " + envSteps + " env steps has not "
                            + "arrived from its worker in " + state.getParent() + " within " + COPY_TIMEOUT);
                }
                synchronized (ended) {
                    if (ended.containsKey(r)) {
                        throw new IllegalStateException("rank " + r + "'s job ended before its state at " + envSteps
                                + " env steps arrived here");
                    }
                }
                sleep(100);
            }
        }
    }

    /** Waits for every rank's job to end (its last copy has then arrived), at most {@code timeout}. */
    void awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (ended) {
            while (ended.size() < ranks - 1 && System.nanoTime() < deadline) {
                try {
                    ended.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    void close() {
        watcher.interrupt();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the other ranks' states");
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
