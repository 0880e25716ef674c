package org.crl4j.rl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.crl4j.core.Parallel;
import org.crl4j.core.io.AtomicFiles;
import org.crl4j.core.io.CorruptFileException;
import org.crl4j.core.io.Json;

/**
 * Changes the number of ranks a run directory's data-parallel run resumes with ({@code train --resume RUN --ranks K2};
 * {@link Resharding} re-cuts the states), so that a kill at any point leaves a run that resumes with the old number
 * of ranks or the new one, never a mix:
 * <ol>
 *   <li>the K2 new states are written to {@code RUN/reshard/rank-R.safetensors}, each atomically;</li>
 *   <li>{@code RUN/reshard/ready.json}, written atomically, commits them;</li>
 *   <li>roll forward: each new state replaces its rank's resume state (the previous state beside it, of the old cut,
 *   is deleted first), the directories of ranks ≥ K2 are deleted, config.json's "ranks" becomes K2, and
 *   {@code RUN/reshard} is deleted last.</li>
 * </ol>
 * {@link #finishInterrupted} comes first on every resume: a staging directory without ready.json is discarded (the old
 * states were not touched), one with it is rolled forward again (every step of 3 can be repeated).
 * Call both under the run's lock.
 */
public final class RunResharding {
    private static final String MARKER = "ready.json";

    private RunResharding() {
    }

    /** Where rank {@code rank}'s new state is staged. */
    static Path staged(RunDirectory dir, int rank) {
        return dir.reshardStaging().resolve("rank-" + rank + ".safetensors");
    }

    static Path marker(RunDirectory dir) {
        return dir.reshardStaging().resolve(MARKER);
    }

    /**
     * Completes or discards a reshard a crash interrupted; returns the line that says which, or null when there was
     * none.
     */
    public static String finishInterrupted(RunDirectory dir) throws IOException {
        Path staging = dir.reshardStaging();
        if (!Files.exists(staging)) {
            return null;
        }
        if (!Files.isRegularFile(marker(dir))) {
            AtomicFiles.deleteTree(staging);
            return "discarded the unfinished reshard in " + staging + " (stopped before its new states were complete);"
                    + " the run's states are as they were";
        }
        Map<String, Object> m;
        try {
            m = Json.parseObject(Files.readString(marker(dir), StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new CorruptFileException(marker(dir), "it is not valid JSON (" + e.getMessage() + ")");
        }
        if (!(m.get("ranks") instanceof Number ranks) || ranks.intValue() < 1) {
            throw new CorruptFileException(marker(dir), "it names no number of ranks");
        }
        rollForward(dir, ranks.intValue());
        return "finished the interrupted reshard of " + dir + " to " + ranks.intValue() + " rank"
                + (ranks.intValue() == 1 ? "" : "s") + " at " + String.format("%,d", ((Number) m.get("env_steps")).longValue())
                + " env steps";
    }

    /**
     * Re-cuts the run's saved states (K = {@link RunDirectory#ranks} of them) for {@code ranks} ranks and puts them
     * in place; returns the one line that says what happened. The states taken are rank 0's latest good one (as
     * {@link Trainer#resumeLatest} picks it, falling back to the previous state) and each other rank's at rank 0's
     * env steps ({@link Trainer#resumeAt}). Bad requests (a number of ranks the environments or the batch do not
     * split over, a rank's state missing) fail with one line before anything is written.
     */
    public static String reshard(RunDirectory dir, int ranks, Parallel pool, Consumer<String> note) throws IOException {
        Resharding cut = stage(dir, ranks, pool, note);
        rollForward(dir, ranks);
        int k = cut.fromRanks();
        return "resharded " + dir + " from " + k + " rank" + (k == 1 ? "" : "s") + " to " + ranks + " at "
                + String.format("%,d", cut.envSteps()) + " env steps (" + cut.moves(ranks) + ")";
    }

    /** Steps 1 and 2 of the class comment: the new states staged and committed, nothing in place yet. */
    static Resharding stage(RunDirectory dir, int ranks, Parallel pool, Consumer<String> note) throws IOException {
        int k = dir.ranks();
        for (int r = 1; r < k; r++) {
            if (RunLock.isHeld(dir.rankDir(r))) {
                throw new IllegalStateException("rank " + r + " of " + dir + " is still running (" + dir.rankDir(r)
                        .resolve(RunLock.FILE) + " is held); stop it before resuming with another number of ranks");
            }
        }
        List<Trainer> saved = new ArrayList<>();
        Trainer lead = Trainer.resumeLatest(dir.resumeState(), pool, Resharding.loadingRank(0, k), note);
        Trainer.requireSplit(lead.config(), ranks);
        saved.add(lead);
        for (int r = 1; r < k; r++) {
            Path state = dir.rankResumeState(r);
            if (!Trainer.hasResumeState(state)) {
                throw new IllegalArgumentException(dir + " was trained by " + k + " ranks, and rank " + r + " has no "
                        + "saved state (" + state + "); the run can only resume from what all ranks saved");
            }
            Trainer t = Trainer.resumeAt(state, pool, Resharding.loadingRank(r, k), lead.envSteps());
            t.extendTo(lead.config().totalEnvSteps()); // rank 0's state may be lengthened already, as a resume does
            saved.add(t);
        }
        Resharding cut = new Resharding(saved);
        Path staging = dir.reshardStaging();
        boolean committed = false;
        try {
            AtomicFiles.deleteTree(staging);
            Files.createDirectories(staging);
            for (int r = 0; r < ranks; r++) {
                cut.rank(r, ranks, pool).saveResumeState(staged(dir, r));
            }
            Map<String, Object> marker = new LinkedHashMap<>();
            marker.put("ranks", ranks);
            marker.put("from_ranks", k);
            marker.put("env_steps", cut.envSteps());
            AtomicFiles.writeString(marker(dir), Json.write(marker) + "\n");
            committed = true;
        } finally {
            if (!committed) {
                deleteQuietly(staging); // the old states are intact; the next resume would discard this anyway
            }
        }
        return cut;
    }

    /** Step 3 of the class comment; every part of it can be repeated after a crash. */
    static void rollForward(RunDirectory dir, int ranks) throws IOException {
        for (int r = 0; r < ranks; r++) {
            Path staged = staged(dir, r);
            Path target = dir.rankResumeState(r);
            // While the marker exists no rank has trained, so any previous state is of the old cut: a fallback to it
            // would mix the two. Deleted whether or not this rank's new state is already in place.
            Files.deleteIfExists(Trainer.previousOf(target));
            if (Files.isRegularFile(staged)) {
                Files.createDirectories(target.getParent());
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path rankDirs = dir.rankDir(1).getParent();
        if (Files.isDirectory(rankDirs)) {
            try (var children = Files.newDirectoryStream(rankDirs)) {
                for (Path child : children) {
                    if (rankNumber(child) >= ranks) {
                        AtomicFiles.deleteTree(child);
                    }
                }
            }
            if (ranks == 1 && isEmpty(rankDirs)) {
                Files.delete(rankDirs);
            }
        }
        dir.writeRanks(ranks);
        AtomicFiles.deleteTree(dir.reshardStaging());
    }

    /** The rank a directory under RUN/ranks is for, or −1 when its name is not a rank's. */
    private static int rankNumber(Path rankDir) {
        String name = rankDir.getFileName().toString();
        return name.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(name) : -1;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            AtomicFiles.deleteTree(dir);
        } catch (IOException ignored) {
            // the next resume discards a staging directory without its marker
        }
    }
}
