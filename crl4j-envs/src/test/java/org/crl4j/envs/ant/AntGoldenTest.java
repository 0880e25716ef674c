package org.crl4j.envs.ant;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden trajectories: q and qd of 18 environments (not a multiple of any SIMD width, so partial blocks are covered)
 * after 200 control steps (2000 substeps) under fixed random actions, recorded with the scalar reference
 * implementation before it was optimised ({@code golden_<env>.txt}). The optimised pipeline must stay within
 * {@link #TOLERANCE} of it.
 *
 * <p>Why 1e-9: the physics runs in double precision, so a change that only reorders floating-point operations
 * perturbs a state by ~1e-16 relative per operation; the contact dynamics amplify such perturbations, but over 2000
 * substeps they stay many orders of magnitude below 1e-9 unless a contact decision flips (then the trajectories part
 * visibly). Any change of the equations (a coefficient, a friction rule, a missing term) moves these states by
 * 1e-4 or more. The optimised code keeps the reference's order of operations, so in practice the match is exact.
 * Regenerate (only when the physics is meant to change) with the environment variable {@code CRL4J_WRITE_GOLDEN=<dir>}.
 */
class AntGoldenTest {

    static final double TOLERANCE = 1e-9;
    static final int ENVS = 18;
    static final int STEPS = 200;

    static double[][] run(String id) {
        Ant env = (Ant) Envs.make(id, ENVS, 2024, new Parallel(1), VecEnv.ResetMode.SAME_START);
        Rng rng = new Rng(77);
        float[] act = new float[ENVS * Ant.ACTION_DIM];
        for (int t = 0; t < STEPS; t++) {
            for (int i = 0; i < act.length; i++) {
                act[i] = (float) (2 * rng.nextDouble() - 1);
            }
            env.step(act);
        }
        double[][] out = new double[ENVS][17 + 16];
        for (int e = 0; e < ENVS; e++) {
            for (int k = 0; k < 17; k++) {
                out[e][k] = env.q(e, k);
            }
            for (int k = 0; k < 16; k++) {
                out[e][17 + k] = env.qd(e, k);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ant", "ant_u_maze"})
    void matchesTheRecordedReferenceTrajectory(String id) throws IOException {
        double[][] now = run(id);
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
        try (InputStream in = AntGoldenTest.class.getResourceAsStream("golden_" + id + ".txt")) {
            assertThat(in).as("golden file for " + id).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    ref.add(java.util.Arrays.stream(line.trim().split(" ")).mapToDouble(Double::parseDouble).toArray());
                }
            }
        }
        assertThat(ref).hasSize(ENVS);
        double worst = 0;
        for (int e = 0; e < ENVS; e++) {
            for (int k = 0; k < now[e].length; k++) {
                worst = Math.max(worst, Math.abs(now[e][k] - ref.get(e)[k]));
                assertThat(now[e][k]).as("%s env %d entry %d", id, e, k)
                        .isCloseTo(ref.get(e)[k], org.assertj.core.api.Assertions.within(TOLERANCE));
            }
        }
        System.out.printf(Locale.ROOT, "%s: largest deviation from the golden trajectory %.3g%n", id, worst);
    }
}
