package org.crl4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.crl4j.cluster.Secret;

/**
 * Where the sweep's coordinator and its workers get their shared secret: a file (--secret-file) or the environment
 * variable CRL4J_CLUSTER_SECRET, never a command-line value (it would show in ps and shell history).
 */
final class ClusterSecret {
    static final String ENV = "CRL4J_CLUSTER_SECRET";

    private ClusterSecret() {
    }

    static Secret load(Path file) {
        return new Secret(value(file));
    }

    /**
     * The secret's text, for a worker to hand to the processes it starts (in their environment, which only this
     * user can read): a data-parallel rank on a worker proves it to rank 0's cluster.
     */
    static String value(Path file) {
        String value;
        if (file != null) {
            try {
                value = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the cluster secret from " + file + ": " + e.getMessage());
            }
            if (value.isEmpty()) {
                throw new IllegalArgumentException("the secret file " + file + " is empty; put the shared secret in it");
            }
        } else {
            value = System.getenv(ENV);
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("the cluster needs a shared secret: set " + ENV + " to the same value "
                        + "for the sweep and every worker (e.g. export " + ENV + "=$(openssl rand -hex 16)), or pass "
                        + "--secret-file FILE");
            }
            value = value.strip();
        }
        return value;
    }

    /** Test hook: failure detection in seconds instead of tens of seconds. */
    static boolean fastFailureDetection() {
        return Boolean.getBoolean("crl4j.cluster.fast-failure-detection");
    }
}
