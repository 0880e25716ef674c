package org.crl4j.rl;

import org.crl4j.core.Parallel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same seed and thread count give bit-identical agents, also within one JVM where the second run finds every
 * kernel already JIT-compiled (which once changed the bits: the Vector API's EXP is SVML compiled, Math.exp not).
 */
class TrainerDeterminismTest {

    static float[][] train(int threads) {
        try (Parallel pool = new Parallel(threads)) {
            Trainer t = new Trainer(ResumeTest.small(), ResumeTest.net(), pool);
            t.run(new Trainer.Listener() { });
            return new float[][] {((CrlAgent) t.agent()).actorParams().params().clone(), ((CrlAgent) t.agent()).criticParams().params().clone()};
        }
    }

    @Test
    void twoRunsWithTheSameSeedAreBitIdentical() {
        float[][] a = train(2);
        float[][] b = train(2);
        assertThat(b[0]).isEqualTo(a[0]);
        assertThat(b[1]).isEqualTo(a[1]);
    }

    @Test
    void theThreadCountDoesNotChangeTheResult() {
        float[][] one = train(1);
        float[][] two = train(2);
        assertThat(two[0]).isEqualTo(one[0]);
        assertThat(two[1]).isEqualTo(one[1]);
    }
}
