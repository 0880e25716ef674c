package org.crl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.crl4j.core.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.crl4j.cli.CommandLineErrorsTest.assertOneLineError;
import static org.crl4j.cli.CommandLineErrorsTest.run;
import static org.crl4j.cli.PlotStatisticsTest.fakeRun;

/** compare's paired statistics on hand-made runs; p-values against SciPy 1.17.1 (stats.t.sf, special.betainc). */
class CompareCommandTest {

    @Test
    void studentTMatchesScipy() {
        double[][] cases = { // t, df, 2 * scipy.stats.t.sf(|t|, df)
            {2.48, 6, 0.04780534136917656}, {1.89, 2, 0.19933221819205543}, {0.5, 10, 0.627893605742973},
            {12.706, 1, 0.05000080235813319}, {3.0, 30, 0.005389964065651945}, {-4.2, 4, 0.013695810305096449},
            {40.0, 3, 3.4380680789158506e-05}};
        for (double[] c : cases) {
            assertThat(StudentT.twoSidedP(c[0], (int) c[1])).as("t=%s df=%s", c[0], c[1]).isCloseTo(c[2], within(1e-10 + 1e-9 * c[2]));
        }
        assertThat(StudentT.twoSidedP(0, 5)).isCloseTo(1, within(1e-12));
        assertThat(StudentT.twoSidedP(Double.POSITIVE_INFINITY, 5)).isZero();
        assertThat(StudentT.twoSidedP(1, 0)).isNaN();
        double[][] beta = { // x, a, b, scipy.special.betainc(a, b, x)
            {0.3, 2.5, 0.5, 0.018927124071945658}, {0.9, 0.5, 7.0, 0.9999999780702157}, {0.5, 10, 10, 0.5},
            {0.01, 3, 0.5, 3.1367895544724357e-07}};
        for (double[] c : beta) {
            assertThat(StudentT.incompleteBeta(c[0], c[1], c[2])).isCloseTo(c[3], within(1e-12 + 1e-9 * c[3]));
        }
        assertThat(StudentT.logGamma(5)).isCloseTo(Math.log(24), within(1e-13));
        assertThat(StudentT.logGamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), within(1e-13));
    }

    /** Depth 4 scores 10, 20, 30 (seeds 1–3; PlotStatisticsTest's sweep); depth 8 scores 50, 35, 45 and has a seed 4. */
    private static Path sweep(Path dir) throws Exception {
        Path sweep = PlotStatisticsTest.fakeSweep(dir.resolve("sw"));
        fakeRun(sweep.resolve("d8-w256-b256/seed2"), 8, 2, new double[] {0, 35, 35, 35, 35, 35}, 44);
        fakeRun(sweep.resolve("d8-w256-b256/seed3"), 8, 3, new double[] {0, 45, 45, 45, 45, 45}, 44);
        fakeRun(sweep.resolve("d8-w256-b256/seed4"), 8, 4, new double[] {0, 99, 99, 99, 99, 99}, 44);
        return sweep;
    }

    @Test
    void pairsRunsBySeedAndTestsTheDifferences(@TempDir Path dir) throws Exception {
        Path sweep = sweep(dir);
        double[] far = {100, 200, 600, 0};
        double[] farDeep = {150, 260, 590};
        for (int s = 1; s <= 3; s++) {
            Files.writeString(sweep.resolve("d4-w256-b256/seed" + s).resolve("eval_far.json"),
                    Json.write(Map.of("env", "far", "eval/episode_success", far[s - 1])));
            Files.writeString(sweep.resolve("d8-w256-b256/seed" + s).resolve("eval_far.json"),
                    Json.write(Map.of("env", "far", "eval/episode_success", farDeep[s - 1])));
        }
        Path out = dir.resolve("cmp.md");
        CommandLineErrorsTest.Outcome o = run("compare", sweep.toString(), "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        String md = o.out();
        assertThat(Files.readString(out)).isEqualTo(md);
        // scores: differences 40, 15, 15 → mean 23.3, SE 8.3; scipy.stats.ttest_rel: t = 2.8, p = 0.10739
        assertThat(md).contains("# Paired comparison by depth")
                .contains("## depth=8 against depth=4\n")
                .contains("| seed | score, depth=4 | score, depth=8 | difference | on far, depth=4 | on far, depth=8 | difference |")
                .contains("| 1 | 10.0 | 50.0 | +40.0 | 100.0 | 150.0 | +50.0 |")
                .contains("| 3 | 30.0 | 45.0 | +15.0 | 600.0 | 590.0 | -10.0 |")
                .contains("| mean ± SE | 20.0 ± 5.8 | 43.3 ± 4.4 | +23.3 ± 8.3 |")
                .contains("- score: depth=8 is higher in 3 of 3 pairs; paired t = 2.80, 2 df, p = 0.107.")
                .contains("- on far: depth=8 is higher in 2 of 3 pairs;")
                .contains("- Finished in one arm only, left out: s4 (depth=8).");
        assertThat(md).doesNotContain("| 4 |");
    }

    @Test
    void theBaselineCanBeNamedAndSettingsOfOtherOptionsAreComparedApart(@TempDir Path dir) throws Exception {
        Path sweep = sweep(dir);
        String md = run("compare", sweep.toString(), "--by", "depth", "--baseline", "8").out();
        assertThat(md).contains("## depth=4 against depth=8\n").contains("| 1 | 50.0 | 10.0 | -40.0 |")
                .contains("- score: depth=4 is higher in 0 of 3 pairs; paired t = -2.80, 2 df, p = 0.107.");
        // a second option varying: width 512 runs at depth 4 only, so they have nothing to pair with
        fakeRun(dir.resolve("other/d4-w512/seed1"), 4, 1, new double[] {1, 1, 1, 1, 1}, 0);
        Path wide = dir.resolve("other/d4-w512/seed1");
        Map<String, Object> cfg = Json.parseObject(Files.readString(wide.resolve("config.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> network = (Map<String, Object>) cfg.get("network");
        network.put("critic_width", 512);
        network.put("actor_width", 512);
        Files.writeString(wide.resolve("config.json"), Json.writePretty(cfg));
        assertOneLineError(run("compare", sweep.toString(), wide.toString()), "several options vary", "--by");
        String both = run("compare", sweep.toString(), wide.toString(), "--by", "depth").out();
        assertThat(both).contains("## depth=8 against depth=4 (width=256)").doesNotContain("width=512");
    }

    @Test
    void badRequestsAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path sweep = sweep(dir);
        assertOneLineError(run("compare", sweep.toString(), "--by", "width"), "--by width does not vary", "depth");
        assertOneLineError(run("compare", sweep.toString(), "--baseline", "16"), "no run has depth=16", "4, 8");
        assertOneLineError(run("compare", sweep.resolve("d4-w256-b256").toString()), "every run has the same options");
        assertOneLineError(run("compare", dir.resolve("nowhere").toString()), "does not exist");
    }
}
