package org.crl4j.nn.loss;

import java.util.Random;

import org.crl4j.core.Simd;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SoftmaxKernelsTest {

    @Test
    void withinTwoUlpOfTheCorrectlyRoundedValue() {
        Random r = new Random(1);
        double worst = 0;
        for (int k = 0; k < 200_000; k++) {
            float x = (float) (-87 + 175 * r.nextDouble()); // [−87, 88]
            double exact = Math.exp(x);
            float fast = SoftmaxKernels.exp(x);
            double ulps = Math.abs(fast - exact) / Math.ulp((float) exact);
            worst = Math.max(worst, ulps);
        }
        assertThat(worst).isLessThanOrEqualTo(2.0);
        assertThat(SoftmaxKernels.exp(0f)).isEqualTo(1f);
    }

    @Test
    void underflowGivesZeroAndNaNPropagates() {
        assertThat(SoftmaxKernels.exp(-88f)).isZero();
        assertThat(SoftmaxKernels.exp(-1e4f)).isZero();
        assertThat(SoftmaxKernels.exp(Float.NEGATIVE_INFINITY)).isZero();
        assertThat(SoftmaxKernels.exp(Float.NaN)).isNaN();
        assertThat(SoftmaxKernels.exp(-87f)).isPositive();
    }

    @Test
    void vectorAndScalarAreBitIdentical() {
        if (!org.crl4j.core.Simd.ENABLED) { // -Dcrl4j.simd=false: the one switch turns these kernels off too
            assertThat(SoftmaxKernels.BEST).isSameAs(SoftmaxKernels.SCALAR);
            return;
        }
        assertThat(SoftmaxKernels.BEST).isInstanceOf(VectorSoftmaxKernels.class);
        Random r = new Random(2);
        int n = 1003; // vector body plus a tail
        float[] x = new float[n];
        for (int k = 0; k < n; k++) {
            x[k] = (float) (-120 + 125 * r.nextDouble());
        }
        x[5] = Float.NEGATIVE_INFINITY;
        x[6] = Float.NaN;
        float[] v = new float[n];
        float[] s = new float[n];
        SoftmaxKernels.BEST.expShifted(x, 0, n, 3f, v, 0);
        SoftmaxKernels.SCALAR.expShifted(x, 0, n, 3f, s, 0);
        assertThat(v).isEqualTo(s);
    }

    @Test
    void vectorAndScalarMaximaAgree() {
        Random r = new Random(4);
        float[] x = DoubleReference.randomFloats(r, 45, 1);
        assertThat(SoftmaxKernels.BEST.max(x, 3, 40)).isEqualTo(SoftmaxKernels.SCALAR.max(x, 3, 40));
        float[] zeros = {-0f, 0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f, -0f};
        assertThat(SoftmaxKernels.BEST.max(zeros, 0, zeros.length)).isEqualTo(0f);
        assertThat(Float.floatToRawIntBits(SoftmaxKernels.BEST.max(zeros, 0, zeros.length))).isZero();
        x[20] = Float.NaN;
        assertThat(SoftmaxKernels.BEST.max(x, 0, 45)).isNaN();
        assertThat(SoftmaxKernels.SCALAR.max(x, 0, 45)).isNaN();
    }

    @Test
    void fixedOrderSumsAgree() {
        Random r = new Random(3);
        float[] x = DoubleReference.randomFloats(r, 77, 2);
        float[] e = new float[77];
        SoftmaxKernels.SCALAR.expShifted(x, 0, 77, 1.5f, e, 0);
        assertThat(SoftmaxKernels.sumExpShifted(x, 0, 1, 77, 1.5f)).isEqualTo(SoftmaxKernels.sum(e, 0, 77));
    }
}
