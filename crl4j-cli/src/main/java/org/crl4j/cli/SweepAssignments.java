package org.crl4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Which run of a distributed sweep goes to which worker: the coordinator's policy, without the transport. The
 * sweep directory on the coordinator is the truth: a run is finished when its copy there is (finished.json, written
 * after every other file arrived), and a run handed out again resumes from the resume state that reached it.
 *
 * <p>Guarantees, each tested: a finished run is never handed out; a run is held by at most one worker at a time;
 * every hand-out has its own lease number, and a report under an older lease (a worker that was given up for lost
 * and still talks) is ignored, so nothing is trained twice into the sweep directory; a run that fails is retried on
 * another worker up to {@code maxAttempts} times, then reported failed; a restarted coordinator rebuilds all of this
 * from the directory.
 */
final class SweepAssignments {
    /** A run handed to a worker: {@code resume} when the coordinator holds its resume state. */
    record Assignment(SweepGrid.Run run, String worker, long lease, boolean resume) {
    }

    /** How a worker says a run ended. */
    enum Outcome { FINISHED, STOPPED, FAILED }

    private enum Status { PENDING, RUNNING, FINISHED, FAILED }

    private static final class Entry {
        final SweepGrid.Run run;
        Status status = Status.PENDING;
        Assignment holder;
        int failures;
        String lastProblem;

        Entry(SweepGrid.Run run) {
            this.run = run;
        }
    }

    private final Map<SweepGrid.Run, Entry> runs = new LinkedHashMap<>();
    private final Map<String, Integer> slots = new LinkedHashMap<>();
    private final Function<SweepGrid.Run, RunState> stateOnCoordinator;
    private final int maxAttempts;
    private long nextLease = 1;

    /**
     * @param stateOnCoordinator where a run stands in the coordinator's copy (normally {@code RunState.of(run.dir(sweep))})
     * @param maxAttempts        hand-outs that may fail before a run is given up (worker losses do not count)
     */
    SweepAssignments(List<SweepGrid.Run> grid, Function<SweepGrid.Run, RunState> stateOnCoordinator, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.stateOnCoordinator = stateOnCoordinator;
        this.maxAttempts = maxAttempts;
        for (SweepGrid.Run r : grid) {
            Entry e = new Entry(r);
            if (stateOnCoordinator.apply(r) == RunState.FINISHED) {
                e.status = Status.FINISHED;
            }
            runs.put(r, e);
        }
    }

    /** The runs of {@code grid} under {@code sweepDir}, as they stand there. */
    static SweepAssignments of(List<SweepGrid.Run> grid, Path sweepDir, int maxAttempts) {
        return new SweepAssignments(grid, r -> RunState.of(r.dir(sweepDir)), maxAttempts);
    }

    synchronized void workerJoined(String worker, int workerSlots) {
        if (workerSlots < 1) {
            throw new IllegalArgumentException("a worker needs at least one slot, " + worker + " offers " + workerSlots);
        }
        slots.put(worker, workerSlots);
    }

    /** A worker left or was found unreachable: its runs go back to the queue (they resume from what arrived). */
    synchronized List<SweepGrid.Run> workerLost(String worker) {
        slots.remove(worker);
        List<SweepGrid.Run> back = new ArrayList<>();
        for (Entry e : runs.values()) {
            if (e.status == Status.RUNNING && e.holder.worker().equals(worker)) {
                e.status = Status.PENDING;
                e.holder = null;
                back.add(e.run);
            }
        }
        return back;
    }

    /** Fills every free slot with the next pending runs, in grid order, each worker in the order it joined. */
    synchronized List<Assignment> assign() {
        List<Assignment> out = new ArrayList<>();
        for (Map.Entry<String, Integer> w : slots.entrySet()) {
            int free = w.getValue() - running(w.getKey());
            for (Entry e : runs.values()) {
                if (free == 0) {
                    break;
                }
                if (e.status != Status.PENDING) {
                    continue;
                }
                RunState state = stateOnCoordinator.apply(e.run);
                if (state == RunState.FINISHED) { // it arrived whole after all (a late report): never train it again
                    e.status = Status.FINISHED;
                    continue;
                }
                e.holder = new Assignment(e.run, w.getKey(), nextLease++, state == RunState.INTERRUPTED);
                e.status = Status.RUNNING;
                out.add(e.holder);
                free--;
            }
        }
        return out;
    }

    /**
     * A worker's report that a run ended. Ignored (returns false) unless {@code lease} is the run's current one.
     * FINISHED counts only once the coordinator's copy is finished; otherwise, like FAILED, it is a failed attempt
     * (the run goes back to the queue until it has failed {@code maxAttempts} times). STOPPED (the worker was asked
     * to stop, or shut down cleanly) puts the run back without counting against it.
     */
    synchronized boolean ended(SweepGrid.Run run, long lease, Outcome outcome, String problem) {
        Entry e = runs.get(run);
        if (e == null || e.status != Status.RUNNING || e.holder.lease() != lease) {
            return false;
        }
        e.holder = null;
        if (outcome == Outcome.FINISHED && stateOnCoordinator.apply(run) == RunState.FINISHED) {
            e.status = Status.FINISHED;
            return true;
        }
        if (outcome == Outcome.STOPPED) {
            e.status = Status.PENDING;
            return true;
        }
        e.failures++;
        e.lastProblem = outcome == Outcome.FINISHED ? "finished on the worker, but its files did not all arrive" : problem;
        e.status = e.failures >= maxAttempts ? Status.FAILED : Status.PENDING;
        return true;
    }

    /** The lease under which {@code run} is held now, or 0 when no worker holds it. */
    synchronized long leaseOf(SweepGrid.Run run) {
        Entry e = runs.get(run);
        return e != null && e.holder != null ? e.holder.lease() : 0;
    }

    private int running(String worker) {
        int n = 0;
        for (Entry e : runs.values()) {
            if (e.status == Status.RUNNING && e.holder.worker().equals(worker)) {
                n++;
            }
        }
        return n;
    }

    synchronized int finished() {
        return count(Status.FINISHED);
    }

    synchronized int running() {
        return count(Status.RUNNING);
    }

    synchronized int pending() {
        return count(Status.PENDING);
    }

    /** The runs given up, each with its last problem. */
    synchronized Map<SweepGrid.Run, String> failed() {
        Map<SweepGrid.Run, String> out = new LinkedHashMap<>();
        for (Entry e : runs.values()) {
            if (e.status == Status.FAILED) {
                out.put(e.run, e.lastProblem);
            }
        }
        return out;
    }

    /** No run is pending or running: the sweep is over (all finished, or some given up). */
    synchronized boolean over() {
        return pending() == 0 && running() == 0;
    }

    private int count(Status s) {
        int n = 0;
        for (Entry e : runs.values()) {
            if (e.status == s) {
                n++;
            }
        }
        return n;
    }
}
