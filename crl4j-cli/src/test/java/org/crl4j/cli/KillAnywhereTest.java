package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.crl4j.core.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection on a real child process: train is killed with SIGKILL again and again, some kills inside a file
 * write (the child holds each write open for a moment, -Dcrl4j.fault.hold-write-ms, and the test kills as soon as
 * it sees the temporary file), others at random moments; between kills the metrics files also get a torn last line,
 * as a crash during an append leaves them. After each kill, train --resume continues. The finished run must equal an
 * uninterrupted one: every metrics row once, in order, with the same values, and the same final checkpoints.
 */
class KillAnywhereTest {
    private static final int EPOCHS = 5;
    private static final int KILLS = 12;

    @Test
    void aRunKilledAnywhereAndResumedEqualsOneNeverKilled(@TempDir Path tmp) throws Exception {
        Path reference = tmp.resolve("reference");
        List<String> args = TrainLengthenTest.tiny(reference, EPOCHS);
        args.addAll(List.of("--checkpoint-every", "1"));
        assertThat(CommandLineErrorsTest.run(args.toArray(new String[0])).code()).isZero();

        Path run = tmp.resolve("killed");
        List<String> first = TrainLengthenTest.tiny(run, EPOCHS);
        first.addAll(List.of("--checkpoint-every", "1"));
        Random random = new Random(7);
        int kills = 0;
        int killsInWrites = 0;
        boolean finished = false;
        for (int attempt = 0; attempt < 4 * KILLS && !finished; attempt++) {
            List<String> trainArgs = Files.exists(run.resolve("checkpoints").resolve("resume.safetensors"))
                    || Files.exists(run.resolve("checkpoints").resolve("resume.prev.safetensors"))
                    ? List.of("train", "--resume", run.toString(), "--threads", "1") : first;
            boolean inWrite = attempt % 2 == 0;
            boolean kill = kills < KILLS; // then let it run to the end
            Process p = start(trainArgs, tmp.resolve("log" + attempt + ".txt"));
            long deadline = System.nanoTime() + (!kill ? 300_000_000_000L : inWrite ? 60_000_000_000L
                    : (long) (random.nextDouble() * 2.5e9));
            boolean killed = false;
            while (p.isAlive() && System.nanoTime() < deadline) {
                if (kill && inWrite && writing(run)) {
                    break;
                }
                Thread.sleep(inWrite ? 2 : 20);
            }
            if (p.isAlive()) {
                p.destroyForcibly(); // SIGKILL: no shutdown hook runs, nothing is flushed or saved
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
                killed = true;
                kills++;
                killsInWrites += inWrite ? 1 : 0;
                if (kills % 3 == 0) {
                    tear(run.resolve("metrics.jsonl"));
                    tear(run.resolve("metrics.csv"));
                }
            } else {
                assertThat(p.waitFor()).as(Files.readString(tmp.resolve("log" + attempt + ".txt"))).isZero();
            }
            finished = !killed && Files.exists(run.resolve("finished.json"));
        }
        System.out.printf("KillAnywhereTest: %d kills (%d inside a write), %d torn appends%n", kills, killsInWrites, kills / 3);
        assertThat(finished).as("the run finished within the attempts").isTrue();
        assertThat(killsInWrites).as("kills inside a write").isGreaterThanOrEqualTo(3);

        List<String> want = Files.readAllLines(reference.resolve("metrics.jsonl"));
        List<String> got = Files.readAllLines(run.resolve("metrics.jsonl"));
        assertThat(got).hasSize(EPOCHS);
        for (int i = 0; i < EPOCHS; i++) {
            assertThat(TrainLengthenTest.withoutTimings(got.get(i))).as("metrics.jsonl row " + (i + 1))
                    .isEqualTo(TrainLengthenTest.withoutTimings(want.get(i)));
        }
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        List<String> csvWant = Files.readAllLines(reference.resolve("metrics.csv"));
        assertThat(csv).as("metrics.csv: a header and one row per epoch").hasSize(csvWant.size());
        assertThat(csv.get(0)).isEqualTo(csvWant.get(0));
        for (int i = 1; i < csv.size(); i++) {
            assertThat(csv.get(i).split(",")[0]).as("csv row " + i + " is epoch " + i).isEqualTo(csvWant.get(i).split(",")[0]);
        }
        for (String name : List.of("last", "best", "epoch_1", "epoch_" + EPOCHS)) {
            Path a = reference.resolve("checkpoints").resolve(name + ".safetensors");
            Path b = run.resolve("checkpoints").resolve(name + ".safetensors");
            assertThat(Files.readAllBytes(b)).as(name + ".safetensors, byte for byte").isEqualTo(Files.readAllBytes(a));
        }
        Map<String, Object> done = Json.parseObject(Files.readString(run.resolve("finished.json")));
        assertThat(done).isEqualTo(Json.parseObject(Files.readString(reference.resolve("finished.json"))));
        try (Stream<Path> left = Files.walk(run)) {
            assertThat(left.map(Path::getFileName).map(Path::toString).filter(n -> n.endsWith(".tmp")).toList())
                    .as("temporary files of interrupted writes are cleared on resume").isEmpty();
        }
    }

    private static Process start(List<String> args, Path log) throws IOException {
        return start(args, log, "-Dcrl4j.fault.hold-write-ms=40");
    }

    /** {@code crl4j ARGS} in a child JVM on this test's class path, output (both streams) to {@code log}. */
    static Process start(List<String> args, Path log, String... jvmOptions) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true"));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** A write is under way: one of its temporary files exists. */
    private static boolean writing(Path run) {
        for (Path d : List.of(run, run.resolve("checkpoints"))) {
            File[] files = d.toFile().listFiles((dir, name) -> name.endsWith(".tmp"));
            if (files != null && files.length > 0) {
                return true;
            }
        }
        return false;
    }

    /** Leaves a line cut short at the end of a file, as a crash in the middle of an append does. */
    private static void tear(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.writeString(file, "7,0.5,{\"epo", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        }
    }
}
