package org.crl4j.core.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private String[] listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void createsAndReplaces() throws IOException {
        Path target = dir.resolve("config.json");
        AtomicFiles.writeString(target, "first");
        assertThat(Files.readString(target)).isEqualTo("first");
        AtomicFiles.writeString(target, "second, longer than the first");
        assertThat(Files.readString(target)).isEqualTo("second, longer than the first");
        AtomicFiles.writeBytes(target, new byte[0]);
        assertThat(Files.size(target)).isZero();
        assertThat(listing()).containsExactly("config.json");
    }

    @Test
    void writesWhatTheContentWriterProduces() throws IOException {
        Path target = dir.resolve("plain.txt");
        AtomicFiles.write(target, channel -> AtomicFiles.writeFully(channel,
                ByteBuffer.wrap("ok".getBytes(StandardCharsets.UTF_8))));
        assertThat(Files.readString(target)).isEqualTo("ok");
    }

    @Test
    void failedWriteLeavesOldContentAndNoTempFile() throws IOException {
        Path target = dir.resolve("model.safetensors");
        AtomicFiles.writeString(target, "old content");
        IOException diskFull = new IOException("No space left on device");
        Throwable thrown = catchThrowable(() -> AtomicFiles.write(target, channel -> {
            AtomicFiles.writeFully(channel, ByteBuffer.wrap(new byte[100_000])); // partly written, then fails
            throw diskFull;
        }));
        assertThat(thrown).isInstanceOf(IOException.class)
                .hasMessage("cannot write " + target + ": No space left on device")
                .hasCause(diskFull);
        assertThat(Files.readString(target)).isEqualTo("old content");
        assertThat(listing()).containsExactly("model.safetensors");
    }

    @Test
    void uncheckedFailureIsRethrownUnchangedAfterCleanup() throws IOException {
        Path target = dir.resolve("metrics.json");
        AtomicFiles.writeString(target, "old");
        IllegalStateException bug = new IllegalStateException("writer bug");
        assertThatThrownBy(() -> AtomicFiles.write(target, channel -> {
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            throw bug;
        })).isSameAs(bug);
        UncheckedIOException wrapped = new UncheckedIOException(new IOException("inner"));
        assertThatThrownBy(() -> AtomicFiles.write(target, channel -> {
            throw wrapped;
        })).isSameAs(wrapped);
        assertThat(Files.readString(target)).isEqualTo("old");
        assertThat(listing()).containsExactly("metrics.json");
    }

    @Test
    void failureWithoutTargetCreatesNothing() throws IOException {
        Path target = dir.resolve("new.bin");
        assertThatThrownBy(() -> AtomicFiles.write(target, channel -> {
            throw new IOException("boom");
        })).hasMessage("cannot write " + target + ": boom");
        assertThat(listing()).isEmpty();
    }

    @Test
    void missingDirectoryIsNamedInOneLine() {
        Path target = dir.resolve("no-such-dir").resolve("x.json");
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "x"))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot write " + target + ": directory " + target.getParent() + " does not exist");
    }

    @Test
    void targetThatIsADirectoryFailsAndStaysIntact() throws IOException {
        Path target = Files.createDirectory(dir.resolve("occupied"));
        Files.writeString(target.resolve("inside"), "keep");
        assertThatThrownBy(() -> AtomicFiles.writeString(target, "x"))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot write " + target + ": ");
        assertThat(Files.readString(target.resolve("inside"))).isEqualTo("keep");
        assertThat(listing()).containsExactly("occupied");
    }

    @Test
    void newFileGetsOrdinaryPermissionsNotOwnerOnly() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path reference = Files.createFile(dir.resolve("reference"));
        Path target = dir.resolve("written");
        AtomicFiles.writeString(target, "x");
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(Files.getPosixFilePermissions(reference));
    }
}
