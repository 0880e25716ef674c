package org.crl4j.envs.maze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MazeLayoutTest {

    @Test
    void namedLayoutsHaveTheSizesAndGoalCountsOfTheSources() {
        assertShape(MazeLayout.U, 5, 5, 6);
        assertShape(MazeLayout.U_EVAL, 5, 5, 3);
        assertShape(MazeLayout.U4, 7, 5, 10);
        assertShape(MazeLayout.U4_EVAL, 7, 5, 4);
        assertShape(MazeLayout.U5, 7, 8, 16);
        assertShape(MazeLayout.U5_EVAL, 7, 8, 8);
        assertShape(MazeLayout.BIG, 8, 8, 25);
        assertShape(MazeLayout.BIG_EVAL, 8, 8, 10);
        assertShape(MazeLayout.HARDEST, 9, 12, 45);
        assertShape(MazeLayout.HARDEST_EVAL, 9, 12, 24);
        assertThat(MazeLayout.U.startRow()).isEqualTo(1);
        assertThat(MazeLayout.U.startCol()).isEqualTo(1);
        assertThat(MazeLayout.U4.startRow()).isEqualTo(2);
        assertThat(MazeLayout.U5.startRow()).isEqualTo(2);
    }

    @Test
    void evalLayoutsAreTheSameMazeWithASubsetOfTheGoals() {
        MazeLayout[][] pairs = {
            {MazeLayout.U, MazeLayout.U_EVAL}, {MazeLayout.U4, MazeLayout.U4_EVAL},
            {MazeLayout.U5, MazeLayout.U5_EVAL}, {MazeLayout.BIG, MazeLayout.BIG_EVAL},
            {MazeLayout.HARDEST, MazeLayout.HARDEST_EVAL},
        };
        for (MazeLayout[] p : pairs) {
            MazeLayout train = p[0];
            MazeLayout eval = p[1];
            assertThat(eval.wallMask()).isEqualTo(train.wallMask());
            assertThat(eval.startRow()).isEqualTo(train.startRow());
            assertThat(eval.startCol()).isEqualTo(train.startCol());
            for (int k = 0; k < eval.goalCount(); k++) {
                assertThat(train.isGoal(eval.goalRow(k), eval.goalCol(k))).isTrue();
            }
        }
        // The U eval keeps exactly the far arm (bottom row).
        assertThat(MazeLayout.U_EVAL.toString()).isEqualTo("#####/#R..#/###.#/#GGG#/#####");
    }

    @Test
    void farGoalRuleReproducesTheUAndU4EvalLayouts() {
        assertThat(MazeLayout.U.farGoals(2.0 / 3.0)).isEqualTo(MazeLayout.U_EVAL);
        assertThat(MazeLayout.U4.farGoals(2.0 / 3.0)).isEqualTo(MazeLayout.U4_EVAL);
        int[] d = MazeLayout.HARDEST.pathDistances();
        for (int k = 0; k < MazeLayout.HARDEST_EVAL.goalCount(); k++) {
            int cell = MazeLayout.HARDEST_EVAL.goalRow(k) * 12 + MazeLayout.HARDEST_EVAL.goalCol(k);
            assertThat(d[cell]).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void namedLookupAndRoundTrip() {
        for (String n : new String[] {"u", "u_eval", "u4", "u4_eval", "u5", "u5_eval", "big", "big_eval", "hardest",
            "hardest_eval"}) {
            MazeLayout m = MazeLayout.named(n);
            assertThat(MazeLayout.parse(m.toString())).isEqualTo(m);
        }
        assertThatThrownBy(() -> MazeLayout.named("v")).hasMessageContaining("unknown maze 'v'");
    }

    @Test
    void parsesNewlineSeparatedIndentedText() {
        MazeLayout m = MazeLayout.parse("""
                #####
                #RGG#
                ###G#
                #GGG#
                #####
                """);
        assertThat(m).isEqualTo(MazeLayout.U);
        assertThat(m.lines()).containsExactly("#####", "#RGG#", "###G#", "#GGG#", "#####");
    }

    @Test
    void goalOrderIsReadingOrderAndPathDistancesAreBreadthFirst() {
        MazeLayout u = MazeLayout.U;
        Set<String> cells = new HashSet<>();
        for (int k = 0; k < u.goalCount(); k++) {
            cells.add(u.goalRow(k) + "," + u.goalCol(k));
        }
        assertThat(cells).containsExactlyInAnyOrder("1,2", "1,3", "2,3", "3,3", "3,2", "3,1");
        assertThat(u.goalCount()).isEqualTo(6);
        assertThat(u.goalRow(0)).isEqualTo(1);
        assertThat(u.goalCol(0)).isEqualTo(2);
        int[] d = u.pathDistances();
        assertThat(d[3 * 5 + 1]).isEqualTo(6);
        assertThat(d[0]).isEqualTo(-1);
    }

    @Test
    void validationNamesTheProblemAndTheFix() {
        assertError("", "empty maze layout");
        assertError("#####/#RG#/#####", "row 1 of the maze layout has 4 cells but row 0 has 5");
        assertError("#####/#RGx#/#####", "unknown character 'x' at row 1, column 3");
        assertError("#####/#.G.#/#####", "no start cell 'R'");
        assertError("#####/#RGR#/#####", "more than one start cell 'R'");
        assertError("#####/#R..#/#####", "no goal cell 'G'");
        assertError("#####/#RG.G/#####", "open border cell 'G' at row 1, column 4");
        assertError("##.##/#RG.#/#####", "open border cell '.' at row 0, column 2");
        assertError("#####/#R#G#/#####", "goal cell at row 1, column 3 cannot be reached from the start R");
        assertError("#####/#RGG#/#####/###", "row 3 of the maze layout has 3 cells but row 0 has 5");
        assertError("#####//#####", "row 1 of the maze layout is empty");
        assertError("###/#R#/###", "no goal cell");
        assertError("##/##", "too small");
    }

    @Test
    void everyValidationMessageIsOneLineWithAFix() {
        String[] bad = {"", "#####/#RG#/#####", "#####/#RGx#/#####", "#####/#.G.#/#####", "#####/#RGR#/#####",
            "#####/#R..#/#####", "#####/#RG.G/#####", "#####/#R#G#/#####", "##/##"};
        for (String b : bad) {
            assertThatThrownBy(() -> MazeLayout.parse(b))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> {
                        assertThat(e.getMessage()).doesNotContain("\n");
                        assertThat(e.getMessage()).containsAnyOf("; ", " must ");
                    });
        }
    }

    private static void assertError(String layout, String fragment) {
        assertThatThrownBy(() -> MazeLayout.parse(layout))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fragment);
    }

    private static void assertShape(MazeLayout m, int rows, int cols, int goals) {
        assertThat(m.rows()).isEqualTo(rows);
        assertThat(m.cols()).isEqualTo(cols);
        assertThat(m.goalCount()).isEqualTo(goals);
    }
}
