package org.crl4j.envs;

import java.nio.file.Path;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.core.io.Safetensors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Saving a batch mid-episode and restoring it into a fresh one continues bit-identically. */
class EnvCheckpointTest {

    @ParameterizedTest
    @ValueSource(strings = {"simple_u_maze", "simple_hardest_maze_eval", "reacher"})
    void restoredEnvironmentsContinueExactly(String id, @TempDir Path dir) throws Exception {
        try (Parallel pool = new Parallel(2)) {
            int n = 37;
            VecEnv a = Envs.factory(id).create(n, pool, VecEnv.ResetMode.SAME_START);
            a.reset(5);
            Rng rng = new Rng(9);
            float[] act = new float[n * a.spec().actionDim()];
            for (int t = 0; t < 1500; t++) { // crosses an auto-reset (episodes of 1000)
                rng.fillUniform(act, 0, act.length, -1f, 1f);
                a.step(act);
            }
            Path f = dir.resolve("env.safetensors");
            Safetensors.write(f, a.stateTensors("env/"), null);
            VecEnv b = Envs.factory(id).create(n, pool, VecEnv.ResetMode.SAME_START);
            b.restoreState(Safetensors.read(f), "env/");
            assertThat(b.observations()).isEqualTo(a.observations());
            for (int t = 0; t < 700; t++) { // and the next auto-reset must restart the same way
                rng.fillUniform(act, 0, act.length, -1f, 1f);
                a.step(act);
                b.step(act);
                assertThat(b.observations()).isEqualTo(a.observations());
                assertThat(b.trajectoryIds()).isEqualTo(a.trajectoryIds());
                assertThat(b.rewards()).isEqualTo(a.rewards());
            }
        }
    }
}
