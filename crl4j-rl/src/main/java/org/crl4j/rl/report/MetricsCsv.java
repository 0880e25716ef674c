package org.crl4j.rl.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * metrics.csv: one row per epoch. The columns are fixed by the first row (later keys not in it are left out;
 * missing or non-finite values are empty cells), so the file stays a rectangle a spreadsheet can open.
 */
public final class MetricsCsv {
    private final Path file;
    private List<String> columns;

    public MetricsCsv(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            // Resuming: keep the header already written.
            String header = Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst().orElse("");
            if (!header.isEmpty()) {
                columns = List.of(header.split(",", -1));
            }
        }
    }

    public void append(Map<String, ?> row) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (columns == null) {
            columns = new ArrayList<>(row.keySet());
            sb.append(String.join(",", columns)).append('\n');
        }
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = row.get(columns.get(i));
            if (v instanceof Double d && !Double.isFinite(d)) {
                v = null;
            }
            sb.append(v == null ? "" : v.toString());
        }
        sb.append('\n');
        Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
