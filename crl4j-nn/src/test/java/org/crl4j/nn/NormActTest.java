package org.crl4j.nn;

import org.crl4j.core.Rng;
import org.crl4j.core.Simd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The Vector API row kernels agree with the portable ones (to float rounding: lane order and exp differ). */
class NormActTest {

    @ParameterizedTest(name = "width {0}, layerNorm {1}, {2}")
    @CsvSource({"256, true, SWISH", "37, true, SWISH", "16, true, RELU", "50, false, SWISH", "64, false, NONE", "5, true, SWISH"})
    void vectorAndScalarRowKernelsAgree(int w, boolean ln, Activation act) {
        org.junit.jupiter.api.Assumptions.assumeTrue(Simd.ENABLED, "Vector API not available");
        Rng rng = new Rng(w);
        float[] p = new float[3 * w];
        rng.fillGaussian(p, 0, p.length);
        NormAct.Params lp = new NormAct.Params(0, ln ? w : -1, ln ? 2 * w : -1, act);
        float[] z1 = new float[w];
        rng.fillGaussian(z1, 0, w);
        for (int j = 0; j < w; j++) {
            z1[j] = 3 * z1[j] + 1; // non-zero mean, larger spread
        }
        float[] z2 = z1.clone();
        float[] s1 = new float[2];
        float[] s2 = new float[2];
        float[] o1 = new float[w];
        float[] o2 = new float[w];
        NormAct.forwardRow(p, lp, w, z1, 0, s1, 0, o1, 0);
        VectorNormAct.forwardRow(p, lp, w, z2, 0, s2, 0, o2, 0);
        for (int j = 0; j < w; j++) {
            assertThat(o2[j]).as("out %d", j).isCloseTo(o1[j], within(2e-5f * (1 + Math.abs(o1[j]))));
        }
        float[] dOut = new float[w];
        rng.fillGaussian(dOut, 0, w);
        float[] d1 = new float[w];
        float[] d2 = new float[w];
        float[] part1 = new float[3 * w];
        float[] part2 = new float[3 * w];
        NormAct.backwardRow(p, lp, w, dOut, 0, z1, s1, 0, d1, part1, 0);
        VectorNormAct.backwardRow(p, lp, w, dOut, 0, z1, s1, 0, d2, part2, 0);
        for (int j = 0; j < w; j++) {
            assertThat(d2[j]).as("dz %d", j).isCloseTo(d1[j], within(1e-4f * (1 + Math.abs(d1[j]))));
        }
        for (int j = 0; j < 3 * w; j++) {
            assertThat(part2[j]).as("partial %d", j).isCloseTo(part1[j], within(1e-4f * (1 + Math.abs(part1[j]))));
        }
    }
}
