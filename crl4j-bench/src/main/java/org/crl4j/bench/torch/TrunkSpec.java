package org.crl4j.bench.torch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Shape, options and tensor names of one residual MLP ("trunk" plus linear head), as the paper builds its encoders
 * and actor. Independent of crl4j's own network classes: weights are named float arrays.
 *
 * <pre>
 * in:        Dense(I→W) → LayerNorm → act
 * block b:   4 × [Dense(W→W) → LayerNorm → act], then + block input     (b = 0 … depth/4 − 1)
 * head:      Dense(W→O)                                                  (no activation)
 * </pre>
 *
 * Names under prefix P (row-major; a Dense kernel is [in, out], i.e. the transpose of torch.nn.Linear.weight):
 * {@code P.in.kernel} [I,W], {@code P.in.bias} [W], {@code P.in.ln_scale} [W], {@code P.in.ln_bias} [W],
 * {@code P.block{b}.layer{l}.kernel} [W,W], {@code .bias}, {@code .ln_scale}, {@code .ln_bias},
 * {@code P.head.kernel} [W,O], {@code P.head.bias} [O]. The LayerNorm tensors exist only when {@link #layerNorm()}.
 *
 * @param prefix     name prefix, e.g. "sa_encoder", "g_encoder", "actor"
 * @param inDim      input width I
 * @param width      hidden width W
 * @param depth      Dense layers inside residual blocks (multiple of 4, may be 0)
 * @param outDim     head width O (64 for the encoders, 2·A for the actor: mean then raw log-std)
 * @param layerNorm  LayerNorm (eps 1e-6, learnable scale/bias) after every hidden Dense; false = ablation
 * @param activation SWISH (x·sigmoid(x)) or the RELU ablation
 * @param residual   add the block input after each block's 4th activation; false = ablation
 */
public record TrunkSpec(String prefix, int inDim, int width, int depth, int outDim,
                        boolean layerNorm, Activation activation, boolean residual) {

    /** Hidden activation. */
    public enum Activation { SWISH, RELU }

    /** LayerNorm epsilon of the reference implementation (flax default). */
    public static final double LN_EPS = 1e-6;

    public TrunkSpec {
        if (prefix == null || prefix.isEmpty()) {
            throw new IllegalArgumentException("prefix required");
        }
        if (inDim < 1 || width < 1 || outDim < 1 || depth < 0 || depth % 4 != 0) {
            throw new IllegalArgumentException("bad trunk dims: in " + inDim + ", width " + width + ", depth "
                    + depth + " (multiple of 4), out " + outDim);
        }
        if (activation == null) {
            throw new IllegalArgumentException("activation required");
        }
    }

    /** The paper's architecture: LayerNorm, swish, residual. */
    public static TrunkSpec of(String prefix, int inDim, int width, int depth, int outDim) {
        return new TrunkSpec(prefix, inDim, width, depth, outDim, true, Activation.SWISH, true);
    }

    public TrunkSpec withLayerNorm(boolean on) {
        return new TrunkSpec(prefix, inDim, width, depth, outDim, on, activation, residual);
    }

    public TrunkSpec withActivation(Activation act) {
        return new TrunkSpec(prefix, inDim, width, depth, outDim, layerNorm, act, residual);
    }

    public TrunkSpec withResidual(boolean on) {
        return new TrunkSpec(prefix, inDim, width, depth, outDim, layerNorm, activation, on);
    }

    public TrunkSpec withPrefix(String p) {
        return new TrunkSpec(p, inDim, width, depth, outDim, layerNorm, activation, residual);
    }

    public int blocks() {
        return depth / 4;
    }

    /** Name prefixes of the hidden Dense(+LN) layers in forward order: "P.in", "P.block0.layer0", …. */
    public List<String> hiddenLayers() {
        List<String> out = new ArrayList<>(1 + depth);
        out.add(prefix + ".in");
        for (int b = 0; b < blocks(); b++) {
            for (int l = 0; l < 4; l++) {
                out.add(prefix + ".block" + b + ".layer" + l);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** All parameter names in forward order (kernel, bias, [ln_scale, ln_bias] per layer, head last). */
    public List<String> paramNames() {
        List<String> out = new ArrayList<>();
        for (String layer : hiddenLayers()) {
            out.add(layer + ".kernel");
            out.add(layer + ".bias");
            if (layerNorm) {
                out.add(layer + ".ln_scale");
                out.add(layer + ".ln_bias");
            }
        }
        out.add(prefix + ".head.kernel");
        out.add(prefix + ".head.bias");
        return Collections.unmodifiableList(out);
    }

    /** Shape of a parameter of this spec ([in, out] for kernels, [n] for vectors). */
    public long[] shape(String name) {
        if (!name.startsWith(prefix + ".")) {
            throw new IllegalArgumentException(name + " is not under prefix " + prefix);
        }
        boolean head = name.startsWith(prefix + ".head.");
        boolean first = name.startsWith(prefix + ".in.");
        int out = head ? outDim : width;
        if (name.endsWith(".kernel")) {
            return new long[] {head ? width : (first ? inDim : width), out};
        }
        if (name.endsWith(".bias") || name.endsWith(".ln_scale") || name.endsWith(".ln_bias")) {
            return new long[] {out};
        }
        throw new IllegalArgumentException("unknown parameter " + name);
    }

    /** Number of scalars of a parameter. */
    public int size(String name) {
        long n = 1;
        for (long d : shape(name)) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    public long paramCount() {
        long n = 0;
        for (String name : paramNames()) {
            n += size(name);
        }
        return n;
    }

    /** Forward FLOPs of the Dense layers for one batch: Σ 2·in·out·B (fwd+bwd is about 3× this). */
    public double denseFlopsForward(int batch) {
        double perRow = (double) inDim * width + (double) depth * width * width + (double) width * outDim;
        return 2.0 * perRow * batch;
    }

    /**
     * The reference initialisation: kernels U(±1/sqrt(fan_in)), biases 0, LayerNorm scale 1 and bias 0, from a
     * seeded {@link SplittableRandom} (same distribution as crl4j, not the same numbers).
     */
    public Map<String, float[]> initWeights(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Map<String, float[]> w = new LinkedHashMap<>();
        for (String name : paramNames()) {
            float[] v = new float[size(name)];
            if (name.endsWith(".kernel")) {
                double bound = 1.0 / Math.sqrt(shape(name)[0]);
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) ((2.0 * rnd.nextDouble() - 1.0) * bound);
                }
            } else if (name.endsWith(".ln_scale")) {
                java.util.Arrays.fill(v, 1f);
            }
            w.put(name, v);
        }
        return w;
    }
}
