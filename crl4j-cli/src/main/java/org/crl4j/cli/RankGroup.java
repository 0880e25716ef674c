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

    private RankGroup(ClusterNode node, ClusterRanks reducer, List<Process> members) {
        this.node = node;
        this.reducer = reducer;
        this.members = members;
    }

    /**
     * Pekko must not leave the cluster nor abort its transport (Artery has a JVM shutdown hook of its own) when the
     * JVM is asked to stop: on Ctrl-C or SIGTERM the ranks still agree on the step to stop at and save their states
     * over it; {@link #close} leaves afterwards.
     */
    private static final com.typesafe.config.Config NODE = com.typesafe.config.ConfigFactory.parseString(
            "pekko.jvm-shutdown-hooks = off\npekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off");

    static ClusterRanks.Settings settings() {
        ClusterRanks.Settings d = ClusterRanks.Settings.defaults();
        return new ClusterRanks.Settings(d.chunkFloats(), d.owners(), RENDEZVOUS, d.lossGrace(), STALL);
    }

    /** A rank's directory inside the run directory. */
    static Path rankDir(RunDirectory run, int rank) {
        return run.rankDir(rank);
    }

    /**
     * Rank 0: starts ranks 1..K−1, new (from the run's config.toml) or resuming at {@code resumeAtEnvSteps} on rank
     * 0's schedule of {@code totalEnvSteps} (a lengthened run's, which their saved states do not know yet), and
     * waits until all have joined.
     */
    static RankGroup lead(RunDirectory run, int ranks, int threads, Long resumeAtEnvSteps, Long totalEnvSteps) {
        ClusterNode node = ClusterNode.startSeed(ClusterNode.LOOPBACK, 0, ClusterSecret.fastFailureDetection(), NODE);
        byte[] id = new byte[8];
        new SecureRandom().nextBytes(id);
        String runId = "run_" + HexFormat.of().formatHex(id);
        List<Process> members = new ArrayList<>();
        try {
            for (int r = 1; r < ranks; r++) {
                Path dir = rankDir(run, r);
                Files.createDirectories(dir);
                List<String> args = new ArrayList<>(List.of("rank", "--join", ClusterNode.LOOPBACK + ":" + node.port(),
                        "--run-id", runId, "--rank", "" + r, "--ranks", "" + ranks, "--dir", dir.toString(),
                        "--threads", "" + threads));
                if (resumeAtEnvSteps != null) {
                    args.addAll(List.of("--resume-at", "" + resumeAtEnvSteps, "--total-env-steps", "" + totalEnvSteps));
                } else {
                    args.addAll(List.of("--config", run.configToml().toString()));
                }
                members.add(TrainProcess.start(args, dir.resolve("train.log"), threads));
            }
            ClusterRanks reducer = ClusterRanks.join(node.system(), runId, 0, ranks, settings());
            return new RankGroup(node, reducer, members);
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

    /** Rank {@code rank} (≥ 1): joins rank 0's node at {@code join} and the run's group. */
    static RankGroup member(String join, String runId, int rank, int ranks) throws InterruptedException {
        ClusterNode node = ClusterNode.startJoining(ClusterNode.LOOPBACK, 0, ClusterNode.parseSeed(join),
                ClusterSecret.fastFailureDetection(), NODE);
        try {
            return new RankGroup(node, ClusterRanks.join(node.system(), runId, rank, ranks, settings()), List.of());
        } catch (TimeoutException e) {
            node.close();
            throw new IllegalStateException("rank " + rank + ": the other ranks of " + runId + " were not found within "
                    + RENDEZVOUS);
        }
    }

    GradientReducer reducer() {
        return reducer;
    }

    /** The run ended on this rank: leave the group; rank 0 also waits for the other ranks to end. */
    @Override
    public void close() {
        reducer.close();
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
