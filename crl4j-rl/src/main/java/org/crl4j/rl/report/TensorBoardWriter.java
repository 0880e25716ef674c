package org.crl4j.rl.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Scalars in TensorBoard's event-file format, with the JDK only: a file of records
 * {@code u64 length, u32 masked crc32c(length), bytes, u32 masked crc32c(bytes)}, each an {@code Event} protobuf
 * (wall_time, step, and a Summary of {tag, simple_value} values). The first event carries
 * {@code file_version = "brain.Event:2"}. TensorBoard and {@code wandb sync} read the folder as is.
 */
public final class TensorBoardWriter implements AutoCloseable {
    private final OutputStream out;
    private final Path file;

    public TensorBoardWriter(Path dir) throws IOException {
        Files.createDirectories(dir);
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        this.file = dir.resolve("events.out.tfevents." + (System.currentTimeMillis() / 1000) + "." + host);
        this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        wallTime(e);
        tag(e, 3, 2);
        bytes(e, "brain.Event:2".getBytes(StandardCharsets.UTF_8));
        record(e.toByteArray());
        out.flush();
    }

    public Path file() {
        return file;
    }

    /** One event at {@code step} holding every finite value of {@code scalars}. */
    public void write(long step, Map<String, Double> scalars) throws IOException {
        ByteArrayOutputStream summary = new ByteArrayOutputStream();
        for (Map.Entry<String, Double> s : scalars.entrySet()) {
            if (s.getValue() == null || !Double.isFinite(s.getValue())) {
                continue;
            }
            ByteArrayOutputStream value = new ByteArrayOutputStream();
            tag(value, 1, 2);
            bytes(value, s.getKey().getBytes(StandardCharsets.UTF_8));
            tag(value, 2, 5);
            value.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(s.getValue().floatValue()).array());
            tag(summary, 1, 2);
            bytes(summary, value.toByteArray());
        }
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        wallTime(e);
        tag(e, 2, 0);
        varint(e, step);
        tag(e, 5, 2);
        bytes(e, summary.toByteArray());
        record(e.toByteArray());
        out.flush();
    }

    private void record(byte[] data) throws IOException {
        byte[] len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(data.length).array();
        out.write(len);
        out.write(le32(maskedCrc(len)));
        out.write(data);
        out.write(le32(maskedCrc(data)));
    }

    /** TensorFlow's masked CRC-32C: rotate right by 15 and add a constant. */
    static int maskedCrc(byte[] b) {
        CRC32C c = new CRC32C();
        c.update(b);
        int crc = (int) c.getValue();
        return ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
    }

    private static byte[] le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static void wallTime(ByteArrayOutputStream e) {
        tag(e, 1, 1);
        e.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(System.currentTimeMillis() / 1000.0).array());
    }

    private static void tag(ByteArrayOutputStream o, int field, int wireType) {
        varint(o, ((long) field << 3) | wireType);
    }

    private static void bytes(ByteArrayOutputStream o, byte[] b) {
        varint(o, b.length);
        o.writeBytes(b);
    }

    private static void varint(ByteArrayOutputStream o, long v) {
        while ((v & ~0x7FL) != 0) {
            o.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
