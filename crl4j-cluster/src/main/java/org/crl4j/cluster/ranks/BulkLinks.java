package org.crl4j.cluster.ranks;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.crl4j.rl.ranks.GradientReducer;

/**
 * The ranks' gradients on plain TCP connections, one per pair of ranks, beside the Pekko cluster that found the ranks
 * and watches them: Artery moved a 13 MB gradient at 0.1–0.2 GB/s on loopback (docs/benchmarks.md).
 *
 * <p>One all-reduce is a reduce-scatter, then an all-gather, each one message per peer, run by the calling thread on
 * non-blocking sockets (a selector waits when no socket can move): no thread hand-offs, no allocation per call, and
 * both directions of every link move at once, so two ranks sending megabytes to each other never block each other.
 * Rank r owns one contiguous slice of the gradient ({@link #sliceStart}); it sums that slice in
 * {@link org.crl4j.rl.ranks.LocalRanks}' order (rank 0's value, + rank 1 .. K−1, in float, × 1/K) and sends the
 * result to every other rank, so every rank ends with LocalRanks' bits. A message is a small header (kind, round,
 * group, gradient length, float count) and raw little-endian floats; the header catches ranks out of step.
 */
final class BulkLinks implements AutoCloseable {
    /** kind, round, group, length, float count. */
    private static final int HEADER = 1 + 8 + 1 + 4 + 4;
    private static final byte CONTRIBUTION = 0;
    private static final byte MEAN = 1;
    private static final GradientReducer.Group[] GROUPS = GradientReducer.Group.values();
    /** Kernel socket buffers large enough that a few megabytes move per wake-up. */
    private static final int SOCKET_BUFFER = 4 << 20;

    /** Thrown inside {@link #allReduceMean} when a link broke; the reducer reports the lost rank. */
    static final class LinkLost extends RuntimeException {
        LinkLost() {
            super(null, null, false, false);
        }
    }

    private final ServerSocketChannel server;
    private Selector selector;
    private Peer[] peers = new Peer[0];
    private int rank;
    private int k;
    private float[] sum = new float[0];
    /** Per rank: where its values of this rank's slice are summed from (this rank's own: the gradient itself). */
    private float[][] sources = new float[0][];
    private int[] offsets = new int[0];
    private AtomicReference<RankMessages.Lost> lost;

    /** One link's buffers: what goes out in the current phase, and what this rank waits for. */
    private static final class Peer {
        final int rank;
        final SocketChannel channel;
        final SelectionKey key;
        ByteBuffer out = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer in = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        /** The floats after each buffer's header, views made once per buffer (not per call). */
        FloatBuffer outFloats = floatsOf(out);
        FloatBuffer inFloats = floatsOf(in);
        /** This peer's contribution to this rank's slice, copied out of {@link #in} to be summed. */
        float[] contribution = new float[0];
        boolean headerRead;
        byte expectKind;
        int expectFloats;

        Peer(int rank, SocketChannel channel, SelectionKey key) {
            this.rank = rank;
            this.channel = channel;
            this.key = key;
        }
    }

    private static FloatBuffer floatsOf(ByteBuffer b) {
        return b.duplicate().position(HEADER).slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    private BulkLinks(ServerSocketChannel server) {
        this.server = server;
    }

    /** Listens on {@code host}, any free port. */
    static BulkLinks listen(String host) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
        s.bind(new InetSocketAddress(host, 0));
        return new BulkLinks(s);
    }

    int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    /**
     * Connects to the lower ranks and accepts the higher ones. Each connecting rank says which it is; with a cluster
     * {@code secret} (ranks on several machines) the accepting rank first sends a fresh nonce and the other answers
     * with the HMAC of the secret over it, its run and its rank, so a stranger who finds the port cannot feed the
     * all-reduce; a connection that fails the check is closed and the rank goes on accepting.
     */
    void connect(int rank, int k, String[] hosts, int[] ports, AtomicReference<RankMessages.Lost> lost, String runId,
                 org.crl4j.cluster.Secret secret) throws IOException {
        this.rank = rank;
        this.k = k;
        this.lost = lost;
        SocketChannel[] links = new SocketChannel[k];
        for (int j = 0; j < rank; j++) {
            SocketChannel ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            ch.connect(new InetSocketAddress(hosts[j], ports[j]));
            String nonce = secret == null ? "" : new String(readExactly(ch, NONCE_CHARS).array(),
                    java.nio.charset.StandardCharsets.US_ASCII);
            ByteBuffer hello = ByteBuffer.allocate(4 + (secret == null ? 0 : HMAC_CHARS)).putInt(rank);
            if (secret != null) {
                hello.put(secret.sign(nonce, linkName(runId, rank), rank).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            hello.flip();
            while (hello.hasRemaining()) {
                ch.write(hello);
            }
            links[j] = ch;
        }
        for (int n = rank + 1; n < k; ) {
            SocketChannel ch = server.accept();
            int from = -1;
            try {
                String nonce = null;
                if (secret != null) {
                    nonce = org.crl4j.cluster.Secret.newNonce();
                    ByteBuffer b = ByteBuffer.wrap(nonce.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
                from = readExactly(ch, 4).getInt();
                boolean ok = from > rank && from < k && links[from] == null;
                if (ok && secret != null) {
                    String hmac = new String(readExactly(ch, HMAC_CHARS).array(), java.nio.charset.StandardCharsets.US_ASCII);
                    ok = secret.verify(nonce, linkName(runId, from), from, hmac);
                }
                if (!ok) {
                    throw new IOException("it failed the check");
                }
            } catch (IOException refused) {
                System.err.println("crl4j ranks: rank " + rank + " refused a data connection from "
                        + ch.getRemoteAddress() + " (claimed rank " + from + "): " + refused.getMessage());
                ch.close();
                continue;
            }
            links[from] = ch;
            n++;
        }
        server.close();
        selector = Selector.open();
        peers = new Peer[k];
        for (int j = 0; j < k; j++) {
            if (j != rank) {
                SocketChannel ch = links[j];
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                ch.configureBlocking(false);
                peers[j] = new Peer(j, ch, ch.register(selector, 0));
            }
        }
    }

    private static final int NONCE_CHARS = 32;
    private static final int HMAC_CHARS = 64;

    /** What a rank's HMAC names: the link's purpose, the run and the rank. */
    private static String linkName(String runId, int rank) {
        return "crl4j-ranks/" + runId + "/" + rank;
    }

    /**
     * Reads exactly {@code n} bytes of the handshake, before the channel turns non-blocking; through the socket's
     * stream, which honours a timeout, so a peer that connects and says nothing cannot hold the rank up.
     */
    private static ByteBuffer readExactly(SocketChannel ch, int n) throws IOException {
        ch.socket().setSoTimeout(10_000);
        byte[] b = new byte[n];
        int got = 0;
        java.io.InputStream in = ch.socket().getInputStream();
        while (got < n) {
            int r = in.read(b, got, n - got);
            if (r < 0) {
                throw new EOFException("the connection closed during the handshake");
            }
            got += r;
        }
        return ByteBuffer.wrap(b);
    }

    /** First float of rank {@code owner}'s slice of an {@code n}-float gradient; all of it is rank 0's when gathered. */
    static int sliceStart(int owner, int n, int k, ClusterRanks.Owners owners) {
        if (owners == ClusterRanks.Owners.RANK_ZERO) {
            return owner == 0 ? 0 : n;
        }
        return (int) ((long) n * owner / k);
    }

    /**
     * Replaces {@code grads} by the mean over all ranks (round {@code round} of the reducer). Throws
     * {@link LinkLost} when a link breaks (after recording the rank as lost) or when a rank the cluster lost stays
     * silent for {@code lossGrace}, and an
     * {@link IllegalStateException} when the ranks are out of step or the data stopped coming.
     */
    void allReduceMean(long round, GradientReducer.Group group, float[] grads, ClusterRanks.Owners owners,
                       Duration lossGrace, Duration stallTimeout) {
        int n = grads.length;
        int from = sliceStart(rank, n, k, owners);
        int len = sliceStart(rank + 1, n, k, owners) - from;
        // reduce-scatter: rank j's slice goes to rank j; this rank's slice comes from everybody
        for (Peer p : peers) {
            if (p != null) {
                int a = sliceStart(p.rank, n, k, owners);
                prepare(p, CONTRIBUTION, round, group, grads, a, sliceStart(p.rank + 1, n, k, owners) - a, len);
            }
        }
        exchange(round, group, lossGrace, stallTimeout);
        sumOwnSlice(grads, from, len);
        // all-gather: this rank's mean to everybody; rank j's mean of its slice from rank j
        for (Peer p : peers) {
            if (p != null) {
                int a = sliceStart(p.rank, n, k, owners);
                prepare(p, MEAN, round, group, grads, from, len, sliceStart(p.rank + 1, n, k, owners) - a);
            }
        }
        exchange(round, group, lossGrace, stallTimeout);
        for (Peer p : peers) {
            if (p != null) {
                p.inFloats.clear();
                p.inFloats.get(grads, sliceStart(p.rank, n, k, owners), p.expectFloats); // its slice's mean
            }
        }
    }

    /** Fills {@code p}'s outgoing message and sets up its incoming one ({@code expect} floats). */
    private static void prepare(Peer p, byte kind, long round, GradientReducer.Group group, float[] grads, int off,
                                int count, int expect) {
        int outBytes = HEADER + 4 * count;
        if (p.out.capacity() < outBytes) {
            p.out = ByteBuffer.allocateDirect(outBytes).order(ByteOrder.LITTLE_ENDIAN);
            p.outFloats = floatsOf(p.out);
        }
        p.out.clear();
        p.out.put(kind).putLong(round).put((byte) group.ordinal()).putInt(grads.length).putInt(count);
        p.outFloats.clear();
        p.outFloats.put(grads, off, count);
        p.out.position(outBytes).flip();
        int inBytes = HEADER + 4 * expect;
        if (p.in.capacity() < inBytes) {
            p.in = ByteBuffer.allocateDirect(inBytes).order(ByteOrder.LITTLE_ENDIAN);
            p.inFloats = floatsOf(p.in);
        }

        p.in.clear().limit(HEADER);
        p.headerRead = false;
        p.expectKind = kind;
        p.expectFloats = expect;
    }

    /** Moves every peer's message out and the awaited one in, waiting on the selector when nothing can move. */
    private void exchange(long round, GradientReducer.Group group, Duration lossGrace, Duration stallTimeout) {
        long lastProgress = System.nanoTime();
        try {
            while (true) {
                boolean moved = false;
                boolean pending = false;
                for (Peer p : peers) {
                    if (p == null) {
                        continue;
                    }
                    if (p.out.hasRemaining()) {
                        moved |= write(p) > 0;
                    }
                    if (p.in.hasRemaining()) {
                        moved |= read(p, round, group) > 0;
                    }
                    pending |= p.out.hasRemaining() || p.in.hasRemaining();
                }
                if (!pending) {
                    return;
                }
                long now = System.nanoTime();
                if (moved) {
                    lastProgress = now;
                    continue;
                }
                RankMessages.Lost l = lost.get();
                long silent = now - lastProgress;
                if (l != null && silent >= lossGrace.toNanos()) {
                    throw new LinkLost();
                }
                if (silent >= stallTimeout.toNanos()) {
                    throw new IllegalStateException("rank " + rank + ": no data for the all-reduce of " + group
                            + " (round " + round + ") within " + stallTimeout + "; no rank is known lost");
                }
                for (Peer p : peers) {
                    if (p != null) {
                        p.key.interestOps((p.out.hasRemaining() ? SelectionKey.OP_WRITE : 0)
                                | (p.in.hasRemaining() ? SelectionKey.OP_READ : 0));
                    }
                }
                selector.select(l != null ? 20 : 200); // a known loss is looked at again soon
                selector.selectedKeys().clear();
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("rank " + rank + " was interrupted in the all-reduce of " + group);
                }
            }
        } catch (ClosedSelectorException e) {
            throw new IllegalStateException("rank " + rank + "'s data links are closed");
        } catch (IOException e) {
            throw new IllegalStateException("rank " + rank + ": the selector of the data links failed: " + e.getMessage());
        }
    }

    private int write(Peer p) {
        try {
            return p.channel.write(p.out);
        } catch (IOException e) {
            throw broken(p, e);
        }
    }

    private int read(Peer p, long round, GradientReducer.Group group) {
        int got;
        try {
            got = p.channel.read(p.in);
        } catch (IOException e) {
            throw broken(p, e);
        }
        if (got < 0) {
            throw broken(p, new EOFException("connection closed"));
        }
        if (!p.headerRead && !p.in.hasRemaining()) {
            byte kind = p.in.get(0);
            long r = p.in.getLong(1);
            int g = p.in.get(9);
            int length = p.in.getInt(10);
            int count = p.in.getInt(14);
            if (kind != p.expectKind || r != round || g != group.ordinal() || count != p.expectFloats) {
                throw new IllegalStateException("ranks out of step in round " + round + ": rank " + p.rank + " sent "
                        + (kind == MEAN ? "a mean" : "a contribution") + " of round " + r + ", "
                        + (g >= 0 && g < GROUPS.length ? GROUPS[g] : "group " + g) + " of " + length + " floats, where rank "
                        + rank + " waits for " + (p.expectKind == MEAN ? "a mean" : "a contribution") + " of " + group);
            }
            p.headerRead = true;
            p.in.limit(HEADER + 4 * count);
        }
        return got;
    }

    /** This rank's slice: every rank's values of it summed in rank order, × 1/K, as LocalRanks computes it. */
    private void sumOwnSlice(float[] grads, int off, int len) {
        if (sum.length < len) {
            sum = new float[len];
        }
        if (sources.length != k) {
            sources = new float[k][];
            offsets = new int[k];
        }
        for (int r = 0; r < k; r++) {
            if (r == rank) {
                sources[r] = grads;
                offsets[r] = off;
            } else {
                Peer p = peers[r];
                if (p.contribution.length < len) {
                    p.contribution = new float[len];
                }
                p.inFloats.clear();
                p.inFloats.get(p.contribution, 0, len);
                sources[r] = p.contribution;
                offsets[r] = 0;
            }
        }
        ChunkSum.meanInRankOrder(sources, offsets, len, sum, grads, off);
    }

    private LinkLost broken(Peer p, IOException e) {
        lost.compareAndSet(null, new RankMessages.Lost(p.rank, "broke its data connection (" + e.getMessage() + ")"));
        return new LinkLost();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Peer p : peers) {
            if (p != null) {
                try {
                    p.channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
