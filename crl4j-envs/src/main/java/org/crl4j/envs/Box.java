package org.crl4j.envs;

/** A box-shaped space of float vectors (Gymnasium's {@code Box}): every component in [low, high]. */
public record Box(int size, float low, float high) {
    public Box {
        if (size < 1) {
            throw new IllegalArgumentException("a space needs at least one dimension, got " + size);
        }
    }

    public boolean contains(float[] v, int off) {
        for (int i = off; i < off + size; i++) {
            if (!(v[i] >= low && v[i] <= high)) {
                return false;
            }
        }
        return true;
    }
}
