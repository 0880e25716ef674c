package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distributed sweep's hand-out policy, on a grid of 4 runs and a coordinator's view kept in a map. */
class SweepAssignmentsTest {
    private final List<SweepGrid.Run> grid = new SweepGrid("reacher", List.of(4, 8), List.of(32), List.of(32),
            List.of(Ablation.NONE), 2, 1000L, List.of(), List.of()).runs();
    private final Map<SweepGrid.Run, RunState> onCoordinator = new HashMap<>();

    private SweepAssignments assignments(int maxAttempts) {
        return new SweepAssignments(grid, r -> onCoordinator.getOrDefault(r, RunState.NEW), maxAttempts);
    }

    @Test
    void freeSlotsGetTheNextRunsInGridOrderAndAFinishedRunIsNeverHandedOut() {
        onCoordinator.put(grid.get(0), RunState.FINISHED);
        onCoordinator.put(grid.get(2), RunState.INTERRUPTED);
        SweepAssignments a = assignments(2);
        assertThat(a.finished()).isEqualTo(1);
        a.workerJoined("w1", 1);
        a.workerJoined("w2", 2);
        List<SweepAssignments.Assignment> out = a.assign();
        assertThat(out).extracting(SweepAssignments.Assignment::run).containsExactly(grid.get(1), grid.get(2), grid.get(3));
        assertThat(out).extracting(SweepAssignments.Assignment::worker).containsExactly("w1", "w2", "w2");
        assertThat(out).extracting(SweepAssignments.Assignment::resume).containsExactly(false, true, false);
        assertThat(out).extracting(SweepAssignments.Assignment::lease).doesNotHaveDuplicates();
        assertThat(a.assign()).as("no slot is free").isEmpty();
    }

    @Test
    void aLostWorkersRunResumesElsewhereAndItsLateReportIsIgnored() {
        SweepAssignments a = assignments(2);
        a.workerJoined("w1", 2);
        a.workerJoined("w2", 2);
        List<SweepAssignments.Assignment> first = a.assign();
        SweepAssignments.Assignment onW1 = first.get(0);
        // w1 dies after its run's first epoch reached the coordinator
        onCoordinator.put(onW1.run(), RunState.INTERRUPTED);
        assertThat(a.workerLost("w1")).containsExactly(first.get(0).run(), first.get(1).run());
        a.workerJoined("w3", 2);
        List<SweepAssignments.Assignment> again = a.assign();
        assertThat(again).extracting(SweepAssignments.Assignment::worker).containsOnly("w3");
        SweepAssignments.Assignment resumed = again.get(0);
        assertThat(resumed.run()).isEqualTo(onW1.run());
        assertThat(resumed.resume()).as("from the resume state that reached the coordinator").isTrue();
        assertThat(again.get(1).resume()).as("nothing of it arrived: it starts over").isFalse();

        // w1 was only cut off and reports under its old lease: ignored, the run stays with w3
        assertThat(a.ended(onW1.run(), onW1.lease(), SweepAssignments.Outcome.FINISHED, null)).isFalse();
        assertThat(a.leaseOf(onW1.run())).isEqualTo(resumed.lease());
        assertThat(a.running()).isEqualTo(4);
    }

    @Test
    void finishedCountsOnlyWhenTheCoordinatorsCopyIsFinishedAndFailuresAreRetriedThenGivenUp() {
        SweepAssignments a = assignments(2);
        a.workerJoined("w", 4);
        List<SweepAssignments.Assignment> out = a.assign();
        onCoordinator.put(out.get(0).run(), RunState.FINISHED);
        assertThat(a.ended(out.get(0).run(), out.get(0).lease(), SweepAssignments.Outcome.FINISHED, null)).isTrue();
        // finished on the worker, but finished.json never arrived: a failed attempt, retried
        assertThat(a.ended(out.get(1).run(), out.get(1).lease(), SweepAssignments.Outcome.FINISHED, null)).isTrue();
        assertThat(a.ended(out.get(2).run(), out.get(2).lease(), SweepAssignments.Outcome.FAILED, "exit 1")).isTrue();
        assertThat(a.ended(out.get(3).run(), out.get(3).lease(), SweepAssignments.Outcome.STOPPED, null)).isTrue();
        assertThat(a.finished()).isEqualTo(1);
        assertThat(a.pending()).isEqualTo(3);

        List<SweepAssignments.Assignment> retry = a.assign();
        assertThat(retry).hasSize(3);
        for (SweepAssignments.Assignment r : retry) {
            if (!r.run().equals(out.get(3).run())) { // the stopped one has no failure against it
                a.ended(r.run(), r.lease(), SweepAssignments.Outcome.FAILED, "exit 137");
            } else {
                onCoordinator.put(r.run(), RunState.FINISHED);
                a.ended(r.run(), r.lease(), SweepAssignments.Outcome.FINISHED, null);
            }
        }
        assertThat(a.over()).isTrue();
        assertThat(a.finished()).isEqualTo(2);
        assertThat(a.failed()).containsOnlyKeys(out.get(1).run(), out.get(2).run()).containsValue("exit 137");
    }

    @Test
    void aRestartedCoordinatorRebuildsFromTheSweepDirectory(@TempDir Path sweep) throws Exception {
        Path done = grid.get(1).dir(sweep);
        Files.createDirectories(done);
        Files.writeString(done.resolve("finished.json"), "{}\n");
        SweepAssignments a = SweepAssignments.of(grid, sweep, 2);
        assertThat(a.finished()).isEqualTo(1);
        a.workerJoined("w", 8);
        assertThat(a.assign()).extracting(SweepAssignments.Assignment::run)
                .containsExactly(grid.get(0), grid.get(2), grid.get(3));
    }
}
