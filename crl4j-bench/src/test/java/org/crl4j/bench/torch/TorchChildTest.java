package org.crl4j.bench.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TorchChildTest {
    @BeforeAll
    static void load() {
        TorchTests.requireLibtorch();
    }

    @Test
    void candidatesNameAvx512KernelsOnlyWhereTheCpuHasThem() {
        assertThat(TorchChild.candidateCoreTypes()).contains("HASWELL", TorchChild.AUTODETECT);
        assertThat(TorchChild.candidateCoreTypes().contains("SKYLAKEX")).isEqualTo(TorchRuntime.cpuHasFlag("avx512f"));
    }

    @Test
    void childProcessTimesTheStepWithItsOwnCoreType() {
        TorchChild.Timing t = TorchChild.run(16, 4, 8, 8, 2, 1, 3, "HASWELL", TorchChild.Threading.INTRA_OP_POOL, 300);
        assertThat(t.coreType()).isEqualTo("HASWELL");
        assertThat(t.setting(2)).isEqualTo("OPENBLAS_CORETYPE=HASWELL, 2 intra-op threads + OpenBLAS 1");
        assertThat(t.msPerStep()).isPositive().isFinite();
        assertThat(t.gflops()).isPositive();
        assertThat(t.peakRssBytes()).isPositive();
    }

    @Test
    void aFailingChildIsReportedWithItsLastLine() {
        // Depth 6 is not a multiple of 4: the child exits with an error, which must come back as one message.
        assertThatThrownBy(() -> TorchChild.run(16, 6, 8, 8, 1, 1, 1, "HASWELL", TorchChild.Threading.BLAS_POOL, 300))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed with exit code");
    }
}
