package org.crl4j.rl;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How --total-env-steps becomes the schedule, and the line that says so when it is not taken exactly. */
class TrainScheduleTest {

    private static TrainConfig config(long total, int epochs) {
        // 32 envs × unroll 62 = 1,984 env steps per training step; prefill ceil(1000 / 62) = 17 unrolls = 33,728
        return new TrainConfig("simple_u_maze", "simple_u_maze", 32, total, epochs, 62, 128, 150, 10000, 1000, 1000,
                0.99, 64, 1);
    }

    @Test
    void anExactBudgetSaysNothing() {
        TrainConfig c = config(33_728 + 10 * 3 * 1_984, 10);
        assertThat(c.plannedEnvSteps()).isEqualTo(c.totalEnvSteps());
        assertThat(c.scheduleRounding()).isNull();
    }

    @Test
    void aBudgetBetweenTrainingStepsIsRoundedUpByLessThanOneTrainingStepAndSaysSo() {
        TrainConfig c = config(600_000, 10);
        // (600,000 − 33,728) / 1,984 = 285.4 → 286 training steps: 6 epochs of 29, then 4 of 28
        assertThat(c.totalTrainingSteps()).isEqualTo(286);
        assertThat(c.plannedEnvSteps()).isEqualTo(33_728 + 286 * 1_984L);
        assertThat(c.plannedEnvSteps() - c.totalEnvSteps()).isBetween(0L, 1_983L);
        assertThat(c.scheduleRounding()).isEqualTo("--total-env-steps 600,000 rounded up to 601,152 env steps: a "
                + "prefill of 33,728, then 6 epochs of 29 and 4 of 28 training steps of 1,984 env steps (32 envs × unroll 62)");
        long sum = 0;
        for (int e = 1; e <= 10; e++) {
            sum += c.trainingStepsInEpoch(e);
            assertThat(c.trainingStepsInEpoch(e)).isEqualTo(e <= 6 ? 29 : 28);
        }
        assertThat(sum).isEqualTo(c.totalTrainingSteps());
    }

    @Test
    void everyBudgetIsTakenToWithinOneTrainingStep() {
        for (long total = 35_712; total < 35_712 + 40 * 1_984; total += 997) {
            for (int epochs : new int[] {1, 3, 7}) {
                TrainConfig c = config(total, epochs);
                long over = c.plannedEnvSteps() - total;
                if (c.totalTrainingSteps() > epochs) { // not raised to one training step per epoch
                    assertThat(over).as("total %d, %d epochs", total, epochs).isBetween(0L, 1_983L);
                }
                assertThat(over == 0).isEqualTo(c.scheduleRounding() == null);
            }
        }
    }

    @Test
    void anUnevenScheduleLengthenedKeepsItsEpochsAndEqualsOnePlannedThatLong() {
        TrainConfig c = config(600_000, 10); // 6 × 29 + 4 × 28
        TrainConfig longer = c.extendedTo(1_000_000);
        assertThat(longer.numEpochs()).isGreaterThan(10);
        assertThat(longer.plannedEnvSteps()).isGreaterThanOrEqualTo(1_000_000).isEqualTo(longer.totalEnvSteps());
        for (int e = 1; e <= longer.numEpochs(); e++) {
            assertThat(longer.trainingStepsInEpoch(e)).as("epoch " + e).isEqualTo(e <= 6 ? 29 : 28);
        }
        // and one more step of lengthening adds one epoch of 28
        TrainConfig again = longer.extendedTo(longer.plannedEnvSteps() + 1);
        assertThat(again.numEpochs()).isEqualTo(longer.numEpochs() + 1);
        assertThat(again.plannedEnvSteps()).isEqualTo(longer.plannedEnvSteps() + 28 * 1_984L);
    }

    @Test
    void aBudgetBelowThePrefillIsRaisedAndSaysSo() {
        TrainConfig c = config(10, 1);
        assertThat(c.plannedEnvSteps()).isEqualTo(33_728 + 1_984);
        assertThat(c.scheduleRounding()).startsWith("--total-env-steps 10 raised to 35,712 env steps")
                .contains("1 epoch of 1 training step of");
    }
}
