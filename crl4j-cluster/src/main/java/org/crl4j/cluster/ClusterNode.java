package org.crl4j.cluster;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/**
 * One cluster node: an ActorSystem on Artery TCP, bound to 127.0.0.1 by default, that joins a seed (or itself,
 * when it is the seed). Port 0 binds any free port; {@link #port()} says which one.
 */
public final class ClusterNode implements AutoCloseable {
    public static final String SYSTEM_NAME = "crl4j";
    public static final String LOOPBACK = "127.0.0.1";

    private final ActorSystem<Void> system;

    private ClusterNode(ActorSystem<Void> system) {
        this.system = system;
    }

    /** Starts the seed node: it joins itself. */
    public static ClusterNode startSeed(String host, int port, boolean fastFailureDetection, Config extra) {
        ClusterNode node = start(host, port, fastFailureDetection, extra);
        node.join(node.address());
        return node;
    }

    /** Starts a node and joins the seed at {@code seed}. */
    public static ClusterNode startJoining(String host, int port, Address seed, boolean fastFailureDetection,
                                           Config extra) {
        ClusterNode node = start(host, port, fastFailureDetection, extra);
        node.join(seed);
        return node;
    }

    /** Starts a node that has not joined anything yet. */
    public static ClusterNode start(String host, int port, boolean fastFailureDetection, Config extra) {
        // SLF4J initialised here, before Pekko's threads log concurrently (else it prints a "replayed" warning)
        org.slf4j.LoggerFactory.getILoggerFactory();
        Config config = ClusterConfig.build(host, port, fastFailureDetection, extra);
        return new ClusterNode(ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config));
    }

    public static Address seedAddress(String host, int port) {
        return new Address("pekko", SYSTEM_NAME, host, port);
    }

    /** Parses {@code host:port}. */
    public static Address parseSeed(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        int port = -1;
        if (colon > 0) {
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException notANumber) {
                port = -1;
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("expected HOST:PORT (e.g. 127.0.0.1:25520), got " + hostPort);
        }
        return seedAddress(hostPort.substring(0, colon), port);
    }

    /**
     * This machine's address on the route to {@code host} (a UDP socket "connected" to it sends nothing, but the
     * kernel picks the interface): what a node started here to reach that host should bind to and advertise.
     */
    public static String localAddressTowards(String host) {
        try (java.net.DatagramSocket s = new java.net.DatagramSocket()) {
            s.connect(new java.net.InetSocketAddress(host, 9));
            java.net.InetAddress local = s.getLocalAddress();
            if (local == null || local.isAnyLocalAddress()) {
                throw new IllegalArgumentException("no route from this machine to " + host);
            }
            return local.getHostAddress();
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot find this machine's address towards " + host + ": "
                    + e.getMessage());
        }
    }

    public void join(Address seed) {
        Cluster.get(system).manager().tell(Join.create(seed));
    }

    public ActorSystem<Void> system() {
        return system;
    }

    /** The canonical address, with the port actually bound. */
    public Address address() {
        return system.address();
    }

    public int port() {
        return system.address().getPort().orElseThrow();
    }

    public Cluster cluster() {
        return Cluster.get(system);
    }

    /** Waits until this node's own member status is Up. */
    public void awaitUp(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (cluster().selfMember().status() != MemberStatus.up()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(address() + " not Up after " + timeout + ", status "
                        + cluster().selfMember().status());
            }
            Thread.sleep(20);
        }
    }

    /** Terminates the ActorSystem (coordinated shutdown: leaves the cluster first) and waits for it. */
    @Override
    public void close() {
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("node " + address() + " did not terminate", e);
        }
    }
}
