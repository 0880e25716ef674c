package org.crl4j.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.io.DType;
import org.crl4j.core.io.Safetensors;
import org.crl4j.core.io.Tensor;

/**
 * All parameters of one optimised model in one flat {@code float[]}, with a gradient array of the same layout.
 * Layers register named tensors (slices) while the model is built; {@link #allocate()} then creates the arrays.
 * One flat layout makes Adam a single loop, checkpointing a list of slices, and zeroing gradients one fill.
 */
public final class ParamStore {

    /** A named tensor: a slice {@code [offset, offset + size)} of the flat arrays, with its logical shape. */
    public record Entry(String name, int offset, int[] shape) {
        public int size() {
            int s = 1;
            for (int d : shape) {
                s *= d;
            }
            return s;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, Entry> byName = new LinkedHashMap<>();
    private long total;
    private float[] params;
    private float[] grads;

    /** Registers a tensor; only before {@link #allocate()}. */
    public Entry add(String name, int... shape) {
        if (params != null) {
            throw new IllegalStateException("parameters already allocated; cannot add " + name);
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("duplicate parameter name " + name);
        }
        long size = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("parameter " + name + " has a non-positive dimension");
            }
            size *= d;
        }
        if (total + size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("model too large for one float[]: " + (total + size)
                    + " parameters (limit " + (Integer.MAX_VALUE - 16) + "); reduce depth or width");
        }
        Entry e = new Entry(name, (int) total, shape.clone());
        total += size;
        entries.add(e);
        byName.put(name, e);
        return e;
    }

    /** Creates the parameter and gradient arrays (zeros); call once after every layer has registered. */
    public ParamStore allocate() {
        if (params == null) {
            params = new float[(int) total];
            grads = new float[(int) total];
        }
        return this;
    }

    /**
     * For inference only: uses {@code shared} (another store's parameters, in this store's layout) as this store's
     * parameters, without a copy and without gradients ({@link #grads} is then null). Several networks of one shape
     * can so read one set of weights, each with its own buffers.
     */
    public ParamStore allocateSharing(float[] shared) {
        if (params != null) {
            throw new IllegalStateException("parameters already allocated");
        }
        if (shared.length != total) {
            throw new IllegalArgumentException("shared array has " + shared.length + " values, the store " + total);
        }
        params = shared;
        return this;
    }

    public boolean allocated() {
        return params != null;
    }

    public float[] params() {
        requireAllocated();
        return params;
    }

    public float[] grads() {
        requireAllocated();
        return grads;
    }

    public int size() {
        return (int) total;
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(entries);
    }

    public Entry entry(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no parameter named " + name);
        }
        return e;
    }

    /** A copy of one tensor's values. */
    public float[] get(String name) {
        Entry e = entry(name);
        float[] out = new float[e.size()];
        System.arraycopy(params(), e.offset(), out, 0, out.length);
        return out;
    }

    /** A copy of one tensor's gradient. */
    public float[] grad(String name) {
        Entry e = entry(name);
        float[] out = new float[e.size()];
        System.arraycopy(grads(), e.offset(), out, 0, out.length);
        return out;
    }

    /**
     * Views of {@code array} (the parameters, the gradients or an optimiser moment, all in this store's layout) as
     * named tensors, each name prefixed with {@code prefix}; nothing is copied.
     */
    public List<Tensor> asTensors(String prefix, float[] array) {
        if (array.length != total) {
            throw new IllegalArgumentException("array has " + array.length + " values, the store " + total);
        }
        List<Tensor> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            long[] shape = new long[e.shape().length];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.shape()[i];
            }
            out.add(Tensor.ofFloats(prefix + e.name(), shape, array, e.offset()));
        }
        return out;
    }

    /**
     * Fills {@code dest} (in this store's layout) from the tensors named {@code prefix + name} in {@code file}.
     * Every tensor of the store must be there with the same shape and dtype F32; otherwise a one-line error names
     * the first mismatch.
     */
    public void copyFrom(Safetensors.Contents file, String prefix, float[] dest) throws IOException {
        for (Entry e : entries) {
            String name = prefix + e.name();
            Tensor t = file.tensors().get(name);
            if (t == null) {
                throw new IOException(file.source() + " does not fit this model: it has no tensor '" + name
                        + "' (was it saved from a network of another shape?)");
            }
            long[] want = new long[e.shape().length];
            for (int i = 0; i < want.length; i++) {
                want[i] = e.shape()[i];
            }
            if (t.dtype() != DType.F32 || !java.util.Arrays.equals(t.shape(), want)) {
                throw new IOException(file.source() + " does not fit this model: tensor '" + name + "' is "
                        + t.dtype() + java.util.Arrays.toString(t.shape()) + ", the model needs F32"
                        + java.util.Arrays.toString(want) + " (was it saved with another depth, width or environment?)");
            }
            t.copyTo(dest, e.offset());
        }
    }

    /** Writes the parameters as safetensors (atomically), with string metadata in the header. */
    public void save(Path path, Map<String, String> metadata) throws IOException {
        Safetensors.write(path, asTensors("", params()), metadata);
    }

    /** Reads parameters written by {@link #save} into this store; returns the file's metadata. */
    public Map<String, String> load(Path path) throws IOException {
        Safetensors.Contents c = Safetensors.read(path);
        float[] staged = new float[size()];
        copyFrom(c, "", staged); // validate everything before touching the live parameters
        System.arraycopy(staged, 0, params(), 0, staged.length);
        return c.metadata();
    }

    private void requireAllocated() {
        if (params == null) {
            throw new IllegalStateException("parameters not allocated yet: call allocate() after building the model");
        }
    }
}
