package org.crl4j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.io.Safetensors;
import org.crl4j.core.io.Tensor;
import org.crl4j.rl.ranks.Rank;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Resharding}: a data-parallel run's saved states re-cut for another number of ranks. The same number is the
 * identity; one process gets every rank's environments and replay columns in global order and rank 0's agent; cuts
 * there and back give the original states back; and the re-cut states resume and train (in one process and on 4
 * ranks, 2 of them new).
 */
class ReshardingTest {

    /** 8 envs (2, 4 or 8 per rank), batch 16 (at least 2 rows per rank up to 8 ranks), 2 epochs of 3 steps. */
    static TrainConfig eightEnvs() {
        long prefill = 17L * 62 * 8;
        return new TrainConfig("reacher", "reacher", 8, prefill + 2 * 3 * 62 * 8, 2, 62, 16, 3, 2000, 1000, 1000, 0.99,
                2, 11);
    }

    /** The run trained on {@code k} ranks, stopped after 4 training steps (inside epoch 2) and saved: its files. */
    static List<Path> savedRun(int k, Path dir) throws Exception {
        TrainConfig cfg = eightEnvs();
        RankedTrainerTest.onRanks(k, (r, ranks, pool) -> {
            Trainer t = new Trainer(cfg, ResumeTest.net(), pool, new Rank(r, k, ranks.reducer(r)));
            assertThat(t.run(new Trainer.Listener() {
                int steps;

                @Override
                public void onTrainingStep(long envSteps, long total, double sps, TrainingMetrics w) {
                    if (r == 0 && ++steps == 4) {
                        t.requestStop();
                    }
                }
            })).isFalse();
            t.saveResumeState(dir.resolve("rank" + r + ".safetensors"));
            return t;
        });
        return files(dir, "rank", k);
    }

    private static List<Path> files(Path dir, String stem, int k) {
        List<Path> out = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            out.add(dir.resolve(stem + r + ".safetensors"));
        }
        return out;
    }

    /** Loads the states {@code from} (one per rank), re-cuts them for {@code ranks} and saves them as {@code to/stemR}. */
    static List<Path> reshard(List<Path> from, int ranks, Path to, String stem) throws IOException {
        try (Parallel pool = new Parallel(1)) {
            List<Trainer> saved = new ArrayList<>();
            for (int r = 0; r < from.size(); r++) {
                saved.add(Trainer.resume(from.get(r), pool, Resharding.loadingRank(r, from.size())));
            }
            Resharding cut = new Resharding(saved);
            List<Path> out = files(to, stem, ranks);
            for (int r = 0; r < ranks; r++) {
                cut.rank(r, ranks, pool).saveResumeState(out.get(r));
            }
            return out;
        }
    }

    private static Map<String, Tensor> tensors(Path file) throws IOException {
        return Safetensors.read(file).tensors();
    }

    private static void assertSameTensors(Path actual, Path expected, String what) throws IOException {
        Map<String, Tensor> a = tensors(actual);
        Map<String, Tensor> e = tensors(expected);
        assertThat(a.keySet()).as(what).isEqualTo(e.keySet());
        for (String name : e.keySet()) {
            assertThat(a.get(name).shape()).as(what + ": " + name).isEqualTo(e.get(name).shape());
            assertThat(a.get(name).bytes()).as(what + ": " + name).isEqualTo(e.get(name).bytes());
        }
    }

    @Test
    void theSameNumberOfRanksIsTheIdentity(@TempDir Path dir) throws Exception {
        List<Path> two = savedRun(2, dir);
        List<Path> again = reshard(two, 2, dir, "again");
        assertThat(Files.readAllBytes(again.get(0))).as("rank 0: the same bytes").isEqualTo(Files.readAllBytes(two.get(0)));
        assertSameTensors(again.get(1), two.get(1), "rank 1"); // its metadata has rank 0's wall time
    }

    @Test
    void oneProcessGetsEveryRanksEnvironmentsInGlobalOrderAndRankZerosAgentAndTrains(@TempDir Path dir) throws Exception {
        List<Path> two = savedRun(2, dir);
        Path one = reshard(two, 1, dir, "one").get(0);
        Map<String, Tensor> merged = tensors(one);
        Map<String, Tensor> rank0 = tensors(two.get(0));
        Map<String, Tensor> rank1 = tensors(two.get(1));
        for (String name : rank0.keySet()) {
            ByteBuffer got = merged.get(name).bytes();
            if (name.equals("env/done_flags")) { // [2, envs]: the terminated row, then the truncated row
                int[] a = rank0.get(name).toIntArray();
                int[] b = rank1.get(name).toIntArray();
                assertThat(merged.get(name).toIntArray()).isEqualTo(new int[] {a[0], a[1], a[2], a[3], b[0], b[1], b[2],
                        b[3], a[4], a[5], a[6], a[7], b[4], b[5], b[6], b[7]});
            } else if ((name.startsWith("env/") || name.startsWith("replay/")) && !name.equals("replay/positions")) {
                // environment-major: rank 0's 4 envs, then rank 1's
                assertThat(merged.get(name).numel()).as(name).isEqualTo(2 * rank0.get(name).numel());
                assertThat(got).as(name).isEqualTo(concat(rank0.get(name).bytes(), rank1.get(name).bytes()));
            } else {
                assertThat(got).as(name + ": rank 0's (agent, optimiser, streams, positions)").isEqualTo(rank0.get(name).bytes());
            }
        }
        assertThat(merged.get("env/observations").shape()).isEqualTo(new long[] {8, rank0.get("env/observations").shape()[1]});
        assertThat(Safetensors.read(one).metadata().toString()).doesNotContain("\"ranks\"").doesNotContain("\"rank\"");

        try (Parallel pool = new Parallel(1)) {
            Trainer t = Trainer.resume(one, pool);
            assertThat(t.config().numEnvs()).isEqualTo(8);
            long before = t.envSteps();
            assertThat(t.run(new Trainer.Listener() { })).isTrue();
            assertThat(t.envSteps()).isGreaterThan(before);
            assertThat(t.finished()).isTrue();
        }
    }

    @Test
    void cutsThereAndBackGiveTheOriginalStatesBack(@TempDir Path dir) throws Exception {
        // 2 → 1 → 2: every env and replay column back in place; rank 0's streams kept, rank 1's derived anew
        List<Path> two = savedRun(2, dir);
        List<Path> back = reshard(reshard(two, 1, dir, "one"), 2, dir, "back");
        assertThat(Files.readAllBytes(back.get(0))).isEqualTo(Files.readAllBytes(two.get(0)));
        Map<String, Tensor> rank1 = tensors(two.get(1));
        Map<String, Tensor> rank1Back = tensors(back.get(1));
        for (String name : rank1.keySet()) {
            if (!name.equals("trainer/rng")) {
                assertThat(rank1Back.get(name).bytes()).as(name).isEqualTo(rank1.get(name).bytes());
            }
        }
        assertThat(rank1Back.get("trainer/rng").toLongArray()).as("rank 1's streams are gone after 2 → 1")
                .isNotEqualTo(rank1.get("trainer/rng").toLongArray())
                .doesNotContain(tensors(two.get(0)).get("trainer/rng").toLongArray());

        // 2 → 4 → 2: ranks 0 and 1 keep their streams, so every tensor comes back
        List<Path> four = reshard(two, 4, dir, "four");
        List<Path> twoAgain = reshard(four, 2, dir, "twoAgain");
        assertThat(Files.readAllBytes(twoAgain.get(0))).isEqualTo(Files.readAllBytes(two.get(0)));
        assertSameTensors(twoAgain.get(1), two.get(1), "rank 1 after 2 → 4 → 2");

        // and 4 ranks, two of them new, resume and finish the schedule together
        List<Trainer> resumed = RankedTrainerTest.onRanks(4, (r, ranks, pool) -> {
            Trainer t = Trainer.resume(four.get(r), pool, new Rank(r, 4, ranks.reducer(r)));
            assertThat(t.run(new Trainer.Listener() { })).isTrue();
            return t;
        });
        assertThat(resumed.get(3).agent().fingerprint()).isEqualTo(resumed.get(0).agent().fingerprint());
    }

    @Test
    void oneProcessToTwoAndBackIsByteIdentical(@TempDir Path dir) throws Exception {
        Path single = dir.resolve("single.safetensors");
        try (Parallel pool = new Parallel(1)) {
            Trainer t = new Trainer(eightEnvs(), ResumeTest.net(), pool);
            t.run(new Trainer.Listener() {
                int steps;

                @Override
                public void onTrainingStep(long envSteps, long total, double sps, TrainingMetrics w) {
                    if (++steps == 2) {
                        t.requestStop();
                    }
                }
            });
            t.saveResumeState(single);
        }
        List<Path> two = reshard(List.of(single), 2, dir, "two");
        assertThat(tensors(two.get(0)).get("env/observations").shape()[0]).isEqualTo(4);
        Path back = reshard(two, 1, dir, "back").get(0);
        assertThat(Files.readAllBytes(back)).isEqualTo(Files.readAllBytes(single));
    }

    @Test
    void statesThatDoNotBelongTogetherAndUnevenSplitsAreRefused(@TempDir Path dir) throws Exception {
        List<Path> two = savedRun(2, dir);
        try (Parallel pool = new Parallel(1)) {
            Trainer rank0 = Trainer.resume(two.get(0), pool, Resharding.loadingRank(0, 2));
            Trainer rank1 = Trainer.resume(two.get(1), pool, Resharding.loadingRank(1, 2));
            assertThatThrownBy(() -> new Resharding(List.of(rank0, rank0))).hasMessageContaining("is rank 0 of 2");
            rank1.collect(1, false); // one step further than rank 0
            assertThatThrownBy(() -> new Resharding(List.of(rank0, rank1)))
                    .hasMessageContaining("rank 1's saved state does not match rank 0's");
            Resharding cut = new Resharding(List.of(rank0, Trainer.resume(two.get(1), pool, Resharding.loadingRank(1, 2))));
            assertThatThrownBy(() -> cut.rank(0, 3, pool))
                    .hasMessageContaining("--num-envs 8 and --batch-size 16 must both be divisible by --ranks 3");
            assertThat(cut.moves(1)).isEqualTo("envs 0-3 of rank 0, 4-7 of rank 1 → rank 0");
            assertThat(cut.moves(4)).isEqualTo("envs 0-1 of rank 0 → rank 0; envs 2-3 of rank 0 → rank 1; "
                    + "envs 4-5 of rank 1 → rank 2; envs 6-7 of rank 1 → rank 3");
        }
    }

    private static ByteBuffer concat(ByteBuffer a, ByteBuffer b) {
        ByteBuffer out = ByteBuffer.allocate(a.remaining() + b.remaining());
        out.put(a.duplicate()).put(b.duplicate()).flip();
        return out;
    }
}
