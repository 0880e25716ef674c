package org.crl4j.core;

/**
 * Whether the Vector API kernels are used. They are when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} and {@code -Dcrl4j.simd=false} was not given; otherwise every kernel
 * falls back to plain Java. Classes that touch {@code jdk.incubator.vector} are only loaded when this is true.
 */
public final class Simd {
    private Simd() {
    }

    public static final boolean ENABLED = detect();

    private static boolean detect() {
        if ("false".equalsIgnoreCase(System.getProperty("crl4j.simd"))) {
            return false;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** A one-line description for logs and benchmarks. */
    public static String describe() {
        return ENABLED ? "Vector API (" + VectorInfo.describe() + ")" : "scalar (Vector API unavailable or disabled)";
    }
}
