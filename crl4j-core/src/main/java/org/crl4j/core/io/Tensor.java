package org.crl4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named, typed, shaped block of elements as stored in a safetensors file.
 *
 * <p>Backed either by a slice of a Java array (tensors built for writing: nothing is copied, so a parameter tensor can
 * be a view into the model's one flat {@code float[]}) or by little-endian bytes (tensors read from a file: a
 * read-only view into the memory-mapped file). Either kind can be written and read back through the same accessors.
 * The array or buffer is shared, not copied: changing it before {@link Safetensors#write} changes what is written.
 *
 * <p>Typed access ({@code toFloatArray}, {@code copyTo}, ...) needs the matching dtype and at most
 * {@code Integer.MAX_VALUE} elements; {@link #bytes()} works for every dtype.
 */
public final class Tensor {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long numel;
    /** float[], double[], long[] or int[] whose elements [offset, offset + numel) are the data; or null. */
    private final Object array;
    private final int offset;
    /** The data as little-endian bytes (position 0, limit = byte size); or null when array-backed. */
    private final ByteBuffer bytes;

    private Tensor(String name, DType dtype, long[] shape, Object array, int offset, ByteBuffer bytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.numel = elementCount(name, this.shape);
        this.array = array;
        this.offset = offset;
        this.bytes = bytes;
    }

    // ------------------------------------------------------------------------------------------------ creation

    /** An F32 tensor holding all of {@code data}, whose length must equal the shape's element count. */
    public static Tensor ofFloats(String name, long[] shape, float[] data) {
        return ofArray(name, DType.F32, shape, data, data.length, 0, true);
    }

    /** An F32 tensor viewing {@code data[offset .. offset + product(shape))}, without copying. */
    public static Tensor ofFloats(String name, long[] shape, float[] data, int offset) {
        return ofArray(name, DType.F32, shape, data, data.length, offset, false);
    }

    public static Tensor ofDoubles(String name, long[] shape, double[] data) {
        return ofArray(name, DType.F64, shape, data, data.length, 0, true);
    }

    public static Tensor ofDoubles(String name, long[] shape, double[] data, int offset) {
        return ofArray(name, DType.F64, shape, data, data.length, offset, false);
    }

    public static Tensor ofLongs(String name, long[] shape, long[] data) {
        return ofArray(name, DType.I64, shape, data, data.length, 0, true);
    }

    public static Tensor ofLongs(String name, long[] shape, long[] data, int offset) {
        return ofArray(name, DType.I64, shape, data, data.length, offset, false);
    }

    public static Tensor ofInts(String name, long[] shape, int[] data) {
        return ofArray(name, DType.I32, shape, data, data.length, 0, true);
    }

    public static Tensor ofInts(String name, long[] shape, int[] data, int offset) {
        return ofArray(name, DType.I32, shape, data, data.length, offset, false);
    }

    /**
     * A tensor of any dtype over the remaining bytes of {@code data}, read as little-endian. The bytes are shared,
     * not copied; their count must be the shape's element count times the dtype size.
     */
    public static Tensor ofBytes(String name, DType dtype, long[] shape, ByteBuffer data) {
        ByteBuffer view = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        Tensor t = new Tensor(name, dtype, shape, null, 0, view);
        if (t.byteSize() != view.remaining()) {
            throw new IllegalArgumentException("tensor \"" + name + "\": " + dtype + " shape " + Arrays.toString(shape)
                    + " needs " + t.byteSize() + " bytes but the buffer has " + view.remaining());
        }
        return t;
    }

    private static Tensor ofArray(String name, DType dtype, long[] shape, Object data, int length, int offset,
                                  boolean whole) {
        Tensor t = new Tensor(name, dtype, shape, data, offset, null);
        if (whole && t.numel != length) {
            throw new IllegalArgumentException("tensor \"" + name + "\": shape " + Arrays.toString(shape) + " has "
                    + t.numel + " elements but the array has " + length);
        }
        if (offset < 0 || t.numel > length - (long) offset) {
            throw new IllegalArgumentException("tensor \"" + name + "\": " + t.numel + " elements from offset "
                    + offset + " do not fit in an array of length " + length);
        }
        return t;
    }

    static long elementCount(String name, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor \"" + name + "\": negative dimension in shape "
                        + Arrays.toString(shape));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("tensor \"" + name + "\": shape " + Arrays.toString(shape)
                        + " has more than 2^63 elements");
            }
        }
        return n;
    }

    // ------------------------------------------------------------------------------------------------ description

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for the scalar shape {@code []}). */
    public long numel() {
        return numel;
    }

    /** Size of the data in bytes. */
    public long byteSize() {
        return numel * dtype.byteSize(); // cannot overflow for array- or buffer-backed tensors
    }

    /** Throws unless the shape is exactly {@code expected}; for checking a loaded tensor against the model. */
    public Tensor requireShape(long... expected) {
        if (!Arrays.equals(shape, expected)) {
            throw new IllegalArgumentException("tensor \"" + name + "\" has shape " + Arrays.toString(shape)
                    + " but " + Arrays.toString(expected) + " was expected");
        }
        return this;
    }

    @Override
    public String toString() {
        return "Tensor[" + name + ", " + dtype + ", " + Arrays.toString(shape) + "]";
    }

    // ------------------------------------------------------------------------------------------------ data

    /** The data as a new F32 array. */
    public float[] toFloatArray() {
        float[] out = new float[typedCount(DType.F32)];
        copyTo(out, 0);
        return out;
    }

    /** Copies the F32 data into {@code dst[dstOffset ..]}, e.g. into its slice of a flat parameter array. */
    public void copyTo(float[] dst, int dstOffset) {
        int n = typedCount(DType.F32);
        Objects.checkFromIndexSize(dstOffset, n, dst.length);
        if (bytes != null) {
            littleEndian().asFloatBuffer().get(dst, dstOffset, n);
        } else {
            System.arraycopy(array, offset, dst, dstOffset, n);
        }
    }

    public double[] toDoubleArray() {
        double[] out = new double[typedCount(DType.F64)];
        copyTo(out, 0);
        return out;
    }

    public void copyTo(double[] dst, int dstOffset) {
        int n = typedCount(DType.F64);
        Objects.checkFromIndexSize(dstOffset, n, dst.length);
        if (bytes != null) {
            littleEndian().asDoubleBuffer().get(dst, dstOffset, n);
        } else {
            System.arraycopy(array, offset, dst, dstOffset, n);
        }
    }

    public long[] toLongArray() {
        long[] out = new long[typedCount(DType.I64)];
        copyTo(out, 0);
        return out;
    }

    public void copyTo(long[] dst, int dstOffset) {
        int n = typedCount(DType.I64);
        Objects.checkFromIndexSize(dstOffset, n, dst.length);
        if (bytes != null) {
            littleEndian().asLongBuffer().get(dst, dstOffset, n);
        } else {
            System.arraycopy(array, offset, dst, dstOffset, n);
        }
    }

    public int[] toIntArray() {
        int[] out = new int[typedCount(DType.I32)];
        copyTo(out, 0);
        return out;
    }

    public void copyTo(int[] dst, int dstOffset) {
        int n = typedCount(DType.I32);
        Objects.checkFromIndexSize(dstOffset, n, dst.length);
        if (bytes != null) {
            littleEndian().asIntBuffer().get(dst, dstOffset, n);
        } else {
            System.arraycopy(array, offset, dst, dstOffset, n);
        }
    }

    /**
     * The data as read-only little-endian bytes. A view for tensors read from a file; array-backed tensors are
     * encoded into a new buffer.
     */
    public ByteBuffer bytes() {
        if (bytes != null) {
            return bytes.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        }
        if (byteSize() > Integer.MAX_VALUE) {
            throw new IllegalStateException(this + " is " + byteSize() + " bytes, more than a ByteBuffer holds");
        }
        ByteBuffer out = ByteBuffer.allocate((int) byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        fill(out, 0, (int) numel);
        return out.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Writes the data as little-endian bytes, converting arrays through {@code scratch} (direct, little-endian), and
     * feeds the same bytes to {@code checksum} unless it is null.
     */
    void writeTo(FileChannel channel, ByteBuffer scratch, java.util.zip.Checksum checksum) throws IOException {
        if (bytes != null) {
            if (checksum != null) {
                checksum.update(bytes.duplicate());
            }
            AtomicFiles.writeFully(channel, bytes.duplicate());
            return;
        }
        int perChunk = scratch.capacity() / dtype.byteSize();
        int n = (int) numel;
        for (int done = 0; done < n; done += perChunk) {
            int count = Math.min(perChunk, n - done);
            scratch.clear();
            fill(scratch, done, count);
            scratch.limit(count * dtype.byteSize());
            if (checksum != null) {
                checksum.update(scratch.duplicate());
            }
            AtomicFiles.writeFully(channel, scratch);
        }
    }

    /** Encodes array elements [from, from + count) of this tensor at position 0 of {@code out} (little-endian). */
    private void fill(ByteBuffer out, int from, int count) {
        switch (dtype) {
            case F32:
                out.asFloatBuffer().put((float[]) array, offset + from, count);
                break;
            case F64:
                out.asDoubleBuffer().put((double[]) array, offset + from, count);
                break;
            case I64:
                out.asLongBuffer().put((long[]) array, offset + from, count);
                break;
            case I32:
                out.asIntBuffer().put((int[]) array, offset + from, count);
                break;
            default:
                throw new AssertionError("array-backed " + dtype);
        }
    }

    private ByteBuffer littleEndian() {
        return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN); // duplicate() resets the order to big-endian
    }

    private int typedCount(DType expected) {
        if (dtype != expected) {
            throw new IllegalStateException("tensor \"" + name + "\" is " + dtype + ", not " + expected);
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException(this + " has " + numel + " elements, more than a Java array holds; "
                    + "use bytes()");
        }
        return (int) numel;
    }
}
