package org.crl4j.cluster;

import com.typesafe.config.ConfigFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A worker process's life: start a node, join the coordinator, serve jobs; when the node is downed (the
 * coordinator stopped, restarted, or cut this machine off), its jobs' processes are stopped and a fresh node joins
 * again, so a restarted coordinator gets its workers back without anyone restarting them. A node that is refused
 * before it ever registered (a wrong secret) ends the process instead of knocking forever.
 */
public final class WorkerNode {
    /** How long a worker waits before joining again after it lost its coordinator. */
    static final Duration REJOIN_AFTER = Duration.ofSeconds(3);

    public record Options(String host, int port, Address seed, boolean fastFailureDetection,
                          Worker.Settings settings) {
    }

    private WorkerNode() {
    }

    /**
     * Runs until the JVM is asked to stop (returns 0) or the coordinator refuses this worker (returns 1). Prints
     * {@code WORKER_REGISTERED <port>} on {@code out} each time a coordinator counts it, for scripts and tests.
     */
    public static int run(Options o, PrintStream out) throws InterruptedException {
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopping.set(true), "crl4j-worker-stop"));
        while (!stopping.get()) {
            ClusterNode node;
            try {
                node = ClusterNode.startJoining(o.host(), o.port(), o.seed(), o.fastFailureDetection(),
                        ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = off"));
            } catch (IllegalStateException shuttingDown) {
                return 0;
            }
            ActorRef<Worker.Command> worker = node.system().systemActorOf(Worker.create(o.settings()), "worker",
                    Props.empty());
            boolean registered = false;
            while (!node.system().getWhenTerminated().toCompletableFuture().isDone()) {
                if (!registered && isRegistered(node, worker)) {
                    registered = true;
                    out.println("WORKER_REGISTERED " + node.port());
                    out.flush();
                }
                Thread.sleep(registered ? 500 : 100);
            }
            if (stopping.get()) {
                return 0;
            }
            if (!registered) {
                System.err.println("crl4j worker: the coordinator at " + o.seed().getHost().orElse("?") + ":"
                        + o.seed().getPort().orElse(0) + " did not accept this worker; check that CRL4J_CLUSTER_SECRET"
                        + " (or --secret-file) holds the coordinator's secret");
                return 1;
            }
            System.err.println("crl4j worker: lost the coordinator; its jobs were stopped; joining again in "
                    + REJOIN_AFTER.toSeconds() + " s");
            Thread.sleep(REJOIN_AFTER.toMillis());
        }
        return 0;
    }

    private static boolean isRegistered(ClusterNode node, ActorRef<Worker.Command> worker) throws InterruptedException {
        CompletionStage<Boolean> registered = AskPattern.ask(worker, Worker.GetStatus::new, Duration.ofSeconds(2),
                node.system().scheduler());
        try {
            return registered.toCompletableFuture().get();
        } catch (ExecutionException timeoutOrStopped) {
            return false;
        }
    }

    /** The default work directory: one per process under the temporary directory. */
    public static Path defaultWorkDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "crl4j-worker-" + ProcessHandle.current().pid());
    }
}
