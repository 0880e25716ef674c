package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data-parallel run whose rank 1 trains on a cluster worker ({@code train --ranks 2 --cluster-port P} and
 * {@code worker --join}), all child JVMs on loopback, each worker with a work directory of its own, as a machine of
 * its own would have. The worker is killed with SIGKILL (its rank process too, as when a machine dies) once rank 1's
 * state has come back; rank 0 must stop with one line, and the run resumed on a new worker must end byte-identical
 * to the same run with both ranks on this machine.
 */
class DistributedRanksTest {
    private static final String SECRET = "test-secret-" + ProcessHandle.current().pid();

    @Test
    @Timeout(300)
    void aRankOnAWorkerThatDiesResumesOnAnotherToTheLocalRunsBytes(@TempDir Path tmp) throws Exception {
        Path reference = tmp.resolve("reference");
        CommandLineErrorsTest.Outcome local = CommandLineErrorsTest.run(
                DataParallelTrainTest.args(reference).toArray(new String[0]));
        assertThat(local.code()).as(local.toString()).isZero();

        Path secretFile = tmp.resolve("secret");
        Files.writeString(secretFile, SECRET);
        Path run = tmp.resolve("distributed");
        List<Process> all = new ArrayList<>();
        try {
            int port = freePort();
            List<String> train = new ArrayList<>(DataParallelTrainTest.args(run));
            train.addAll(List.of("--cluster-port", "" + port, "--secret-file", secretFile.toString()));
            Path log = tmp.resolve("rank0-1.log");
            Process lead = start(train, log, all);
            awaitLine(log, l -> l.contains("waiting for 1 free worker slot at 127.0.0.1:" + port), 60);
            Process worker = start(List.of("worker", "--join", "127.0.0.1:" + port, "--slots", "1", "--work-dir",
                    tmp.resolve("wa").toString(), "--secret-file", secretFile.toString()), tmp.resolve("worker-a.log"), all);
            // SIGKILL the worker and its rank once rank 1's state of epoch 2 is here
            Path rank1 = run.resolve("ranks/1/checkpoints/resume.safetensors");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(Files.exists(run.resolve("checkpoints/epoch_2.safetensors")) && Files.exists(rank1))) {
                assertThat(System.nanoTime()).as(Files.readString(log)).isLessThan(deadline);
                Thread.sleep(50);
            }
            worker.descendants().forEach(ProcessHandle::destroyForcibly);
            worker.destroyForcibly();
            assertThat(lead.waitFor(90, TimeUnit.SECONDS)).as("rank 0 stops by itself").isTrue();
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            assertThat(lead.exitValue()).as(String.join("\n", lines)).isEqualTo(1);
            assertThat(lines.get(lines.size() - 1)).contains("rank 1").contains("--resume " + run);
            assertThat(lines.stream().filter(l -> l.contains("\tat ")).toList()).as("no stack trace").isEmpty();

            // resumed with --cluster-port again: a new worker (another machine, another work directory) takes rank 1
            int port2 = freePort();
            Path log2 = tmp.resolve("rank0-2.log");
            Process resumed = start(List.of("train", "--resume", run.toString(), "--threads", "1", "--cluster-port",
                    "" + port2, "--secret-file", secretFile.toString()), log2, all);
            awaitLine(log2, l -> l.contains("waiting for 1 free worker slot"), 60);
            start(List.of("worker", "--join", "127.0.0.1:" + port2, "--slots", "1", "--work-dir",
                    tmp.resolve("wb").toString(), "--secret-file", secretFile.toString()), tmp.resolve("worker-b.log"), all);
            assertThat(resumed.waitFor(180, TimeUnit.SECONDS)).as("the resumed run ends").isTrue();
            assertThat(resumed.exitValue()).as(Files.readString(log2)).isZero();
        } finally {
            for (Process p : all) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
        for (String f : List.of("last", "best", "epoch_1", "epoch_" + DataParallelTrainTest.EPOCHS)) {
            Path a = reference.resolve("checkpoints/" + f + ".safetensors");
            Path b = run.resolve("checkpoints/" + f + ".safetensors");
            assertThat(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b))).as(f + " byte-identical").isTrue();
        }
        assertThat(Files.readAllLines(run.resolve("metrics.jsonl"))).hasSize(DataParallelTrainTest.EPOCHS);
        assertThat(Files.readString(run.resolve("ranks/1/train.log"))).as("rank 1's log came back").contains("rank 1");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process start(List<String> args, Path log, List<Process> all) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true",
                "-Dcrl4j.cluster.fast-failure-detection=true", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove(ClusterSecret.ENV); // the secret comes from --secret-file, and the worker passes it on
        Process p = pb.start();
        all.add(p);
        return p;
    }

    private static void awaitLine(Path log, Predicate<String> match, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readAllLines(log, StandardCharsets.UTF_8).stream().anyMatch(match)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no matching line in " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }
}
