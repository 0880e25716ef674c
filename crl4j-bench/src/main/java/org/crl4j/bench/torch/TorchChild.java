package org.crl4j.bench.torch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Times the libtorch step in a child JVM ({@link TorchBenchMain}) with an environment of its own. OpenBLAS reads
 * {@code OPENBLAS_CORETYPE} and {@code OPENBLAS_NUM_THREADS} once, when it is loaded, so the only way to try
 * several kernel sets without touching this process's environment is one process per setting.
 */
public final class TorchChild {
    private TorchChild() {
    }

    /** Core-type value meaning "leave OPENBLAS_CORETYPE unset" (OpenBLAS detects the CPU itself). */
    public static final String AUTODETECT = "auto";

    /**
     * How libtorch spreads a step over T threads: its own intra-op (OpenMP) pool with single-threaded OpenBLAS, or
     * one intra-op thread with OpenBLAS's pool doing the GEMMs. (Both pools at once oversubscribe the cores.)
     */
    public enum Threading {
        BLAS_POOL, INTRA_OP_POOL;

        public String describe(int threads) {
            return this == BLAS_POOL ? "1 intra-op thread + OpenBLAS " + threads
                    : threads + " intra-op threads + OpenBLAS 1";
        }
    }

    /** One child's result; {@code msPerStep} is the mean over its timed steps. */
    public record Timing(String coreType, Threading threading, double msPerStep, double msMedian, double gflops,
                         long peakRssBytes) {
        public String setting(int threads) {
            return "OPENBLAS_CORETYPE=" + coreType + ", " + threading.describe(threads);
        }
    }

    /**
     * The OpenBLAS core types worth trying on this CPU: SKYLAKEX (AVX-512 kernels) where the CPU has avx512f,
     * HASWELL (AVX2), and OpenBLAS's own detection. (Naming an AVX-512 type without AVX-512 dies with SIGILL.)
     */
    public static List<String> candidateCoreTypes() {
        List<String> types = new ArrayList<>();
        if (TorchRuntime.cpuHasFlag("avx512f")) {
            types.add("SKYLAKEX");
        }
        types.add("HASWELL");
        types.add(AUTODETECT);
        return types;
    }

    /** Property naming the class path the libtorch children run with; the launcher sets it for {@code bench}. */
    public static final String CLASS_PATH_PROPERTY = "crl4j.torch.classpath";

    /**
     * The children's class path: the benchmark module's, which has libtorch, when the launcher gave it (the CLI's own
     * runtime class path has none, so that {@code train} never carries the natives); else this JVM's (tests).
     */
    public static String classPath() {
        return System.getProperty(CLASS_PATH_PROPERTY, System.getProperty("java.class.path"));
    }

    /** Why no child could load libtorch, if it could not: the class path has no libtorch jars. Reads no native code. */
    public static java.util.Optional<String> classPathProblem() {
        for (String entry : classPath().split(java.io.File.pathSeparator)) {
            if (Path.of(entry).getFileName() != null && Path.of(entry).getFileName().toString().startsWith("pytorch-")) {
                return java.util.Optional.empty();
            }
        }
        return java.util.Optional.of("libtorch is not on the class path (-D" + CLASS_PATH_PROPERTY + " is unset); "
                + "run it through the ./crl4j launcher, which passes crl4j-bench's class path");
    }

    /** Runs one child: W, D, B, input features, OpenBLAS threads, warm-up and timed steps, one OpenBLAS core type. */
    public static Timing run(int width, int depth, int batch, int inDim, int threads, int warmup, int steps,
                             String coreType, Threading threading, long timeoutSeconds) {
        int intraOp = threading == Threading.INTRA_OP_POOL ? threads : 1;
        int blas = threading == Threading.BLAS_POOL ? threads : 1;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", classPath(),
                TorchBenchMain.class.getName(), "--in", Integer.toString(inDim), "--width", Integer.toString(width),
                "--depth", Integer.toString(depth), "--batch", Integer.toString(batch), "--out", "64",
                "--warmup", Integer.toString(warmup), "--steps", Integer.toString(steps), "--threads",
                Integer.toString(intraOp),
                "--json"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("OMP_NUM_THREADS", Integer.toString(intraOp));
        env.put("OPENBLAS_NUM_THREADS", Integer.toString(blas));
        if (AUTODETECT.equals(coreType)) {
            env.remove("OPENBLAS_CORETYPE");
        } else {
            env.put("OPENBLAS_CORETYPE", coreType);
        }
        StringBuilder log = new StringBuilder();
        Map<String, Object> result = null;
        try {
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(TorchBenchMain.RESULT_PREFIX)) {
                        result = org.crl4j.core.io.Json.parseObject(line.substring(TorchBenchMain.RESULT_PREFIX.length()));
                    } else {
                        log.append(line).append('\n');
                    }
                }
            }
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("the libtorch child process did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0 || result == null) {
                throw new IllegalStateException("the libtorch child process (OPENBLAS_CORETYPE=" + coreType
                        + ") failed with exit code " + p.exitValue() + ": " + lastLine(log));
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not start the libtorch child process: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing libtorch", e);
        }
        return new Timing(coreType, threading, num(result, "ms_per_step"), num(result, "ms_median"), num(result, "gflops"),
                (long) num(result, "peak_rss_bytes"));
    }

    private static double num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String lastLine(CharSequence log) {
        String[] lines = log.toString().strip().split("\n");
        return lines.length == 0 ? "(no output)" : lines[lines.length - 1];
    }
}
