package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.crl4j.cluster.ClusterNode;
import org.crl4j.cluster.ranks.ClusterRanks;
import org.crl4j.rl.RunDirectory;
import org.crl4j.rl.ranks.GradientReducer;

/**
 * The processes of one data-parallel run ({@code train --ranks K}) and their all-reduce: rank 0 is the train process
 * itself, which starts a cluster node on loopback and ranks 1..K−1 as child JVMs ({@code crl4j rank}), each with its
 * own directory RUN/ranks/R for its resume states and log; every rank then joins the group's {@link ClusterRanks}.
 * Closing the group waits for the other ranks to end (they end with the schedule, as rank 0 does); aborting it stops
 * them.
 */
final class RankGroup implements AutoCloseable {
    /** How long the ranks may take to start and find each other. */
    static final Duration RENDEZVOUS = Duration.ofSeconds(120);
    /**
     * How long an all-reduce may wait with no rank known lost: longer than rank 0's evaluation and checkpoint writes,
     * during which the other ranks wait for it.
     */
    static final Duration STALL = Duration.ofMinutes(30);

    private final ClusterNode node;
    private final ClusterRanks reducer;
    private final List<Process> members;
    /** Ranks 1..K−1 on cluster workers instead of child JVMs here, or null. */
    private final WorkerRanks onWorkers;

    private RankGroup(ClusterNode node, ClusterRanks reducer, List<Process> members, WorkerRanks onWorkers) {
        this.node = node;
        this.reducer = reducer;
        this.members = members;
        this.onWorkers = onWorkers;
    }

    /**
     * Pekko must not leave the cluster nor abort its transport (Artery has a JVM shutdown hook of its own) when the
     * JVM is asked to stop: on Ctrl-C or SIGTERM the ranks still agree on the step to stop at and save their states
     * over it; {@link #close} leaves afterwards.
     */
    private static final com.typesafe.config.Config NODE = com.typesafe.config.ConfigFactory.parseString(
            "pekko.jvm-shutdown-hooks = off\npekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off");

    static ClusterRanks.Settings settings() {
        return settings(RENDEZVOUS);
    }

    private static ClusterRanks.Settings settings(Duration rendezvous) {
        ClusterRanks.Settings d = ClusterRanks.Settings.defaults();
        return new ClusterRanks.Settings(d.chunkFloats(), d.owners(), rendezvous, d.lossGrace(), STALL);
    }

    /** How long ranks on workers may take to find each other: their resume states travel to the workers first. */
    static final Duration RENDEZVOUS_ON_WORKERS = Duration.ofMinutes(15);

    /**
     * The command line of rank {@code r}: join rank 0's node, train its share in {@code dir}, new from
     * {@code config} or resuming at {@code resumeAt} env steps; {@code authenticated} when its node must prove the
     * cluster secret (ranks on workers; the secret comes in the environment, never on the command line).
     */
    static List<String> rankArgs(String join, String runId, int r, int ranks, String dir, int threads, Long resumeAt,
                                 Long totalEnvSteps, String config, boolean authenticated) {
        List<String> args = new ArrayList<>(List.of("rank", "--join", join, "--run-id", runId, "--rank", "" + r,
                "--ranks", "" + ranks, "--dir", dir, "--threads", "" + threads));
        if (resumeAt != null) {
            args.addAll(List.of("--resume-at", "" + resumeAt, "--total-env-steps", "" + totalEnvSteps));
        } else {
            args.addAll(List.of("--config", config));
        }
        if (authenticated) {
            args.add("--authenticated");
        }
        return args;
    }

    private static String newRunId() {
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        return "run_" + HexFormat.of().formatHex(id);
    }

    /**
     * Rank 0 of a run whose ranks 1..K−1 train on cluster workers: this process becomes the cluster's seed and
     * coordinator at {@code where}, hands each rank to a worker slot and waits until all have joined.
     */
    static RankGroup leadOnWorkers(RunDirectory run, int ranks, int threads, Long resumeAtEnvSteps,
                                   Long totalEnvSteps, WorkerRanks.Placement where) {
        ClusterNode node = ClusterNode.startSeed(where.host(), where.port(), ClusterSecret.fastFailureDetection(), NODE);
        String runId = newRunId();
        try {
            WorkerRanks workers = WorkerRanks.start(node, run, ranks, threads, resumeAtEnvSteps, totalEnvSteps,
                    runId, where);
            try {
                ClusterRanks reducer = ClusterRanks.join(node.system(), runId, 0, ranks, settings(RENDEZVOUS_ON_WORKERS),
                        where.secret());
                return new RankGroup(node, reducer, List.of(), workers);
            } catch (TimeoutException e) {
                workers.close();
                throw new IllegalStateException("the other " + (ranks - 1) + " rank(s) did not start on their workers "
                        + "within " + RENDEZVOUS_ON_WORKERS + " (their logs come back to " + run.root().resolve("ranks")
                        + "/*/train.log)");
            }
        } catch (InterruptedException e) {
            node.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the ranks started");
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /**
     * Rank 0: starts ranks 1..K−1, new (from the run's config.toml) or resuming at {@code resumeAtEnvSteps} on rank
     * 0's schedule of {@code totalEnvSteps} (a lengthened run's, which their saved states do not know yet), and
     * waits until all have joined.
     */
    static RankGroup lead(RunDirectory run, int ranks, int threads, Long resumeAtEnvSteps, Long totalEnvSteps) {
        ClusterNode node = ClusterNode.startSeed(ClusterNode.LOOPBACK, 0, ClusterSecret.fastFailureDetection(), NODE);
        String runId = newRunId();
        List<Process> members = new ArrayList<>();
        try {
            for (int r = 1; r < ranks; r++) {
                Path dir = run.rankDir(r);
                Files.createDirectories(dir);
                List<String> args = rankArgs(ClusterNode.LOOPBACK + ":" + node.port(), runId, r, ranks, dir.toString(),
                        threads, resumeAtEnvSteps, totalEnvSteps, run.configToml().toString(), false);
                members.add(TrainProcess.start(args, dir.resolve("train.log"), threads));
            }
            ClusterRanks reducer = ClusterRanks.join(node.system(), runId, 0, ranks, settings());
            return new RankGroup(node, reducer, members, null);
        } catch (TimeoutException e) {
            stop(members);
            node.close();
            throw new IllegalStateException("the other " + (ranks - 1) + " rank(s) did not start within " + RENDEZVOUS
                    + " (their logs: " + run.root().resolve("ranks") + "/*/train.log)");
        } catch (IOException e) {
            stop(members);
            node.close();
            throw new UncheckedIOException("cannot start the other ranks: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            stop(members);
            node.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the ranks started");
        } catch (RuntimeException e) {
            stop(members);
            node.close();
            throw e;
        }
    }

    /**
     * Rank {@code rank} (≥ 1): joins rank 0's node at {@code join} and the run's group. With a {@code secret} (ranks
     * on workers) its node binds to this machine's address towards rank 0 and proves the secret as a worker with no
     * slots does, so the coordinator counts it instead of downing it.
     */
    static RankGroup member(String join, String runId, int rank, int ranks, org.crl4j.cluster.Secret secret)
            throws InterruptedException {
        org.apache.pekko.actor.Address seed = ClusterNode.parseSeed(join);
        String host = secret == null ? ClusterNode.LOOPBACK : ClusterNode.localAddressTowards(seed.getHost().orElseThrow());
        ClusterNode node = ClusterNode.startJoining(host, 0, seed, ClusterSecret.fastFailureDetection(), NODE);
        try {
            if (secret != null) {
                node.system().systemActorOf(org.crl4j.cluster.Worker.create(org.crl4j.cluster.Worker.Settings.of(secret,
                        0)), "worker", org.apache.pekko.actor.typed.Props.empty());
            }
            return new RankGroup(node, ClusterRanks.join(node.system(), runId, rank, ranks,
                    settings(secret == null ? RENDEZVOUS : RENDEZVOUS_ON_WORKERS), secret), List.of(), null);
        } catch (TimeoutException e) {
            node.close();
            throw new IllegalStateException("rank " + rank + ": the other ranks of " + runId + " were not found within "
                    + RENDEZVOUS);
        }
    }

    GradientReducer reducer() {
        return reducer;
    }

    /**
     * Rank 0, before it saves its state over its previous one: with ranks on workers, waits until their states at
     * {@code envSteps} (rank 0's current state's) have been copied here. Nothing to wait for on one machine.
     */
    void beforeRankZeroSavesOver(long envSteps) {
        if (onWorkers != null) {
            onWorkers.awaitCopiesAt(envSteps);
        }
    }

    /** The run ended on this rank: leave the group; rank 0 also waits for the other ranks to end. */
    @Override
    public void close() {
        reducer.close();
        if (onWorkers != null) {
            onWorkers.awaitEnd(Duration.ofSeconds(120)); // their last copies arrive before the node goes
            onWorkers.close();
        }
        for (Process p : members) {
            try {
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroy();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        node.close();
    }

    /** The run failed here: stop the other ranks (their last saved epoch stays), then leave. */
    void abort() {
        stop(members);
        reducer.close();
        if (onWorkers != null) {
            onWorkers.close(); // the workers stop the ranks' processes when this coordinator goes
        }
        node.close();
    }

    private static void stop(List<Process> members) {
        members.forEach(Process::destroyForcibly);
        for (Process p : members) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
