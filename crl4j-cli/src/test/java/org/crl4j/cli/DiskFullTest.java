package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk and a real read-only file system, not mocks: the run directory lives on a 4 MiB tmpfs mounted by
 * the test and every run on it is a child JVM (in this one, the memory mappings of earlier runs' checkpoints would
 * hold tmpfs pages of files already replaced) (it needs root, as CI has; elsewhere it is skipped and says so), which is filled with fallocate or
 * remounted read-only while the run is lengthened. Each failure must be one line naming the path and the cause,
 * leave every saved file as it was, and, once space or write access is back, resume into the same run as on a
 * healthy disk.
 */
class DiskFullTest {
    private static final long LENGTHENED = 2108 + 4 * 248L;

    @Test
    void aFullOrReadOnlyDiskIsOneLineAndLosesNothing(@TempDir Path tmp) throws Exception {
        Path reference = tmp.resolve("reference");
        assertThat(CommandLineErrorsTest.run(TrainLengthenTest.tiny(reference, 2).toArray(new String[0])).code()).isZero();
        assertThat(CommandLineErrorsTest.run("train", "--resume", reference.toString(), "--total-env-steps",
                "" + LENGTHENED).code()).isZero();

        Path fs = tmp.resolve("fs");
        Files.createDirectories(fs);
        String mounted = sh("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", fs.toString());
        Assumptions.assumeTrue(mounted.isEmpty(), "needs root to mount a tmpfs (" + mounted + ")");
        try {
            Path run = fs.resolve("run");
            assertThat(child(TrainLengthenTest.tiny(run, 2), tmp).code()).isZero();

            // full disk: 100 KiB left, less than one checkpoint
            long free = Files.getFileStore(fs).getUsableSpace();
            assertThat(sh("fallocate", "-l", "" + (free - 100 * 1024), fs.resolve("filler").toString())).isEmpty();
            Map<String, byte[]> saved = files(run.resolve("checkpoints"));
            CommandLineErrorsTest.Outcome full = child(List.of("train", "--resume", run.toString(),
                    "--total-env-steps", "" + LENGTHENED), tmp);
            assertThat(full.code()).isNotZero();
            assertThat(full.err().strip()).doesNotContain("\n").contains("No space left on device")
                    .contains(run.resolve("checkpoints").toString()).contains("train --resume " + run);
            Map<String, byte[]> after = files(run.resolve("checkpoints"));
            assertThat(after.keySet()).as("no temporary file left behind").isEqualTo(saved.keySet());
            assertThat(after.get("last.safetensors")).as("the last checkpoint is intact").isEqualTo(saved.get("last.safetensors"));
            assertThat(after.get("best.safetensors")).isEqualTo(saved.get("best.safetensors"));

            // read-only: nothing at all may change
            Map<String, byte[]> before = files(run);
            assertThat(sh("mount", "-o", "remount,ro", fs.toString())).isEmpty();
            CommandLineErrorsTest.Outcome readOnly = child(List.of("train", "--resume", run.toString()), tmp);
            assertThat(sh("mount", "-o", "remount,rw", fs.toString())).isEmpty();
            assertThat(readOnly.code()).isNotZero();
            assertThat(readOnly.err().strip()).doesNotContain("\n").contains("Read-only file system")
                    .contains(run.toString());
            assertThat(files(run)).usingRecursiveComparison().isEqualTo(before);

            // space is back: the filler goes and the disk grows (a resumed process keeps the file it loaded mapped, so
            // its blocks stay in use after the next save replaces it: resuming needs room for one more resume state)
            Files.delete(fs.resolve("filler"));
            assertThat(sh("mount", "-o", "remount,size=8m", fs.toString())).isEmpty();
            CommandLineErrorsTest.Outcome resumed = child(List.of("train", "--resume", run.toString()), tmp);
            assertThat(resumed.code()).as(resumed.err()).isZero();
            List<String> want = Files.readAllLines(reference.resolve("metrics.jsonl"));
            List<String> got = Files.readAllLines(run.resolve("metrics.jsonl"));
            assertThat(got).hasSameSizeAs(want).hasSize(4);
            for (int i = 0; i < want.size(); i++) {
                assertThat(TrainLengthenTest.withoutTimings(got.get(i))).as("epoch " + (i + 1))
                        .isEqualTo(TrainLengthenTest.withoutTimings(want.get(i)));
            }
            assertThat(Files.readAllLines(run.resolve("metrics.csv"))).hasSize(5);
            for (String name : List.of("last.safetensors", "best.safetensors")) {
                assertThat(Files.readAllBytes(run.resolve("checkpoints").resolve(name))).as(name)
                        .isEqualTo(Files.readAllBytes(reference.resolve("checkpoints").resolve(name)));
            }
        } finally {
            sh("umount", "-l", fs.toString()); // lazy: a mapping still open in this JVM must not keep it mounted
        }
    }

    /** crl4j ARGS in a child JVM; its stdout and stderr come back as out (all of it) and err (the error lines). */
    private static CommandLineErrorsTest.Outcome child(List<String> args, Path tmp) throws Exception {
        Path log = Files.createTempFile(tmp, "child", ".log");
        Process p = KillAnywhereTest.start(args, log);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(log);
        String err = out.lines().filter(l -> l.startsWith("error:")).reduce("", (a, b) -> a + b + "\n");
        return new CommandLineErrorsTest.Outcome(p.exitValue(), out, err);
    }

    /** Every regular file under {@code dir} by relative path, with its bytes. */
    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> all = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                all.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return all;
    }

    /** Runs a command; returns "" on success, else its output (and exit status). */
    private static String sh(String... command) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return command[0] + " timed out";
        }
        return p.exitValue() == 0 ? "" : out + " (exit " + p.exitValue() + ")";
    }
}
