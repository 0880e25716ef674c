package org.crl4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Whole-file writes that either fully replace the target or leave it untouched.
 *
 * <p>The content goes to a hidden temporary file in the target's directory (same file system, so the rename below
 * is possible), which is forced to disk and then renamed over the target with {@code ATOMIC_MOVE}; where the file
 * system cannot move atomically it falls back to a plain replacing move. The directory is then forced too (best
 * effort) so the rename itself survives a crash. On any failure the temporary file is deleted and the target keeps
 * its old content. A reader therefore sees the old file or the new one, never a torn mix, even if the process is
 * killed mid-write (at worst a stray {@code .name.*.tmp} file remains).
 *
 * <p>I/O failures are rethrown as an {@link IOException} whose one-line message names the target and the cause
 * (e.g. {@code cannot write /runs/a/model.safetensors: No space left on device}); the original is its cause.
 * Unchecked exceptions from the content writer are rethrown unchanged after the cleanup.
 *
 * <p>The new file gets default permissions (subject to umask), not those of the file it replaces. A symbolic link
 * at the target is replaced by the file, not followed. On Windows a target that is open or memory-mapped elsewhere
 * cannot be replaced.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Fault injection for crash tests only: with {@code -Dcrl4j.fault.hold-write-ms=N} every write pauses N ms after
     * its content is in the temporary file and before it is renamed over the target, so that a test can kill the real
     * process inside a write (it watches for the temporary file). Unset, it costs one static read.
     */
    static final long HOLD_WRITE_MS = Long.getLong("crl4j.fault.hold-write-ms", 0L);

    /** Produces the file content by writing to an open channel positioned at 0. */
    @FunctionalInterface
    public interface ContentWriter {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Atomically replaces (or creates) {@code target} with what {@code content} writes. */
    public static void write(Path target, ContentWriter content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Path temp = null;
        try {
            temp = createTemp(dir, absolute.getFileName().toString());
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            if (HOLD_WRITE_MS > 0) {
                holdForFaultInjection();
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
            forceDirectory(dir);
        } catch (IOException e) {
            deleteQuietly(temp, e);
            String cause = Files.isDirectory(dir) ? describe(e) : "directory " + dir + " does not exist";
            throw new IOException("cannot write " + target + ": " + cause, e);
        } catch (RuntimeException | Error e) {
            deleteQuietly(temp, e);
            throw e;
        }
    }

    /** Atomically replaces {@code target} with {@code bytes}. */
    public static void writeBytes(Path target, byte[] bytes) throws IOException {
        write(target, channel -> writeFully(channel, ByteBuffer.wrap(bytes)));
    }

    /** Atomically replaces {@code target} with {@code text} encoded as UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Deletes {@code root} and everything under it (nothing when it does not exist): a scratch copy of a run that is
     * no longer needed, never a run's own files one by one (those are replaced atomically instead).
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Writes all remaining bytes of {@code buffer}; a channel write may take only part of it. */
    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /**
     * One line for an I/O failure. NIO's file exceptions carry only the file name as message, so the kind of failure
     * is spelled out for the common ones.
     */
    static String describe(IOException e) {
        String text;
        if (e instanceof NoSuchFileException) {
            text = "no such file or directory: " + ((NoSuchFileException) e).getFile();
        } else if (e instanceof AccessDeniedException) {
            text = "permission denied: " + ((AccessDeniedException) e).getFile();
        } else if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            FileSystemException fse = (FileSystemException) e;
            text = fse.getReason() + (fse.getFile() != null ? " (" + fse.getFile() + ")" : "");
        } else if (e.getMessage() != null && !e.getMessage().isBlank()) {
            text = e.getMessage();
        } else {
            text = e.getClass().getSimpleName();
        }
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    private static Path createTemp(Path dir, String name) throws IOException {
        // Not Files.createTempFile: that makes the file owner-only (0600) on POSIX and the target would inherit it.
        while (true) {
            String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            Path temp = dir.resolve("." + name + "." + suffix + ".tmp");
            try {
                Files.newByteChannel(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return temp;
            } catch (FileAlreadyExistsException taken) {
                // Another writer drew the same name; draw again.
            }
        }
    }

    private static void holdForFaultInjection() {
        try {
            Thread.sleep(HOLD_WRITE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void forceDirectory(Path dir) {
        // Makes the rename durable on POSIX; opening a directory is not possible everywhere (Windows), hence best effort.
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | RuntimeException ignored) {
            // The data itself is already on disk; only the rename's durability is at stake.
        }
    }

    private static void deleteQuietly(Path temp, Throwable failure) {
        if (temp == null) {
            return;
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
