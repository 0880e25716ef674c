package org.crl4j.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class EntropyTemperatureTest {

    @Test
    void targetEntropyIsMinusHalfTheActionDimension() {
        assertThat(EntropyTemperature.targetEntropy(8)).isEqualTo(-4f);
        assertThat(EntropyTemperature.targetEntropy(17)).isEqualTo(-8.5f);
        assertThat(EntropyTemperature.targetEntropy(8, 1f)).isEqualTo(-8f);
    }

    @Test
    void handComputedLossAndGradient() {
        // α = 2, log π = [1, 3], target −4: mean(−log π − target) = mean(3, 1) = 2, so L = 4 = dL/dlog α.
        float logAlpha = (float) Math.log(2);
        float[] logProb = {1, 3};
        assertThat(EntropyTemperature.alpha(logAlpha)).isCloseTo(2f, within(1e-6f));
        assertThat(EntropyTemperature.loss(logAlpha, logProb, 2, -4f)).isCloseTo(4f, within(1e-5f));
        assertThat(EntropyTemperature.sampleEntropy(logProb, 2)).isEqualTo(-2f);
    }

    @Test
    void gradientMatchesFiniteDifference() {
        float[] logProb = {0.3f, -1.7f, 2.2f};
        double h = 1e-3;
        float logAlpha = 0.4f;
        double up = EntropyTemperature.loss((float) (logAlpha + h), logProb, 3, -1.5f);
        double down = EntropyTemperature.loss((float) (logAlpha - h), logProb, 3, -1.5f);
        assertThat((double) EntropyTemperature.gradient(logAlpha, logProb, 3, -1.5f))
                .isCloseTo((up - down) / (2 * h), within(1e-4));
    }

    @Test
    void actorLossHandComputed() {
        // α = 0.5, log π = [1, 3], q = [−1, −2]: mean(0.5 + 1, 1.5 + 2) = 2.5; dlog π = α/B, dq = −1/B.
        float[] dLogProb = new float[2];
        float[] dQ = new float[2];
        float loss = ActorLoss.compute(new float[] {1, 3}, new float[] {-1, -2}, 2, 0.5f, dLogProb, dQ);
        assertThat(loss).isEqualTo(2.5f);
        assertThat(dLogProb).containsExactly(0.25f, 0.25f);
        assertThat(dQ).containsExactly(-0.5f, -0.5f);
    }
}
