package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The CLI's tests run on its runtime class path plus test libraries; libtorch must not be on it, so that `train`
 * never carries the natives (crl4j-bench declares them optional; only the compare-torch children get them).
 */
class NoLibtorchOnClassPathTest {
    @Test
    void bytedecoIsNotOnTheCliClassPath() {
        assertThatThrownBy(() -> Class.forName("org.bytedeco.javacpp.Loader")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.bytedeco.pytorch.global.torch"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
