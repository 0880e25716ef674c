package org.crl4j.bench.torch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

/**
 * Loads libtorch (bytedeco, CPU) once and pins its thread pools.
 *
 * <p>libtorch's OpenMP intra-op pool and OpenBLAS's own pool fight unless pinned: the JVM must be started with
 * {@code OMP_NUM_THREADS=1} and {@code OPENBLAS_NUM_THREADS=2} (environment variables: both libraries read them when
 * they are loaded, so they cannot be changed from Java afterwards), and {@link #init(int)} then calls
 * {@code torch.set_num_threads(n)}. {@code OPENBLAS_CORETYPE=SKYLAKEX} selects OpenBLAS's AVX-512 kernels; it must
 * not be set on a CPU without AVX-512 (the first GEMM dies with SIGILL, taking the JVM down), so {@link #problem()}
 * refuses that combination before anything native is loaded.
 *
 * <p>Typical use: {@code assumeTrue(TorchRuntime.available())} in tests, {@code TorchRuntime.init(1)} before the
 * first tensor.
 */
public final class TorchRuntime {
    private static volatile boolean initialised;
    private static volatile String problem;
    private static volatile boolean probed;

    private TorchRuntime() {
    }

    /** Loads libtorch and sets its intra-op thread count (idempotent; a later call only re-sets the count). */
    public static synchronized void init(int intraOpThreads) {
        Optional<String> p = problem();
        if (p.isPresent()) {
            throw new IllegalStateException("libtorch unavailable: " + p.get());
        }
        if (!initialised) {
            Loader.load(torch.class);
            try {
                // Only allowed before any inter-op work has run; harmless to skip otherwise.
                torch.set_num_interop_threads(1);
            } catch (RuntimeException ignored) {
                // already started
            }
            initialised = true;
        }
        torch.set_num_threads(Math.max(1, intraOpThreads));
    }

    /** {@link #init(int)} with one intra-op thread, the setting the reference timings were taken with. */
    public static void init() {
        if (!initialised) {
            init(1);
        }
    }

    /** Whether libtorch can be loaded here (loads it, with one thread, if so). Never throws. */
    public static boolean available() {
        if (initialised) {
            return true;
        }
        try {
            init();
            return true;
        } catch (Throwable t) {
            if (problem == null) {
                problem = t.toString();
            }
            return false;
        }
    }

    /**
     * Why libtorch must not be loaded in this process, if it must not: today only an OpenBLAS core type that needs
     * AVX-512 on a CPU that lacks it. Reads no native code.
     */
    public static synchronized Optional<String> problem() {
        if (!probed) {
            probed = true;
            String core = System.getenv("OPENBLAS_CORETYPE");
            if (core != null) {
                String c = core.trim().toUpperCase(Locale.ROOT);
                boolean needs512 = c.equals("SKYLAKEX") || c.equals("COOPERLAKE") || c.equals("SAPPHIRERAPIDS");
                if (needs512 && !cpuHasFlag("avx512f")) {
                    problem = "OPENBLAS_CORETYPE=" + core + " needs AVX-512 but this CPU has no avx512f flag "
                            + "(OpenBLAS would die with SIGILL in its first SGEMM); unset OPENBLAS_CORETYPE";
                }
            }
        }
        return Optional.ofNullable(problem);
    }

    /** Whether /proc/cpuinfo lists the flag (true when it cannot be read, to stay permissive off Linux). */
    static boolean cpuHasFlag(String flag) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("flags")) {
                    for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        if (f.equals(flag)) {
                            return true;
                        }
                    }
                    return false;
                }
            }
        } catch (IOException | RuntimeException e) {
            return true;
        }
        return true;
    }

    /** One line: thread counts and the environment variables that matter. */
    public static String describe() {
        init();
        return "libtorch 2.10 (bytedeco), intra-op threads " + torch.get_num_threads()
                + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS")
                + ", OPENBLAS_NUM_THREADS=" + System.getenv("OPENBLAS_NUM_THREADS")
                + ", OPENBLAS_CORETYPE=" + System.getenv("OPENBLAS_CORETYPE");
    }

    /** VmHWM of this process in KiB (peak resident set: JVM heap included), or -1 where unreadable. */
    public static long peakRssKiB() {
        return procStatusKiB("VmHWM:");
    }

    /** VmRSS of this process in KiB, or -1 where unreadable. */
    public static long rssKiB() {
        return procStatusKiB("VmRSS:");
    }

    /**
     * Resets this process's VmHWM to its current RSS (Linux: "5" into /proc/self/clear_refs), so that a later
     * {@link #peakRssKiB()} measures the peak of what ran in between. Returns false where that is not allowed.
     */
    public static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long procStatusKiB(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
