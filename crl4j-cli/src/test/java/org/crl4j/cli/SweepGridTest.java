package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Grid expansion, run naming, the train command line of a run, and sweep.json's round trip. */
class SweepGridTest {

    static SweepGrid grid() {
        return new SweepGrid("reacher", List.of(4, 8), List.of(256), List.of(256, 512), List.of(Ablation.NONE, Ablation.RELU),
                2, 50_000L, List.of("--num-envs", "16"), List.of());
    }

    @Test
    void expandsEveryCombinationSeedMajor() {
        SweepGrid g = grid();
        assertThat(g.points()).extracting(SweepGrid.Point::name).containsExactly(
                "d4-w256-b256", "d4-w256-b256-relu", "d4-w256-b512", "d4-w256-b512-relu",
                "d8-w256-b256", "d8-w256-b256-relu", "d8-w256-b512", "d8-w256-b512-relu");
        List<SweepGrid.Run> runs = g.runs();
        assertThat(runs).hasSize(16);
        assertThat(runs.subList(0, 8)).allMatch(r -> r.seed() == 1);
        assertThat(runs.subList(8, 16)).allMatch(r -> r.seed() == 2);
        assertThat(runs.get(9).name()).isEqualTo("d4-w256-b256-relu/seed2");
        assertThat(runs.get(9).dir(Path.of("sw"))).isEqualTo(Path.of("sw", "d4-w256-b256-relu", "seed2"));
    }

    @Test
    void aRunsTrainArgumentsSetThePointSeedStepsAndTheBaseFlags() {
        SweepGrid g = grid();
        SweepGrid.Run run = new SweepGrid.Run(new SweepGrid.Point(8, 256, 512, Ablation.NO_RESIDUAL), 3);
        assertThat(g.trainArgs(run)).containsExactly("train", "--env", "reacher", "--critic-depth", "8", "--actor-depth", "8",
                "--critic-width", "256", "--actor-width", "256", "--batch-size", "512", "--no-residual", "--seed", "3",
                "--total-env-steps", "50000", "--num-envs", "16");
    }

    @Test
    void algorithmsAreAnAxisNamedInTheirDirectoriesAndPassedAsAlgo() {
        SweepGrid g = new SweepGrid("reacher", List.of(4, 16), List.of(128), List.of(128), List.of(Ablation.NONE), 1,
                1000L, List.of(), List.of(), List.of("crl", "SAC-HER", "gcbc"));
        assertThat(g.algos()).containsExactly("crl", "sac_her", "gcbc");
        assertThat(g.points()).extracting(SweepGrid.Point::name).containsExactly("d4-w128-b128", "d16-w128-b128",
                "sac_her-d4-w128-b128", "sac_her-d16-w128-b128", "gcbc-d4-w128-b128", "gcbc-d16-w128-b128");
        assertThat(g.trainArgs(new SweepGrid.Run(g.points().get(2), 1))).containsSubsequence("--algo", "sac_her");
        assertThat(g.trainArgs(new SweepGrid.Run(g.points().get(0), 1))).doesNotContain("--algo");
        assertThat(SweepGrid.fromJson(g.toJson())).isEqualTo(g);
        assertThat(grid().toJson()).as("a contrastive-RL sweep's record is as before").doesNotContainKey("algo");
        assertThat(SweepGrid.fromJson(grid().toJson()).algos()).containsExactly("crl");
        assertThat(g.differences(new SweepGrid("reacher", List.of(4, 16), List.of(128), List.of(128),
                List.of(Ablation.NONE), 1, 1000L, List.of(), List.of()))).anyMatch(d -> d.startsWith("algo"));
        assertThatThrownBy(() -> new SweepGrid("reacher", List.of(4), List.of(128), List.of(128), List.of(Ablation.NONE),
                1, 1000L, List.of(), List.of(), List.of("ppo2"))).hasMessageContaining("unknown algorithm 'ppo2'");
    }

    @Test
    void sweepJsonRoundTripsAndNamesTheDifferences() {
        SweepGrid g = grid();
        assertThat(SweepGrid.fromJson(g.toJson())).isEqualTo(g);
        assertThat(g.differences(SweepGrid.fromJson(g.toJson()))).isEmpty();
        SweepGrid other = new SweepGrid("reacher", List.of(4, 16), List.of(256), List.of(256, 512),
                List.of(Ablation.NONE, Ablation.RELU), 2, 50_000L, List.of("--num-envs", "16"), List.of());
        assertThat(g.differences(other)).containsExactly("depth [4, 8] here, [4, 16] there");
    }

    @Test
    void aSweepGrowsOnlyByMoreSeedsOrMoreFinalEvaluations() {
        SweepGrid g = grid();
        SweepGrid moreSeeds = new SweepGrid("reacher", List.of(4, 8), List.of(256), List.of(256, 512),
                List.of(Ablation.NONE, Ablation.RELU), 5, 50_000L, List.of("--num-envs", "16"), List.of("reacher"));
        assertThat(g.canGrowInto(moreSeeds)).isTrue();
        SweepGrid fewerSeeds = new SweepGrid("reacher", List.of(4, 8), List.of(256), List.of(256, 512),
                List.of(Ablation.NONE, Ablation.RELU), 1, 50_000L, List.of("--num-envs", "16"), List.of("reacher"));
        assertThat(moreSeeds.canGrowInto(fewerSeeds)).as("fewer seeds").isFalse();
        SweepGrid evalDropped = new SweepGrid("reacher", List.of(4, 8), List.of(256), List.of(256, 512),
                List.of(Ablation.NONE, Ablation.RELU), 5, 50_000L, List.of("--num-envs", "16"), List.of());
        assertThat(moreSeeds.canGrowInto(evalDropped)).as("a final evaluation dropped").isFalse();
        assertThat(SweepGrid.fromJson(moreSeeds.toJson())).isEqualTo(moreSeeds);
        SweepGrid otherSteps = new SweepGrid("reacher", List.of(4, 8), List.of(256), List.of(256, 512),
                List.of(Ablation.NONE, Ablation.RELU), 5, 60_000L, List.of("--num-envs", "16"), List.of());
        assertThat(g.canGrowInto(otherSteps)).isFalse();
        SweepGrid otherDepths = new SweepGrid("reacher", List.of(4, 8, 16), List.of(256), List.of(256, 512),
                List.of(Ablation.NONE, Ablation.RELU), 2, 50_000L, List.of("--num-envs", "16"), List.of());
        assertThat(g.canGrowInto(otherDepths)).as("a new depth is a new study, not more of this one").isFalse();
        // a sweep.json written before final evaluations existed reads as having none
        var old = new java.util.LinkedHashMap<>(g.toJson());
        old.remove("final_eval");
        assertThat(SweepGrid.fromJson(old)).isEqualTo(g);
    }

    @Test
    void theOrderValuesAndFlagsAreListedInDoesNotMakeAnotherSweep() {
        SweepGrid g = new SweepGrid("reacher", List.of(16, 4), List.of(256), List.of(256, 512), List.of(Ablation.NONE),
                2, 50_000L, List.of("--num-epochs", "10", "--no-gif", "--num-envs", "16"), List.of("reacher"));
        SweepGrid reordered = new SweepGrid("reacher", List.of(4, 16), List.of(256), List.of(512, 256),
                List.of(Ablation.NONE), 3, 50_000L, List.of("--no-gif", "--num-envs", "16", "--num-epochs", "10"),
                List.of("reacher"));
        assertThat(g.canGrowInto(reordered)).isTrue();
        assertThat(reordered.differences(g)).containsExactly("seeds 3 here, 2 there");
        // the record keeps the first listing's order, so its runs are listed as they were trained
        SweepGrid grown = g.grownTo(reordered);
        assertThat(grown.depths()).containsExactly(16, 4);
        assertThat(grown.trainFlags()).containsExactly("--num-epochs", "10", "--no-gif", "--num-envs", "16");
        assertThat(grown.seeds()).isEqualTo(3);
        SweepGrid withEquals = new SweepGrid("reacher", List.of(4, 16), List.of(256), List.of(256, 512), List.of(Ablation.NONE),
                2, 50_000L, List.of("--num-epochs=10", "--no-gif", "--num-envs", "16"), List.of("reacher"));
        assertThat(g.canGrowInto(withEquals)).as("--num-epochs=10 is --num-epochs 10").isTrue();
        // a value stays with its option: moving it to another option is another sweep
        SweepGrid swapped = new SweepGrid("reacher", List.of(4, 16), List.of(256), List.of(256, 512), List.of(Ablation.NONE),
                2, 50_000L, List.of("--num-epochs", "16", "--no-gif", "--num-envs", "10"), List.of("reacher"));
        assertThat(g.canGrowInto(swapped)).isFalse();
        assertThat(swapped.differences(g)).hasSize(1).allMatch(d -> d.startsWith("train_flags "));
    }

    @Test
    void aReorderedCommandContinuesTheSweepInItsRecordedOrder(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path sw = dir.resolve("sw");
        SweepGrid first = new SweepGrid("reacher", List.of(16, 4), List.of(32), List.of(32), List.of(Ablation.NONE), 1, 3000L,
                List.of("--num-epochs", "3", "--no-gif"), List.of());
        SweepCommand.claim(sw, first);
        SweepGrid reordered = new SweepGrid("reacher", List.of(4, 16), List.of(32), List.of(32), List.of(Ablation.NONE), 1,
                3000L, List.of("--no-gif", "--num-epochs", "3"), List.of());
        assertThat(SweepCommand.claim(sw, reordered)).isEqualTo(first);
        SweepGrid grown = new SweepGrid("reacher", List.of(4, 16), List.of(32), List.of(32), List.of(Ablation.NONE), 2,
                3000L, List.of("--no-gif", "--num-epochs", "3"), List.of());
        SweepGrid recorded = SweepCommand.claim(sw, grown);
        assertThat(recorded.depths()).containsExactly(16, 4);
        assertThat(recorded.trainFlags()).containsExactly("--num-epochs", "3", "--no-gif");
        assertThat(recorded.seeds()).isEqualTo(2);
        assertThat(SweepCommand.readSweepFile(sw)).isEqualTo(recorded);
        SweepGrid longer = new SweepGrid("reacher", List.of(4, 16), List.of(32), List.of(32), List.of(Ablation.NONE), 2,
                6000L, List.of("--no-gif", "--num-epochs", "3"), List.of());
        assertThatThrownBy(() -> SweepCommand.claim(sw, longer)).hasMessageContaining("steps 6000 here, 3000 there")
                .hasMessageContaining("train --resume RUN --total-env-steps N");
    }

    @Test
    void rejectsEmptyOrRepeatedValues() {
        assertThatThrownBy(() -> new SweepGrid("reacher", List.of(4, 4), List.of(256), List.of(256), List.of(Ablation.NONE),
                1, null, List.of(), List.of())).hasMessageContaining("--depth lists a value twice");
        assertThatThrownBy(() -> new SweepGrid("reacher", List.of(4), List.of(256), List.of(256), List.of(Ablation.NONE),
                0, null, List.of(), List.of())).hasMessageContaining("--seeds must be at least 1");
        assertThatThrownBy(() -> Ablation.parse("no-norm")).hasMessageContaining("unknown ablation 'no-norm'")
                .hasMessageContaining("no-layer-norm");
    }
}
