package org.crl4j.cluster;

import java.nio.file.Path;
import java.time.Duration;

/** What the coordinator tells its (local, optional) listener; never sent across nodes. */
public sealed interface CoordinatorEvent {

    record WorkerRegistered(String address, String worker, int slots, int workers, int totalSlots)
            implements CoordinatorEvent {
    }

    /** A node that did not present the secret; the coordinator has downed it. */
    record JoinRefused(String address, String reason) implements CoordinatorEvent {
    }

    /** The failure detector marked a registered worker's node unreachable. */
    record WorkerUnreachable(String address, String worker) implements CoordinatorEvent {
    }

    /** A registered worker is gone for good (its node was downed and removed, or the actor stopped). */
    record WorkerLost(String address, String worker, String reason, Duration registeredFor)
            implements CoordinatorEvent {
    }

    /** A job's commands ended on its worker (or it could not start there); see {@link Coordinator.JobEnded}. */
    record JobEnded(String job, long lease, String worker, boolean completed, boolean stopped, int exitCode,
                    String problem) implements CoordinatorEvent {
    }

    record FileReceived(String name, Path path, long size, String sha256, int corruptChunks, String from)
            implements CoordinatorEvent {
    }

    record FileRejected(String name, String reason, String from) implements CoordinatorEvent {
    }
}
