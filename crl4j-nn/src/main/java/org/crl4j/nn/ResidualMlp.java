package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;

/**
 * A trunk followed by a linear head: the shape of every network in the paper (φ(s,a), ψ(g) with a 64-unit head;
 * the actor with a 2·|A| head for mean and log-std).
 */
public final class ResidualMlp {
    private final Parallel pool;
    private final ParamStore ps;
    private final Trunk trunk;
    private final DenseLayer head;
    private int capacity;
    private int lastRows = -1;
    private float[] out;
    private float[] inferOut;
    private float[] dHead;
    private float[] dTrunk;
    private float[] partials;

    public ResidualMlp(Parallel pool, ParamStore ps, String prefix, int inDim, int outDim, MlpOptions opt) {
        this.pool = pool;
        this.ps = ps;
        this.trunk = new Trunk(pool, ps, prefix, inDim, opt);
        this.head = DenseLayer.linear(ps, prefix + ".head", opt.width(), outDim);
    }

    public void init(Rng rng) {
        trunk.init(rng);
        head.init(ps.params(), rng);
    }

    /**
     * Sets the head's outputs {@code [from, to)} to start at exactly 0: their kernel columns and biases are zeroed.
     * Gradients still reach them (the trunk's output is not zero), so they learn from the first step.
     */
    public void zeroHeadOutputs(int from, int to) {
        if (from < 0 || to > head.out || from > to) {
            throw new IllegalArgumentException("head outputs [" + from + ", " + to + ") outside [0, " + head.out + ")");
        }
        float[] p = ps.params();
        for (int r = 0; r < head.in; r++) {
            java.util.Arrays.fill(p, head.kernel.offset() + r * head.out + from, head.kernel.offset() + r * head.out + to, 0f);
        }
        java.util.Arrays.fill(p, head.bias.offset() + from, head.bias.offset() + to, 0f);
    }

    public Trunk trunk() {
        return trunk;
    }

    public int inDim() {
        return trunk.inDim();
    }

    public int outDim() {
        return head.out;
    }

    private void ensure(int rows) {
        if (rows > capacity) {
            out = new float[rows * head.out];
            dHead = new float[rows * head.out];
            dTrunk = new float[rows * trunk.width()];
            partials = new float[NormAct.partialsSize(rows, head.out)];
            capacity = rows;
        }
    }

    /** Training forward; returns [rows × outDim], valid until the next forward. */
    public float[] forward(float[] x, int rows) {
        ensure(rows);
        float[] h = trunk.forward(x, rows);
        head.forward(pool, ps.params(), h, rows, out, null, out);
        lastRows = rows;
        return out;
    }

    /** Inference forward; returns [rows × outDim], valid until the next inference call. */
    public float[] infer(float[] x, int rows) {
        if (inferOut == null || inferOut.length < rows * head.out) {
            inferOut = new float[rows * head.out];
        }
        float[] h = trunk.infer(x, rows);
        head.forward(pool, ps.params(), h, rows, inferOut, null, inferOut);
        return inferOut;
    }

    /**
     * Backward through the last training forward: {@code dOut} [rows × outDim] (not modified); {@code dx}
     * [rows × inDim] receives the input gradient when not null.
     */
    public void backward(float[] dOut, float[] dx, GradMode mode) {
        int rows = lastRows;
        if (rows < 0) {
            throw new IllegalStateException("backward without a training forward");
        }
        System.arraycopy(dOut, 0, dHead, 0, rows * head.out);
        float[] g = mode == GradMode.NONE ? null : ps.grads();
        head.backward(pool, ps.params(), g, mode, trunk.forwardOutput(), rows, out, null, dHead, dTrunk, partials);
        trunk.backward(dTrunk, dx, mode);
    }

    public long forwardFlops(int rows) {
        return trunk.forwardFlops(rows) + head.forwardFlops(rows);
    }
}
