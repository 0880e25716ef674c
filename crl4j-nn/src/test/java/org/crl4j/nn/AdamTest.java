package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.core.Simd;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdamTest {

    /** Two steps computed by hand in double: the update follows the bias-corrected formula exactly. */
    @Test
    void matchesTheTextbookUpdate() {
        ParamStore ps = new ParamStore();
        ps.add("w", 37); // not a multiple of the vector length: exercises the tail
        ps.allocate();
        Rng rng = new Rng(5);
        float[] p = ps.params();
        rng.fillGaussian(p, 0, p.length);
        double[] ref = ReferenceMlp.toDouble(p);
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        Adam adam = new Adam(ps, 0.01f);
        try (Parallel pool = new Parallel(2)) {
            for (int t = 1; t <= 3; t++) {
                float[] g = ps.grads();
                rng.fillGaussian(g, 0, g.length);
                g[0] = 0f; // a zero gradient must still move the parameter by its momentum after step 1
                adam.update(pool);
                for (int i = 0; i < p.length; i++) {
                    m[i] = 0.9 * m[i] + 0.1 * g[i];
                    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                    double mh = m[i] / (1 - Math.pow(0.9, t));
                    double vh = v[i] / (1 - Math.pow(0.999, t));
                    ref[i] -= 0.01 * mh / (Math.sqrt(vh) + 1e-8);
                }
            }
        }
        for (int i = 0; i < p.length; i++) {
            assertThat((double) p[i]).as("param %d", i).isCloseTo(ref[i], within(1e-5));
        }
        assertThat(adam.step()).isEqualTo(3);
    }

    @Test
    void scalarAndVectorUpdatesAreBitIdentical() {
        int n = 1000;
        Rng rng = new Rng(9);
        float[] p1 = new float[n];
        float[] g = new float[n];
        float[] m1 = new float[n];
        float[] v1 = new float[n];
        rng.fillGaussian(p1, 0, n);
        rng.fillGaussian(g, 0, n);
        rng.fillGaussian(m1, 0, n);
        for (int i = 0; i < n; i++) {
            v1[i] = Math.abs(m1[i]) * 0.1f;
        }
        float[] p2 = p1.clone();
        float[] m2 = m1.clone();
        float[] v2 = v1.clone();
        Adam.update(p1, g, m1, v1, 0, n, 0.9f, 0.999f, 1e-8f, 0.003f, 1.3f);
        if (Simd.ENABLED) {
            VectorAdam.update(p2, g, m2, v2, 0, n, 0.9f, 0.999f, 1e-8f, 0.003f, 1.3f);
            assertThat(p2).isEqualTo(p1);
            assertThat(m2).isEqualTo(m1);
            assertThat(v2).isEqualTo(v1);
        }
    }
}
