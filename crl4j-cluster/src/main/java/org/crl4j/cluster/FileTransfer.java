package org.crl4j.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Chunked, checksummed file transfer between the coordinator and a worker, either way: a worker sends a run's files
 * back to the sweep directory, the coordinator sends a run's resume state to the worker that takes it over.
 *
 * <pre>
 * sender                                  receiving node (coordinator or worker) / receiver
 *   Offer(id, job, lease, name, size, chunkSize, n, sha256) ──▶ the node checks who sends it, spawns a receiver
 *   ◀── Accepted(id, receiver)
 *   Chunk(id, i, bytes, crc32c) ──▶   (at most `window` unacknowledged)
 *   ◀── ChunkAck(id, i)      CRC-32C matches: written at i * chunkSize into a hidden .part file
 *   ◀── ChunkNack(id, i)     CRC-32C mismatch: the sender sends chunk i again (at most 5 tries)
 *   ◀── Completed(id, sha)   all chunks in and SHA-256 of the .part file matches: renamed atomically to name
 *   ◀── Failed(id, reason)   SHA-256 mismatch, bad offer, or idle for 30 s: the .part file is deleted
 * </pre>
 *
 * Chunks travel on Artery's ordinary lane, so a chunk plus its envelope must fit
 * {@code pekko.remote.artery.advanced.maximum-frame-size} (256 KiB by default); the receiver refuses chunk sizes
 * above that frame size minus {@link #FRAME_OVERHEAD}. The sender re-sends unacknowledged chunks after 2 s without
 * progress.
 */
public final class FileTransfer {

    /** 192 KiB: below Artery's default 256 KiB maximum frame size with room for the envelope. */
    public static final int DEFAULT_CHUNK_SIZE = 192 * 1024;
    /** Bytes kept free in a frame for the message envelope, CBOR framing, the transfer id and the CRC. */
    public static final int FRAME_OVERHEAD = 16 * 1024;
    static final int MAX_ATTEMPTS = 5;
    static final Duration RESEND_AFTER = Duration.ofSeconds(2);
    static final int MAX_IDLE_TICKS = 10;
    static final Duration RECEIVER_IDLE = Duration.ofSeconds(30);
    /** One path segment: no leading dot, so never "." or ".." and never a hidden temporary name. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");
    private static final int MAX_SEGMENTS = 8;

    private FileTransfer() {
    }

    // ---- protocol ----

    /**
     * The first message of a transfer. {@code name} is a relative path of plain segments separated by '/'
     * (e.g. {@code d4-w128-b128/seed1/checkpoints/last.safetensors}); {@code job} and {@code lease} say which run
     * and which hand-out of it the file belongs to (null and 0 for a file outside any job), so a receiving node can
     * refuse files of a hand-out it has given up.
     */
    public record Offer(String transferId, String job, long lease, String name, long size, int chunkSize,
                        int chunkCount, String sha256, ActorRef<SenderCommand> sender)
            implements Coordinator.Command, Worker.Command, CborSerializable {
    }

    public interface SenderCommand {
    }

    public record Accepted(String transferId, ActorRef<ReceiverCommand> receiver)
            implements SenderCommand, CborSerializable {
    }

    public record ChunkAck(String transferId, int index) implements SenderCommand, CborSerializable {
    }

    public record ChunkNack(String transferId, int index, String reason) implements SenderCommand, CborSerializable {
    }

    public record Completed(String transferId, String sha256) implements SenderCommand, CborSerializable {
    }

    public record Failed(String transferId, String reason) implements SenderCommand, CborSerializable {
    }

    private enum Tick implements SenderCommand { INSTANCE }

    public interface ReceiverCommand {
    }

    public record Chunk(String transferId, int index, byte[] data, int crc32c)
            implements ReceiverCommand, CborSerializable {
    }

    private enum Idle implements ReceiverCommand { INSTANCE }

    /** What the worker's caller learns about an upload. */
    public record UploadResult(boolean ok, String name, long size, int chunks, int resentChunks, String sha256,
                               String message) {
        static UploadResult failure(String name, String message) {
            return new UploadResult(false, name, -1, 0, 0, null, message);
        }
    }

    /** Test hook on the sending side: alter a chunk's bytes before or after its CRC-32C is computed. */
    public interface Faults {
        Faults NONE = new Faults() {
        };

        /** Corruption here is invisible to the chunk CRC: only the whole-file SHA-256 can catch it. */
        default byte[] beforeChecksum(int index, int attempt, byte[] data) {
            return data;
        }

        /** Corruption "in flight": the receiver's CRC-32C check catches it and asks for the chunk again. */
        default byte[] afterChecksum(int index, int attempt, byte[] data) {
            return data;
        }

        /** Flips one byte of the listed chunks on their first attempt, after the CRC. */
        static Faults corruptInFlight(Set<Integer> chunks) {
            return new Faults() {
                @Override
                public byte[] afterChecksum(int index, int attempt, byte[] data) {
                    return attempt == 0 && chunks.contains(index) ? flip(data) : data;
                }
            };
        }

        /** Flips one byte of the listed chunks on every attempt, before the CRC. */
        static Faults corruptAtSource(Set<Integer> chunks) {
            return new Faults() {
                @Override
                public byte[] beforeChecksum(int index, int attempt, byte[] data) {
                    return chunks.contains(index) ? flip(data) : data;
                }
            };
        }

        private static byte[] flip(byte[] data) {
            byte[] copy = data.clone();
            copy[copy.length / 2] ^= 0x5a;
            return copy;
        }
    }

    public static int crc32c(byte[] data) {
        CRC32C crc = new CRC32C();
        crc.update(data, 0, data.length);
        return (int) crc.getValue();
    }

    public static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static int chunkCount(long size, int chunkSize) {
        return (int) ((size + chunkSize - 1) / chunkSize);
    }

    /** Sends {@code file} as {@code name} to {@code to} (a coordinator or a worker) and tells {@code replyTo} how it went. */
    public static Behavior<SenderCommand> sender(Path file, String name, String job, long lease, ActorRef<Offer> to,
                                                 int chunkSize, int window, Faults faults,
                                                 ActorRef<UploadResult> replyTo) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            try {
                return new Sender(ctx, timers, file, name, job, lease, to, chunkSize, window, faults, replyTo);
            } catch (IOException e) {
                replyTo.tell(UploadResult.failure(name, "cannot read " + file + ": " + e));
                return Behaviors.stopped();
            }
        }));
    }

    /** Receives the offered file into {@code inbox}/name (parent directories created) and tells {@code listener}. */
    public static Behavior<ReceiverCommand> receiver(Offer offer, Path inbox, long maximumFrameSize,
                                                     ActorRef<CoordinatorEvent> listener) {
        return Behaviors.setup(ctx -> {
            String from = offer.sender().path().address().toString();
            String problem = validate(offer, maximumFrameSize);
            if (problem != null) {
                ctx.getLog().warn("refused file offer {} from {}: {}", offer.name(), from, problem);
                offer.sender().tell(new Failed(offer.transferId(), problem));
                if (listener != null) {
                    listener.tell(new CoordinatorEvent.FileRejected(offer.name(), problem, from));
                }
                return Behaviors.stopped();
            }
            try {
                return new Receiver(ctx, offer, inbox, listener, from);
            } catch (IOException e) {
                offer.sender().tell(new Failed(offer.transferId(), "coordinator cannot write: " + e));
                return Behaviors.stopped();
            }
        });
    }

    /** True for a relative path of at most 8 plain segments: nothing absolute, no "..", no hidden names. */
    public static boolean isSafeName(String name) {
        if (name == null || name.isEmpty() || name.length() > 1000) {
            return false;
        }
        String[] segments = name.split("/", -1);
        if (segments.length > MAX_SEGMENTS) {
            return false;
        }
        for (String seg : segments) {
            if (!SEGMENT.matcher(seg).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String validate(Offer o, long maximumFrameSize) {
        if (!isSafeName(o.name())) {
            return "bad file name " + o.name();
        }
        if (o.chunkSize() <= 0 || o.chunkSize() > maximumFrameSize - FRAME_OVERHEAD) {
            return "chunk size " + o.chunkSize() + " does not fit maximum-frame-size " + maximumFrameSize
                    + " minus " + FRAME_OVERHEAD;
        }
        if (o.size() < 0 || o.chunkCount() != chunkCount(o.size(), o.chunkSize())) {
            return "size " + o.size() + " and chunk count " + o.chunkCount() + " disagree";
        }
        if (o.sha256() == null || !o.sha256().matches("[0-9a-f]{64}")) {
            return "bad SHA-256";
        }
        return null;
    }

    // ---- sender ----

    private static final class Sender extends AbstractBehavior<SenderCommand> {
        private final String transferId = UUID.randomUUID().toString();
        private final String name;
        private final String job;
        private final long lease;
        private final FileChannel channel;
        private final long size;
        private final int chunkSize;
        private final int chunks;
        private final int window;
        private final Faults faults;
        private final String sha256;
        private final ActorRef<Offer> to;
        private final ActorRef<UploadResult> replyTo;
        private final BitSet acked = new BitSet();
        private final int[] attempts;
        private final Set<Integer> inFlight = new LinkedHashSet<>();
        private ActorRef<ReceiverCommand> receiver;
        private int next;
        private int resent;
        private boolean progress;
        private int idleTicks;

        Sender(ActorContext<SenderCommand> ctx, TimerScheduler<SenderCommand> timers, Path file, String name,
               String job, long lease, ActorRef<Offer> to, int chunkSize, int window, Faults faults,
               ActorRef<UploadResult> replyTo) throws IOException {
            super(ctx);
            this.name = name;
            this.job = job;
            this.lease = lease;
            this.to = to;
            this.chunkSize = chunkSize;
            this.window = Math.max(1, window);
            this.faults = faults;
            this.replyTo = replyTo;
            this.sha256 = sha256(file);
            this.channel = FileChannel.open(file, StandardOpenOption.READ);
            this.size = channel.size();
            this.chunks = chunkCount(size, chunkSize);
            this.attempts = new int[chunks];
            to.tell(new Offer(transferId, job, lease, name, size, chunkSize, chunks, sha256, ctx.getSelf()));
            timers.startTimerWithFixedDelay(Tick.INSTANCE, RESEND_AFTER);
        }

        @Override
        public Receive<SenderCommand> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Accepted.class, a -> {
                        if (receiver == null && a.transferId().equals(transferId)) {
                            receiver = a.receiver();
                            progress = true;
                            return fill();
                        }
                        return this;
                    })
                    .onMessage(ChunkAck.class, a -> {
                        if (a.index() >= 0 && a.index() < chunks && !acked.get(a.index())) {
                            acked.set(a.index());
                            inFlight.remove(a.index());
                            progress = true;
                            return fill();
                        }
                        return this;
                    })
                    .onMessage(ChunkNack.class, n -> {
                        int i = n.index();
                        if (i < 0 || i >= chunks || acked.get(i)) {
                            return this;
                        }
                        if (attempts[i] >= MAX_ATTEMPTS) {
                            return fail("chunk " + i + " rejected " + attempts[i] + " times: " + n.reason());
                        }
                        getContext().getLog().info("{}: chunk {} rejected by the receiver ({}), sending it again",
                                name, i, n.reason());
                        progress = true;
                        resent++;
                        return send(i);
                    })
                    .onMessage(Completed.class, c -> {
                        replyTo.tell(new UploadResult(true, name, size, chunks, resent, c.sha256(), "ok"));
                        return Behaviors.stopped();
                    })
                    .onMessage(Failed.class, f -> {
                        replyTo.tell(new UploadResult(false, name, size, chunks, resent, sha256, f.reason()));
                        return Behaviors.stopped();
                    })
                    .onMessage(Tick.class, t -> onTick())
                    .onSignal(PostStop.class, s -> {
                        channel.close();
                        return this;
                    })
                    .build();
        }

        private Behavior<SenderCommand> onTick() throws IOException {
            if (progress) {
                progress = false;
                idleTicks = 0;
                return this;
            }
            if (++idleTicks > MAX_IDLE_TICKS) {
                return fail("no progress for " + RESEND_AFTER.multipliedBy(MAX_IDLE_TICKS));
            }
            if (receiver != null) {
                for (int i : List.copyOf(inFlight)) {
                    resent++;
                    send(i);
                }
            }
            return this;
        }

        private Behavior<SenderCommand> fill() throws IOException {
            while (inFlight.size() < window && next < chunks) {
                send(next++);
            }
            return this;
        }

        private Behavior<SenderCommand> send(int i) throws IOException {
            long offset = (long) i * chunkSize;
            int length = (int) Math.min(chunkSize, size - offset);
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining()) {
                if (channel.read(buf, offset + buf.position()) < 0) {
                    throw new IOException("file shrank while sending: " + name);
                }
            }
            byte[] data = faults.beforeChecksum(i, attempts[i], buf.array());
            int crc = crc32c(data);
            data = faults.afterChecksum(i, attempts[i], data);
            attempts[i]++;
            inFlight.add(i);
            receiver.tell(new Chunk(transferId, i, data, crc));
            return this;
        }

        private Behavior<SenderCommand> fail(String reason) {
            getContext().getLog().warn("upload of {} failed: {}", name, reason);
            replyTo.tell(new UploadResult(false, name, size, chunks, resent, sha256, reason));
            return Behaviors.stopped();
        }
    }

    // ---- receiver ----

    private static final class Receiver extends AbstractBehavior<ReceiverCommand> {
        private final Offer offer;
        private final Path target;
        private final Path part;
        private final FileChannel channel;
        private final ActorRef<CoordinatorEvent> listener;
        private final String from;
        private final BitSet received = new BitSet();
        private int count;
        private int corrupt;
        private boolean done;

        Receiver(ActorContext<ReceiverCommand> ctx, Offer offer, Path inbox,
                 ActorRef<CoordinatorEvent> listener, String from) throws IOException {
            super(ctx);
            this.offer = offer;
            this.listener = listener;
            this.from = from;
            this.target = inbox.resolve(offer.name());
            Files.createDirectories(target.getParent());
            // hidden, and beside its target so that the rename stays on one file system
            this.part = target.resolveSibling("." + target.getFileName() + "." + offer.transferId() + ".part");
            this.channel = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            ctx.setReceiveTimeout(RECEIVER_IDLE, Idle.INSTANCE);
            offer.sender().tell(new Accepted(offer.transferId(), ctx.getSelf()));
            if (offer.chunkCount() == 0) {
                ctx.getSelf().tell(new Chunk(offer.transferId(), -1, new byte[0], 0));
            }
        }

        @Override
        public Receive<ReceiverCommand> createReceive() {
            return newReceiveBuilder()
                    .onMessage(Chunk.class, this::onChunk)
                    .onMessage(Idle.class, i -> fail("no chunk for " + RECEIVER_IDLE))
                    .onSignal(PostStop.class, s -> {
                        if (channel.isOpen()) {
                            channel.close();
                        }
                        if (!done) {
                            Files.deleteIfExists(part);
                        }
                        return this;
                    })
                    .build();
        }

        private Behavior<ReceiverCommand> onChunk(Chunk c) throws IOException {
            if (!c.transferId().equals(offer.transferId())) {
                return this;
            }
            if (c.index() == -1 && offer.chunkCount() == 0) {
                return finish();
            }
            int i = c.index();
            if (i < 0 || i >= offer.chunkCount()) {
                return this;
            }
            long offset = (long) i * offer.chunkSize();
            long expected = Math.min(offer.chunkSize(), offer.size() - offset);
            if (c.data() == null || c.data().length != expected) {
                offer.sender().tell(new ChunkNack(offer.transferId(), i, "length " + (c.data() == null ? -1
                        : c.data().length) + " != " + expected));
                return this;
            }
            int crc = crc32c(c.data());
            if (crc != c.crc32c()) {
                corrupt++;
                getContext().getLog().warn("{} from {}: chunk {} failed its CRC-32C ({} != {}), asking again",
                        offer.name(), from, i, Integer.toHexString(crc), Integer.toHexString(c.crc32c()));
                offer.sender().tell(new ChunkNack(offer.transferId(), i, "CRC-32C mismatch"));
                return this;
            }
            if (!received.get(i)) {
                ByteBuffer buf = ByteBuffer.wrap(c.data());
                while (buf.hasRemaining()) {
                    channel.write(buf, offset + buf.position());
                }
                received.set(i);
                count++;
            }
            offer.sender().tell(new ChunkAck(offer.transferId(), i));
            return count == offer.chunkCount() ? finish() : this;
        }

        private Behavior<ReceiverCommand> finish() throws IOException {
            channel.force(true);
            channel.close();
            String actual = sha256(part);
            if (!actual.equals(offer.sha256())) {
                return fail("SHA-256 mismatch: offered " + offer.sha256() + ", received " + actual);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            getContext().getLog().info("received {} from {}: {} bytes, {} chunks, {} corrupt chunks re-sent, sha256 {}",
                    offer.name(), from, offer.size(), offer.chunkCount(), corrupt, actual);
            offer.sender().tell(new Completed(offer.transferId(), actual));
            if (listener != null) {
                listener.tell(new CoordinatorEvent.FileReceived(offer.name(), target, offer.size(), actual, corrupt,
                        from));
            }
            return Behaviors.stopped();
        }

        private Behavior<ReceiverCommand> fail(String reason) {
            getContext().getLog().warn("file {} from {} rejected: {}", offer.name(), from, reason);
            offer.sender().tell(new Failed(offer.transferId(), reason));
            if (listener != null) {
                listener.tell(new CoordinatorEvent.FileRejected(offer.name(), reason, from));
            }
            return Behaviors.stopped();
        }
    }
}
