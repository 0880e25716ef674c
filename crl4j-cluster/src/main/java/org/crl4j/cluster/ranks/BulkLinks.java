package org.crl4j.cluster.ranks;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.crl4j.rl.ranks.GradientReducer;

/**
 * The ranks' gradient chunks on plain TCP connections, one per pair of ranks, beside the Pekko cluster that found
 * the ranks and watches them: Artery moved a 13 MB gradient at 0.1–0.2 GB/s on loopback (docs/benchmarks.md), a
 * socket carries raw little-endian floats with one copy each way. A writer thread per peer (so that two ranks
 * sending megabytes to each other never both block in a write) and a reader thread per peer, which puts each
 * chunk into the reducer's inbox exactly as the mailbox actor does; a connection that breaks is a lost rank.
 */
final class BulkLinks implements AutoCloseable {
    /** kind, round, group, length, chunk, from, float count. */
    private static final int HEADER = 1 + 8 + 1 + 4 + 4 + 4 + 4;
    private static final GradientReducer.Group[] GROUPS = GradientReducer.Group.values();

    private final ServerSocketChannel server;
    private final List<Thread> threads = new ArrayList<>();
    private final List<SocketChannel> channels = new ArrayList<>();
    @SuppressWarnings("unchecked")
    private BlockingQueue<RankMessages.Part>[] outgoing = new BlockingQueue[0];
    private volatile boolean closed;
    /** Parts handed to the writers and not yet written; close() lets them go out first. */
    private final java.util.concurrent.atomic.AtomicInteger unwritten = new java.util.concurrent.atomic.AtomicInteger();

    private BulkLinks(ServerSocketChannel server) {
        this.server = server;
    }

    /** Listens on {@code host}, any free port. */
    static BulkLinks listen(String host) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(host, 0));
        return new BulkLinks(s);
    }

    int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    /** Connects to the lower ranks, accepts the higher ones, and starts the threads. */
    @SuppressWarnings("unchecked")
    void connect(int rank, int k, String[] hosts, int[] ports, BlockingQueue<Object> inbox,
                 AtomicReference<RankMessages.Lost> lost) throws IOException {
        SocketChannel[] peers = new SocketChannel[k];
        for (int j = 0; j < rank; j++) {
            SocketChannel ch = SocketChannel.open(new InetSocketAddress(hosts[j], ports[j]));
            ByteBuffer hello = ByteBuffer.allocate(4).putInt(rank).flip();
            while (hello.hasRemaining()) {
                ch.write(hello);
            }
            peers[j] = ch;
        }
        for (int n = rank + 1; n < k; n++) {
            SocketChannel ch = server.accept();
            ByteBuffer hello = ByteBuffer.allocate(4);
            readFully(ch, hello);
            int from = hello.flip().getInt();
            if (from <= rank || from >= k || peers[from] != null) {
                ch.close();
                throw new IOException("rank " + rank + ": unexpected data connection from rank " + from);
            }
            peers[from] = ch;
        }
        server.close();
        outgoing = new BlockingQueue[k];
        for (int j = 0; j < k; j++) {
            if (j == rank) {
                continue;
            }
            SocketChannel ch = peers[j];
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channels.add(ch);
            BlockingQueue<RankMessages.Part> queue = new LinkedBlockingQueue<>();
            outgoing[j] = queue;
            int peer = j;
            start("crl4j-ranks-write-" + peer, () -> write(ch, queue, peer, inbox, lost));
            start("crl4j-ranks-read-" + peer, () -> read(ch, peer, inbox, lost));
        }
    }

    void send(int to, RankMessages.Part part) {
        unwritten.incrementAndGet();
        outgoing[to].add(part);
    }

    private void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void write(SocketChannel ch, BlockingQueue<RankMessages.Part> queue, int peer, BlockingQueue<Object> inbox,
                       AtomicReference<RankMessages.Lost> lost) {
        ByteBuffer buf = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (!closed) {
                RankMessages.Part p = queue.take();
                int need = HEADER + 4 * p.data().length;
                if (buf.capacity() < need) {
                    buf = ByteBuffer.allocateDirect(need).order(ByteOrder.LITTLE_ENDIAN);
                }
                buf.clear();
                buf.put((byte) (p instanceof RankMessages.Mean ? 1 : 0)).putLong(p.round())
                        .put((byte) p.group().ordinal()).putInt(p.length()).putInt(p.chunk()).putInt(p.from())
                        .putInt(p.data().length);
                buf.asFloatBuffer().put(p.data());
                buf.position(need).flip();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                unwritten.decrementAndGet();
            }
        } catch (InterruptedException stop) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            broken(peer, inbox, lost, e);
        }
    }

    private void read(SocketChannel ch, int peer, BlockingQueue<Object> inbox, AtomicReference<RankMessages.Lost> lost) {
        ByteBuffer header = ByteBuffer.allocateDirect(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer body = ByteBuffer.allocateDirect(0).order(ByteOrder.LITTLE_ENDIAN);
        try {
            while (!closed) {
                header.clear();
                readFully(ch, header);
                header.flip();
                byte kind = header.get();
                long round = header.getLong();
                GradientReducer.Group group = GROUPS[header.get()];
                int length = header.getInt();
                int chunk = header.getInt();
                int from = header.getInt();
                int count = header.getInt();
                if (body.capacity() < 4 * count) {
                    body = ByteBuffer.allocateDirect(4 * count).order(ByteOrder.LITTLE_ENDIAN);
                }
                body.clear().limit(4 * count);
                readFully(ch, body);
                body.flip();
                float[] data = new float[count];
                body.asFloatBuffer().get(data);
                inbox.add(kind == 1 ? new RankMessages.Mean(round, group, length, chunk, from, data)
                        : new RankMessages.Contribution(round, group, length, chunk, from, data));
            }
        } catch (IOException | RuntimeException e) {
            broken(peer, inbox, lost, e);
        }
    }

    private void broken(int peer, BlockingQueue<Object> inbox, AtomicReference<RankMessages.Lost> lost, Exception e) {
        if (closed) {
            return;
        }
        RankMessages.Lost l = new RankMessages.Lost(peer, "broke its data connection (" + e.getMessage() + ")");
        lost.compareAndSet(null, l);
        inbox.add(l);
    }

    private static void readFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new EOFException("connection closed");
            }
        }
    }

    /** Closes the links once what was sent has been written (a rank's last means must reach the others), or after 10 s. */
    @Override
    public void close() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (unwritten.get() > 0 && System.nanoTime() < deadline && threads.stream().anyMatch(Thread::isAlive)) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        threads.forEach(Thread::interrupt);
    }
}
