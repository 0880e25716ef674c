package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The paper trained 1024-layer critics: a depth-1024 width-256 trunk must train without NaN or Inf. */
class DeepNetworkTest {

    @Test
    void depth1024TrainsAFewStepsWithFiniteValues() {
        try (Parallel pool = new Parallel(2)) {
            int in = 12;
            int rows = 32;
            ParamStore ps = new ParamStore();
            ResidualMlp net = new ResidualMlp(pool, ps, "critic", in, 64,
                    MlpOptions.paper(256, 1024).withRecompute(MlpOptions.Recompute.ON));
            ps.allocate();
            // 4·(W² + 3W) per block: kernel, bias, LayerNorm scale and bias of 4 layers.
            assertThat(ps.size()).isEqualTo(in * 256 + 3 * 256 + 256 * 4 * (256 * 256 + 3 * 256) + 256 * 64 + 64);
            Rng rng = new Rng(11);
            net.init(rng);
            Adam adam = new Adam(ps, 3e-4f);
            float[] x = new float[rows * in];
            rng.fillGaussian(x, 0, x.length);
            float[] d = new float[rows * 64];
            double[] losses = new double[4];
            for (int s = 0; s < losses.length; s++) {
                float[] y = net.forward(x, rows);
                double loss = 0;
                for (int i = 0; i < d.length; i++) {
                    assertThat(Float.isFinite(y[i])).as("output finite at step %d", s).isTrue();
                    loss += (double) y[i] * y[i] / d.length;
                    d[i] = 2f * y[i] / d.length;
                }
                losses[s] = loss;
                net.backward(d, null, GradMode.OVERWRITE);
                for (float g : ps.grads()) {
                    if (!Float.isFinite(g)) {
                        throw new AssertionError("non-finite gradient at step " + s);
                    }
                }
                adam.update(pool);
            }
            assertThat(losses[3]).as("loss falls when minimising ‖y‖²").isLessThan(losses[0]);
        }
    }
}
