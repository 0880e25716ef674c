package org.crl4j.cluster;

/**
 * A worker node in its own JVM, for tests of the cluster alone: {@code WorkerMain --seed HOST:PORT --slots N
 * [--host 127.0.0.1] [--port 0] [--fast]}, the secret in the environment variable CRL4J_CLUSTER_SECRET. It runs no
 * jobs (that needs the command line's launcher: {@code crl4j worker}). Prints {@code WORKER_REGISTERED <port>} on
 * stdout once the coordinator has counted it.
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
        System.exit(WorkerNode.run(new WorkerNode.Options(host, port, ClusterNode.parseSeed(seed), fast,
                Worker.Settings.of(new Secret(secret), slots)), System.out));
    }
}
