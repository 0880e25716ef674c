package org.crl4j.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * How a worker starts one command of a job: the command line supplies it (a {@code crl4j train} or {@code eval} in
 * a child JVM, exactly as a local sweep starts its runs), so the cluster module does not know how crl4j is launched.
 */
@FunctionalInterface
public interface JobLauncher {
    /** Starts {@code crl4j <args>} in a new process, stdout and stderr appended to {@code log}. */
    Process start(List<String> args, Path log, int threads) throws IOException;
}
