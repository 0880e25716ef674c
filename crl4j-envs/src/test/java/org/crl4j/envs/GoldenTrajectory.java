package org.crl4j.envs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Recorded states ({@code golden_<id>.txt} next to a test class, one row of doubles per environment) and the
 * comparison with today's. With the environment variable {@code CRL4J_WRITE_GOLDEN=<dir>} the rows are written there
 * instead (only when the physics is meant to change).
 */
public final class GoldenTrajectory {
    private GoldenTrajectory() {
    }

    public static void check(Class<?> anchor, String id, double[][] now, double tolerance) throws IOException {
        String dir = System.getenv("CRL4J_WRITE_GOLDEN");
        if (dir != null) {
            StringBuilder sb = new StringBuilder();
            for (double[] row : now) {
                for (int k = 0; k < row.length; k++) {
                    sb.append(k == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.17g", row[k]));
                }
                sb.append('\n');
            }
            Files.writeString(Path.of(dir, "golden_" + id + ".txt"), sb.toString());
            return;
        }
        List<double[]> ref = new ArrayList<>();
        try (InputStream in = anchor.getResourceAsStream("golden_" + id + ".txt")) {
            assertThat(in).as("golden file for " + id).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    ref.add(java.util.Arrays.stream(line.trim().split(" ")).mapToDouble(Double::parseDouble).toArray());
                }
            }
        }
        assertThat(ref).hasSize(now.length);
        double worst = 0;
        for (int e = 0; e < now.length; e++) {
            assertThat(now[e]).hasSameSizeAs(ref.get(e));
            for (int k = 0; k < now[e].length; k++) {
                worst = Math.max(worst, Math.abs(now[e][k] - ref.get(e)[k]));
                assertThat(now[e][k]).as("%s env %d entry %d", id, e, k).isCloseTo(ref.get(e)[k], within(tolerance));
            }
        }
        System.out.printf(Locale.ROOT, "%s: largest deviation from the golden trajectory %.3g%n", id, worst);
    }
}
