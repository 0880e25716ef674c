package org.crl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import org.crl4j.rl.RunDirectory;
import org.crl4j.rl.Trainer;

/** Where a run of a sweep stands, read from its directory. */
enum RunState {
    /** Nothing saved yet: start it (over). */
    NEW,
    /** A resume state (checkpoints/resume.safetensors or the one it replaced) but no finished.json: continue it with train --resume. */
    INTERRUPTED,
    /** train wrote finished.json at the end of the schedule: skip it. */
    FINISHED;

    static RunState of(Path runDir) {
        if (RunDirectory.at(runDir).isFinished()) {
            return FINISHED;
        }
        return Trainer.hasResumeState(RunDirectory.at(runDir).resumeState()) ? INTERRUPTED : NEW;
    }
}
