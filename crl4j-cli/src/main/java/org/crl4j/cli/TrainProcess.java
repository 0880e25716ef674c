package org.crl4j.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code crl4j train ...} (or a sweep's final {@code eval}) in a child JVM (same java, class path and JVM options
 * as this one), its output appended to a log file. A sweep runs each training run this way so that one run's memory
 * (deep networks, replay) is returned when it ends, a crash or out-of-memory stays inside its run, parallel runs do
 * not interleave their output, and Ctrl-C reaches each run as it would a lone {@code train}, which saves its resume
 * state.
 */
final class TrainProcess {
    private TrainProcess() {
    }

    /** The java command line that starts this CLI in a new JVM. */
    static List<String> javaCommand() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // debuggers and coverage agents belong to this JVM (a second one would clash on its port or file)
            if (!a.startsWith("-agentlib:") && !a.startsWith("-javaagent:") && !a.startsWith("-Xrunjdwp")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return cmd;
    }

    /** Starts {@code crl4j <cliArgs>} with stdout and stderr appended to {@code log}. */
    static Process start(List<String> cliArgs, Path log, int threads) throws IOException {
        return start(cliArgs, log, threads, java.util.Map.of());
    }

    /** As {@link #start(List, Path, int)}, with {@code env} added to the child's environment. */
    static Process start(List<String> cliArgs, Path log, int threads, java.util.Map<String, String> env) throws IOException {
        List<String> cmd = javaCommand();
        cmd.addAll(cliArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads)); // as the launcher does for train
        pb.environment().putAll(env);
        pb.environment().put(Main.PARENT_PID_ENV, Long.toString(ProcessHandle.current().pid())); // see Main
        return pb.start();
    }
}
