package org.crl4j.core;

/**
 * A small, fast, splittable pseudo-random generator (SplitMix64) whose whole state is one long, so it can be saved
 * in a checkpoint and restored exactly. Not thread-safe: give each stream of work its own instance via
 * {@link #split()} or {@link #forStream(long, long)}.
 */
public final class Rng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** A generator for stream {@code stream} of a run seeded with {@code seed}; independent of every other stream. */
    public static Rng forStream(long seed, long stream) {
        return new Rng(mix(seed ^ mix(stream + GOLDEN)));
    }

    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state;
    }

    public long nextLong() {
        state += GOLDEN;
        return mix(state);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A new generator seeded from this one's next output. */
    public Rng split() {
        return new Rng(nextLong());
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform integer in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    /** Standard normal by the Box–Muller transform (one of the pair is dropped: simplicity over speed). */
    public double nextGaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]: log is finite
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Fills {@code a[off, off+n)} uniformly in [lo, hi). */
    public void fillUniform(float[] a, int off, int n, float lo, float hi) {
        float span = hi - lo;
        for (int i = off; i < off + n; i++) {
            a[i] = lo + span * nextFloat();
        }
    }

    /** Fills {@code a[off, off+n)} with standard normal samples. */
    public void fillGaussian(float[] a, int off, int n) {
        for (int i = off; i < off + n; i++) {
            a[i] = (float) nextGaussian();
        }
    }
}
