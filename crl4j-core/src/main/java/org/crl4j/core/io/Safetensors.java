package org.crl4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.CRC32C;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format.
 *
 * <p>Layout: an unsigned 64-bit little-endian header length N; N bytes of UTF-8 JSON header, an object mapping each
 * tensor name to {@code {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}} plus an optional
 * {@code "__metadata__"} object of string to string; then the data buffer, each tensor's little-endian, row-major
 * bytes at {@code [begin, end)} relative to the buffer start.
 *
 * <p>Writing follows the reference implementation exactly, so its output is byte-identical to
 * {@code safetensors.serialize} for the same tensors (metadata keys aside, which Rust keeps in hash order): tensors
 * are laid out by descending {@link DType} order then by name (largest alignment first, so every tensor is aligned
 * to its element size), the header is compact JSON with {@code __metadata__} first and then the tensors in layout
 * order, padded with spaces to a multiple of 8 bytes. Files go through {@link AtomicFiles}.
 *
 * <p>Reading validates as strictly as the reference (contiguous data, no trailing bytes, sizes matching shapes) and
 * reports problems as a {@link CorruptFileException}. The data is memory-mapped, not loaded: tensors are views, and
 * copying into a Java array ({@link Tensor#copyTo(float[], int)}) is the only copy. Each tensor must be under 2 GiB;
 * the file as a whole may be larger.
 */
public final class Safetensors {
    /** The header key reserved for string-to-string metadata. */
    public static final String METADATA_KEY = "__metadata__";
    /** Largest header accepted, as in the reference; guards against reading garbage as a huge header length. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final int SCRATCH_BYTES = 1 << 20;

    private Safetensors() {
    }

    /** What a file holds: its metadata (header order) and tensors (file order), all views into the mapped file. */
    public static final class Contents {
        private final Path source;
        private final Map<String, String> metadata;
        private final Map<String, Tensor> tensors;

        Contents(Path source, Map<String, String> metadata, Map<String, Tensor> tensors) {
            this.source = source;
            this.metadata = Collections.unmodifiableMap(metadata);
            this.tensors = Collections.unmodifiableMap(tensors);
        }

        public Path source() {
            return source;
        }

        public Map<String, String> metadata() {
            return metadata;
        }

        public Map<String, Tensor> tensors() {
            return tensors;
        }

        /** The tensor with this name; throws {@link NoSuchElementException} naming the file and what it has. */
        public Tensor tensor(String name) {
            Tensor t = tensors.get(name);
            if (t == null) {
                String names = tensors.keySet().stream().limit(20).map(n -> "\"" + n + "\"")
                        .collect(Collectors.joining(", "));
                throw new NoSuchElementException(source + " has no tensor named \"" + name + "\"; it has "
                        + tensors.size() + (tensors.size() == 1 ? " tensor: " : " tensors: ")
                        + names + (tensors.size() > 20 ? ", ..." : ""));
            }
            return t;
        }
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Writes {@code tensors} and {@code metadata} (may be null or empty: then no {@code __metadata__} entry) to
     * {@code path}, atomically replacing any existing file. The bytes are those of the reference writer.
     */
    public static void write(Path path, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(path, tensors, metadata, false);
    }

    /**
     * As {@link #write(Path, List, Map)}, with a CRC-32C of the whole file in the metadata under {@link #CHECKSUM_KEY}
     * (eight hex digits, computed with those digits read as zeros), which {@link #read} verifies: a bit flipped
     * anywhere, header or data, is then reported instead of loaded. Other readers see one more metadata entry.
     */
    public static void writeChecksummed(Path path, List<Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        write(path, tensors, metadata, true);
    }

    private static void write(Path path, List<Tensor> tensors, Map<String, String> metadata, boolean checksum)
            throws IOException {
        List<Tensor> layout = layout(tensors);
        Map<String, String> meta = metadata;
        if (checksum) {
            if (metadata != null && metadata.containsKey(CHECKSUM_KEY)) {
                throw new IllegalArgumentException("metadata key \"" + CHECKSUM_KEY + "\" is reserved for the checksum");
            }
            meta = new LinkedHashMap<>();
            meta.put(CHECKSUM_KEY, UNSET_CHECKSUM); // first, so that its place in the header is easy to find
            if (metadata != null) {
                meta.putAll(metadata);
            }
        }
        byte[] header = header(layout, meta);
        int checksumAt = checksum ? 8 + checksumOffset(header) : -1;
        AtomicFiles.write(path, channel -> {
            CRC32C crc = checksum ? new CRC32C() : null; // a plain write computes none
            ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(header.length).put(header).flip();
            if (crc != null) {
                crc.update(prefix.duplicate());
            }
            AtomicFiles.writeFully(channel, prefix);
            ByteBuffer scratch = ByteBuffer.allocateDirect(SCRATCH_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor t : layout) {
                t.writeTo(channel, scratch, crc);
            }
            if (crc != null) {
                ByteBuffer digits = ByteBuffer.wrap(hex(crc.getValue()));
                while (digits.hasRemaining()) {
                    channel.write(digits, checksumAt + digits.position());
                }
            }
        });
    }

    /** The metadata key of {@link #writeChecksummed}'s CRC-32C. */
    public static final String CHECKSUM_KEY = "crl4j.crc32c";
    private static final String UNSET_CHECKSUM = "00000000";

    /** Where the checksum's eight digits start in a header, or -1 when it has none. */
    private static int checksumOffset(byte[] header) {
        byte[] key = ("{\"" + METADATA_KEY + "\":{\"" + CHECKSUM_KEY + "\":\"").getBytes(StandardCharsets.UTF_8);
        if (header.length < key.length + 8 || !Arrays.equals(header, 0, key.length, key, 0, key.length)) {
            return -1;
        }
        return key.length;
    }

    private static byte[] hex(long crc) {
        return String.format("%08x", crc).getBytes(StandardCharsets.US_ASCII);
    }

    /** The reference writer's order: descending dtype, then name by UTF-8 bytes. Also checks names. */
    static List<Tensor> layout(List<Tensor> tensors) {
        Set<String> seen = new HashSet<>();
        for (Tensor t : tensors) {
            if (t.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("a tensor cannot be named \"" + METADATA_KEY + "\"; that key "
                        + "holds the file metadata");
            }
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("two tensors are named \"" + t.name() + "\"; names must be unique");
            }
        }
        List<Tensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparing(Tensor::dtype, Comparator.reverseOrder())
                .thenComparing((a, b) -> Arrays.compareUnsigned(a.name().getBytes(StandardCharsets.UTF_8),
                        b.name().getBytes(StandardCharsets.UTF_8))));
        return sorted;
    }

    /** Compact JSON header, space-padded to a multiple of 8 bytes. */
    static byte[] header(List<Tensor> layout, Map<String, String> metadata) {
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            Map<String, Object> meta = new LinkedHashMap<>();
            metadata.forEach((k, v) -> {
                if (k == null || v == null) {
                    throw new IllegalArgumentException("metadata keys and values must not be null (key " + k + ")");
                }
                meta.put(k, v);
            });
            header.put(METADATA_KEY, meta);
        }
        long offset = 0;
        for (Tensor t : layout) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", t.dtype().name());
            info.put("shape", t.shape());
            info.put("data_offsets", new long[] {offset, offset + t.byteSize()});
            offset += t.byteSize();
            header.put(t.name(), info);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) & ~7;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    // ------------------------------------------------------------------------------------------------ reading

    /** One header entry before its data is attached. */
    private static final class Entry {
        final String name;
        final DType dtype;
        final long[] shape;
        final long begin;
        final long end;

        Entry(String name, DType dtype, long[] shape, long begin, long end) {
            this.name = name;
            this.dtype = dtype;
            this.shape = shape;
            this.begin = begin;
            this.end = end;
        }

        String offsets() {
            return "[" + begin + ", " + end + "]";
        }
    }

    /** Reads and validates {@code path}; the tensors are views into the memory-mapped file. */
    public static Contents read(Path path) throws IOException {
        return read(path, Integer.MAX_VALUE);
    }

    /** As {@link #read(Path)}; data regions over {@code singleMappingLimit} bytes are mapped tensor by tensor. */
    static Contents read(Path path, long singleMappingLimit) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return read(path, channel, singleMappingLimit);
        } catch (IOException e) {
            String prefix = "cannot read " + path + ": ";
            if (e instanceof CorruptFileException || String.valueOf(e.getMessage()).startsWith(prefix)) {
                throw e; // already names the file
            }
            throw new IOException(prefix + AtomicFiles.describe(e), e);
        }
    }

    private static Contents read(Path path, FileChannel channel, long singleMappingLimit) throws IOException {
        long fileSize = channel.size();
        if (fileSize < 8) {
            throw new CorruptFileException(path, "file is " + fileSize + " bytes, shorter than the 8-byte header "
                    + "length; it is empty or truncated, so write or download it again");
        }
        long headerLength = readFully(path, channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new CorruptFileException(path, "header length field reads " + Long.toUnsignedString(headerLength)
                    + " bytes, more than the " + MAX_HEADER_BYTES + "-byte limit; this is not a safetensors file "
                    + "or its first 8 bytes are damaged");
        }
        if (headerLength > fileSize - 8) {
            throw new CorruptFileException(path, "header length field reads " + headerLength + " bytes but only "
                    + (fileSize - 8) + " bytes follow it; the file is truncated or not a safetensors file, so "
                    + "write or download it again");
        }
        ByteBuffer headerBytes = readFully(path, channel, 8, (int) headerLength);
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptFileException(path, "header is not valid UTF-8 text; the file is damaged or not a "
                    + "safetensors file");
        }
        Map<String, Object> header;
        try {
            header = Json.parseObject(headerText);
        } catch (JsonException e) {
            throw new CorruptFileException(path, "header is not valid JSON: " + e.detail()
                    + "; the file is damaged or not a safetensors file");
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = metadata(path, e.getValue());
            } else {
                entries.add(entry(path, e.getKey(), e.getValue()));
            }
        }

        long dataStart = 8 + headerLength;
        long dataSize = fileSize - dataStart;
        entries.sort(Comparator.comparingLong((Entry en) -> en.begin).thenComparingLong(en -> en.end));
        Entry previous = null;
        long expectedBegin = 0;
        for (Entry en : entries) {
            if (en.end > dataSize) {
                throw new CorruptFileException(path, "tensor \"" + en.name + "\" has data_offsets " + en.offsets()
                        + " past the end of the " + dataSize + "-byte data buffer; the file is truncated, so write "
                        + "or download it again");
            }
            if (en.begin < expectedBegin) {
                throw new CorruptFileException(path, "tensor \"" + en.name + "\" has data_offsets " + en.offsets()
                        + " overlapping tensor \"" + previous.name + "\" at " + previous.offsets()
                        + "; the header is damaged");
            }
            if (en.begin > expectedBegin) {
                throw new CorruptFileException(path, "tensor \"" + en.name + "\" has data_offsets " + en.offsets()
                        + " leaving a gap of " + (en.begin - expectedBegin) + " bytes after byte " + expectedBegin
                        + "; tensor data must be contiguous, so the header is damaged");
            }
            expectedBegin = en.end;
            previous = en;
        }
        if (expectedBegin != dataSize) {
            throw new CorruptFileException(path, (dataSize - expectedBegin) + " trailing bytes after the last tensor"
                    + " (data ends at byte " + (dataStart + expectedBegin) + " of " + fileSize + "); something was "
                    + "appended or the header is damaged; truncating the file to " + (dataStart + expectedBegin)
                    + " bytes may recover it");
        }

        Map<String, Tensor> tensors = new LinkedHashMap<>();
        // One mapping for the whole data when a ByteBuffer can hold it (the usual case), else one per tensor.
        ByteBuffer wholeData = dataSize <= singleMappingLimit ? map(channel, dataStart, dataSize) : null;
        for (Entry en : entries) {
            long span = en.end - en.begin;
            if (span > Integer.MAX_VALUE) {
                throw new IOException("cannot read " + path + ": tensor \"" + en.name + "\" is " + span
                        + " bytes; tensors of 2 GiB or more are not supported");
            }
            ByteBuffer data = wholeData != null
                    ? wholeData.slice((int) en.begin, (int) span)
                    : map(channel, dataStart + en.begin, span);
            tensors.put(en.name, Tensor.ofBytes(en.name, en.dtype, en.shape, data));
        }
        String stored = metadata.remove(CHECKSUM_KEY);
        if (stored != null) {
            verifyChecksum(path, channel, headerBytes, stored, dataStart, dataSize, wholeData);
        }
        return new Contents(path, metadata, tensors);
    }

    /** Recomputes {@link #writeChecksummed}'s CRC-32C over the file as read and compares it with the stored one. */
    private static void verifyChecksum(Path path, FileChannel channel, ByteBuffer headerBytes, String stored,
            long dataStart, long dataSize, ByteBuffer wholeData) throws IOException {
        byte[] header = new byte[headerBytes.limit()];
        headerBytes.duplicate().rewind().get(header);
        int at = checksumOffset(header);
        if (at < 0) {
            throw new CorruptFileException(path, "its \"" + CHECKSUM_KEY + "\" entry is not where the writer puts it; "
                    + "the header is damaged");
        }
        System.arraycopy(UNSET_CHECKSUM.getBytes(StandardCharsets.US_ASCII), 0, header, at, 8);
        CRC32C crc = new CRC32C();
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        crc.update(length);
        crc.update(header);
        if (wholeData != null) {
            crc.update(wholeData.duplicate().rewind());
        } else {
            for (long done = 0; done < dataSize; done += Integer.MAX_VALUE / 2) {
                crc.update(map(channel, dataStart + done, Math.min(Integer.MAX_VALUE / 2, dataSize - done)));
            }
        }
        String actual = new String(hex(crc.getValue()), StandardCharsets.US_ASCII);
        if (!actual.equals(stored)) {
            throw new CorruptFileException(path, "checksum mismatch (CRC-32C stored " + stored + ", content gives "
                    + actual + "): some bytes changed after it was written, e.g. by a disk or copy error");
        }
    }

    private static ByteBuffer map(FileChannel channel, long position, long size) throws IOException {
        if (size == 0) {
            return ByteBuffer.allocate(0);
        }
        // The mapping stays valid after the channel is closed, until the buffer is garbage-collected.
        return channel.map(FileChannel.MapMode.READ_ONLY, position, size);
    }

    private static Map<String, String> metadata(Path path, Object value) throws CorruptFileException {
        Map<String, String> metadata = new LinkedHashMap<>();
        if (value == null) {
            return metadata; // the reference writes no entry, but reads null as "no metadata"
        }
        if (!(value instanceof Map)) {
            throw new CorruptFileException(path, "\"" + METADATA_KEY + "\" is " + kind(value)
                    + ", not an object of strings");
        }
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw new CorruptFileException(path, "\"" + METADATA_KEY + "\" value for key \"" + e.getKey()
                        + "\" is " + kind(e.getValue()) + ", but metadata values must be strings");
            }
            metadata.put((String) e.getKey(), (String) e.getValue());
        }
        return metadata;
    }

    private static Entry entry(Path path, String name, Object value) throws CorruptFileException {
        String what = "tensor \"" + name + "\"";
        if (!(value instanceof Map)) {
            throw new CorruptFileException(path, what + " is " + kind(value)
                    + ", not an object with dtype, shape and data_offsets");
        }
        Map<?, ?> info = (Map<?, ?>) value;
        Object dtypeValue = info.get("dtype");
        if (!(dtypeValue instanceof String)) {
            throw new CorruptFileException(path, what + " has " + (dtypeValue == null ? "no dtype" : "a dtype that is "
                    + kind(dtypeValue)) + "; expected a string such as \"F32\"");
        }
        DType dtype = DType.byName((String) dtypeValue);
        if (dtype == null) {
            throw new CorruptFileException(path, what + " has unknown dtype \"" + dtypeValue + "\"; supported: "
                    + Arrays.stream(DType.values()).map(Enum::name).collect(Collectors.joining(", "))
                    + " (convert the tensor to one of these when saving)");
        }
        long[] shape = nonNegativeLongs(info.get("shape"), -1);
        if (shape == null) {
            throw new CorruptFileException(path, what + " has shape " + Json.write(info.get("shape"))
                    + "; expected a list of non-negative integers");
        }
        long[] offsets = nonNegativeLongs(info.get("data_offsets"), 2);
        if (offsets == null || offsets[0] > offsets[1]) {
            throw new CorruptFileException(path, what + " has data_offsets " + Json.write(info.get("data_offsets"))
                    + "; expected [begin, end] with 0 <= begin <= end");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Tensor.elementCount(name, shape), dtype.byteSize());
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new CorruptFileException(path, what + " has shape " + Arrays.toString(shape)
                    + " whose size in bytes overflows 64 bits; the header is damaged");
        }
        if (bytes != offsets[1] - offsets[0]) {
            throw new CorruptFileException(path, what + " is " + dtype + " with shape " + Arrays.toString(shape)
                    + ", which needs " + bytes + " bytes, but its data_offsets [" + offsets[0] + ", " + offsets[1]
                    + "] span " + (offsets[1] - offsets[0]) + " bytes; the header is damaged or was written with the "
                    + "wrong dtype or shape");
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** The value as non-negative longs, or null if it is not a list of them (of {@code length}, unless -1). */
    private static long[] nonNegativeLongs(Object value, int length) {
        if (!(value instanceof List)) {
            return null;
        }
        List<?> list = (List<?>) value;
        if (length >= 0 && list.size() != length) {
            return null;
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long) || (Long) list.get(i) < 0) {
                return null;
            }
            out[i] = (Long) list.get(i);
        }
        return out;
    }

    private static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof List) {
            return "an array";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }

    private static ByteBuffer readFully(Path path, FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new CorruptFileException(path, "file ended at byte " + (position + buffer.position())
                        + " while reading its header; it was truncated while being read");
            }
        }
        return buffer.flip();
    }
}
