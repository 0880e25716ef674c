package org.crl4j.core.io;

/**
 * Element types of the safetensors format, named as in the file header.
 *
 * <p>Declared in the order of the reference implementation's {@code Dtype} enum (increasing alignment), which its
 * writer uses to lay tensors out: descending by this order, then by name. Typed array access exists for
 * {@link #F32}, {@link #F64}, {@link #I32} and {@link #I64}; every type can be read and written as raw
 * little-endian bytes.
 */
public enum DType {
    BOOL(1), U8(1), I8(1), F8_E5M2(1), F8_E4M3(1),
    I16(2), U16(2), F16(2), BF16(2),
    I32(4), U32(4), F32(4),
    F64(8), I64(8), U64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** The type with this header name, or {@code null} if there is none (names are case-sensitive, as in files). */
    public static DType byName(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
