package org.crl4j.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * A worker, one per joining node: registers itself with the Receptionist under {@link Coordinator#WORKERS},
 * answers the coordinator's challenge with the HMAC of the cluster secret, advertises its slots, runs the jobs the
 * coordinator assigns (one {@link JobRunner} each, at most {@code slots} at once), and uploads files on request.
 */
public final class Worker extends AbstractBehavior<Worker.Command> {

    public interface Command {
    }

    /** From the coordinator: prove you know the secret. */
    public record Challenge(String nonce, ActorRef<Coordinator.Command> coordinator)
            implements Command, CborSerializable {
    }

    /** From the coordinator: you are counted. */
    public record Registered(String coordinatorAddress) implements Command, CborSerializable {
    }

    /**
     * Local: send {@code file} to the coordinator's inbox as {@code name}; {@code faults} is a test hook
     * ({@link FileTransfer.Faults#NONE} otherwise).
     */
    public record Upload(Path file, String name, FileTransfer.Faults faults,
                         ActorRef<FileTransfer.UploadResult> replyTo) implements Command {
        public Upload(Path file, String name, ActorRef<FileTransfer.UploadResult> replyTo) {
            this(file, name, FileTransfer.Faults.NONE, replyTo);
        }
    }

    /** In a job's commands, stands for the job's run directory on the worker. */
    public static final String RUN_DIR = "{run}";

    /**
     * From the coordinator: run {@code commands} (crl4j command lines, {@link #RUN_DIR} in them replaced by the
     * job's local run directory) one after another with {@code threads} threads each, after the files
     * {@code incoming} (relative to the run directory) have arrived from the coordinator; copy the run back as
     * {@code job/...} and report {@link Coordinator.JobEnded}.
     */
    public record Assign(String job, long lease, List<List<String>> commands, int threads, List<String> incoming,
                         ActorRef<Coordinator.Command> coordinator) implements Command, CborSerializable {
    }

    /** From the coordinator: stop this job (its run is copied back and it reports that it stopped). */
    public record CancelJob(String job, long lease) implements Command, CborSerializable {
    }

    /** Local, from a JobRunner: it has reported and stopped. */
    record JobDone(String job, long lease) implements Command {
    }

    /** Local: is this worker registered? */
    public record GetStatus(ActorRef<Boolean> replyTo) implements Command {
    }

    /**
     * @param chunkSize    bytes per chunk; must stay below Artery's maximum-frame-size (256 KiB by default)
     * @param window       chunks in flight before the first acknowledgement
     * @param launcher     starts a job's commands; null for a worker that takes no jobs (transfer tests)
     * @param workDir      where the jobs' run directories live while they run
     * @param syncInterval how often a running job looks for a new resume state to copy back
     */
    public record Settings(Secret secret, int slots, int chunkSize, int window, JobLauncher launcher, Path workDir,
                           Duration syncInterval) {
        public static Settings of(Secret secret, int slots) {
            return new Settings(secret, slots, FileTransfer.DEFAULT_CHUNK_SIZE, 4, null, null, Duration.ofSeconds(1));
        }

        public static Settings jobs(Secret secret, int slots, JobLauncher launcher, Path workDir) {
            return new Settings(secret, slots, FileTransfer.DEFAULT_CHUNK_SIZE, 4, launcher, workDir,
                    Duration.ofSeconds(1));
        }
    }

    private final Settings settings;
    private ActorRef<Coordinator.Command> coordinator;
    private boolean registered;
    private int uploads;
    private final Map<String, ActorRef<JobRunner.Command>> jobs = new HashMap<>();
    private final Map<String, Long> leases = new HashMap<>();

    public static Behavior<Command> create(Settings settings) {
        return Behaviors.setup(ctx -> new Worker(ctx, settings));
    }

    private Worker(ActorContext<Command> ctx, Settings settings) {
        super(ctx);
        this.settings = settings;
        ctx.getSystem().receptionist().tell(Receptionist.register(Coordinator.WORKERS, ctx.getSelf()));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Challenge.class, c -> {
                    coordinator = c.coordinator();
                    String hmac = settings.secret().sign(c.nonce(),
                            getContext().getSelf().path().toStringWithoutAddress(), settings.slots());
                    coordinator.tell(new Coordinator.Registration(getContext().getSelf(), settings.slots(), c.nonce(),
                            hmac));
                    return this;
                })
                .onMessage(Registered.class, r -> {
                    if (!registered) {
                        getContext().getLog().info("registered with coordinator at {} ({} slots)",
                                r.coordinatorAddress(), settings.slots());
                    }
                    registered = true;
                    return this;
                })
                .onMessage(Assign.class, this::onAssign)
                .onMessage(CancelJob.class, c -> {
                    ActorRef<JobRunner.Command> runner = jobs.get(c.job());
                    if (runner != null && leases.get(c.job()) == c.lease()) {
                        runner.tell(JobRunner.Cancel.INSTANCE);
                    }
                    return this;
                })
                .onMessage(JobDone.class, d -> {
                    if (leases.getOrDefault(d.job(), -1L) == d.lease()) {
                        jobs.remove(d.job());
                        leases.remove(d.job());
                    }
                    return this;
                })
                .onMessage(FileTransfer.Offer.class, this::onOffer)
                .onMessage(GetStatus.class, q -> {
                    q.replyTo().tell(registered);
                    return this;
                })
                .onMessage(Upload.class, u -> {
                    if (!registered) {
                        u.replyTo().tell(FileTransfer.UploadResult.failure(u.name(), "worker not registered yet"));
                        return this;
                    }
                    getContext().spawn(FileTransfer.sender(u.file(), u.name(), null, 0, coordinator.narrow(),
                            settings.chunkSize(), settings.window(), u.faults(), u.replyTo()), "upload-" + (++uploads));
                    return this;
                })
                .build();
    }

    private Behavior<Command> onAssign(Assign a) {
        String refusal = null;
        if (!registered || coordinator == null || !a.coordinator().path().address().equals(coordinator.path().address())) {
            refusal = "not registered with that coordinator";
        } else if (settings.launcher() == null) {
            refusal = "this worker takes no jobs";
        } else if (jobs.containsKey(a.job())) {
            refusal = "already runs " + a.job();
        } else if (jobs.size() >= settings.slots()) {
            refusal = "all " + settings.slots() + " slots are busy";
        }
        if (refusal != null) {
            getContext().getLog().warn("job {} (lease {}) refused: {}", a.job(), a.lease(), refusal);
            a.coordinator().tell(new Coordinator.JobEnded(a.job(), a.lease(), false, true, -1, refusal));
            return this;
        }
        ActorRef<JobRunner.Command> runner = getContext().spawn(
                JobRunner.create(a, settings.workDir(), settings, getContext().getSelf()), "job-" + a.lease());
        jobs.put(a.job(), runner);
        leases.put(a.job(), a.lease());
        return this;
    }

    /** Files of a job's resume state, from this worker's coordinator only, for a job it holds under that lease. */
    private Behavior<Command> onOffer(FileTransfer.Offer offer) {
        boolean fromCoordinator = coordinator != null
                && offer.sender().path().address().equals(coordinator.path().address());
        ActorRef<JobRunner.Command> runner = offer.job() == null ? null : jobs.get(offer.job());
        if (!fromCoordinator || runner == null || leases.get(offer.job()) != offer.lease()) {
            getContext().getLog().warn("file offer {} from {} refused: {}", offer.name(), offer.sender().path().address(),
                    fromCoordinator ? "no such job here" : "not from the coordinator");
            offer.sender().tell(new FileTransfer.Failed(offer.transferId(), "refused by the worker"));
            return this;
        }
        runner.tell(new JobRunner.Incoming(offer));
        return this;
    }
}
