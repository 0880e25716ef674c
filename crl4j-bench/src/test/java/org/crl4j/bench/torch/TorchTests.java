package org.crl4j.bench.torch;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;

/**
 * The precondition of every libtorch test. On linux-x86_64, where Maven always provides libtorch's natives, a missing
 * libtorch is a broken build and fails the test; on other platforms (no natives published for some) the test is
 * skipped and says why.
 */
public final class TorchTests {
    private TorchTests() {
    }

    public static void requireLibtorch() {
        if (TorchRuntime.available()) {
            return;
        }
        String why = "libtorch unavailable: " + TorchRuntime.problem().orElse("?");
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            fail(why + " (on linux-x86_64 the natives come with the build: run 'mvn -B verify' with network access to "
                    + "Maven Central once, or check the org.bytedeco:pytorch dependency)");
        }
        assumeTrue(false, why);
    }
}
