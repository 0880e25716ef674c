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
    void aBudgetBetweenTrainingStepsIsRoundedDownAndSaysSo() {
        TrainConfig c = config(600_000, 10);
        assertThat(c.plannedEnvSteps()).isEqualTo(33_728 + 10 * 28 * 1_984L);
        assertThat(c.scheduleRounding()).isEqualTo("--total-env-steps 600,000 rounded down to 589,248 env steps: a "
                + "prefill of 33,728, then 10 epochs of 28 training steps of 1,984 env steps (32 envs × unroll 62)");
    }

    @Test
    void aBudgetBelowThePrefillIsRaisedAndSaysSo() {
        TrainConfig c = config(10, 1);
        assertThat(c.plannedEnvSteps()).isEqualTo(33_728 + 1_984);
        assertThat(c.scheduleRounding()).startsWith("--total-env-steps 10 raised to 35,712 env steps")
                .contains("1 epoch of 1 training step of");
    }
}
