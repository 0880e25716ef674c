package org.crl4j.rl.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsWritersTest {

    @Test
    void maskedCrcMatchesTensorFlowsDefinition() {
        // CRC-32C("123456789") = 0xE3069283 (the standard check value); masked = rotr15 + 0xa282ead8.
        int crc = 0xE3069283;
        int masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
        assertThat(TensorBoardWriter.maskedCrc("123456789".getBytes(StandardCharsets.US_ASCII))).isEqualTo(masked);
    }

    @Test
    void eventFileRecordsAreFramedAndHoldTheScalars(@TempDir Path dir) throws Exception {
        Path file;
        try (TensorBoardWriter w = new TensorBoardWriter(dir)) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("eval/episode_success", 12.5);
            m.put("training/critic_loss", Double.NaN); // skipped
            w.write(7, m);
            file = w.file();
        }
        assertThat(file.getFileName().toString()).startsWith("events.out.tfevents.");
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> records = new ArrayList<>();
        while (b.hasRemaining()) {
            byte[] len = new byte[8];
            b.get(len);
            assertThat(b.getInt()).isEqualTo(TensorBoardWriter.maskedCrc(len));
            byte[] data = new byte[(int) ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong()];
            b.get(data);
            assertThat(b.getInt()).isEqualTo(TensorBoardWriter.maskedCrc(data));
            records.add(data);
        }
        assertThat(records).hasSize(2);
        assertThat(new String(records.get(0), StandardCharsets.ISO_8859_1)).contains("brain.Event:2");
        String second = new String(records.get(1), StandardCharsets.ISO_8859_1);
        assertThat(second).contains("eval/episode_success").doesNotContain("critic_loss");
        // step 7 as field 2 varint right after the 9-byte wall time
        assertThat(records.get(1)[9]).isEqualTo((byte) 0x10);
        assertThat(records.get(1)[10]).isEqualTo((byte) 7);
        // the float 12.5 follows the value's tag 0x15
        byte[] r = records.get(1);
        int at = -1;
        for (int i = 0; i < r.length - 4; i++) {
            if (r[i] == 0x15) {
                at = i;
            }
        }
        assertThat(ByteBuffer.wrap(r, at + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat()).isEqualTo(12.5f);
    }

    @Test
    void csvKeepsTheFirstRowsColumns(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("metrics.csv");
        MetricsCsv csv = new MetricsCsv(f);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("epoch", 1);
        a.put("loss", 0.5);
        csv.append(a);
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("loss", Double.NaN);
        b.put("epoch", 2);
        b.put("extra", 3);
        csv.append(b);
        new MetricsCsv(f).append(Map.of("epoch", 3, "loss", 0.25));
        assertThat(Files.readAllLines(f)).containsExactly("epoch,loss", "1,0.5", "2,", "3,0.25");
    }

    @Test
    void csvQuotesCellsWithCommasQuotesAndLineBreaks(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("metrics.csv");
        MetricsCsv csv = new MetricsCsv(f);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("epoch", 1);
        a.put("env", "maze:#R.G#,#...#");
        a.put("note \"x\"", "say \"hi\"");
        csv.append(a);
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).containsExactly("epoch,env,\"note \"\"x\"\"\"", "1,\"maze:#R.G#,#...#\",\"say \"\"hi\"\"\"");
        assertThat(MetricsCsv.parseLine(lines.get(1))).containsExactly("1", "maze:#R.G#,#...#", "say \"hi\"");
        // a resumed writer reads the quoted header back as the same three columns
        Map<String, Object> b = new LinkedHashMap<>(a);
        b.put("epoch", 2);
        new MetricsCsv(f).append(b);
        assertThat(MetricsCsv.parseLine(Files.readAllLines(f).get(2))).containsExactly("2", "maze:#R.G#,#...#", "say \"hi\"");
        assertThat(MetricsCsv.cell("a\nb")).isEqualTo("\"a\nb\"");
    }
}
