package org.crl4j.cluster.ranks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Floats to bytes and back, raw bits kept (a NaN's payload and −0 arrive as they left), in bulk: a heap buffer's
 * little-endian float view copies whole ranges with one memory copy on little-endian machines.
 */
final class FloatBytes {
    private FloatBytes() {
    }

    /** A new array holding {@code src[off, off + len)}. */
    static byte[] encode(float[] src, int off, int len) {
        byte[] out = new byte[len * Float.BYTES];
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(src, off, len);
        return out;
    }

    /** Writes the floats of {@code bytes} to {@code dst[off, off + bytes.length / 4)}. */
    static void decode(byte[] bytes, float[] dst, int off) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(dst, off, bytes.length / Float.BYTES);
    }
}
