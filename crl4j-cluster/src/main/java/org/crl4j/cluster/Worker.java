package org.crl4j.cluster;

import java.nio.file.Path;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * A worker, one per joining node: registers itself with the Receptionist under {@link Coordinator#WORKERS},
 * answers the coordinator's challenge with the HMAC of the cluster secret, advertises its slots, and uploads files
 * to the coordinator on request.
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

    /** Local: is this worker registered? */
    public record GetStatus(ActorRef<Boolean> replyTo) implements Command {
    }

    /**
     * @param chunkSize bytes per chunk; must stay below Artery's maximum-frame-size (256 KiB by default)
     * @param window    chunks in flight before the first acknowledgement
     */
    public record Settings(Secret secret, int slots, int chunkSize, int window) {
        public static Settings of(Secret secret, int slots) {
            return new Settings(secret, slots, FileTransfer.DEFAULT_CHUNK_SIZE, 4);
        }
    }

    private final Settings settings;
    private ActorRef<Coordinator.Command> coordinator;
    private boolean registered;
    private int uploads;

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
                .onMessage(GetStatus.class, q -> {
                    q.replyTo().tell(registered);
                    return this;
                })
                .onMessage(Upload.class, u -> {
                    if (!registered) {
                        u.replyTo().tell(FileTransfer.UploadResult.failure(u.name(), "worker not registered yet"));
                        return this;
                    }
                    getContext().spawn(FileTransfer.sender(u.file(), u.name(), coordinator, settings.chunkSize(),
                            settings.window(), u.faults(), u.replyTo()), "upload-" + (++uploads));
                    return this;
                })
                .build();
    }
}
