package org.crl4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One seed (coordinator) and two worker nodes in this JVM on 127.0.0.1, any free ports; a third worker in a child
 * JVM for the kill test. The tests share the cluster and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {
    private static final String SECRET = "correct horse battery staple";
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(6);

    @TempDir
    static Path tmp;

    private final List<ClusterNode> nodes = new ArrayList<>();
    private ClusterNode seed;
    private ClusterNode workerNodeA;
    private ClusterNode workerNodeB;
    private ActorRef<Worker.Command> workerB;
    private ActorRef<Coordinator.Command> coordinator;
    private TestProbe<CoordinatorEvent> events;
    private Path inbox;
    private long started;

    @BeforeAll
    void startCluster() throws Exception {
        started = System.nanoTime();
        inbox = tmp.resolve("inbox");
        seed = node(ClusterNode.startSeed(ClusterNode.LOOPBACK, 0, true, null));
        assertThat(seed.port()).isPositive();
        events = TestProbe.create(seed.system());
        coordinator = seed.system().systemActorOf(Coordinator.create(new Coordinator.Settings(new Secret(SECRET),
                inbox, REGISTRATION_TIMEOUT, events.getRef())), "coordinator", Props.empty());
        workerNodeA = node(ClusterNode.startJoining(ClusterNode.LOOPBACK, 0, seed.address(), true, null));
        workerNodeB = node(ClusterNode.startJoining(ClusterNode.LOOPBACK, 0, seed.address(), true, null));
        workerNodeA.system().systemActorOf(Worker.create(Worker.Settings.of(new Secret(SECRET), 2)), "worker",
                Props.empty());
        workerB = workerNodeB.system().systemActorOf(Worker.create(Worker.Settings.of(new Secret(SECRET), 3)),
                "worker", Props.empty());
    }

    @AfterAll
    void stopCluster() {
        // Workers first, in parallel, then the seed.
        List<CompletableFuture<Void>> closing = nodes.stream().filter(n -> n != seed)
                .map(n -> CompletableFuture.runAsync(n::close)).toList();
        closing.forEach(CompletableFuture::join);
        if (seed != null) {
            seed.close();
        }
    }

    private ClusterNode node(ClusterNode n) {
        nodes.add(n);
        return n;
    }

    @Test
    @Order(1)
    void threeNodesFormAndTheCoordinatorCountsTwoWorkersWithTheirSlots() throws Exception {
        seed.awaitUp(Duration.ofSeconds(15));
        awaitEvent(CoordinatorEvent.WorkerRegistered.class, e -> e.workers() == 2, Duration.ofSeconds(20));
        List<Coordinator.WorkerInfo> workers = workers();
        assertThat(workers).extracting(Coordinator.WorkerInfo::slots).containsExactlyInAnyOrder(2, 3);
        assertThat(workers).extracting(Coordinator.WorkerInfo::address)
                .containsExactlyInAnyOrder(workerNodeA.address().toString(), workerNodeB.address().toString());
        assertThat(seed.cluster().state().getMembers()).hasSize(3);
        System.err.printf("[ClusterTest] 3 nodes (ports %d, %d, %d) formed and 2 workers registered in %d ms%n",
                seed.port(), workerNodeA.port(), workerNodeB.port(), ms(started));
    }

    @Test
    @Order(2)
    void aWorkerWithTheWrongSecretIsRefusedAndNeverCounted() throws Exception {
        long t0 = System.nanoTime();
        ClusterNode intruder = node(ClusterNode.startJoining(ClusterNode.LOOPBACK, 0, seed.address(), true, null));
        intruder.system().systemActorOf(Worker.create(Worker.Settings.of(new Secret("guess"), 8)), "worker",
                Props.empty());
        CoordinatorEvent.JoinRefused refused = awaitEvent(CoordinatorEvent.JoinRefused.class,
                e -> e.address().equals(intruder.address().toString()), Duration.ofSeconds(20));
        assertThat(refused.reason()).isEqualTo("wrong secret");
        // The coordinator downed it: its node shuts itself down (run-coordinated-shutdown-when-down).
        long refusedAfter = ms(t0);
        intruder.system().getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(workers()).hasSize(2).extracting(Coordinator.WorkerInfo::address)
                .doesNotContain(intruder.address().toString());
        System.err.printf("[ClusterTest] wrong secret refused after %d ms; intruder node terminated after %d ms%n",
                refusedAfter, ms(t0));
    }

    @Test
    @Order(5)
    void aMemberThatRegistersNoWorkerIsDownedAfterTheRegistrationTimeout() throws Exception {
        long t0 = System.nanoTime();
        ClusterNode silent = node(ClusterNode.startJoining(ClusterNode.LOOPBACK, 0, seed.address(), true, null));
        CoordinatorEvent.JoinRefused refused = awaitEvent(CoordinatorEvent.JoinRefused.class,
                e -> e.address().equals(silent.address().toString()), REGISTRATION_TIMEOUT.plusSeconds(15));
        assertThat(refused.reason()).startsWith("no registration within");
        silent.system().getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(workers()).hasSize(2);
        System.err.printf("[ClusterTest] member without a worker downed after %d ms%n", ms(t0));
    }

    @Test
    @Order(3)
    void aFiveMegabyteFileArrivesByteIdenticalAndACorruptedChunkIsSentAgain() throws Exception {
        byte[] content = new byte[5 * 1024 * 1024 + 12345];
        new Random(16).nextBytes(content);
        Path file = tmp.resolve("checkpoint.safetensors");
        Files.write(file, content);
        TestProbe<FileTransfer.UploadResult> result = TestProbe.create(workerNodeB.system());
        long t0 = System.nanoTime();
        workerB.tell(new Worker.Upload(file, "run-7-checkpoint.safetensors", FileTransfer.Faults.corruptInFlight(
                Set.of(3, 17)), result.getRef()));
        FileTransfer.UploadResult r = result.receiveMessage(Duration.ofSeconds(20));
        long took = ms(t0);
        assertThat(r.ok()).as(r.message()).isTrue();
        assertThat(r.resentChunks()).isGreaterThanOrEqualTo(2);
        CoordinatorEvent.FileReceived got = awaitEvent(CoordinatorEvent.FileReceived.class,
                e -> e.name().equals("run-7-checkpoint.safetensors"), Duration.ofSeconds(5));
        assertThat(got.corruptChunks()).isEqualTo(2);
        assertThat(Files.readAllBytes(inbox.resolve("run-7-checkpoint.safetensors"))).isEqualTo(content);
        assertThat(got.sha256()).isEqualTo(FileTransfer.sha256(file));
        assertThat(partFiles()).isEmpty();
        System.err.printf("[ClusterTest] %d bytes in %d chunks of %d KiB sent in %d ms, %d corrupted chunks caught "
                        + "by CRC-32C and re-sent%n", content.length, r.chunks(), FileTransfer.DEFAULT_CHUNK_SIZE / 1024,
                took, got.corruptChunks());

        // Corruption before the CRC passes every chunk check, so only the whole-file SHA-256 catches it: no rename.
        workerB.tell(new Worker.Upload(file, "bad.safetensors", FileTransfer.Faults.corruptAtSource(Set.of(5)),
                result.getRef()));
        FileTransfer.UploadResult bad = result.receiveMessage(Duration.ofSeconds(20));
        assertThat(bad.ok()).isFalse();
        assertThat(bad.message()).contains("SHA-256 mismatch");
        awaitEvent(CoordinatorEvent.FileRejected.class, e -> e.name().equals("bad.safetensors"),
                Duration.ofSeconds(5));
        assertThat(inbox.resolve("bad.safetensors")).doesNotExist();
        assertThat(partFiles()).isEmpty();
    }

    @Test
    @Order(4)
    void aWorkerJvmKilledWithSigkillIsNoticedWithinBoundedTime() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", cp, WorkerMain.class.getName(), "--seed", "127.0.0.1:" + seed.port(), "--slots", "4", "--fast");
        pb.environment().put("CRL4J_CLUSTER_SECRET", SECRET);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        long t0 = System.nanoTime();
        Process child = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String l; (l = out.readLine()) != null; ) {
                        if (l.startsWith("WORKER_REGISTERED")) {
                            return l;
                        }
                    }
                    return null;
                } catch (IOException e) {
                    return null;
                }
            });
            String registered = line.get(30, TimeUnit.SECONDS);
            assertThat(registered).isNotNull();
            int childPort = Integer.parseInt(registered.split(" ")[1]);
            String childAddress = "pekko://" + ClusterNode.SYSTEM_NAME + "@127.0.0.1:" + childPort;
            awaitEvent(CoordinatorEvent.WorkerRegistered.class, e -> e.address().equals(childAddress),
                    Duration.ofSeconds(10));
            assertThat(workers()).hasSize(3);
            System.err.printf("[ClusterTest] child JVM worker (pid %d, port %d) registered after %d ms%n",
                    child.pid(), childPort, ms(t0));

            long killed = System.nanoTime();
            child.destroyForcibly(); // SIGKILL on Unix
            assertThat(child.waitFor(5, TimeUnit.SECONDS)).isTrue();
            awaitEvent(CoordinatorEvent.WorkerUnreachable.class, e -> e.address().equals(childAddress),
                    Duration.ofSeconds(15));
            long unreachable = ms(killed);
            CoordinatorEvent.WorkerLost lost = awaitEvent(CoordinatorEvent.WorkerLost.class,
                    e -> e.address().equals(childAddress), Duration.ofSeconds(20));
            long gone = ms(killed);
            assertThat(workers()).hasSize(2);
            System.err.printf("[ClusterTest] SIGKILLed worker: unreachable after %d ms, lost (%s) after %d ms%n",
                    unreachable, lost.reason(), gone);
            assertThat(gone).isLessThan(15_000);
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    @Order(6)
    void remoteMessagesUseJacksonCborAndChunksMustFitTheFrame() throws Exception {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(seed.system()));
        assertThat(serialization.findSerializerFor(new FileTransfer.Chunk("t", 0, new byte[1], 0)))
                .isInstanceOf(JacksonCborSerializer.class);
        assertThat(serialization.findSerializerFor(new Worker.Challenge("n", coordinator)))
                .isInstanceOf(JacksonCborSerializer.class);
        assertThat(ClusterConfig.maximumFrameSize(seed.system().settings().config()))
                .isEqualTo(ClusterConfig.DEFAULT_MAXIMUM_FRAME_SIZE);

        // A 256 KiB chunk would not fit Artery's default 256 KiB frame with its envelope: the receiver refuses it.
        Path file = tmp.resolve("small.bin");
        Files.write(file, new byte[1000]);
        TestProbe<FileTransfer.UploadResult> result = TestProbe.create(workerNodeB.system());
        workerNodeB.system().systemActorOf(FileTransfer.sender(file, "small.bin", null, 0, registeredCoordinatorRef().narrow(),
                256 * 1024, 4, FileTransfer.Faults.NONE, result.getRef()), "oversized-chunks", Props.empty());
        FileTransfer.UploadResult r = result.receiveMessage(Duration.ofSeconds(10));
        assertThat(r.ok()).isFalse();
        assertThat(r.message()).contains("does not fit maximum-frame-size");
    }

    /** The coordinator's ref as seen from worker B's node. */
    private ActorRef<Coordinator.Command> registeredCoordinatorRef() throws Exception {
        TestProbe<Receptionist.Listing> probe = TestProbe.create(workerNodeB.system());
        workerNodeB.system().receptionist().tell(Receptionist.find(Coordinator.COORDINATOR, probe.getRef()));
        Set<ActorRef<Coordinator.Command>> found = probe.receiveMessage(Duration.ofSeconds(5))
                .getServiceInstances(Coordinator.COORDINATOR);
        assertThat(found).hasSize(1);
        return found.iterator().next();
    }

    private List<Coordinator.WorkerInfo> workers() throws Exception {
        return AskPattern.<Coordinator.Command, List<Coordinator.WorkerInfo>>ask(coordinator,
                        Coordinator.GetWorkers::new, Duration.ofSeconds(3), seed.system().scheduler())
                .toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private List<Path> partFiles() throws IOException {
        try (Stream<Path> s = Files.list(inbox)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }

    /** Receives events until one of {@code type} matches; others are skipped. */
    private <T extends CoordinatorEvent> T awaitEvent(Class<T> type, Predicate<T> match, Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        List<CoordinatorEvent> skipped = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + max + "; saw " + skipped);
            }
            CoordinatorEvent e;
            try {
                e = events.receiveMessage(Duration.ofNanos(left));
            } catch (AssertionError timeout) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + max + "; saw " + skipped);
            }
            if (type.isInstance(e) && match.test(type.cast(e))) {
                return type.cast(e);
            }
            skipped.add(e);
        }
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

}
