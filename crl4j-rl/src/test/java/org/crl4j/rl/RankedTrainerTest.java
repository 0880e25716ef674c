package org.crl4j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.crl4j.core.Parallel;
import org.crl4j.rl.ranks.LocalRanks;
import org.crl4j.rl.ranks.Rank;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trainers as ranks of one data-parallel run (threads of this JVM, gradients averaged by {@link LocalRanks}): the
 * ranks keep identical parameters, follow the one-process schedule, stop together, resume bit-exactly from their
 * own states, and a rank whose parameters drift apart stops the run with a clear error.
 */
class RankedTrainerTest {
    private static final int RANKS = 2;

    /** What a rank's thread does with its trainer. */
    interface RankBody {
        Trainer run(int rank, LocalRanks ranks, Parallel pool) throws Exception;
    }

    private static List<Trainer> onRanks(RankBody body) throws Exception {
        return onRanks(RANKS, body);
    }

    /** Runs {@code body} for each of {@code k} ranks, each on a thread with a pool of its own; their trainers. */
    static List<Trainer> onRanks(int k, RankBody body) throws Exception {
        LocalRanks ranks = new LocalRanks(k);
        ExecutorService threads = Executors.newFixedThreadPool(k);
        List<Parallel> pools = new ArrayList<>();
        try {
            List<Future<Trainer>> futures = new ArrayList<>();
            for (int r = 0; r < k; r++) {
                int rank = r;
                Parallel pool = new Parallel(1);
                pools.add(pool);
                futures.add(threads.submit(() -> {
                    try {
                        return body.run(rank, ranks, pool);
                    } catch (RuntimeException e) {
                        ranks.abort(); // as a lost rank's node does: the others fail instead of waiting
                        throw e;
                    }
                }));
            }
            List<Trainer> out = new ArrayList<>();
            for (Future<Trainer> f : futures) {
                out.add(f.get(180, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            threads.shutdownNow();
            pools.forEach(Parallel::close);
        }
    }

    private static Rank rank(int r, LocalRanks ranks) {
        return new Rank(r, RANKS, ranks.reducer(r));
    }

    @Test
    void ranksStayIdenticalFollowTheOneProcessScheduleStopTogetherAndResumeBitExactly(@TempDir Path dir) throws Exception {
        TrainConfig cfg = ResumeTest.small(); // 4 envs, batch 16: 2 envs and 8 rows per rank
        List<Map<String, Double>> lastMetrics = new ArrayList<>(List.of(Map.of(), Map.of()));
        List<Trainer> whole = onRanks((r, ranks, pool) -> {
            Trainer t = new Trainer(cfg, ResumeTest.net(), pool, rank(r, ranks));
            assertThat(t.run(new Trainer.Listener() {
                @Override
                public void onEpoch(int epoch, Map<String, Double> metrics, Evaluator.Result eval) {
                    lastMetrics.set(r, metrics);
                }
            })).isTrue();
            return t;
        });
        long fingerprint = whole.get(0).agent().fingerprint();
        assertThat(whole.get(1).agent().fingerprint()).as("rank 1's parameters and Adam state").isEqualTo(fingerprint);
        long oneProcessSteps;
        long oneProcessFingerprint;
        try (Parallel pool = new Parallel(1)) {
            Trainer single = new Trainer(cfg, ResumeTest.net(), pool);
            single.run(new Trainer.Listener() { });
            oneProcessSteps = single.envSteps();
            oneProcessFingerprint = single.agent().fingerprint();
        }
        assertThat(whole.get(0).envSteps()).as("env steps count every rank's").isEqualTo(oneProcessSteps);
        assertThat(whole.get(0).sgdSteps()).isEqualTo(whole.get(1).sgdSteps());
        assertThat(fingerprint).as("two half batches are not the one-process step").isNotEqualTo(oneProcessFingerprint);
        assertThat(lastMetrics.get(0)).containsKey("eval/episode_success");
        assertThat(lastMetrics.get(1)).as("only rank 0 evaluates").doesNotContainKey("eval/episode_success");

        // Rank 1 alone asks to stop inside the second epoch: both stop at the same training step, and save.
        List<Trainer> stopped = onRanks((r, ranks, pool) -> {
            Trainer t = new Trainer(cfg, ResumeTest.net(), pool, rank(r, ranks));
            boolean done = t.run(new Trainer.Listener() {
                int steps;

                @Override
                public void onTrainingStep(long envSteps, long total, double sps, TrainingMetrics w) {
                    if (r == 1 && ++steps == 4) {
                        t.requestStop();
                    }
                }
            });
            assertThat(done).isFalse();
            t.saveResumeState(dir.resolve("rank" + r + ".safetensors"));
            return t;
        });
        assertThat(stopped.get(0).envSteps()).isEqualTo(stopped.get(1).envSteps()).isLessThan(oneProcessSteps);
        List<Trainer> resumed = onRanks((r, ranks, pool) -> {
            Trainer t = Trainer.resume(dir.resolve("rank" + r + ".safetensors"), pool, rank(r, ranks));
            assertThat(t.run(new Trainer.Listener() { })).isTrue();
            return t;
        });
        assertThat(resumed.get(0).agent().fingerprint()).isEqualTo(fingerprint);
        assertThat(resumed.get(1).agent().fingerprint()).isEqualTo(fingerprint);

        try (Parallel pool = new Parallel(1)) {
            assertThatThrownBy(() -> Trainer.resume(dir.resolve("rank1.safetensors"), pool))
                    .hasMessageContaining("is the state of rank 1 of 2, not of rank 0 of 1");
        }
    }

    @Test
    void ranksWhoseParametersDriftApartStopTheRunWithAClearError() {
        TrainConfig cfg = ResumeTest.small();
        assertThatThrownBy(() -> onRanks((r, ranks, pool) -> {
            Trainer t = new Trainer(cfg, ResumeTest.net(), pool, rank(r, ranks));
            t.run(new Trainer.Listener() {
                @Override
                public void onTrainingStep(long envSteps, long total, double sps, TrainingMetrics w) {
                    if (r == 1) {
                        ((CrlAgent) t.agent()).actorParams().params()[0] += 1e-3f; // a rank gone astray (a bad all-reduce, say)
                    }
                }
            });
            return t;
        })).isInstanceOf(ExecutionException.class).hasMessageContaining("rank")
                .satisfies(e -> assertThat(e.getCause().getMessage()).containsAnyOf("the ranks diverged",
                        "another rank failed"));
    }

    @Test
    void envsAndBatchMustSplitEvenly() {
        TrainConfig cfg = new TrainConfig("reacher", "reacher", 3, 17L * 62 * 3 + 3 * 62 * 3, 1, 62, 16, 3, 2000, 1000,
                1000, 0.99, 2, 11);
        try (Parallel pool = new Parallel(1)) {
            assertThatThrownBy(() -> new Trainer(cfg, ResumeTest.net(), pool, new Rank(0, 2, new LocalRanks(2).reducer(0))))
                    .hasMessageContaining("--num-envs 3 and --batch-size 16 must both be divisible by --ranks 2");
        }
    }
}
