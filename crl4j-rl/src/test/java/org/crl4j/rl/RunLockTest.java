package org.crl4j.rl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per run directory, checked against a real second process (which is then killed with SIGKILL). */
class RunLockTest {

    /** Child JVM: takes the lock of args[0], says so, and waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            RunLock lock = RunLock.acquire(Path.of(args[0]));
            System.out.println("locked");
            System.out.flush();
            Thread.sleep(120_000);
            lock.close();
        }
    }

    private static Process startHolder(Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Holder.class.getName(), dir.toString())).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("locked");
        return p;
    }

    @Test
    void aSecondProcessIsRefusedWithTheHoldersPidAndALockDiesWithItsProcess(@TempDir Path dir) throws Exception {
        Process holder = startHolder(dir);
        try {
            assertThat(RunLock.isHeld(dir)).isTrue();
            assertThatThrownBy(() -> RunLock.acquire(dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir + " is in use by another crl4j process")
                    .hasMessageContaining("pid " + holder.pid() + " on host ")
                    .hasMessageNotContaining("\n");
        } finally {
            holder.destroyForcibly(); // SIGKILL: no shutdown hook, no close()
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(RunLock.isHeld(dir)).as("the OS released the dead holder's lock").isFalse();
        try (RunLock lock = RunLock.acquire(dir)) {
            assertThat(RunLock.isHeld(dir)).isTrue();
            assertThat(java.nio.file.Files.readString(dir.resolve(RunLock.FILE)))
                    .startsWith("pid " + ProcessHandle.current().pid() + " on host ");
        }
        assertThat(RunLock.isHeld(dir)).isFalse();
    }

    @Test
    void theSameProcessCannotTakeItTwice(@TempDir Path dir) throws Exception {
        try (RunLock first = RunLock.acquire(dir)) {
            assertThatThrownBy(() -> RunLock.acquire(dir)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        try (RunLock again = RunLock.acquire(dir)) {
            assertThat(again).isNotNull();
        }
    }
}
