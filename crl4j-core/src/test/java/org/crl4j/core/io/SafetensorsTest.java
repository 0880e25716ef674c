package org.crl4j.core.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsTest {
    @TempDir
    Path dir;

    private static long[] shape(long... dims) {
        return dims;
    }

    // ------------------------------------------------------------------------------------------------ round trips

    @Test
    void roundTripsSeveralTensorsAndMetadata() throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        float[] params = new float[16 * 8 + 8 + 5];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) random.nextGaussian();
        }
        ByteBuffer maskBytes = ByteBuffer.wrap(new byte[] {1, 0, (byte) 255});
        ByteBuffer bf16 = ByteBuffer.wrap(new byte[] {(byte) 0x80, 0x3f, 0x00, (byte) 0xc0}); // 1.0, -2.0
        List<Tensor> tensors = List.of(
                Tensor.ofFloats("layer0.weight", shape(16, 8), params, 0),
                Tensor.ofFloats("layer0.bias", shape(8), params, 128),
                Tensor.ofDoubles("stats", shape(3), new double[] {Math.PI, -0.0, Double.MIN_VALUE}),
                Tensor.ofLongs("step", shape(), new long[] {Long.MIN_VALUE}),
                Tensor.ofInts("indices", shape(2, 2), new int[] {0, -1, Integer.MAX_VALUE, 42}),
                Tensor.ofBytes("mask", DType.U8, shape(3), maskBytes),
                Tensor.ofBytes("half", DType.BF16, shape(2), bf16),
                Tensor.ofFloats("empty", shape(0, 4), new float[0]));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("crl4j.config", "{\"depth\": 4}");
        metadata.put("unicode", "é😀\n\"");
        Path file = dir.resolve("model.safetensors");

        Safetensors.write(file, tensors, metadata);
        Safetensors.Contents contents = Safetensors.read(file);

        assertThat(contents.source()).isEqualTo(file);
        assertThat(contents.metadata()).containsExactlyEntriesOf(metadata);
        assertThat(contents.tensors()).hasSize(tensors.size());
        for (Tensor written : tensors) {
            Tensor read = contents.tensor(written.name());
            assertThat(read.dtype()).isEqualTo(written.dtype());
            assertThat(read.shape()).isEqualTo(written.shape());
            assertThat(read.bytes()).isEqualTo(written.bytes());
        }
        float[] restored = new float[params.length];
        contents.tensor("layer0.weight").requireShape(16, 8).copyTo(restored, 0);
        contents.tensor("layer0.bias").requireShape(8).copyTo(restored, 128);
        assertThat(java.util.Arrays.copyOf(restored, 136)).isEqualTo(java.util.Arrays.copyOf(params, 136));
        assertThat(contents.tensor("layer0.bias").toFloatArray()).isEqualTo(java.util.Arrays.copyOfRange(params, 128, 136));
        assertThat(contents.tensor("stats").toDoubleArray()).containsExactly(Math.PI, -0.0, Double.MIN_VALUE);
        assertThat(contents.tensor("step").numel()).isEqualTo(1);
        assertThat(contents.tensor("step").toLongArray()).containsExactly(Long.MIN_VALUE);
        assertThat(contents.tensor("indices").toIntArray()).containsExactly(0, -1, Integer.MAX_VALUE, 42);
        assertThat(contents.tensor("mask").bytes()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 0, (byte) 255}));
        assertThat(contents.tensor("empty").toFloatArray()).isEmpty();
        assertThat(contents.tensor("empty").byteSize()).isZero();
    }

    @Test
    void perTensorMappingReadsTheSame() throws IOException {
        Path file = dir.resolve("split.safetensors");
        Safetensors.write(file, List.of(
                Tensor.ofFloats("a", shape(3), new float[] {1, 2, 3}),
                Tensor.ofInts("b", shape(2), new int[] {4, 5}),
                Tensor.ofFloats("e", shape(0), new float[0]),
                Tensor.ofDoubles("c", shape(1), new double[] {6})), null);
        // As for data regions over 2 GiB: each tensor gets its own mapping at an unaligned file position.
        Safetensors.Contents contents = Safetensors.read(file, 0);
        assertThat(contents.tensor("a").toFloatArray()).containsExactly(1, 2, 3);
        assertThat(contents.tensor("b").toIntArray()).containsExactly(4, 5);
        assertThat(contents.tensor("c").toDoubleArray()).containsExactly(6);
        assertThat(contents.tensor("e").toFloatArray()).isEmpty();
    }

    @Test
    void floatsAreBitExactAcrossWriteChunks() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        float[] data = new float[(1 << 18) * 2 + 13]; // more than two 1 MiB write chunks
        for (int i = 0; i < data.length; i++) {
            data[i] = Float.intBitsToFloat(random.nextInt());
        }
        data[5] = Float.intBitsToFloat(0x7fc01234); // NaN payload must survive
        Path file = dir.resolve("big.safetensors");
        Safetensors.write(file, List.of(Tensor.ofFloats("x", shape(data.length), data, 0),
                Tensor.ofDoubles("d", shape(1), new double[] {1})), Map.of());
        float[] back = Safetensors.read(file).tensor("x").toFloatArray();
        for (int i = 0; i < data.length; i++) {
            if (Float.floatToRawIntBits(back[i]) != Float.floatToRawIntBits(data[i])) {
                throw new AssertionError("element " + i + " differs");
            }
        }
    }

    @Test
    void layoutFollowsTheReference() throws IOException {
        Path file = dir.resolve("order.safetensors");
        Safetensors.write(file, List.of(
                Tensor.ofFloats("b", shape(1), new float[] {1}),
                Tensor.ofFloats("a", shape(1), new float[] {2}),
                Tensor.ofInts("d", shape(1), new int[] {3}),
                Tensor.ofDoubles("c", shape(1), new double[] {4})), null);
        Safetensors.Contents contents = Safetensors.read(file);
        // Descending dtype (F64 > F32 > I32), then name: every tensor aligned to its element size.
        assertThat(contents.tensors().keySet()).containsExactly("c", "a", "b", "d");
        assertThat(contents.metadata()).isEmpty();
        String header = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertThat(header).contains("{\"c\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]},"
                + "\"d\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[16,20]}}");
    }

    // ------------------------------------------------------------------------------------------------ byte-exact

    /** Little-endian u64 header length, the header text, then the data bytes. */
    private static byte[] bytes(long headerLength, String header, int... data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 8; i++) {
            out.write((int) (headerLength >>> (8 * i)));
        }
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        for (int b : data) {
            out.write(b);
        }
        return out.toByteArray();
    }

    private byte[] writeAndLoad(List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        Path file = dir.resolve("exact.safetensors");
        Safetensors.write(file, tensors, metadata);
        return Files.readAllBytes(file);
    }

    @Test
    void matchesTheSpecByteForByte() throws IOException {
        float[] zeroToFive = {0, 1, 2, 3, 4, 5};
        int[] zeroToFiveLe = {
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40,
            0x00, 0x00, 0x40, 0x40, 0x00, 0x00, 0x80, 0x40, 0x00, 0x00, 0xa0, 0x40};

        // Header of exactly 64 bytes: no padding.
        assertThat(writeAndLoad(List.of(Tensor.ofFloats("attn.0", shape(1, 2, 3), zeroToFive)), null))
                .isEqualTo(bytes(64, "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}",
                        zeroToFiveLe));
        // Header of 65 bytes: padded with 7 spaces to 72 so the data starts 8-byte aligned.
        assertThat(writeAndLoad(List.of(Tensor.ofFloats("attn0", shape(1, 1, 2, 3), zeroToFive)), Map.of()))
                .isEqualTo(bytes(72, "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}"
                        + "       ", zeroToFiveLe));
        // No tensors at all.
        assertThat(writeAndLoad(List.of(), null)).isEqualTo(bytes(8, "{}      "));
        assertThat(writeAndLoad(List.of(), Map.of("framework", "pt")))
                .isEqualTo(bytes(40, "{\"__metadata__\":{\"framework\":\"pt\"}}     "));
        // Metadata first, F64 scalar before I32, 132-byte header padded to 136.
        assertThat(writeAndLoad(List.of(
                Tensor.ofInts("b", shape(2), new int[] {1, -1}),
                Tensor.ofDoubles("a", shape(), new double[] {0.5})), Map.of("k", "v")))
                .isEqualTo(bytes(136, "{\"__metadata__\":{\"k\":\"v\"},"
                                + "\"a\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[0,8]},"
                                + "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[8,16]}}    ",
                        0, 0, 0, 0, 0, 0, 0xe0, 0x3f,
                        0x01, 0, 0, 0, 0xff, 0xff, 0xff, 0xff));
    }

    // ------------------------------------------------------------------------------------------------ corruption

    private Path raw(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    /** A file with the given header (space-padded to 8) and data bytes. */
    private Path file(String header, int dataBytes) throws IOException {
        String padded = header + " ".repeat((8 - header.length() % 8) % 8);
        return raw("corrupt.safetensors", bytes(padded.length(), padded, new int[dataBytes]));
    }

    private static void assertCorrupt(Path file, String problem) {
        assertThatThrownBy(() -> Safetensors.read(file))
                .isInstanceOf(CorruptFileException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
                .satisfies(e -> assertThat(((CorruptFileException) e).file()).isEqualTo(file));
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        assertCorrupt(raw("short.safetensors", new byte[] {1, 2, 3, 4, 5}),
                "file is 5 bytes, shorter than the 8-byte header length; it is empty or truncated");
        assertCorrupt(raw("empty.safetensors", new byte[0]), "file is 0 bytes");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        assertCorrupt(raw("cut.safetensors", bytes(1000, "{\"a\":")),
                "header length field reads 1000 bytes but only 5 bytes follow it; the file is truncated");
    }

    @Test
    void notASafetensorsFileAtAll() throws IOException {
        assertCorrupt(raw("notes.txt", "hello, this is plain text".getBytes(StandardCharsets.US_ASCII)),
                "more than the 100000000-byte limit; this is not a safetensors file");
        assertCorrupt(raw("neg.bin", bytes(-1, "")), "header length field reads 18446744073709551615 bytes");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        assertCorrupt(file("{\"w\":{\"dtype\":\"F32\",", 0),
                "header is not valid JSON: at line 1, column 25 (offset 24): expected a string key but found end of input");
        assertCorrupt(file("[1,2]", 0), "header is not valid JSON: at line 1, column 1 (offset 0): expected a JSON "
                + "object ('{') at top level");
        assertCorrupt(raw("zero.safetensors", bytes(0, "")),
                "header is not valid JSON: at line 1, column 1 (offset 0): expected a value but found end of input");
        // A lone Latin-1 byte where UTF-8 is required.
        byte[] content = java.util.Arrays.copyOf(bytes(8, ""), 16);
        System.arraycopy(new byte[] {'{', '"', (byte) 0xe9, '"', ':', '1', '}', ' '}, 0, content, 8, 8);
        assertCorrupt(raw("latin1.safetensors", content), "header is not valid UTF-8 text");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "unknown dtype  | {\"w\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]}}                         | 1 "
            + "| tensor \"w\" has unknown dtype \"F4\"; supported: BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16,"
            + " I32, U32, F32, F64, I64, U64 (convert the tensor to one of these when saving)",
        "missing dtype  | {\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}                                        | 8 "
            + "| tensor \"w\" has no dtype; expected a string such as \"F32\"",
        "size mismatch  | {\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}                         | 8 "
            + "| tensor \"w\" is F32 with shape [3], which needs 12 bytes, but its data_offsets [0, 8] span 8 bytes",
        "negative dim   | {\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}                        | 8 "
            + "| tensor \"w\" has shape [-2]; expected a list of non-negative integers",
        "float dim      | {\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}                       | 8 "
            + "| tensor \"w\" has shape [2.0]; expected a list of non-negative integers",
        "huge shape     | {\"w\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}     | 8 "
            + "| whose size in bytes overflows 64 bits",
        "reversed       | {\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}                         | 8 "
            + "| tensor \"w\" has data_offsets [8,0]; expected [begin, end] with 0 <= begin <= end",
        "one offset     | {\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8]}}                           | 8 "
            + "| tensor \"w\" has data_offsets [8]; expected [begin, end]",
        "not an object  | {\"w\":[1,2]}                                                                       | 0 "
            + "| tensor \"w\" is an array, not an object with dtype, shape and data_offsets",
        "out of bounds  | {\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}                         | 4 "
            + "| tensor \"w\" has data_offsets [0, 8] past the end of the 4-byte data buffer; the file is truncated",
        "overlapping    | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}                                  | 12 "
            + "| tensor \"b\" has data_offsets [4, 12] overlapping tensor \"a\" at [0, 8]",
        "gap            | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}                                  | 12 "
            + "| tensor \"b\" has data_offsets [8, 12] leaving a gap of 4 bytes after byte 4; tensor data must be contiguous",
        "trailing bytes | {\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}                         | 13 "
            + "| 5 trailing bytes after the last tensor (data ends at byte 72 of 77); something was appended or the "
            + "header is damaged; truncating the file to 72 bytes may recover it",
        "metadata value | {\"__metadata__\":{\"epoch\":3}}                                                   | 0 "
            + "| \"__metadata__\" value for key \"epoch\" is a number, but metadata values must be strings",
        "metadata kind  | {\"__metadata__\":[\"x\"]}                                                          | 0 "
            + "| \"__metadata__\" is an array, not an object of strings",
    })
    void corruptHeadersAreNamed(String label, String header, int dataBytes, String problem) throws IOException {
        assertCorrupt(file(header, dataBytes), problem);
    }

    @Test
    void validEdgeCasesAreAccepted() throws IOException {
        // Unpadded header, metadata null, zero-size tensors sharing an offset, entries out of offset order.
        Path path = raw("edge.safetensors", bytes(127,
                "{\"__metadata__\":null,\"z\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"e\":{\"dtype\":\"I64\",\"shape\":[0],\"data_offsets\":[0,0]}}",
                0, 0, 0x80, 0x3f));
        Safetensors.Contents contents = Safetensors.read(path);
        assertThat(contents.metadata()).isEmpty();
        assertThat(contents.tensors().keySet()).containsExactly("e", "z");
        assertThat(contents.tensor("z").toFloatArray()).containsExactly(1f);
    }

    // ------------------------------------------------------------------------------------------------ API misuse

    @Test
    void writerRejectsBadNamesWithoutTouchingTheFile() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Tensor a = Tensor.ofFloats("a", shape(1), new float[1]);
        assertThatThrownBy(() -> Safetensors.write(file, List.of(a, a), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two tensors are named \"a\"");
        assertThatThrownBy(() -> Safetensors.write(file,
                List.of(Tensor.ofFloats("__metadata__", shape(1), new float[1])), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be named");
        assertThat(Files.exists(file)).isFalse();
    }

    @Test
    void tensorChecksItsArguments() {
        float[] flat = new float[10];
        assertThatThrownBy(() -> Tensor.ofFloats("w", shape(2, 3), flat, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tensor \"w\": 6 elements from offset 5 do not fit in an array of length 10");
        assertThatThrownBy(() -> Tensor.ofFloats("w", shape(2, 3), flat))
                .hasMessage("tensor \"w\": shape [2, 3] has 6 elements but the array has 10");
        assertThatThrownBy(() -> Tensor.ofFloats("w", shape(-1), flat, 0))
                .hasMessageContaining("negative dimension");
        assertThatThrownBy(() -> Tensor.ofBytes("b", DType.F32, shape(2), ByteBuffer.allocate(7)))
                .hasMessage("tensor \"b\": F32 shape [2] needs 8 bytes but the buffer has 7");
        Tensor w = Tensor.ofFloats("w", shape(2, 3), flat, 4);
        assertThatThrownBy(w::toLongArray).isInstanceOf(IllegalStateException.class)
                .hasMessage("tensor \"w\" is F32, not I64");
        assertThatThrownBy(() -> w.requireShape(3, 2))
                .hasMessage("tensor \"w\" has shape [2, 3] but [3, 2] was expected");
        assertThatThrownBy(() -> w.copyTo(new float[7], 2)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(w.toString()).isEqualTo("Tensor[w, F32, [2, 3]]");
        flat[4] = 1f;
        assertThat(w.bytes().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(w.bytes().getFloat(0)).isEqualTo(1f); // a view: sees the array as it is now
    }

    @Test
    void missingTensorNamesTheFileAndItsContents() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, List.of(Tensor.ofFloats("a", shape(1), new float[1]),
                Tensor.ofFloats("b", shape(1), new float[1])), null);
        assertThatThrownBy(() -> Safetensors.read(file).tensor("c"))
                .isInstanceOf(NoSuchElementException.class)
                .hasMessage(file + " has no tensor named \"c\"; it has 2 tensors: \"a\", \"b\"");
    }

    @Test
    void missingFileIsNamed() {
        Path file = dir.resolve("absent.safetensors");
        assertThatThrownBy(() -> Safetensors.read(file))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot read " + file + ": no such file or directory: " + file);
    }

    @Test
    void replacingAFileKeepsEarlierReadsValid() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeFalse(System.getProperty("os.name").startsWith("Windows"),
                "Windows cannot replace a memory-mapped file");
        Path file = dir.resolve("ckpt.safetensors");
        Safetensors.write(file, List.of(Tensor.ofFloats("w", shape(2), new float[] {1, 2})), null);
        Safetensors.Contents before = Safetensors.read(file);
        Safetensors.write(file, List.of(Tensor.ofFloats("w", shape(3), new float[] {7, 8, 9})), null);
        // The rename gives the new content a new inode; the old mapping still sees the old one.
        assertThat(before.tensor("w").toFloatArray()).containsExactly(1, 2);
        assertThat(Safetensors.read(file).tensor("w").toFloatArray()).containsExactly(7, 8, 9);
    }

    /**
     * Size check at the scale the brief names (~1.1 GB, 270M floats); skipped unless {@code -Dcrl4j.io.big=true}
     * because it needs about 2.5 GB of heap and disk.
     */
    @Test
    void largeFileRoundTrip() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("crl4j.io.big"));
        int n = 270_000_000;
        float[] params = new float[n];
        for (int i = 0; i < n; i++) {
            params[i] = i * 0.5f;
        }
        Path file = dir.resolve("large.safetensors");
        long t0 = System.nanoTime();
        Safetensors.write(file, List.of(Tensor.ofFloats("head", shape(1000), params, 0),
                Tensor.ofFloats("body", shape(n - 1000), params, 1000)), Map.of("n", Integer.toString(n)));
        long t1 = System.nanoTime();
        Safetensors.Contents contents = Safetensors.read(file);
        java.util.Arrays.fill(params, 0f);
        contents.tensor("head").copyTo(params, 0);
        contents.tensor("body").copyTo(params, 1000);
        long t2 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (params[i] != i * 0.5f) {
                throw new AssertionError("element " + i);
            }
        }
        System.out.printf("large round trip: %d bytes, write %.2fs, read %.2fs%n", Files.size(file),
                (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    }

    // ------------------------------------------------------------------------------------------------ checksums

    @Test
    void aChecksummedFileReadsBackAndAnyFlippedBitIsCaught() throws IOException {
        float[] w = new float[300];
        for (int i = 0; i < w.length; i++) {
            w[i] = i * 0.25f - 7;
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("seed", "7");
        Path file = dir.resolve("c.safetensors");
        Safetensors.writeChecksummed(file, List.of(Tensor.ofFloats("w", shape(300), w, 0)), metadata);
        Safetensors.Contents good = Safetensors.read(file);
        assertThat(good.metadata()).as("the checksum is the file's, not the caller's metadata").isEqualTo(metadata);
        assertThat(good.tensor("w").toFloatArray()).containsExactly(w);
        String header = new String(Files.readAllBytes(file), 8, 60, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"" + Safetensors.CHECKSUM_KEY + "\":\"")
                .doesNotContain("00000000");

        byte[] bytes = Files.readAllBytes(file);
        int seedAt = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("\"7\"") + 1;
        // '7' to '6' (one bit) in the metadata keeps the header valid JSON; one bit of a float in the data
        for (int at : new int[] {seedAt, bytes.length - 4 * 150 + 2}) {
            byte[] flipped = bytes.clone();
            flipped[at] ^= 1;
            Path bad = dir.resolve("bad" + at + ".safetensors");
            Files.write(bad, flipped);
            assertThatThrownBy(() -> Safetensors.read(bad)).isInstanceOf(CorruptFileException.class)
                    .hasMessageContaining(bad.toString()).hasMessageContaining("checksum mismatch");
        }
        // a plain write carries no checksum and reads as before
        Safetensors.write(file, List.of(Tensor.ofFloats("w", shape(300), w, 0)), metadata);
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)).doesNotContain(Safetensors.CHECKSUM_KEY);
        assertThat(Safetensors.read(file).metadata()).isEqualTo(metadata);
    }
}
