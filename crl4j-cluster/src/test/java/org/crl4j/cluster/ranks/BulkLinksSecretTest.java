package org.crl4j.cluster.ranks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.crl4j.cluster.Secret;
import org.crl4j.rl.ranks.GradientReducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ranks' data links with a cluster secret: a stranger who finds rank 0's port and claims to be rank 1 with a
 * wrong HMAC is turned away, and the real rank 1 still connects and reduces with rank 0.
 */
class BulkLinksSecretTest {
    @Test
    @Timeout(30) // an accepted stranger would block its read instead of seeing the close
    void aConnectionWithoutTheSecretIsRefusedAndTheRealRankStillConnects() throws Exception {
        Secret secret = new Secret("right");
        BulkLinks zero = BulkLinks.listen("127.0.0.1");
        BulkLinks one = BulkLinks.listen("127.0.0.1");
        String[] hosts = {"127.0.0.1", "127.0.0.1"};
        int[] ports = {zero.port(), one.port()};
        AtomicReference<RankMessages.Lost> lost0 = new AtomicReference<>();
        AtomicReference<RankMessages.Lost> lost1 = new AtomicReference<>();
        CompletableFuture<Void> accepting = CompletableFuture.runAsync(() -> {
            try {
                zero.connect(0, 2, hosts, ports, lost0, "run_test", secret);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // the stranger: reads the nonce, claims rank 1, signs with another secret
        try (SocketChannel stranger = SocketChannel.open(new InetSocketAddress("127.0.0.1", zero.port()))) {
            ByteBuffer nonce = ByteBuffer.allocate(32);
            while (nonce.hasRemaining()) {
                stranger.read(nonce);
            }
            String n = new String(nonce.array(), StandardCharsets.US_ASCII);
            ByteBuffer hello = ByteBuffer.allocate(4 + 64).putInt(1)
                    .put(new Secret("wrong").sign(n, "crl4j-ranks/run_test/1", 1).getBytes(StandardCharsets.US_ASCII));
            stranger.write(hello.flip());
            ByteBuffer after = ByteBuffer.allocate(1);
            assertThat(stranger.read(after)).as("rank 0 closes the stranger's connection").isEqualTo(-1);
        }
        assertThat(accepting).as("rank 0 still waits for the real rank 1").isNotDone();
        one.connect(1, 2, hosts, ports, lost1, "run_test", secret);
        accepting.get(10, TimeUnit.SECONDS);

        float[] a = {1f, 2f, 3f};
        float[] b = {3f, 4f, 5f};
        CompletableFuture<Void> r0 = CompletableFuture.runAsync(() -> zero.allReduceMean(1,
                GradientReducer.Group.ACTOR, a, ClusterRanks.Owners.ROUND_ROBIN, Duration.ofSeconds(1),
                Duration.ofSeconds(10)));
        one.allReduceMean(1, GradientReducer.Group.ACTOR, b, ClusterRanks.Owners.ROUND_ROBIN, Duration.ofSeconds(1),
                Duration.ofSeconds(10));
        r0.get(10, TimeUnit.SECONDS);
        assertThat(a).containsExactly(2f, 3f, 4f);
        assertThat(b).containsExactly(2f, 3f, 4f);
        assertThat(lost0.get()).isNull();
        zero.close();
        one.close();
    }
}
