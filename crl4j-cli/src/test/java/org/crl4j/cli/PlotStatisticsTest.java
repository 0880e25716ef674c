package org.crl4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.io.Json;
import org.crl4j.rl.report.LinePlot;
import org.crl4j.rl.Checkpoint;
import org.crl4j.rl.RunDirectory;
import org.crl4j.rl.TrainConfig;
import org.crl4j.rl.config.RunConfig;
import org.crl4j.rl.config.RunConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** plot's numbers on hand-made run directories, checked against hand-computed means and standard errors. */
class PlotStatisticsTest {

    @Test
    void runsGroupByAlgorithmAndOnlyNonDefaultBaselineOptionsTellThemApart() {
        Map<String, Object> crl = RunConfigs.toFlatMap(RunConfigs.bind(Map.of("her-ratio", 0.8), "test"));
        Map<String, Object> sac = RunConfigs.toFlatMap(RunConfigs.bind(Map.of("algo", "sac_her"), "test"));
        Map<String, Object> sac8 = RunConfigs.toFlatMap(RunConfigs.bind(Map.of("algo", "sac_her", "her-ratio", 0.8), "test"));
        assertThat(RunRecord.params(crl)).containsEntry("algo", "crl").doesNotContainKeys("her-ratio", "discount", "tau");
        assertThat(RunRecord.params(sac)).containsEntry("algo", "sac_her").doesNotContainKeys("her-ratio", "discount");
        assertThat(RunRecord.params(sac8)).containsEntry("her-ratio", 0.8);
        assertThat(ScalingReport.label(RunRecord.params(sac), List.of("algo", "her-ratio")))
                .isEqualTo("algo=sac_her her-ratio=default");
        assertThat(ScalingReport.label(RunRecord.params(crl), List.of())).as("contrastive RL alone: as before")
                .isEqualTo("depth=4 width=128 batch=128 ablation=none");
    }

    /** Writes a run directory as train does: config.json, one metrics.jsonl row per evaluation, random_policy.json. */
    static Path fakeRun(Path dir, int depth, long seed, double[] timeAtGoal, double random) throws Exception {
        Files.createDirectories(dir);
        Map<String, Object> train = new LinkedHashMap<>();
        train.put("env", "reacher");
        train.put("eval_env", "reacher");
        train.put("batch_size", 256);
        train.put("seed", seed);
        Map<String, Object> network = new LinkedHashMap<>();
        network.put("critic_width", 256);
        network.put("critic_depth", depth);
        network.put("actor_width", 256);
        network.put("actor_depth", depth);
        network.put("layer_norm", true);
        network.put("activation", "swish");
        network.put("residual", true);
        Files.writeString(dir.resolve("config.json"), Json.writePretty(Map.of("train", train, "network", network, "threads", 2)));
        StringBuilder metrics = new StringBuilder();
        for (int i = 0; i < timeAtGoal.length; i++) {
            metrics.append(Json.write(Map.of("epoch", i + 1, "training/envsteps", 1000.0 * (i + 1),
                    "training/walltime", 60.0 * (i + 1), "eval/episode_success", timeAtGoal[i]))).append('\n');
        }
        Files.writeString(dir.resolve("metrics.jsonl"), metrics);
        Files.writeString(dir.resolve("random_policy.json"), Json.write(Map.of("eval/episode_success", random)));
        Files.writeString(dir.resolve("finished.json"), "{\"epochs\": " + timeAtGoal.length + "}\n");
        return dir;
    }

    /** depth 4: three seeds scoring 10, 20, 30 over their last 5 evaluations (the first, 999, is outside); depth 8: one seed, 50. */
    static Path fakeSweep(Path sweep) throws Exception {
        fakeRun(sweep.resolve("d4-w256-b256/seed1"), 4, 1, new double[] {999, 8, 9, 10, 11, 12}, 40);
        fakeRun(sweep.resolve("d4-w256-b256/seed2"), 4, 2, new double[] {999, 18, 19, 20, 21, 22}, 44);
        fakeRun(sweep.resolve("d4-w256-b256/seed3"), 4, 3, new double[] {999, 28, 29, 30, 31, 32}, 48);
        fakeRun(sweep.resolve("d8-w256-b256/seed1"), 8, 1, new double[] {0, 50, 50, 50, 50, 50}, 44);
        return sweep;
    }

    @Test
    void meanAndStandardErrorOverSeeds() {
        MeanSe s = MeanSe.of(1, 2, 3, 4);
        assertThat(s.mean()).isEqualTo(2.5);
        assertThat(s.se()).isCloseTo(Math.sqrt(5.0 / 3) / 2, within(1e-12)); // sample sd √(5/3), over √4
        assertThat(MeanSe.of(7).se()).isZero();
        assertThat(MeanSe.of(Double.NaN, 3).mean()).isEqualTo(3);
        assertThat(MeanSe.of().n()).isZero();
    }

    @Test
    void groupsBySeedlessOptionsAndScoresTheLastFiveEvaluations(@TempDir Path dir) throws Exception {
        Path sweep = fakeSweep(dir.resolve("sw"));
        List<RunRecord> runs = ScalingReport.runDirs(sweep).stream().map(RunRecord::load).toList();
        assertThat(runs).hasSize(4);
        assertThat(runs.get(0).score()).isEqualTo(10.0);
        ScalingReport report = new ScalingReport(runs);
        assertThat(report.varying).containsExactly("depth");
        assertThat(report.groups).extracting(ScalingReport.Group::label).containsExactly("depth=4", "depth=8");
        ScalingReport.Group d4 = report.groups.get(0);
        assertThat(d4.score().mean()).isCloseTo(20.0, within(1e-9));
        assertThat(d4.score().se()).isCloseTo(10 / Math.sqrt(3), within(1e-9)); // sd 10 over √3
        assertThat(report.groups.get(1).score().se()).isZero(); // one seed
        LinePlot.Series curve = d4.curve();
        assertThat(curve.y()[0]).isEqualTo(999.0);
        assertThat(curve.err()[0]).isZero();
        assertThat(curve.y()[1]).isCloseTo(18.0, within(1e-9));
        assertThat(curve.err()[1]).isCloseTo(10 / Math.sqrt(3), within(1e-9));
        assertThat(curve.x()[5]).isEqualTo(6000.0);
        assertThat(d4.randomPolicy()).isEqualTo(44.0);
        assertThat(report.randomPolicy()).isEqualTo(44.0); // (40 + 44 + 48 + 44) / 4
    }

    @Test
    void plotWritesFiguresAndTheSummaryTable(@TempDir Path dir) throws Exception {
        Path sweep = fakeSweep(dir.resolve("sw"));
        CommandLineErrorsTest.Outcome o = CommandLineErrorsTest.run("plot", sweep.toString());
        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("| depth=4 | 3 | 20.0 ± 5.8 | s1: 10.0, s2: 20.0, s3: 30.0 | 6,000 | 6m00s | 44.0 |")
                .contains("| depth=8 | 1 | 50.0 (1 seed) | s1: 50.0 | 6,000 | 6m00s | 44.0 |")
                .doesNotContain("Unfinished runs");
        for (String f : List.of("summary.md", "learning_curves.png", "learning_curves.svg", "score_vs_depth.png",
                "score_vs_depth.svg")) {
            assertThat(sweep.resolve(f)).isNotEmptyFile();
        }
        assertThat(sweep.resolve("score_vs_width.png")).doesNotExist(); // width is not swept
        assertThat(Files.readString(sweep.resolve("summary.md"))).contains("| depth=4 | 3 | 20.0 ± 5.8 |");
        assertThat(Files.readString(sweep.resolve("score_vs_depth.svg"))).contains(">4</text>").contains(">8</text>")
                .contains("random policy");
    }

    @Test
    void aRunStillInProgressIsDrawnButLeftOutOfTheScores(@TempDir Path dir) throws Exception {
        Path sweep = fakeSweep(dir.resolve("sw"));
        Path running = fakeRun(sweep.resolve("d8-w256-b256/seed2"), 8, 2, new double[] {0, 0}, 44);
        Files.delete(running.resolve("finished.json"));
        ScalingReport report = new ScalingReport(ScalingReport.runDirs(sweep).stream().map(RunRecord::load).toList());
        ScalingReport.Group d8 = report.groups.get(1);
        assertThat(d8.runs()).hasSize(2);
        assertThat(d8.score().mean()).isEqualTo(50.0); // not (50 + 0) / 2
        assertThat(d8.curve().y()[1]).isEqualTo(25.0); // the curve averages whatever reached each evaluation
        assertThat(report.summaryMarkdown())
                .contains("| depth=8 | 1 | 50.0 (1 seed) | s1: 50.0, s2: unfinished (2,000 steps) | 6,000 | 6m00s |")
                .contains("Unfinished runs");
        // a grid point with no finished run yet has no score: the score-vs-depth figure leaves it out
        Files.delete(fakeRun(sweep.resolve("d16-w256-b256/seed1"), 16, 1, new double[] {7}, 44)
                .resolve("finished.json"));
        Files.delete(fakeRun(sweep.resolve("d16-w256-b256/seed2"), 16, 2, new double[] {}, 44)
                .resolve("finished.json")); // just started: no evaluation yet
        ScalingReport now = new ScalingReport(ScalingReport.runDirs(sweep).stream().map(RunRecord::load).toList());
        assertThat(now.summaryMarkdown()).contains("| depth=16 | 0 | – | s1: unfinished (1,000 steps), "
                + "s2: unfinished (no evaluation yet) | – | – |");
        now.write(dir.resolve("out"));
        assertThat(Files.readString(dir.resolve("out/score_vs_depth.svg"))).doesNotContain("NaN").contains(">16</text>");
    }

    @Test
    void recordedEvaluationsOfTheLastCheckpointGetTheirOwnColumn(@TempDir Path dir) throws Exception {
        Path sweep = fakeSweep(dir.resolve("sw"));
        double[] far = {100, 200, 600};
        for (int s = 1; s <= 3; s++) {
            Files.writeString(sweep.resolve("d4-w256-b256/seed" + s).resolve(RunRecord.finalEvalFile("maze:#R.G#")),
                    Json.write(Map.of("env", "maze:#R.G#", "eval/episode_success", far[s - 1])));
        }
        assertThat(RunRecord.finalEvalFile("simple_u_maze_eval")).isEqualTo("eval_simple_u_maze_eval.json");
        assertThat(RunRecord.finalEvalFile("maze:#R.G#")).matches("eval_maze__R\\.G_-[0-9a-f]{8}\\.json")
                .isEqualTo(RunRecord.finalEvalFile("maze: #R.G#\n"));
        String big = "maze:" + "#".repeat(15) + ("/#" + ".".repeat(13) + "#").repeat(13) + "/" + "#".repeat(15);
        assertThat(RunRecord.finalEvalFile(big).length()).isLessThan(64);
        // an evaluation recorded before the run's last checkpoint is stale and not reported
        Path s1 = sweep.resolve("d4-w256-b256/seed1");
        Files.writeString(s1.resolve(RunRecord.finalEvalFile("simple_u_maze_eval")), Json.write(Map.of(
                "env", "simple_u_maze_eval", "env_steps", 3000, "eval/episode_success", 5.0)));
        assertThat(RunRecord.load(s1).finalEvals()).containsOnlyKeys("maze:#R.G#");
        String md = new ScalingReport(ScalingReport.runDirs(sweep).stream().map(RunRecord::load).toList()).summaryMarkdown();
        // mean 300, sample sd √((200² + 100² + 300²) / 2) = √70000, over √3
        assertThat(md).contains("| random policy | last checkpoint on maze:#R.G# |")
                .contains(String.format(java.util.Locale.ROOT, "| 44.0 | 300.0 ± %.1f (s1: 100.0, s2: 200.0, s3: 600.0) |",
                        Math.sqrt(70000) / Math.sqrt(3)))
                .contains("| 44.0 | – |"); // depth 8 has none
    }

    @Test
    void plotTakesAListOfRunDirectories(@TempDir Path dir) throws Exception {
        Path sweep = fakeSweep(dir.resolve("sw"));
        Path out = dir.resolve("out");
        CommandLineErrorsTest.Outcome o = CommandLineErrorsTest.run("plot", sweep.resolve("d4-w256-b256/seed1").toString(),
                sweep.resolve("d4-w256-b256/seed2").toString(), "--out", out.toString());
        assertThat(o.code()).as(o.err()).isZero();
        // one group: nothing varies, so it is named by its grid point
        assertThat(o.out()).contains("| depth=4 width=256 batch=256 ablation=none | 2 | 15.0 ± 5.0 |");
        assertThat(out.resolve("learning_curves.png")).isNotEmptyFile();
        assertThat(out.resolve("score_vs_depth.png")).doesNotExist();
    }

    @Test
    void paramsNameTheAblationAndKeepAnActorThatDiffersFromTheCritic() {
        Map<String, Object> train = Map.of("batch_size", 256L, "seed", 3L, "env", "reacher");
        Map<String, Object> network = new LinkedHashMap<>(Map.of("critic_depth", 16L, "actor_depth", 4L, "critic_width", 256L,
                "actor_width", 256L, "layer_norm", false, "activation", "relu", "residual", true));
        // format 1: snake_case sections, read under the options' own names
        Map<String, Object> p = RunRecord.params(RunRecord.options(Map.of("train", train, "network", network), "x"));
        assertThat(p).containsEntry("depth", 16L).containsEntry("ablation", "no-layer-norm+relu")
                .containsEntry("actor-depth", 4L).doesNotContainKey("actor-width").doesNotContainKey("seed");
        network.put("layer_norm", true);
        network.put("activation", "swish");
        assertThat(RunRecord.params(RunRecord.options(Map.of("train", train, "network", network), "x")))
                .containsEntry("ablation", "none");
    }

    @Test
    void aFormatOneAndACurrentRunOfOneSettingAreOneGroup() {
        RunConfig current = RunConfigs.bind(Map.of("env", "reacher", "critic-depth", 8, "actor-depth", 8, "seed", 2,
                "logsumexp-penalty-coeff", 0.1), "now");
        Map<String, Object> now = RunRecord.params(RunRecord.options(Map.of("format", RunDirectory.FORMAT,
                "config", RunConfigs.toMap(current)), "now"));
        // what format 1 wrote for the same options: the trainer's and network's views, floats widened from float32
        TrainConfig t = current.trainConfig(1000);
        Map<String, Object> old = RunRecord.params(RunRecord.options(Map.of("train", snake(Checkpoint.toMap(t)),
                "network", snake(Checkpoint.toMap(current.crlConfig()))), "old"));
        assertThat(now).containsEntry("depth", 8).containsEntry("eval-env", "reacher").containsEntry("ablation", "none");
        for (String k : List.of("depth", "width", "batch", "ablation", "env", "eval-env", "num-envs", "total-env-steps",
                "repr-dim", "energy", "logsumexp-penalty-coeff", "actor-lr", "gamma")) {
            assertThat(String.valueOf(old.get(k))).as(k).isEqualTo(String.valueOf(now.get(k)));
        }
    }

    private static Map<String, Object> snake(Map<String, Object> kebab) {
        Map<String, Object> m = new LinkedHashMap<>();
        kebab.forEach((k, v) -> m.put(k.replace('-', '_'), v));
        return m;
    }
}
