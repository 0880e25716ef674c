package org.crl4j.core.io;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cross-language check against an independent reader and writer: a python3 script using only struct and json (and
 * numpy when importable) that follows the format description. Skipped when python3 is not on PATH.
 */
class SafetensorsPythonTest {
    private static final String SCRIPT = String.join("\n",
            "import json, struct, sys",
            "FORMATS = {'F32': ('f', 4, '<f4'), 'F64': ('d', 8, '<f8'), 'I32': ('i', 4, '<i4'),",
            "           'I64': ('q', 8, '<i8'), 'U8': ('B', 1, 'u1')}",
            "",
            "def read(path):",
            "    with open(path, 'rb') as f:",
            "        blob = f.read()",
            "    (n,) = struct.unpack('<Q', blob[:8])",
            "    assert n % 8 == 0, 'header length %d is not a multiple of 8' % n",
            "    text = blob[8:8 + n].decode('utf-8')",
            "    assert text.startswith('{'), 'header does not start with {'",
            "    header = json.loads(text)",
            "    data = blob[8 + n:]",
            "    out = {'metadata': header.pop('__metadata__', {}), 'order': list(header), 'tensors': {}}",
            "    try:",
            "        import numpy as np",
            "    except ImportError:",
            "        np = None",
            "    out['numpy'] = np is not None",
            "    end = 0",
            "    for name, info in sorted(header.items(), key=lambda kv: kv[1]['data_offsets']):",
            "        begin, stop = info['data_offsets']",
            "        assert begin == end, 'tensor %s is not contiguous' % name",
            "        end = stop",
            "        code, size, np_dtype = FORMATS[info['dtype']]",
            "        count = 1",
            "        for d in info['shape']:",
            "            count *= d",
            "        assert stop - begin == count * size, 'tensor %s has the wrong byte span' % name",
            "        assert begin % size == 0, 'tensor %s is not aligned' % name",
            "        values = list(struct.unpack('<%d%s' % (count, code), data[begin:stop]))",
            "        if np is not None:",
            "            array = np.frombuffer(data, dtype=np_dtype, count=count, offset=begin).reshape(info['shape'])",
            "            assert list(array.shape) == info['shape']",
            "            assert array.reshape(-1).tolist() == values, 'numpy disagrees on %s' % name",
            "        out['tensors'][name] = {'dtype': info['dtype'], 'shape': info['shape'], 'values': values}",
            "    assert end == len(data), 'trailing bytes'",
            "    print(json.dumps(out))",
            "",
            "def write(path):",
            "    # Deliberately not in the reference layout order, to exercise the reader's sorting by offset.",
            "    tensors = [",
            "        ('z.f64', 'F64', [2], struct.pack('<2d', 0.1, -2.5)),",
            "        ('a.f32', 'F32', [2, 2], struct.pack('<4f', 1.5, -0.0, 3.25, 1e-8)),",
            "        ('m.i64', 'I64', [1], struct.pack('<q', -2 ** 62)),",
            "        ('idx', 'I32', [3], struct.pack('<3i', 7, -8, 2 ** 31 - 1)),",
            "    ]",
            "    header = {'__metadata__': {'source': 'python', 'note': 'caf\\u00e9'}}",
            "    offset = 0",
            "    for name, dtype, shape, raw in tensors:",
            "        header[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [offset, offset + len(raw)]}",
            "        offset += len(raw)",
            "    text = json.dumps(header).encode('utf-8')",
            "    text += b' ' * (-len(text) % 8)",
            "    with open(path, 'wb') as f:",
            "        f.write(struct.pack('<Q', len(text)) + text + b''.join(t[3] for t in tensors))",
            "",
            "read(sys.argv[2]) if sys.argv[1] == 'read' else write(sys.argv[2])",
            "");

    private static Path python;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() {
        String pathVar = System.getenv("PATH");
        if (pathVar != null) {
            for (String entry : pathVar.split(File.pathSeparator)) {
                Path candidate = Path.of(entry, "python3");
                if (Files.isExecutable(candidate)) {
                    python = candidate;
                    return;
                }
            }
        }
    }

    private String runPython(String mode, Path file) throws IOException, InterruptedException {
        Assumptions.assumeTrue(python != null, "python3 is not on PATH");
        Path script = Files.writeString(dir.resolve("check_safetensors.py"), SCRIPT);
        Path stderr = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(python.toString(), script.toString(), mode, file.toString())
                .redirectError(stderr.toFile())
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("python3 did not finish");
        }
        assertThat(process.exitValue()).as("python3 failed: %s", Files.readString(stderr)).isZero();
        return out;
    }

    @Test
    void pythonReadsWhatJavaWrites() throws Exception {
        float[] flat = {9f, 1.5f, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, 0.1f, -3.25e-20f, 9f};
        Path file = dir.resolve("from-java.safetensors");
        Safetensors.write(file, List.of(
                Tensor.ofFloats("net.w", new long[] {2, 3}, flat, 1),
                Tensor.ofDoubles("d", new long[] {2}, new double[] {Math.E, -1e300}),
                Tensor.ofLongs("step", new long[] {}, new long[] {Long.MAX_VALUE}),
                Tensor.ofInts("i", new long[] {3}, new int[] {-1, 0, Integer.MIN_VALUE})),
                Map.of("note", "café 😀 \"quoted\""));

        Map<String, Object> result = Json.parseObject(runPython("read", file));

        assertThat(result.get("metadata")).isEqualTo(Map.of("note", "café 😀 \"quoted\""));
        assertThat(result.get("order")).isEqualTo(List.of("step", "d", "net.w", "i"));
        Map<?, ?> tensors = (Map<?, ?>) result.get("tensors");
        Map<?, ?> w = (Map<?, ?>) tensors.get("net.w");
        assertThat(w.get("dtype")).isEqualTo("F32");
        assertThat(w.get("shape")).isEqualTo(List.of(2L, 3L));
        List<?> values = (List<?>) w.get("values");
        for (int i = 0; i < 6; i++) {
            float back = ((Number) values.get(i)).floatValue();
            assertThat(Float.floatToRawIntBits(back)).as("net.w[%d]", i).isEqualTo(Float.floatToRawIntBits(flat[1 + i]));
        }
        assertThat(((Map<?, ?>) tensors.get("d")).get("values")).isEqualTo(List.of(Math.E, -1e300));
        assertThat(((Map<?, ?>) tensors.get("step")).get("values")).isEqualTo(List.of(Long.MAX_VALUE));
        assertThat(((Map<?, ?>) tensors.get("step")).get("shape")).isEqualTo(List.of());
        assertThat(((Map<?, ?>) tensors.get("i")).get("values"))
                .isEqualTo(List.of(-1L, 0L, (long) Integer.MIN_VALUE));
        System.out.println("python cross-check used numpy: " + result.get("numpy"));
    }

    @Test
    void javaReadsWhatPythonWrites() throws Exception {
        Path file = dir.resolve("from-python.safetensors");
        runPython("write", file);

        Safetensors.Contents contents = Safetensors.read(file);

        assertThat(contents.metadata()).containsExactly(Map.entry("source", "python"), Map.entry("note", "café"));
        assertThat(contents.tensors().keySet()).containsExactly("z.f64", "a.f32", "m.i64", "idx");
        assertThat(contents.tensor("z.f64").toDoubleArray()).containsExactly(0.1, -2.5);
        Tensor a = contents.tensor("a.f32").requireShape(2, 2);
        assertThat(a.toFloatArray()).containsExactly(1.5f, -0.0f, 3.25f, 1e-8f);
        assertThat(Float.floatToRawIntBits(a.toFloatArray()[1])).isEqualTo(0x80000000);
        assertThat(contents.tensor("m.i64").toLongArray()).containsExactly(-(1L << 62));
        assertThat(contents.tensor("idx").toIntArray()).containsExactly(7, -8, Integer.MAX_VALUE);
    }
}
