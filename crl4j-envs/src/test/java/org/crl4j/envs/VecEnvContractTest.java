package org.crl4j.envs;

import java.awt.image.BufferedImage;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.render.SceneRenderer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bookkeeping every task inherits, on a 1-D toy task whose dynamics are x ← x + 3·action. */
class VecEnvContractTest {

    /** x moves by 3 × the action (clipped to [−1, 1]); the goal is drawn in [1, 3); "terminal" when x < −5. */
    static final class Line extends VecEnv {
        final float[] x;
        final float[] goal;

        Line(int n, int episodeLength, ResetMode mode) {
            super(new EnvSpec("line", "test line", 1, new int[] {0}, 1, 0.5f, episodeLength), n, new Parallel(2), mode);
            x = new float[n];
            goal = new float[n];
        }

        @Override
        protected void sampleStart(int env, Rng rng) {
            x[env] = 0;
            goal[env] = 1 + 2 * rng.nextFloat();
        }

        @Override
        protected void simulate(float[] actions, int from, int to) {
            for (int i = from; i < to; i++) {
                x[i] += 3 * actions[i];
            }
        }

        @Override
        protected void writeState(int env, float[] out, int off) {
            out[off] = x[env];
        }

        @Override
        protected void writeGoal(int env, float[] out, int off) {
            out[off] = goal[env];
        }

        @Override
        protected double[][] physicalState() {
            return new double[0][]; // not checkpointed here; EnvCheckpointTest covers the real tasks
        }

        @Override
        protected boolean isTerminal(int env) {
            return x[env] < -5;
        }

        @Override
        public SceneRenderer renderer() {
            return (obs, off, size) -> new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        }
    }

    @Test
    void successTruncationAutoResetAndTrajectoryIds() {
        Line env = new Line(3, 4, VecEnv.ResetMode.SAME_START);
        env.reset(7);
        float goal0 = env.observations()[1];
        float[] a = {0.5f, 2f, -3f};
        for (int step = 1; step <= 4; step++) {
            env.step(a);
            if (step < 4) {
                assertThat(env.truncated()).containsOnly(false);
                assertThat(env.trajectoryIds()[0]).isZero();
                assertThat(env.trajectoryIds()[2]).isEqualTo(step >= 2 ? 1 : 0);
            }
            // success flag == distance below threshold, computed before any reset
            for (int i = 0; i < 3; i++) {
                assertThat(env.rewards()[i]).isEqualTo(env.distances()[i] < 0.5f ? 1f : 0f);
            }
        }
        // env 2 reaches −6 every second step (actions clipped to −1): terminated at steps 2 and 4, never truncated
        assertThat(env.truncated()).containsExactly(true, true, false);
        assertThat(env.terminated()).containsExactly(false, false, true);
        assertThat(env.trajectoryIds()).containsExactly(1, 1, 2);
        assertThat(env.finalObservations()[0]).isEqualTo(6f);      // 4 × 3 × 0.5 before the reset
        assertThat(env.observations()[0]).isEqualTo(0f);            // new episode starts at 0
        assertThat(env.observations()[1]).as("SAME_START keeps the goal").isEqualTo(goal0);
        assertThat(env.episodeSteps()).containsExactly(0, 0, 0);
    }

    @Test
    void terminationComesFirstAndResampleDrawsNewGoals() {
        Line env = new Line(1, 100, VecEnv.ResetMode.RESAMPLE);
        env.reset(1);
        float g = env.observations()[1];
        env.step(new float[] {-1f});
        assertThat(env.terminated()[0]).isFalse();
        env.step(new float[] {-1f});                                 // x = −6
        assertThat(env.terminated()[0]).isTrue();
        assertThat(env.truncated()[0]).isFalse();
        assertThat(env.observations()[1]).isNotEqualTo(g);
    }

    @Test
    void actionsAreClippedAndNaNIsZero() {
        Line env = new Line(2, 10, VecEnv.ResetMode.SAME_START);
        env.reset(0);
        env.step(new float[] {7f, Float.NaN});
        assertThat(env.observations()[0]).isEqualTo(3f);
        assertThat(env.observations()[2]).isEqualTo(0f);
        assertThatThrownBy(() -> env.step(new float[1])).hasMessageContaining("expected 2 actions");
    }

    @Test
    void episodeStatisticsCountTheFirstEpisodeOnly() {
        Line env = new Line(2, 5, VecEnv.ResetMode.SAME_START);
        env.reset(3);
        EpisodeStats stats = new EpisodeStats(2);
        float g = env.observations()[1];
        // env 0 jumps onto its goal and stays; env 1 never moves
        float[] a = {g / 3, 0f};
        for (int t = 0; t < 12; t++) {
            env.step(a);
            stats.record(env);
            a[0] = 0f;
        }
        assertThat(stats.allFinished()).isTrue();
        assertThat(stats.stepsAtGoal(0)).isEqualTo(5f);
        assertThat(stats.stepsAtGoal(1)).isEqualTo(0f);
        assertThat(stats.meanStepsAtGoal()).isEqualTo(2.5);
        assertThat(stats.successAny()).isEqualTo(0.5);
        assertThat(stats.meanLength()).isEqualTo(5.0);
        assertThat(stats.meanMinDistance()).isCloseTo(env.observations()[3] / 2, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void registryErrorsNameTheProblemAndCustomMazesWork() {
        assertThatThrownBy(() -> Envs.make("simple_u_maz", 1, 0)).hasMessageContaining("did you mean 'simple_u_maze'");
        VecEnv m = Envs.make("maze:#####/#R.G#/#####", 2, 0);
        assertThat(m.spec().stateDim()).isEqualTo(4);
        assertThatThrownBy(() -> Envs.make("maze:#####/#R.X#/#####", 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
