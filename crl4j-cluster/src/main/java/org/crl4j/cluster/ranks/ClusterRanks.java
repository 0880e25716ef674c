package org.crl4j.cluster.ranks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.crl4j.cluster.ClusterConfig;
import org.crl4j.cluster.FileTransfer;
import org.crl4j.rl.ranks.GradientReducer;
import org.crl4j.rl.ranks.LocalRanks;

/**
 * Rank r of K data-parallel ranks, each its own Pekko cluster node: the {@link GradientReducer} of
 * {@code crl4j-cluster}. The mean has exactly {@link LocalRanks}' bits on every rank, whatever the transport's timing,
 * because each chunk of the gradient has one owner that sums it in LocalRanks' order (rank 0's value, + rank 1 ..
 * K−1, in float, × 1/K) and sends that one result to everybody. Which rank owns which chunk is the only difference
 * between a gather at rank 0 ({@link Owners#RANK_ZERO}) and a reduce-scatter + all-gather
 * ({@link Owners#ROUND_ROBIN}, chunk c owned by rank c mod K, so every rank sends and sums 1/K of the work); a plain
 * ring, which adds in a different order on each slice, would not give those bits.
 *
 * <p>By default the data goes on the ranks' own TCP links ({@link BulkLinks}): there each rank owns one contiguous
 * slice instead of every K-th chunk, and the slices move as one message per peer and phase. Which element is summed
 * by which rank does not change its bits. With {@code -Dcrl4j.ranks.transport=pekko} the chunks go through Artery.
 *
 * <p>Chunks fit Artery's ordinary frame ({@link ClusterConfig#DEFAULT_MAXIMUM_FRAME_SIZE}), so no node needs extra
 * configuration and cluster heartbeats never wait behind a multi-megabyte frame.
 *
 * <p>A lost rank (unreachable, leaving, downed, removed, its reducer closed) fails the whole group: every rank in or
 * entering {@link #allReduceMean} throws an {@link IllegalStateException} naming it, once the current round has been
 * silent for {@link Settings#lossGrace} (the grace lets a rank that closed normally after its last round deliver the
 * data still in flight). {@link Settings#stallTimeout} is the last resort when nobody is known to be lost.
 */
public final class ClusterRanks implements GradientReducer, AutoCloseable {
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9_]{1,64}");

    /** Who sums each chunk. */
    public enum Owners {
        /** Rank 0 sums every chunk: it receives (K−1)·N floats and sends (K−1)·N. */
        RANK_ZERO,
        /** Chunk c is summed by rank c mod K: every rank sends and receives about 2·(K−1)/K·N floats. */
        ROUND_ROBIN
    }

    /**
     * @param chunkFloats  floats per message; 48 Ki floats (192 KiB) fit Artery's default 256 KiB frame
     * @param lossGrace    how long a round may stay silent after a rank is lost before this rank gives up
     * @param stallTimeout how long a round may stay silent with nobody known to be lost
     */
    public record Settings(int chunkFloats, Owners owners, Duration rendezvousTimeout, Duration lossGrace,
                           Duration stallTimeout) {
        public static final int DEFAULT_CHUNK_FLOATS = FileTransfer.DEFAULT_CHUNK_SIZE / Float.BYTES;

        public Settings {
            if (chunkFloats < 1) {
                throw new IllegalArgumentException("chunkFloats must be positive, got " + chunkFloats);
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_CHUNK_FLOATS, Owners.ROUND_ROBIN, Duration.ofSeconds(60),
                    Duration.ofMillis(500), Duration.ofMinutes(5));
        }

        public Settings withOwners(Owners o) {
            return new Settings(chunkFloats, o, rendezvousTimeout, lossGrace, stallTimeout);
        }

        public Settings withChunkFloats(int c) {
            return new Settings(c, owners, rendezvousTimeout, lossGrace, stallTimeout);
        }

        public Settings withStallTimeout(Duration d) {
            return new Settings(chunkFloats, owners, rendezvousTimeout, lossGrace, d);
        }
    }

    /**
     * Extra node configuration for chunks above the ordinary frame: every node of the run routes the ranks' actors
     * through Artery's large-message lane (its own connection, so heartbeats never queue behind it) with frames
     * that fit {@code chunkFloats}. Pass it to {@link org.crl4j.cluster.ClusterNode}'s start methods.
     */
    public static Config largeChunkConfig(int chunkFloats) {
        long frame = (long) chunkFloats * Float.BYTES + FileTransfer.FRAME_OVERHEAD;
        return ConfigFactory.parseString("pekko.remote.artery {\n"
                + "  large-message-destinations = [\"/system/" + RankMailbox.NAME_PREFIX + "*\"]\n"
                + "  advanced.maximum-large-frame-size = " + Math.max(frame, 2 * 1024 * 1024) + "\n"
                + "}\n");
    }

    private final int rank;
    private final int k;
    private final Settings settings;
    private final ActorRef<RankMessages.Command> mailbox;
    private final ActorRef<RankMessages.Command>[] peers;
    private final BlockingQueue<Object> inbox;
    private final AtomicReference<RankMessages.Lost> lost;
    /** Parts of the next round that came before this rank finished the current one (at most one round ahead). */
    private final List<RankMessages.Part> early = new ArrayList<>();
    private final ChunkSum sum;
    private long round;
    private volatile boolean closed;
    /** The ranks' own TCP links for the chunks, or null when they travel through Artery. */
    private BulkLinks bulk;

    private ClusterRanks(int rank, int k, Settings settings, ActorRef<RankMessages.Command> mailbox,
                         ActorRef<RankMessages.Command>[] peers, BlockingQueue<Object> inbox,
                         AtomicReference<RankMessages.Lost> lost) {
        this.rank = rank;
        this.k = k;
        this.settings = settings;
        this.mailbox = mailbox;
        this.peers = peers;
        this.inbox = inbox;
        this.lost = lost;
        this.sum = new ChunkSum(rank, k, settings.chunkFloats());
    }

    /**
     * Joins run {@code runId} as rank {@code rank} of {@code ranks} on {@code system}'s cluster node and blocks until
     * every rank of the run is found.
     */
    public static ClusterRanks join(ActorSystem<?> system, String runId, int rank, int ranks, Settings settings)
            throws TimeoutException, InterruptedException {
        return join(system, runId, rank, ranks, settings, null);
    }

    /**
     * As {@link #join(ActorSystem, String, int, int, Settings)}; with a cluster {@code secret} (ranks on several
     * machines) every data link proves it knows the secret before it is used.
     */
    public static ClusterRanks join(ActorSystem<?> system, String runId, int rank, int ranks, Settings settings,
                                    org.crl4j.cluster.Secret secret) throws TimeoutException, InterruptedException {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("run id must match " + RUN_ID + ", got " + runId);
        }
        if (ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("rank " + rank + " is not in [0, " + ranks + ")");
        }
        BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
        AtomicReference<RankMessages.Lost> lost = new AtomicReference<>();
        CompletableFuture<ActorRef<RankMessages.Command>[]> found = new CompletableFuture<>();
        ActorRef<RankMessages.Command> mailbox = system.systemActorOf(
                RankMailbox.create(runId, rank, ranks, new RankMailbox.Outlets(inbox, lost, found)),
                RankMailbox.actorName(runId, rank), Props.empty());
        try {
            ActorRef<RankMessages.Command>[] peers = found.get(settings.rendezvousTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            ClusterRanks reducer = new ClusterRanks(rank, ranks, settings, mailbox, peers, inbox, lost);
            if (ranks > 1 && !"pekko".equals(System.getProperty(TRANSPORT_PROPERTY))) {
                reducer.bulk = openBulk(system, runId, rank, ranks, peers, inbox, lost, settings, secret);
            }
            return reducer;
        } catch (TimeoutException e) {
            mailbox.tell(RankMailbox.Stop.INSTANCE);
            throw new TimeoutException("run " + runId + ", rank " + rank + ": not all " + ranks + " ranks found within "
                    + settings.rendezvousTimeout());
        } catch (ExecutionException e) {
            mailbox.tell(RankMailbox.Stop.INSTANCE);
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    /** {@code -Dcrl4j.ranks.transport=pekko} sends the chunks through Artery instead of the ranks' own TCP links. */
    public static final String TRANSPORT_PROPERTY = "crl4j.ranks.transport";

    /** The ranks' TCP links: each rank tells the others its port through Pekko (a round-0 message), then connects. */
    private static BulkLinks openBulk(ActorSystem<?> system, String runId, int rank, int ranks,
                                      ActorRef<RankMessages.Command>[] peers, BlockingQueue<Object> inbox,
                                      AtomicReference<RankMessages.Lost> lost, Settings settings,
                                      org.crl4j.cluster.Secret secret) throws TimeoutException, InterruptedException {
        String own = system.address().getHost().orElse("127.0.0.1");
        try {
            BulkLinks links = BulkLinks.listen(own);
            String[] hosts = new String[ranks];
            int[] ports = new int[ranks];
            for (int r = 0; r < ranks; r++) {
                if (r != rank) {
                    hosts[r] = peers[r].path().address().getHost().orElse(own);
                    peers[r].tell(new RankMessages.Contribution(0, Group.CONTROL, 0, links.port(), rank, new float[0]));
                }
            }
            long deadline = System.nanoTime() + settings.rendezvousTimeout().toNanos();
            for (int got = 0; got < ranks - 1; ) {
                Object m = inbox.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    links.close();
                    throw new TimeoutException("rank " + rank + ": the other ranks' data ports did not arrive within "
                            + settings.rendezvousTimeout());
                }
                if (m instanceof RankMessages.Lost l) {
                    links.close();
                    throw new IllegalStateException("data-parallel rank " + l.rank() + " of " + ranks + " " + l.why()
                            + " before the ranks connected");
                }
                if (m instanceof RankMessages.Part p && p.round() == 0 && ports[p.from()] == 0) {
                    ports[p.from()] = p.chunk();
                    got++;
                }
            }
            links.connect(rank, ranks, hosts, ports, lost, runId, secret);
            return links;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("rank " + rank + ": cannot connect the ranks' data links: " + e.getMessage(),
                    e);
        }
    }

    private void send(int to, RankMessages.Part part) {
        peers[to].tell(part);
    }

    @Override
    public int ranks() {
        return k;
    }

    public int rank() {
        return rank;
    }

    /** Blocks until every rank has handed in {@code grads} of {@code group}, then replaces it by the mean. */
    @Override
    public void allReduceMean(Group group, float[] grads) {
        if (closed) {
            throw new IllegalStateException("rank " + rank + "'s reducer is closed");
        }
        failIfLost(group);
        round++;
        if (bulk != null) {
            try {
                bulk.allReduceMean(round, group, grads, settings.owners(), settings.lossGrace(), settings.stallTimeout());
            } catch (BulkLinks.LinkLost e) {
                failIfLost(group);
                throw new IllegalStateException("rank " + rank + " lost a data link in the all-reduce of " + group);
            }
            return;
        }
        int n = grads.length;
        int chunks = (n + settings.chunkFloats() - 1) / settings.chunkFloats();
        sum.startRound(chunks);
        int waiting = 0; // chunks whose data this rank still waits for: its own chunks' contributions, others' means
        for (int c = 0; c < chunks; c++) {
            int owner = owner(c);
            if (owner == rank) {
                if (k == 1) {
                    reduceAndSend(group, grads, c);
                } else {
                    waiting++;
                }
            } else {
                int off = c * settings.chunkFloats();
                send(owner, new RankMessages.Contribution(round, group, n, c, rank,
                        Arrays.copyOfRange(grads, off, off + chunkLength(c, n))));
                waiting++;
            }
        }
        while (waiting > 0) {
            RankMessages.Part part = next(group, n);
            int c = part.chunk();
            if (c < 0 || c >= chunks || part.data().length != chunkLength(c, n)) {
                throw new IllegalStateException("rank " + part.from() + " sent a malformed chunk " + c + " of " + group
                        + " (round " + round + ")");
            }
            if (part instanceof RankMessages.Mean) {
                System.arraycopy(part.data(), 0, grads, c * settings.chunkFloats(), part.data().length);
                waiting--;
            } else if (sum.add(c, part.from(), part.data())) {
                reduceAndSend(group, grads, c);
                waiting--;
            }
        }
    }

    private int owner(int chunk) {
        return settings.owners() == Owners.RANK_ZERO ? 0 : chunk % k;
    }

    private int chunkLength(int chunk, int n) {
        return Math.min(settings.chunkFloats(), n - chunk * settings.chunkFloats());
    }

    private void reduceAndSend(Group group, float[] grads, int c) {
        int off = c * settings.chunkFloats();
        int len = chunkLength(c, grads.length);
        sum.reduceInto(c, grads, off, len);
        if (k > 1) {
            float[] mean = Arrays.copyOfRange(grads, off, off + len); // Artery serializes it later, grads moves on
            for (int r = 0; r < k; r++) {
                if (r != rank) {
                    send(r, new RankMessages.Mean(round, group, grads.length, c, rank, mean));
                }
            }
        }
    }

    /** The next part of this round: an early one kept from before, or the next from the mailbox. */
    private RankMessages.Part next(Group group, int n) {
        for (Iterator<RankMessages.Part> it = early.iterator(); it.hasNext(); ) {
            RankMessages.Part p = it.next();
            if (p.round() == round) {
                it.remove();
                return check(p, group, n);
            }
        }
        long silentSince = System.nanoTime();
        while (true) {
            RankMessages.Lost l = lost.get();
            long waitNanos = l != null ? settings.lossGrace().toNanos() : settings.stallTimeout().toNanos();
            Object m;
            try {
                m = inbox.poll(Math.max(0, silentSince + waitNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("rank " + rank + " was interrupted in the all-reduce of " + group, e);
            }
            if (m == null) {
                failIfLost(group);
                if (System.nanoTime() - silentSince >= settings.stallTimeout().toNanos()) {
                    throw new IllegalStateException("rank " + rank + ": no data for the all-reduce of " + group
                            + " (round " + round + ") within " + settings.stallTimeout() + "; no rank is known lost");
                }
            } else if (m instanceof RankMessages.Part p) {
                if (p.round() == round) {
                    return check(p, group, n);
                } else if (p.round() > round) {
                    early.add(p);
                }
            } // a Lost: the loop looks at `lost` and waits at most the grace from now on
        }
    }

    private RankMessages.Part check(RankMessages.Part p, Group group, int n) {
        if (p.group() != group || p.length() != n) {
            throw new IllegalStateException("ranks out of step in round " + round + ": rank " + p.from() + " reduces "
                    + p.group() + " of " + p.length() + " floats, rank " + rank + " " + group + " of " + n);
        }
        return p;
    }

    private void failIfLost(Group group) {
        RankMessages.Lost l = lost.get();
        if (l != null) {
            throw new IllegalStateException("data-parallel rank " + l.rank() + " of " + k + " " + l.why()
                    + ": rank " + rank + " cannot complete the all-reduce of " + group + " (round " + round + ")");
        }
    }

    /** Leaves the run: the other ranks see this rank as lost if they reduce again. */
    @Override
    public void close() {
        closed = true;
        mailbox.tell(RankMailbox.Stop.INSTANCE);
        if (bulk != null) {
            bulk.close();
        }
    }
}
