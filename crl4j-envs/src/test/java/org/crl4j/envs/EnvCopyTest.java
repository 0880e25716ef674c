package org.crl4j.envs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.Stream;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.reacher.ArticulatedModel;
import org.crl4j.envs.reacher.Reachers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link VecEnv#copyEnvironment}: one environment moved into another batch (another size, another seed) continues
 * bit-identically to the original under the same actions, through its next auto-reset; the rest of the batch is
 * left alone.
 */
class EnvCopyTest {

    static Stream<EnvFactory> tasks() {
        return Stream.of(Envs.factory("simple_u_maze"), Envs.factory("reacher"), Envs.factory("ant"),
                Reachers.articulated("reacher_generalized", ArticulatedModel.generalized()));
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void aCopiedEnvironmentContinuesExactlyAsTheOriginal(EnvFactory task) {
        for (VecEnv.ResetMode mode : VecEnv.ResetMode.values()) { // SAME_START restarts from the first reset's stream
            copiedEnvironmentContinuesExactly(task, mode);
        }
    }

    private static void copiedEnvironmentContinuesExactly(EnvFactory task, VecEnv.ResetMode mode) {
        try (Parallel pool = new Parallel(1)) {
            int fromEnv = 3;
            int toEnv = 1;
            VecEnv a = task.create(5, pool, mode);
            VecEnv b = task.create(3, pool, mode);
            a.reset(5);
            b.reset(77);
            int dim = a.spec().actionDim();
            int obs = a.spec().observationDim();
            Rng rng = new Rng(9);
            float[] actA = new float[a.numEnvs() * dim];
            float[] actB = new float[b.numEnvs() * dim];
            int episode = a.spec().episodeLength();
            for (int t = 0; t < episode + episode / 5; t++) { // into the second episode, so ids and steps are not 0
                rng.fillUniform(actA, 0, actA.length, -1f, 1f);
                a.step(actA);
            }
            float[] untouched = Arrays.copyOfRange(b.observations(), 0, obs);
            b.copyEnvironment(a, fromEnv, toEnv);
            assertThat(Arrays.copyOfRange(b.observations(), 0, obs)).as("env 0 of b is not touched").isEqualTo(untouched);
            int sameSteps = 0;
            for (int t = 0; t < episode; t++) { // crosses the copy's next auto-reset
                rng.fillUniform(actA, 0, actA.length, -1f, 1f);
                rng.fillUniform(actB, 0, actB.length, -1f, 1f);
                System.arraycopy(actA, fromEnv * dim, actB, toEnv * dim, dim);
                a.step(actA);
                b.step(actB);
                assertThat(Arrays.copyOfRange(b.observations(), toEnv * obs, (toEnv + 1) * obs))
                        .as("%s step %d", mode, t).isEqualTo(Arrays.copyOfRange(a.observations(), fromEnv * obs, (fromEnv + 1) * obs));
                assertThat(b.trajectoryIds()[toEnv]).isEqualTo(a.trajectoryIds()[fromEnv]);
                assertThat(b.episodeSteps()[toEnv]).isEqualTo(a.episodeSteps()[fromEnv]);
                assertThat(b.rewards()[toEnv]).isEqualTo(a.rewards()[fromEnv]);
                assertThat(b.distances()[toEnv]).isEqualTo(a.distances()[fromEnv]);
                assertThat(b.terminated()[toEnv]).isEqualTo(a.terminated()[fromEnv]);
                sameSteps++;
            }
            assertThat(sameSteps).isEqualTo(episode);
            assertThat(a.trajectoryIds()[fromEnv]).as("the copy went through an auto-reset").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void onlyTheSameTaskCanBeCopied() {
        try (Parallel pool = new Parallel(1)) {
            VecEnv maze = Envs.make("simple_u_maze", 2, 1, pool, VecEnv.ResetMode.SAME_START);
            VecEnv big = Envs.make("simple_big_maze", 2, 1, pool, VecEnv.ResetMode.SAME_START);
            assertThatThrownBy(() -> big.copyEnvironment(maze, 0, 0)).hasMessageContaining("cannot copy an environment");
            assertThatThrownBy(() -> maze.copyEnvironment(maze, 2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }
}
