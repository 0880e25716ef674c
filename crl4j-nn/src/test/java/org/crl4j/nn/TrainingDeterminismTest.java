package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Same seed ⇒ bit-identical parameters after several Adam steps, whatever the thread count or recomputation. */
class TrainingDeterminismTest {

    /** Trains a small network for {@code steps} steps on a fixed regression target and returns its parameters. */
    static float[] train(int threads, MlpOptions.Recompute recompute, int steps, long seed) {
        try (Parallel pool = new Parallel(threads)) {
            int in = 6;
            int out = 4;
            int rows = 40;
            ParamStore ps = new ParamStore();
            ResidualMlp net = new ResidualMlp(pool, ps, "net", in, out,
                    MlpOptions.paper(32, 8).withRecompute(recompute));
            ps.allocate();
            Rng rng = new Rng(seed);
            net.init(rng);
            Adam adam = new Adam(ps, 3e-4f);
            float[] x = new float[rows * in];
            float[] target = new float[rows * out];
            float[] dOut = new float[rows * out];
            for (int s = 0; s < steps; s++) {
                rng.fillGaussian(x, 0, x.length);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < out; j++) {
                        target[i * out + j] = (float) Math.sin(x[i * in + j] + x[i * in + j + 1]);
                    }
                }
                float[] y = net.forward(x, rows);
                for (int i = 0; i < dOut.length; i++) {
                    dOut[i] = 2f * (y[i] - target[i]) / dOut.length;
                }
                net.backward(dOut, null, GradMode.OVERWRITE);
                adam.update(pool);
            }
            return ps.params().clone();
        }
    }

    @Test
    void sameSeedSameThreadsGivesIdenticalParameters() {
        assertThat(train(2, MlpOptions.Recompute.OFF, 5, 7)).isEqualTo(train(2, MlpOptions.Recompute.OFF, 5, 7));
    }

    @Test
    void threadCountDoesNotChangeTheResult() {
        float[] one = train(1, MlpOptions.Recompute.OFF, 5, 7);
        assertThat(train(2, MlpOptions.Recompute.OFF, 5, 7)).isEqualTo(one);
        assertThat(train(3, MlpOptions.Recompute.OFF, 5, 7)).isEqualTo(one);
    }

    @Test
    void recomputationGivesIdenticalParameters() {
        assertThat(train(2, MlpOptions.Recompute.ON, 5, 7)).isEqualTo(train(2, MlpOptions.Recompute.OFF, 5, 7));
    }

    @Test
    void differentSeedsGiveDifferentParameters() {
        assertThat(train(1, MlpOptions.Recompute.OFF, 1, 7)).isNotEqualTo(train(1, MlpOptions.Recompute.OFF, 1, 8));
    }

    @Test
    void trainingReducesTheRegressionLoss() {
        // Loss on a fixed batch before and after 200 steps on a fixed batch: Adam must fit it.
        try (Parallel pool = new Parallel(2)) {
            int in = 3;
            int rows = 64;
            ParamStore ps = new ParamStore();
            ResidualMlp net = new ResidualMlp(pool, ps, "net", in, 1, MlpOptions.paper(32, 4));
            ps.allocate();
            Rng rng = new Rng(3);
            net.init(rng);
            Adam adam = new Adam(ps, 1e-3f);
            float[] x = new float[rows * in];
            rng.fillGaussian(x, 0, x.length);
            float[] t = new float[rows];
            for (int i = 0; i < rows; i++) {
                t[i] = (float) (Math.sin(2 * x[i * in]) * x[i * in + 1] + 0.5 * x[i * in + 2]);
            }
            float[] d = new float[rows];
            double first = -1;
            double last = -1;
            for (int s = 0; s < 200; s++) {
                float[] y = net.forward(x, rows);
                double loss = 0;
                for (int i = 0; i < rows; i++) {
                    loss += (y[i] - t[i]) * (y[i] - t[i]) / rows;
                    d[i] = 2f * (y[i] - t[i]) / rows;
                }
                if (s == 0) {
                    first = loss;
                }
                last = loss;
                net.backward(d, null, GradMode.OVERWRITE);
                adam.update(pool);
            }
            assertThat(last).isLessThan(0.05 * first);
        }
    }
}
