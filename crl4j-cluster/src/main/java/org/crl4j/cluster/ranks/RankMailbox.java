package org.crl4j.cluster.ranks;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * A rank's actor: the only thing other ranks can send to. The trainer's thread blocks in
 * {@link ClusterRanks#allReduceMean} rather than living in an actor, so this actor does no arithmetic: it hands every
 * chunk to that thread through a queue, finds the other ranks (the Receptionist, under a key that carries the run id,
 * and the rank in each actor's name), and turns anything that means a rank is gone (unreachable, leaving, downed,
 * removed, its actor stopped, this node stopping) into a {@link RankMessages.Lost} the blocked thread wakes up to.
 */
final class RankMailbox {
    static final String NAME_PREFIX = "ranks-";

    private RankMailbox() {
    }

    /** Stops the mailbox (its reducer is closed). */
    enum Stop implements RankMessages.Command { INSTANCE }

    private record ListingUpdated(Receptionist.Listing listing) implements RankMessages.Command {
    }

    private record MemberChanged(ClusterEvent.MemberEvent event) implements RankMessages.Command {
    }

    private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements RankMessages.Command {
    }

    private record PeerStopped(int rank) implements RankMessages.Command {
    }

    /** Where the mailbox reports to its reducer: data and losses into {@code inbox}, the first loss also in {@code lost}. */
    record Outlets(BlockingQueue<Object> inbox, AtomicReference<RankMessages.Lost> lost,
                   CompletableFuture<ActorRef<RankMessages.Command>[]> found) {
    }

    static String actorName(String runId, int rank) {
        return NAME_PREFIX + runId + "-" + rank;
    }

    static ServiceKey<RankMessages.Command> key(String runId) {
        return ServiceKey.create(RankMessages.Command.class, "crl4j-ranks-" + runId);
    }

    static Behavior<RankMessages.Command> create(String runId, int rank, int ranks, Outlets out) {
        return Behaviors.setup(ctx -> new State(ctx, runId, rank, ranks, out).behavior());
    }

    private static final class State {
        private final ActorContext<RankMessages.Command> ctx;
        private final String runId;
        private final int rank;
        private final int ranks;
        private final Outlets out;
        private final Cluster cluster;
        private final Map<Address, Integer> rankOf = new HashMap<>();
        private ActorRef<RankMessages.Command>[] peers;

        State(ActorContext<RankMessages.Command> ctx, String runId, int rank, int ranks, Outlets out) {
            this.ctx = ctx;
            this.runId = runId;
            this.rank = rank;
            this.ranks = ranks;
            this.out = out;
            this.cluster = Cluster.get(ctx.getSystem());
            ServiceKey<RankMessages.Command> key = key(runId);
            ctx.getSystem().receptionist().tell(Receptionist.register(key, ctx.getSelf()));
            ctx.getSystem().receptionist().tell(Receptionist.subscribe(key,
                    ctx.messageAdapter(Receptionist.Listing.class, ListingUpdated::new)));
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new),
                    ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(
                    ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
                    ClusterEvent.ReachabilityEvent.class));
        }

        Behavior<RankMessages.Command> behavior() {
            return Behaviors.receive(RankMessages.Command.class)
                    .onMessage(RankMessages.Contribution.class, this::deliver)
                    .onMessage(RankMessages.Mean.class, this::deliver)
                    .onMessage(ListingUpdated.class, this::onListing)
                    .onMessage(MemberChanged.class, this::onMember)
                    .onMessage(ReachabilityChanged.class, this::onReachability)
                    .onMessage(PeerStopped.class, p -> lose(p.rank(), "stopped its all-reduce"))
                    .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
                    .onSignal(PostStop.class, s -> lose(rank, "was closed or its node stopped"))
                    .build();
        }

        private Behavior<RankMessages.Command> deliver(RankMessages.Part part) {
            out.inbox().add(part);
            return Behaviors.same();
        }

        private Behavior<RankMessages.Command> onListing(ListingUpdated u) {
            if (peers != null) {
                return Behaviors.same(); // found once; a rank that goes away is caught by DeathWatch and the cluster
            }
            Set<ActorRef<RankMessages.Command>> listed = u.listing().getServiceInstances(key(runId));
            @SuppressWarnings("unchecked")
            ActorRef<RankMessages.Command>[] byRank = new ActorRef[ranks];
            for (ActorRef<RankMessages.Command> ref : listed) {
                int r = rankOfName(ref.path().name());
                if (r < 0 || r >= ranks) {
                    out.found().completeExceptionally(new IllegalStateException("run " + runId + " has an actor "
                            + ref.path() + " that is no rank of " + ranks + " (another run with the same id?)"));
                    return Behaviors.same();
                }
                if (byRank[r] != null && !byRank[r].equals(ref)) {
                    out.found().completeExceptionally(new IllegalStateException("run " + runId + ": rank " + r
                            + " is claimed by both " + byRank[r].path() + " and " + ref.path()));
                    return Behaviors.same();
                }
                byRank[r] = ref;
            }
            if (Arrays.stream(byRank).anyMatch(p -> p == null)) {
                return Behaviors.same();
            }
            peers = byRank;
            for (int r = 0; r < ranks; r++) {
                rankOf.put(peers[r].path().address().hasGlobalScope() ? peers[r].path().address()
                        : cluster.selfMember().address(), r);
                if (r != rank) {
                    ctx.watchWith(peers[r], new PeerStopped(r));
                }
            }
            out.found().complete(peers);
            // Anything that happened to a rank's node before we knew which rank it was:
            for (Member m : cluster.state().getUnreachable()) {
                lose(m.address(), "is unreachable");
            }
            return Behaviors.same();
        }

        private Behavior<RankMessages.Command> onMember(MemberChanged m) {
            ClusterEvent.MemberEvent e = m.event();
            if (e instanceof ClusterEvent.MemberLeft) {
                return lose(e.member().address(), "left the cluster");
            } else if (e instanceof ClusterEvent.MemberExited) {
                return lose(e.member().address(), "is leaving the cluster");
            } else if (e instanceof ClusterEvent.MemberDowned) {
                return lose(e.member().address(), "was downed");
            } else if (e instanceof ClusterEvent.MemberRemoved) {
                return lose(e.member().address(), "was removed from the cluster");
            }
            return Behaviors.same();
        }

        private Behavior<RankMessages.Command> onReachability(ReachabilityChanged r) {
            if (r.event() instanceof ClusterEvent.UnreachableMember u) {
                return lose(u.member().address(), "is unreachable");
            }
            return Behaviors.same();
        }

        private Behavior<RankMessages.Command> lose(Address address, String why) {
            Integer r = rankOf.get(address);
            return r == null ? Behaviors.same() : lose(r, why + " (" + address + ")");
        }

        private Behavior<RankMessages.Command> lose(int r, String why) {
            RankMessages.Lost lost = new RankMessages.Lost(r, why);
            out.lost().compareAndSet(null, lost);
            out.inbox().add(lost); // wakes the blocked thread
            return Behaviors.same();
        }
    }

    /** The rank in an actor name {@code ranks-<run id>-<rank>}, or −1. */
    static int rankOfName(String name) {
        int dash = name.lastIndexOf('-');
        try {
            return name.startsWith(NAME_PREFIX) && dash > 0 ? Integer.parseInt(name.substring(dash + 1)) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
