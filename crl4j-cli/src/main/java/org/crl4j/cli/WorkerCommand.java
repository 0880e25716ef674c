package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.crl4j.cluster.ClusterNode;
import org.crl4j.cluster.Worker;
import org.crl4j.cluster.WorkerNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code crl4j worker}: one machine's share of a distributed sweep. It joins the coordinator (a {@code sweep
 * --cluster-port} process), trains the runs handed to it exactly as a local sweep does (each a child JVM running
 * {@code train}), and copies each run back to the sweep directory. It keeps serving until stopped: when its
 * coordinator goes away it joins again, so a restarted sweep finds its workers.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Join a distributed sweep (one started with 'sweep --cluster-port P') and train the runs it hands out.",
            "The shared secret comes from " + ClusterSecret.ENV + " or --secret-file, the same as the sweep's."})
public final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--join", required = true, paramLabel = "HOST:PORT", description = "The sweep's coordinator address.")
    String join;
    @Option(names = "--slots", description = "Runs at once on this machine (default: its cores, one thread each unless "
            + "the sweep gives --threads).")
    Integer slots;
    @Option(names = "--host", defaultValue = ClusterNode.LOOPBACK, description = "This machine's address as the "
            + "coordinator reaches it (default ${DEFAULT-VALUE}: same machine only).")
    String host;
    @Option(names = "--port", defaultValue = "0", description = "Port for this worker (default 0: any free port).")
    int port;
    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where runs live while they train here (default: "
            + "a directory under the temporary directory).")
    Path workDir;
    @Option(names = "--secret-file", paramLabel = "FILE", description = "File holding the cluster's shared secret.")
    Path secretFile;

    @Override
    public Integer call() throws InterruptedException {
        int n = slots != null ? slots : Runtime.getRuntime().availableProcessors();
        if (n < 1) {
            throw new IllegalArgumentException("--slots must be at least 1");
        }
        String secretValue = ClusterSecret.value(secretFile);
        var secret = new org.crl4j.cluster.Secret(secretValue);
        var seed = ClusterNode.parseSeed(join);
        Path dir = workDir != null ? workDir : WorkerNode.defaultWorkDir();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the work directory " + dir + ": " + e.getMessage(), e);
        }
        System.out.printf("crl4j worker: joining %s with %d slot%s (work directory %s)%n", join, n, n == 1 ? "" : "s", dir);
        return WorkerNode.run(new WorkerNode.Options(host, port, seed, ClusterSecret.fastFailureDetection(),
                Worker.Settings.jobs(secret, n,
                (args, log, threads) -> TrainProcess.start(args, log, threads,
                        java.util.Map.of(ClusterSecret.ENV, secretValue)), dir)), System.out);
    }
}
