package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.crl4j.core.Parallel;
import org.crl4j.envs.Envs;
import org.crl4j.rl.Evaluator;
import org.crl4j.rl.RunLock;
import org.crl4j.rl.Trainer;
import org.crl4j.rl.config.RunConfig;
import org.crl4j.rl.config.RunConfigs;
import org.crl4j.rl.ranks.Rank;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crl4j rank}: rank R ≥ 1 of a data-parallel {@code train --ranks K}, started by rank 0 (not by hand). It
 * trains its share (its own environments, replay and rows of each batch) and keeps only its resume states and log in
 * its directory (RUN/ranks/R); rank 0 writes the run's records. Each epoch it saves its state before rank 0 saves
 * its own, so a state of rank 0 always has one of every other rank at the same position (the current or the
 * previous one), which {@code --resume-at} picks.
 */
@Command(name = "rank", hidden = true, description = "Internal: one rank of 'train --ranks K', started by rank 0.")
public final class RankCommand implements Callable<Integer> {
    @Option(names = "--join", required = true) String join;
    @Option(names = "--run-id", required = true) String runId;
    @Option(names = "--rank", required = true) int rank;
    @Option(names = "--ranks", required = true) int ranks;
    @Option(names = "--dir", required = true) Path dir;
    @Option(names = "--threads", defaultValue = "1") int threads;
    @Option(names = "--config", description = "A new run: its config.toml.") Path config;
    @Option(names = "--resume-at", description = "Resume the state saved at these env steps (rank 0's).") Long resumeAt;
    @Option(names = "--authenticated", description = "Rank 0 is a cluster coordinator: prove the secret ("
            + ClusterSecret.ENV + ", set by the worker that started this rank).") boolean authenticated;
    @Option(names = "--total-env-steps", description = "With --resume-at: rank 0's schedule (longer after train "
            + "--resume --total-env-steps).") Long totalEnvSteps;

    @Override
    public Integer call() throws Exception {
        if (rank < 1 || rank >= ranks || (config == null) == (resumeAt == null)) {
            throw new IllegalArgumentException("rank is started by 'train --ranks K'; it needs --rank in 1..K-1 and one "
                    + "of --config and --resume-at");
        }
        Path state = dir.resolve("checkpoints").resolve("resume.safetensors");
        Files.createDirectories(state.getParent());
        try (RunLock lock = RunLock.acquire(dir); Parallel pool = new Parallel(threads)) {
            RankGroup group = RankGroup.member(join, runId, rank, ranks,
                    authenticated ? ClusterSecret.load(null) : null);
            boolean ok = false;
            try {
                Rank me = new Rank(rank, ranks, group.reducer());
                Trainer trainer = resumeAt == null ? fresh(pool, me) : Trainer.resumeAt(state, pool, me, resumeAt);
                if (totalEnvSteps != null) {
                    trainer.extendTo(totalEnvSteps); // as rank 0 did; nothing when the schedule is as long already
                }
                System.out.printf("crl4j rank %d of %d: %s at %,d env steps%n", rank, ranks,
                        resumeAt == null ? "starting" : "resuming", trainer.envSteps());
                train(trainer, state);
                ok = true;
            } finally {
                if (ok) {
                    group.close();
                } else {
                    group.abort();
                }
            }
        }
        return 0;
    }

    private Trainer fresh(Parallel pool, Rank me) {
        RunConfig cfg = RunConfigs.bind(java.util.List.of(new RunConfigs.Layer(ConfigFile.read(config), config.toString())));
        return new Trainer(cfg.trainConfig(Envs.spec(cfg.env().env()).episodeLength()), cfg.crlConfig(),
                cfg.baselineConfig(), pool, me);
    }

    private static void train(Trainer trainer, Path state) throws IOException {
        try (StopSavesFirst stop = StopSavesFirst.install(trainer, "crl4j-rank-stop")) {
            boolean completed = trainer.run(new Trainer.Listener() {
                @Override
                public void onEpoch(int epoch, Map<String, Double> metrics, Evaluator.Result eval) {
                    saveThenRankZero(trainer, state);
                    System.out.printf("epoch %d  env steps %,d  saved%n", epoch, trainer.envSteps());
                }
            });
            if (!completed) {
                saveThenRankZero(trainer, state);
                System.out.printf("stopped at %,d env steps; saved%n", trainer.envSteps());
            } else {
                System.out.println("done");
            }
        }
    }

    /** Saves this rank's state, then lets rank 0 save its own (it waits in the same CONTROL all-reduce). */
    private static void saveThenRankZero(Trainer trainer, Path state) {
        try {
            trainer.saveResumeState(state);
        } catch (IOException e) {
            throw new UncheckedIOException("rank " + trainer.rank().rank() + ": cannot save " + state + ": "
                    + e.getMessage(), e);
        }
        trainer.rank().anyAsks(false);
    }
}
