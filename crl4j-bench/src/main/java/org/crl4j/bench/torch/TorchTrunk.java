package org.crl4j.bench.torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A residual MLP ({@link TrunkSpec}) as libtorch leaf tensors, built from named weights. Each parameter is a leaf
 * (kernel kept in the [in, out] layout, so its gradient comes back in that layout too, with no transpose); the
 * forward pass is composed from addmm / layer_norm / silu|relu / add, so autograd gives the reference gradients.
 *
 * <p>Owns native memory: {@link #close()} it. The parameters hold an extra reference, so a trunk may be built
 * inside a {@link PointerScope} and outlive it.
 */
public final class TorchTrunk implements AutoCloseable {
    private final TrunkSpec spec;
    private final TorchPrecision precision;
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private boolean closed;

    private TorchTrunk(TrunkSpec spec, TorchPrecision precision) {
        this.spec = spec;
        this.precision = precision;
    }

    /**
     * Builds the trunk from float weights (only the names of {@code spec} are read; other entries are ignored).
     *
     * @param requiresGrad whether the parameters are autograd leaves that collect gradients
     */
    public static TorchTrunk fromFloats(TrunkSpec spec, Map<String, float[]> weights, TorchPrecision precision,
                                        boolean requiresGrad) {
        TorchRuntime.init();
        TorchTrunk t = new TorchTrunk(spec, precision);
        for (String name : spec.paramNames()) {
            float[] v = weights.get(name);
            if (v == null) {
                t.close();
                throw new IllegalArgumentException("missing weight " + name);
            }
            t.put(name, () -> TorchTensors.of(v, precision, spec.shape(name)), requiresGrad);
        }
        return t;
    }

    /** As {@link #fromFloats}, from double weights (exact in FP64; rounded to float in FP32). */
    public static TorchTrunk fromDoubles(TrunkSpec spec, Map<String, double[]> weights, TorchPrecision precision,
                                         boolean requiresGrad) {
        TorchRuntime.init();
        TorchTrunk t = new TorchTrunk(spec, precision);
        for (String name : spec.paramNames()) {
            double[] v = weights.get(name);
            if (v == null) {
                t.close();
                throw new IllegalArgumentException("missing weight " + name);
            }
            t.put(name, () -> TorchTensors.of(v, precision, spec.shape(name)), requiresGrad);
        }
        return t;
    }

    private void put(String name, java.util.function.Supplier<Tensor> make, boolean requiresGrad) {
        Tensor t;
        try (PointerScope ignored = new PointerScope()) {
            t = make.get();
            t.requires_grad_(requiresGrad);
            // keep it past the scope (PointerScope.detach would release the last reference and free it)
            t.retainReference();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        params.put(name, t);
    }

    public TrunkSpec spec() {
        return spec;
    }

    public TorchPrecision precision() {
        return precision;
    }

    /**
     * The forward pass: x [B, inDim] (this trunk's precision) → head output [B, outDim]. Temporaries are attached
     * to the caller's {@link PointerScope}, if any.
     */
    public Tensor forward(Tensor x) {
        ensureOpen();
        List<String> layers = spec.hiddenLayers();
        Tensor h = layer(layers.get(0), x);
        for (int b = 0; b < spec.blocks(); b++) {
            Tensor blockIn = h;
            for (int l = 0; l < 4; l++) {
                h = layer(layers.get(1 + 4 * b + l), h);
            }
            if (spec.residual()) {
                h = h.add(blockIn);
            }
        }
        return torch.addmm(params.get(spec.prefix() + ".head.bias"), h, params.get(spec.prefix() + ".head.kernel"));
    }

    private Tensor layer(String layer, Tensor x) {
        Tensor y = torch.addmm(params.get(layer + ".bias"), x, params.get(layer + ".kernel"));
        if (spec.layerNorm()) {
            y = torch.layer_norm(y, new long[] {spec.width()}, new TensorOptional(params.get(layer + ".ln_scale")),
                    new TensorOptional(params.get(layer + ".ln_bias")), TrunkSpec.LN_EPS, false);
        }
        return spec.activation() == TrunkSpec.Activation.SWISH ? torch.silu(y) : y.relu();
    }

    /** Forward pass on a row-major batch [batch × inDim] (no graph kept); the head output [batch × outDim]. */
    public double[] forward(float[] x, int batch) {
        try (PointerScope ignored = new PointerScope()) {
            return TorchTensors.toDoubles(forward(TorchTensors.of(x, precision, batch, spec.inDim())));
        }
    }

    /** As {@link #forward(float[], int)} with double inputs (exact in FP64). */
    public double[] forward(double[] x, int batch) {
        try (PointerScope ignored = new PointerScope()) {
            return TorchTensors.toDoubles(forward(TorchTensors.of(x, precision, batch, spec.inDim())));
        }
    }

    /** The leaf tensor of a parameter (owned by this trunk: do not close it). */
    public Tensor param(String name) {
        ensureOpen();
        Tensor t = params.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter " + name + " in " + spec.prefix());
        }
        return t;
    }

    /** The parameters in {@link TrunkSpec#paramNames()} order, e.g. for an optimizer. */
    public TensorVector paramVector() {
        ensureOpen();
        TensorVector v = new TensorVector();
        for (Tensor t : params.values()) {
            v.push_back(t);
        }
        return v;
    }

    public void setRequiresGrad(boolean on) {
        ensureOpen();
        for (Tensor t : params.values()) {
            t.requires_grad_(on);
        }
    }

    /** Sets every accumulated gradient to zero (a parameter that never got one keeps reading back as zeros). */
    public void zeroGrad() {
        ensureOpen();
        try (PointerScope ignored = new PointerScope()) {
            for (Tensor t : params.values()) {
                Tensor g = t.grad();
                if (g.defined()) {
                    g.zero_();
                }
            }
        }
    }

    /** The gradient accumulated in a parameter, [in, out] layout for kernels; zeros when none was accumulated. */
    public double[] gradDoubles(String name) {
        try (PointerScope ignored = new PointerScope()) {
            Tensor g = param(name).grad();
            return g.defined() ? TorchTensors.toDoubles(g) : new double[spec.size(name)];
        }
    }

    /** As {@link #gradDoubles}, as floats. */
    public float[] gradFloats(String name) {
        try (PointerScope ignored = new PointerScope()) {
            Tensor g = param(name).grad();
            return g.defined() ? TorchTensors.toFloats(g) : new float[spec.size(name)];
        }
    }

    /** Every parameter's gradient by name. */
    public Map<String, double[]> gradsDoubles() {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            out.put(name, gradDoubles(name));
        }
        return out;
    }

    /** Every parameter's gradient by name, as floats. */
    public Map<String, float[]> gradsFloats() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            out.put(name, gradFloats(name));
        }
        return out;
    }

    /** The current parameter values by name (e.g. after optimizer steps), as floats. */
    public Map<String, float[]> weightsFloats() {
        ensureOpen();
        Map<String, float[]> out = new LinkedHashMap<>();
        try (PointerScope ignored = new PointerScope()) {
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                out.put(e.getKey(), TorchTensors.toFloats(e.getValue()));
            }
        }
        return out;
    }

    public List<String> paramNames() {
        return new ArrayList<>(params.keySet());
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("trunk " + spec.prefix() + " is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (Tensor t : params.values()) {
                t.close();
            }
            params.clear();
        }
    }
}
