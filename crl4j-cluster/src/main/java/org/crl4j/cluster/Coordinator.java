package org.crl4j.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * The coordinator, on the seed node. It discovers workers through the Receptionist, challenges each with a fresh
 * nonce, counts only those that answer with the right HMAC of the cluster secret, downs the nodes of those that do
 * not (or that join and register no worker in time), watches registered workers (DeathWatch and reachability
 * events), receives files from registered workers, and hands out jobs ({@link StartJob}): it sends the worker
 * the job and, for a resumption, the run's files, and accepts the worker's copies of that run only under the
 * job's current lease, so a worker that was given up cannot write into the sweep directory any more.
 */
public final class Coordinator extends AbstractBehavior<Coordinator.Command> {

    public static final ServiceKey<Worker.Command> WORKERS = ServiceKey.create(Worker.Command.class, "crl4j-workers");
    public static final ServiceKey<Command> COORDINATOR = ServiceKey.create(Command.class, "crl4j-coordinator");

    public interface Command {
    }

    /** A worker's answer to {@link Worker.Challenge}. */
    public record Registration(ActorRef<Worker.Command> worker, int slots, String nonce, String hmac)
            implements Command, CborSerializable {
    }

    /**
     * Local: give {@code job} to the worker {@code worker} ({@link WorkerInfo#worker()}) under {@code lease}, after
     * sending it {@code files} (relative to {@code sourceDir}, in that order) when it resumes from them.
     */
    public record StartJob(String worker, String job, long lease, List<List<String>> commands, int threads,
                           Path sourceDir, List<String> files) implements Command {
    }

    /** From a worker: the job's commands ended, and everything it copied back has arrived. */
    public record JobEnded(String job, long lease, boolean completed, boolean stopped, int exitCode, String problem)
            implements Command, CborSerializable {
    }

    private record ResumeFilesSent(String worker, FileBatch.Result result) implements Command {
    }

    /** Local query. */
    public record GetWorkers(ActorRef<List<WorkerInfo>> replyTo) implements Command {
    }

    public record WorkerInfo(String address, String worker, int slots, Instant registeredAt) {
    }

    private record ListingUpdated(Receptionist.Listing listing) implements Command {
    }

    private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {
    }

    private record ReachabilityChanged(ClusterEvent.ReachabilityEvent event) implements Command {
    }

    private record WorkerTerminated(ActorRef<Worker.Command> worker) implements Command {
    }

    private record RegistrationDeadline(Address address) implements Command {
    }

    /**
     * @param registrationTimeout a member that has registered no authenticated worker after this long is downed;
     *                            zero disables the check
     * @param listener            local observer of {@link CoordinatorEvent}s, or null
     */
    public record Settings(Secret secret, Path inbox, Duration registrationTimeout,
                           ActorRef<CoordinatorEvent> listener) {
    }

    private final Settings settings;
    private final TimerScheduler<Command> timers;
    private final Cluster cluster;
    private final Map<ActorRef<Worker.Command>, String> pendingNonces = new HashMap<>();
    private final Map<ActorRef<Worker.Command>, WorkerInfo> workers = new HashMap<>();
    private final Set<Address> refused = new HashSet<>();
    private Set<ActorRef<Worker.Command>> listed = Set.of();
    /** Up (or WeaklyUp) members, from this actor's own MemberEvents: Cluster.state() can lag behind them. */
    private final Set<Address> up = new HashSet<>();
    /** Each job's current lease: files and reports under any other are ignored. */
    private final Map<String, Long> leases = new HashMap<>();
    private final Map<String, String> holders = new HashMap<>();

    public static Behavior<Command> create(Settings settings) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new Coordinator(ctx, timers, settings)));
    }

    private Coordinator(ActorContext<Command> ctx, TimerScheduler<Command> timers, Settings settings) {
        super(ctx);
        this.settings = settings;
        this.timers = timers;
        this.cluster = Cluster.get(ctx.getSystem());
        ActorRef<Receptionist.Listing> listingAdapter = ctx.messageAdapter(Receptionist.Listing.class, ListingUpdated::new);
        ctx.getSystem().receptionist().tell(Receptionist.subscribe(WORKERS, listingAdapter));
        ctx.getSystem().receptionist().tell(Receptionist.register(COORDINATOR, ctx.getSelf()));
        cluster.subscriptions().tell(Subscribe.create(
                ctx.messageAdapter(ClusterEvent.MemberEvent.class, MemberChanged::new), ClusterEvent.MemberEvent.class));
        cluster.subscriptions().tell(Subscribe.create(
                ctx.messageAdapter(ClusterEvent.ReachabilityEvent.class, ReachabilityChanged::new),
                ClusterEvent.ReachabilityEvent.class));
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(ListingUpdated.class, this::onListing)
                .onMessage(Registration.class, this::onRegistration)
                .onMessage(MemberChanged.class, this::onMember)
                .onMessage(ReachabilityChanged.class, this::onReachability)
                .onMessage(WorkerTerminated.class, this::onTerminated)
                .onMessage(RegistrationDeadline.class, this::onDeadline)
                .onMessage(FileTransfer.Offer.class, this::onOffer)
                .onMessage(StartJob.class, this::onStartJob)
                .onMessage(JobEnded.class, this::onJobEnded)
                .onMessage(ResumeFilesSent.class, this::onResumeFilesSent)
                .onMessage(GetWorkers.class, q -> {
                    q.replyTo().tell(List.copyOf(new ArrayList<>(workers.values())));
                    return this;
                })
                .build();
    }

    private Behavior<Command> onListing(ListingUpdated u) {
        listed = Set.copyOf(u.listing().getServiceInstances(WORKERS));
        challengeListed();
        return this;
    }

    /**
     * Challenges listed workers not yet challenged whose node is an Up member: the Receptionist can still list
     * the worker of a node that is leaving or already removed, and such a worker must not be counted again.
     */
    private void challengeListed() {
        for (ActorRef<Worker.Command> w : listed) {
            Address address = w.path().address();
            if (up.contains(address) && !workers.containsKey(w) && !pendingNonces.containsKey(w)
                    && !refused.contains(address)) {
                String nonce = Secret.newNonce();
                pendingNonces.put(w, nonce);
                w.tell(new Worker.Challenge(nonce, getContext().getSelf()));
            }
        }
    }

    private Behavior<Command> onRegistration(Registration r) {
        ActorRef<Worker.Command> w = r.worker();
        Address address = w.path().address();
        String nonce = pendingNonces.remove(w);
        if (nonce == null || !nonce.equals(r.nonce())
                || !settings.secret().verify(nonce, w.path().toStringWithoutAddress(), r.slots(), r.hmac())) {
            refuse(address, "wrong secret");
            return this;
        }
        if (r.slots() < 0) { // 0: a node that takes no jobs (a data-parallel rank), counted so it is not downed
            refuse(address, "bad slot count " + r.slots());
            return this;
        }
        WorkerInfo info = new WorkerInfo(address.toString(), w.path().toString(), r.slots(), Instant.now());
        if (workers.put(w, info) == null) {
            getContext().watchWith(w, new WorkerTerminated(w));
            getContext().getLog().info("worker {} registered with {} slots ({} workers, {} slots)",
                    w.path(), r.slots(), workers.size(), totalSlots());
            emit(new CoordinatorEvent.WorkerRegistered(info.address(), info.worker(), info.slots(), workers.size(),
                    totalSlots()));
        }
        w.tell(new Worker.Registered(getContext().getSystem().address().toString()));
        return this;
    }

    private void refuse(Address address, String reason) {
        getContext().getLog().warn("refused join from {}: {}", address, reason);
        refused.add(address);
        workers.keySet().removeIf(w -> w.path().address().equals(address));
        pendingNonces.keySet().removeIf(w -> w.path().address().equals(address));
        emit(new CoordinatorEvent.JoinRefused(address.toString(), reason));
        if (!address.equals(cluster.selfMember().address())) {
            cluster.manager().tell(new Down(address));
        }
    }

    private Behavior<Command> onMember(MemberChanged m) {
        ClusterEvent.MemberEvent e = m.event();
        Address address = e.member().address();
        MemberStatus status = e.member().status();
        if (status == MemberStatus.up() || status == MemberStatus.weaklyUp()) {
            up.add(address);
        } else {
            up.remove(address);
        }
        if (e instanceof ClusterEvent.MemberUp && !address.equals(cluster.selfMember().address())) {
            if (!settings.registrationTimeout().isZero()) {
                timers.startSingleTimer("deadline-" + address, new RegistrationDeadline(address),
                        settings.registrationTimeout());
            }
            challengeListed();
        } else if (e instanceof ClusterEvent.MemberRemoved removed) {
            timers.cancel("deadline-" + address);
            lose(address, "member removed (" + removed.previousStatus() + ")");
            // A node restarted on the same host:port is a new member (new UID) and may try again.
            refused.remove(address);
        }
        return this;
    }

    private Behavior<Command> onDeadline(RegistrationDeadline d) {
        boolean registered = workers.keySet().stream().anyMatch(w -> w.path().address().equals(d.address()));
        if (!registered && !refused.contains(d.address())) {
            refuse(d.address(), "no registration within " + settings.registrationTimeout());
        }
        return this;
    }

    private Behavior<Command> onReachability(ReachabilityChanged r) {
        if (r.event() instanceof ClusterEvent.UnreachableMember u) {
            Address address = u.member().address();
            workers.forEach((w, info) -> {
                if (w.path().address().equals(address)) {
                    getContext().getLog().warn("worker {} unreachable", w.path());
                    emit(new CoordinatorEvent.WorkerUnreachable(info.address(), info.worker()));
                }
            });
        }
        return this;
    }

    private Behavior<Command> onTerminated(WorkerTerminated t) {
        WorkerInfo info = workers.remove(t.worker());
        if (info != null) {
            lost(info, "terminated (DeathWatch)");
        }
        return this;
    }

    private void lose(Address address, String reason) {
        List<ActorRef<Worker.Command>> gone = workers.keySet().stream()
                .filter(w -> w.path().address().equals(address)).toList();
        for (ActorRef<Worker.Command> w : gone) {
            lost(workers.remove(w), reason);
        }
        pendingNonces.keySet().removeIf(w -> w.path().address().equals(address));
    }

    private void lost(WorkerInfo info, String reason) {
        getContext().getLog().warn("worker {} lost: {} ({} workers, {} slots left)", info.worker(), reason,
                workers.size(), totalSlots());
        emit(new CoordinatorEvent.WorkerLost(info.address(), info.worker(), reason,
                Duration.between(info.registeredAt(), Instant.now())));
    }

    private Behavior<Command> onOffer(FileTransfer.Offer offer) {
        boolean fromWorker = workers.keySet().stream()
                .anyMatch(w -> w.path().address().equals(offer.sender().path().address()));
        String refusal = null;
        if (!fromWorker) {
            refusal = "not a registered worker";
        } else if (offer.job() != null && (leases.getOrDefault(offer.job(), -1L) != offer.lease()
                || offer.name() == null || !offer.name().startsWith(offer.job() + "/"))) {
            refusal = "not a file of job " + offer.job() + " under its current lease";
        }
        if (refusal != null) {
            getContext().getLog().warn("file offer {} from {} ignored: {}", offer.name(),
                    offer.sender().path().address(), refusal);
            offer.sender().tell(new FileTransfer.Failed(offer.transferId(), refusal));
            return this;
        }
        getContext().spawnAnonymous(FileTransfer.receiver(offer, settings.inbox(),
                ClusterConfig.maximumFrameSize(getContext().getSystem().settings().config()), settings.listener()));
        return this;
    }

    private Behavior<Command> onStartJob(StartJob s) {
        ActorRef<Worker.Command> w = workers.keySet().stream().filter(r -> r.path().toString().equals(s.worker()))
                .findFirst().orElse(null);
        if (w == null) {
            emit(new CoordinatorEvent.JobEnded(s.job(), s.lease(), s.worker(), false, true, -1,
                    "the worker left before the job started"));
            return this;
        }
        leases.put(s.job(), s.lease());
        holders.put(s.job(), s.worker());
        w.tell(new Worker.Assign(s.job(), s.lease(), s.commands(), s.threads(), s.files(), getContext().getSelf()));
        if (!s.files().isEmpty()) {
            List<FileBatch.Item> items = s.files().stream()
                    .map(f -> new FileBatch.Item(s.sourceDir().resolve(f), f)).toList();
            ActorRef<FileBatch.Result> replyTo = getContext().messageAdapter(FileBatch.Result.class,
                    r -> new ResumeFilesSent(s.worker(), r));
            getContext().spawnAnonymous(FileBatch.create(items, s.job(), s.lease(), w.narrow(),
                    FileTransfer.DEFAULT_CHUNK_SIZE, 4, true, replyTo));
        }
        return this;
    }

    private Behavior<Command> onResumeFilesSent(ResumeFilesSent r) {
        FileBatch.Result result = r.result();
        if (result.ok() || leases.getOrDefault(result.job(), -1L) != result.lease()) {
            return this;
        }
        getContext().getLog().warn("job {} (lease {}): its resume state did not reach {}: {}", result.job(),
                result.lease(), r.worker(), result.problem());
        leases.remove(result.job());
        holders.remove(result.job());
        workers.keySet().stream().filter(w -> w.path().toString().equals(r.worker())).findFirst()
                .ifPresent(w -> w.tell(new Worker.CancelJob(result.job(), result.lease())));
        emit(new CoordinatorEvent.JobEnded(result.job(), result.lease(), r.worker(), false, false, -1,
                "its resume state did not reach the worker: " + result.problem()));
        return this;
    }

    private Behavior<Command> onJobEnded(JobEnded e) {
        if (leases.getOrDefault(e.job(), -1L) != e.lease()) {
            getContext().getLog().info("report on job {} under old lease {} ignored", e.job(), e.lease());
            return this;
        }
        leases.remove(e.job());
        emit(new CoordinatorEvent.JobEnded(e.job(), e.lease(), holders.remove(e.job()), e.completed(), e.stopped(), e.exitCode(), e.problem()));
        return this;
    }

    private int totalSlots() {
        return workers.values().stream().mapToInt(WorkerInfo::slots).sum();
    }

    private void emit(CoordinatorEvent e) {
        if (settings.listener() != null) {
            settings.listener().tell(e);
        }
    }
}
