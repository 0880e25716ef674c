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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distributed sweep on this machine's loopback: a sweep process as coordinator and two {@code crl4j worker}
 * processes, all child JVMs. One worker is killed with SIGKILL (its train child too, as when a machine dies) while
 * it trains a run whose resume state has reached the coordinator; later the coordinator itself is killed and
 * started again on the same port. All four runs must finish; the interrupted ones resume elsewhere having lost at
 * most one epoch; and every run's checkpoints are byte-identical to local runs of the same train commands.
 */
class DistributedSweepTest {
    private static final String SECRET = "test-secret-" + ProcessHandle.current().pid();
    private static final int EPOCHS = 6;
    private static final Pattern TRAINING_ON = Pattern.compile(
            "\\] (\\S+): (training|resuming) on pekko://crl4j@127\\.0\\.0\\.1:(\\d+) \\(lease (\\d+)\\)");

    @Test
    @Timeout(300)
    void fourRunsOnTwoWorkersSurviveAKilledWorkerAndAKilledCoordinator(@TempDir Path tmp) throws Exception {
        Path sweepDir = tmp.resolve("sweep");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Process> all = new ArrayList<>();
        long t0 = System.nanoTime();
        try {
            Path sweepLog = tmp.resolve("sweep-1.log");
            Process sweep = start(sweepArgs(sweepDir, port), sweepLog, all);
            awaitLine(sweepLog, l -> l.contains("coordinator at 127.0.0.1:" + port), 60);
            Path logA = tmp.resolve("worker-a.log");
            Process workerA = start(workerArgs(port, tmp.resolve("wa")), logA, all);
            Process workerB = start(workerArgs(port, tmp.resolve("wb")), tmp.resolve("worker-b.log"), all);
            int portA = Integer.parseInt(awaitLine(logA, l -> l.startsWith("WORKER_REGISTERED"), 60).split(" ")[1]);

            // 1. SIGKILL worker A (and its train child) once its run's first resume state is on the coordinator
            String runOfA = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (runOfA == null || !hasResumeState(sweepDir.resolve(runOfA))) {
                assertThat(System.nanoTime()).as("worker A trains a run whose resume state arrives").isLessThan(deadline);
                runOfA = lastRunOn(sweepLog, portA);
                Thread.sleep(100);
            }
            int epochsOnA = epochsOnWorker(tmp.resolve("wa"));
            killTree(workerA);
            System.err.printf("[DistributedSweepTest] killed worker A after %d s while it trained %s (%d epochs done there)%n",
                    seconds(t0), runOfA, epochsOnA);
            String finalRunOfA = runOfA;
            awaitLine(sweepLog, l -> l.contains(finalRunOfA + ": resuming on"), 60);
            // a replacement for A, so that two workers train again
            start(workerArgs(port, tmp.resolve("wc")), tmp.resolve("worker-c.log"), all);

            // 2. SIGKILL the coordinator while some run is in progress, then start it again on the same port
            awaitLine(sweepLog, l -> l.contains(": done"), 90);
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!anyInProgress(sweepDir)) {
                assertThat(System.nanoTime()).as("a run in progress on the coordinator").isLessThan(deadline);
                Thread.sleep(100);
            }
            killTree(sweep);
            System.err.printf("[DistributedSweepTest] killed the coordinator after %d s%n", seconds(t0));
            Path sweepLog2 = tmp.resolve("sweep-2.log");
            List<String> resume = List.of("sweep", "--resume", sweepDir.toString(), "--cluster-port", "" + port);
            Process sweep2 = start(resume, sweepLog2, all);
            assertThat(sweep2.waitFor(200, TimeUnit.SECONDS)).as("the restarted sweep ends").isTrue();
            System.err.printf("[DistributedSweepTest] the restarted sweep ended after %d s%n", seconds(t0));
            String out2 = Files.readString(sweepLog2);
            assertThat(sweep2.exitValue()).as(out2).isZero();
            assertThat(out2).contains("sweep done: 4 runs");
            assertThat(workerB.isAlive()).as("worker B outlived both coordinators").isTrue();

            // 3. The result equals local runs of the same commands (train in this JVM, as a local sweep runs it in a
            //    child), file for file (lock, train.log and TensorBoard file names aside)
            Path local = tmp.resolve("local");
            SweepGrid grid = SweepCommand.readSweepFile(sweepDir);
            for (SweepGrid.Run run : grid.runs()) {
                List<String> train = new ArrayList<>(grid.trainArgs(run));
                train.addAll(List.of("--run-dir", run.dir(local).toString(), "--threads", "1"));
                assertThat(CommandLineErrorsTest.run(train.toArray(new String[0])).code()).isZero();
            }
            System.err.printf("[DistributedSweepTest] the local runs ended after %d s%n", seconds(t0));
            for (SweepGrid.Run run : SweepCommand.readSweepFile(sweepDir).runs()) {
                Path d = run.dir(sweepDir);
                Path l = run.dir(local);
                assertThat(RunState.of(d)).as(run.name()).isEqualTo(RunState.FINISHED);
                assertThat(rows(d.resolve("metrics.jsonl"))).as(run.name() + " metrics rows").isEqualTo(EPOCHS);
                assertThat(files(d)).as(run.name() + " files").isEqualTo(files(l));
                for (String f : files(l)) {
                    // checkpoints; resume states record wall-clock time, so an interrupted run's differ
                    if (f.endsWith(".safetensors") && !f.contains("resume")) {
                        assertThat(Arrays.equals(Files.readAllBytes(d.resolve(f)), Files.readAllBytes(l.resolve(f))))
                                .as(run.name() + " " + f + " byte-identical to the local run's").isTrue();
                    }
                }
                assertThat(Files.readString(d.resolve("finished.json"))).isEqualTo(Files.readString(l.resolve("finished.json")));
            }
            // the run of the killed worker resumed from the last resume state that had arrived: at most one epoch lost
            String log = Files.readString(sweepDir.resolve(runOfA).resolve("train.log"));
            Matcher resumedAt = Pattern.compile("crl4j train: resuming \\S+ at ([0-9,]+) env steps").matcher(log);
            assertThat(resumedAt.find()).as(log).isTrue();
            long resumedSteps = Long.parseLong(resumedAt.group(1).replace(",", ""));
            assertThat((resumedSteps - 2108) / 248).as("epoch resumed at").isGreaterThanOrEqualTo(epochsOnA - 1);
            assertThat(CommandLineErrorsTest.run("plot", sweepDir.toString()).code()).isZero();
        } finally {
            for (Process p : all) {
                killTree(p);
            }
        }
    }

    private static long seconds(long t0) {
        return (System.nanoTime() - t0) / 1_000_000_000L;
    }

    private static List<String> sweepArgs(Path dir, int port) {
        long steps = 2108 + EPOCHS * 248L;
        return new ArrayList<>(List.of("sweep", "--env", "reacher", "--depth", "4", "--width", "32", "--batch", "32",
                "--seeds", "4", "--steps", "" + steps, "--num-envs", "2", "--min-replay-size", "1001",
                "--num-sgd-batches-per-training-step", "2", "--num-eval-envs", "1", "--no-gif", "--num-epochs", "" + EPOCHS,
                "--sweep-dir", dir.toString(), "--cluster-port", "" + port));
    }

    private static List<String> workerArgs(int port, Path workDir) {
        return List.of("worker", "--join", "127.0.0.1:" + port, "--slots", "1", "--work-dir", workDir.toString());
    }

    private static Process start(List<String> args, Path log, List<Process> all) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true",
                "-XX:TieredStopAtLevel=1", "-Dcrl4j.cluster.fast-failure-detection=true", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put(ClusterSecret.ENV, SECRET);
        Process p = pb.start();
        all.add(p);
        return p;
    }

    private static void killTree(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static String awaitLine(Path log, Predicate<String> match, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (match.test(l)) {
                        return l;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no matching line in " + log + " after " + seconds + " s:\n"
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    /** The run the sweep last handed to the worker on {@code port}, or null. */
    private static String lastRunOn(Path sweepLog, int port) throws IOException {
        String run = null;
        for (String l : Files.readAllLines(sweepLog, StandardCharsets.UTF_8)) {
            Matcher m = TRAINING_ON.matcher(l);
            if (m.find() && Integer.parseInt(m.group(3)) == port) {
                run = m.group(1);
            }
        }
        return run;
    }

    private static boolean hasResumeState(Path runDir) {
        return Files.isRegularFile(runDir.resolve("checkpoints/resume.safetensors"))
                && !Files.exists(runDir.resolve("finished.json"));
    }

    private static boolean anyInProgress(Path sweepDir) throws IOException {
        for (SweepGrid.Run run : SweepCommand.readSweepFile(sweepDir).runs()) {
            if (hasResumeState(run.dir(sweepDir))) {
                return true;
            }
        }
        return false;
    }

    /** Epochs finished in the one run directory a worker's work directory holds now. */
    private static int epochsOnWorker(Path workDir) throws IOException {
        try (Stream<Path> s = Files.list(workDir)) {
            Path lease = s.filter(p -> p.getFileName().toString().startsWith("lease-")).findFirst().orElseThrow();
            return rows(lease.resolve("metrics.jsonl"));
        }
    }

    private static int rows(Path metrics) throws IOException {
        return (int) Files.readAllLines(metrics, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("{")).count();
    }

    private static List<String> files(Path runDir) throws IOException {
        try (Stream<Path> s = Files.walk(runDir)) {
            return s.filter(Files::isRegularFile).map(p -> runDir.relativize(p).toString())
                    .filter(n -> !n.equals("lock") && !n.equals("train.log") && !n.startsWith("tensorboard/")).sorted().toList();
        }
    }
}
