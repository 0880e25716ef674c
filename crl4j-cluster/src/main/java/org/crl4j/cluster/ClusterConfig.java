package org.crl4j.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * The Pekko configuration of a crl4j cluster node, built in code: no application.conf is needed, only the
 * reference.conf files inside the Pekko jars (so a fat jar must merge them; shading without an
 * AppendingTransformer for reference.conf breaks every node at start).
 */
public final class ClusterConfig {

    /** Artery's default {@code pekko.remote.artery.advanced.maximum-frame-size}: 256 KiB. */
    public static final int DEFAULT_MAXIMUM_FRAME_SIZE = 256 * 1024;

    private ClusterConfig() {
    }

    /** The configuration for one node; {@code extra} (may be null) overrides everything. */
    public static Config build(String host, int port, boolean fastFailureDetection, Config extra) {
        StringBuilder s = new StringBuilder();
        s.append("pekko {\n")
         .append("  loglevel = INFO\n")
         .append("  stdout-loglevel = WARNING\n")
         .append("  log-dead-letters = off\n")
         .append("  log-dead-letters-during-shutdown = off\n")
         .append("  actor.provider = cluster\n")
         .append("  actor.serialization-bindings {\n")
         .append("    \"").append(CborSerializable.class.getName()).append("\" = jackson-cbor\n")
         .append("  }\n")
         .append("  remote.artery {\n")
         .append("    transport = tcp\n")
         .append("    canonical.hostname = \"").append(host).append("\"\n")
         .append("    canonical.port = ").append(port).append("\n")
         .append("  }\n")
         .append("  cluster {\n")
         .append("    log-info = off\n")
         .append("    jmx.enabled = off\n")
         // Pekko has no auto-down-unreachable-after (removed in Akka 2.6); the split brain resolver ships
         // inside pekko-cluster. keep-oldest: the seed (coordinator) is the oldest member and survives;
         // down-if-alone = off, so workers never down the coordinator when it is the only one on its side.
         .append("    downing-provider-class = \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"\n")
         .append("    split-brain-resolver {\n")
         .append("      active-strategy = keep-oldest\n")
         .append("      keep-oldest.down-if-alone = off\n")
         .append("      stable-after = ").append(fastFailureDetection ? "2s" : "20s").append("\n")
         .append("    }\n");
        if (fastFailureDetection) {
            s.append("    failure-detector {\n")
             .append("      heartbeat-interval = 200ms\n")
             .append("      acceptable-heartbeat-pause = 1500ms\n")
             .append("      expected-response-after = 500ms\n")
             .append("    }\n")
             .append("    gossip-interval = 200ms\n")
             .append("    leader-actions-interval = 200ms\n")
             .append("    unreachable-nodes-reaper-interval = 250ms\n")
             .append("    distributed-data.gossip-interval = 300ms\n")
             .append("    typed.receptionist.distributed-data.gossip-interval = 300ms\n");
        }
        s.append("  }\n")
         .append("  coordinated-shutdown.exit-jvm = off\n")
         .append("}\n");
        Config own = ConfigFactory.parseString(s.toString());
        Config base = extra == null ? own : extra.withFallback(own);
        // load() adds system properties on top and Pekko's reference.conf files below.
        return ConfigFactory.load(base);
    }

    /** The configured Artery maximum frame size in bytes. */
    public static long maximumFrameSize(Config config) {
        return config.getBytes("pekko.remote.artery.advanced.maximum-frame-size");
    }
}
