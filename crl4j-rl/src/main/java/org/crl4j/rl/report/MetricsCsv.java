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
 * missing or non-finite values are empty cells), so the file stays a rectangle a spreadsheet can open. Cells are
 * quoted as RFC 4180 says when they hold a comma, a double quote or a line break.
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
                columns = parseLine(header);
            }
        }
    }

    public void append(Map<String, ?> row) throws IOException {
        StringBuilder sb = new StringBuilder();
        if (columns == null) {
            columns = new ArrayList<>(row.keySet());
            for (int i = 0; i < columns.size(); i++) {
                sb.append(i > 0 ? "," : "").append(cell(columns.get(i)));
            }
            sb.append('\n');
        }
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = row.get(columns.get(i));
            if (v instanceof Double d && !Double.isFinite(d)) {
                v = null;
            }
            sb.append(v == null ? "" : cell(v.toString()));
        }
        sb.append('\n');
        Files.writeString(file, sb, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** One cell as RFC 4180 writes it: quoted, with quotes doubled, when it holds a comma, a quote or a line break. */
    static String cell(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    /** The cells of one line written by {@link #cell} (a quoted cell may not span lines here: headers never do). */
    static List<String> parseLine(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        cells.add(cur.toString());
        return cells;
    }
}
