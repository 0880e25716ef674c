package org.crl4j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.crl4j.core.Parallel;
import org.crl4j.core.io.AtomicFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RunResharding} in a run directory: a reshard killed before its commit marker leaves the old states, and is
 * discarded; one killed after it is finished on the next resume, whatever part of the roll forward was done; bad
 * requests fail in one line before anything is written.
 */
class RunReshardingTest {

    /** A run directory of a 2-rank run stopped inside epoch 2, as train leaves it. */
    private static RunDirectory twoRankRun(Path tmp) throws Exception {
        List<Path> states = ReshardingTest.savedRun(2, Files.createDirectories(tmp.resolve("states")));
        RunDirectory dir = RunDirectory.create(tmp.resolve("run"));
        AtomicFiles.writeString(dir.configJson(), "{\"format\": 3, \"threads\": 1, \"ranks\": 2}\n");
        for (int r = 0; r < 2; r++) {
            Files.createDirectories(dir.rankResumeState(r).getParent());
            Files.copy(states.get(r), dir.rankResumeState(r));
        }
        Files.writeString(dir.rankDir(1).resolve("train.log"), "rank 1's log\n");
        return dir;
    }

    private static List<byte[]> rankStates(RunDirectory dir, int ranks) throws Exception {
        List<byte[]> out = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            out.add(Files.readAllBytes(dir.rankResumeState(r)));
        }
        return out;
    }

    @Test
    void aReshardStoppedBeforeItsMarkerIsDiscardedAndTheOldStatesResume(@TempDir Path tmp) throws Exception {
        RunDirectory dir = twoRankRun(tmp);
        List<byte[]> before = rankStates(dir, 2);
        try (Parallel pool = new Parallel(1)) {
            RunResharding.stage(dir, 1, pool, note -> { });
            Files.delete(RunResharding.marker(dir)); // killed after the new states, before the marker
            assertThat(RunResharding.finishInterrupted(dir)).contains("discarded the unfinished reshard");
            assertThat(dir.reshardStaging()).doesNotExist();
            assertThat(rankStates(dir, 2)).containsExactlyElementsOf(before);
            assertThat(dir.ranks()).isEqualTo(2);
            assertThat(RunResharding.finishInterrupted(dir)).isNull();
        }
    }

    @Test
    void aReshardStoppedAfterItsMarkerIsFinishedWhereverTheRollForwardStopped(@TempDir Path tmp) throws Exception {
        RunDirectory dir = twoRankRun(tmp);
        Files.copy(dir.resumeState(), Trainer.previousOf(dir.resumeState())); // an older state beside rank 0's
        try (Parallel pool = new Parallel(1)) {
            Resharding cut = RunResharding.stage(dir, 1, pool, note -> { });
            byte[] merged = Files.readAllBytes(RunResharding.staged(dir, 0));
            // killed inside the roll forward: the new state is in place, the rest is not
            Files.move(RunResharding.staged(dir, 0), dir.resumeState(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(RunResharding.finishInterrupted(dir)).isEqualTo("finished the interrupted reshard of " + dir
                    + " to 1 rank at " + String.format("%,d", cut.envSteps()) + " env steps");
            assertThat(Files.readAllBytes(dir.resumeState())).isEqualTo(merged);
            assertThat(Trainer.previousOf(dir.resumeState())).as("of the old cut").doesNotExist();
            assertThat(dir.root().resolve("ranks")).doesNotExist();
            assertThat(dir.reshardStaging()).doesNotExist();
            assertThat(dir.ranks()).isEqualTo(1);
            assertThat(dir.readConfigJson()).containsEntry("format", 3L).containsEntry("threads", 1L)
                    .doesNotContainKey("ranks");
            assertThat(RunResharding.finishInterrupted(dir)).isNull();
            Trainer t = Trainer.resumeLatest(dir.resumeState(), pool, note -> { });
            assertThat(t.config().numEnvs()).isEqualTo(8);
            assertThat(t.run(new Trainer.Listener() { })).isTrue();
        }
    }

    @Test
    void aWholeReshardTwoToOneAndBackToTwoSaysWhatMovedAndKeepsTheRun(@TempDir Path tmp) throws Exception {
        RunDirectory dir = twoRankRun(tmp);
        List<byte[]> before = rankStates(dir, 2);
        try (Parallel pool = new Parallel(1)) {
            String line = RunResharding.reshard(dir, 1, pool, note -> { });
            assertThat(line).startsWith("resharded " + dir + " from 2 ranks to 1 at ")
                    .endsWith(" env steps (envs 0-3 of rank 0, 4-7 of rank 1 → rank 0)");
            assertThat(RunResharding.reshard(dir, 2, pool, note -> { })).endsWith("(envs 0-3 of rank 0 → rank 0; envs 4-7 "
                    + "of rank 0 → rank 1)");
            assertThat(dir.ranks()).isEqualTo(2);
            assertThat(rankStates(dir, 2).get(0)).isEqualTo(before.get(0));
            assertThat(dir.reshardStaging()).doesNotExist();
        }
    }

    @Test
    void badRequestsFailInOneLineBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        RunDirectory dir = twoRankRun(tmp);
        List<byte[]> before = rankStates(dir, 2);
        try (Parallel pool = new Parallel(1)) {
            assertThatThrownBy(() -> RunResharding.reshard(dir, 3, pool, note -> { }))
                    .hasMessage("--num-envs 8 and --batch-size 16 must both be divisible by --ranks 3 (with at least 2 "
                            + "rows per rank)");

            // rank 1's state one step ahead of rank 0's: no state of rank 1 matches
            Trainer rank1 = Trainer.resume(dir.rankResumeState(1), pool, Resharding.loadingRank(1, 2));
            rank1.collect(1, false);
            Path aside = tmp.resolve("rank1.safetensors");
            Files.copy(dir.rankResumeState(1), aside);
            rank1.saveResumeState(dir.rankResumeState(1));
            Files.delete(Trainer.previousOf(dir.rankResumeState(1))); // the matching state it replaced, lost
            assertThatThrownBy(() -> RunResharding.reshard(dir, 1, pool, note -> { }))
                    .hasMessageContaining("rank 1 has no saved state at rank 0's")
                    .hasMessageContaining("resume.safetensors at ").hasMessageContaining("resume.prev.safetensors missing")
                    .hasMessageContaining("the run can only resume from what all ranks saved");

            Files.delete(dir.rankResumeState(1));
            assertThatThrownBy(() -> RunResharding.reshard(dir, 1, pool, note -> { }))
                    .hasMessageContaining("rank 1 has no saved state (" + dir.rankResumeState(1) + ")")
                    .hasMessageContaining("the run can only resume from what all ranks saved")
                    .hasMessageNotContaining("\n");
            Files.copy(aside, dir.rankResumeState(1));
        }
        assertThat(dir.reshardStaging()).doesNotExist();
        assertThat(dir.ranks()).isEqualTo(2);
        assertThat(rankStates(dir, 2)).containsExactlyElementsOf(before);
    }
}
