package org.crl4j.cluster;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * A worker node in its own JVM: {@code WorkerMain --seed HOST:PORT --slots N [--host 127.0.0.1] [--port 0]
 * [--fast]}, the secret in the environment variable CRL4J_CLUSTER_SECRET. Prints {@code WORKER_REGISTERED <port>}
 * on stdout once the coordinator has counted it, and exits when its node leaves or is downed.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        String seed = null;
        String host = ClusterNode.LOOPBACK;
        int port = 0;
        int slots = 1;
        boolean fast = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seed" -> seed = args[++i];
                case "--host" -> host = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--slots" -> slots = Integer.parseInt(args[++i]);
                case "--fast" -> fast = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (seed == null) {
            throw new IllegalArgumentException("--seed HOST:PORT is required");
        }
        String secret = System.getenv("CRL4J_CLUSTER_SECRET");
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("set CRL4J_CLUSTER_SECRET");
        }
        ClusterNode node = ClusterNode.startJoining(host, port, ClusterNode.parseSeed(seed), fast,
                com.typesafe.config.ConfigFactory.parseString("pekko.coordinated-shutdown.exit-jvm = on"));
        ActorRef<Worker.Command> worker = node.system().systemActorOf(
                Worker.create(Worker.Settings.of(new Secret(secret), slots)), "worker",
                org.apache.pekko.actor.typed.Props.empty());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            CompletionStage<Boolean> registered = AskPattern.ask(worker, Worker.GetStatus::new, Duration.ofSeconds(2),
                    node.system().scheduler());
            if (registered.toCompletableFuture().get()) {
                System.out.println("WORKER_REGISTERED " + node.port());
                System.out.flush();
                break;
            }
            Thread.sleep(100);
        }
        node.system().getWhenTerminated().toCompletableFuture().get();
    }
}
