package org.crl4j.nn;

/**
 * The paper's residual trunk: Dense(W) → LN → swish, then depth/4 residual blocks, each
 * 4 × [Dense(W) → LN → swish] with the block input added after the fourth activation.
 *
 * <p>{@link #forward} keeps what {@link #backward} needs; {@link #infer} keeps nothing. With recomputation on, a
 * training forward keeps only each block's input and the backward pass re-runs one block at a time before
 * differentiating it: about 1/7 of the activation memory for one extra forward pass through the blocks.
 *
 * <p>Buffers grow to the largest batch seen and are reused; outputs returned by forward/infer stay valid until the
 * next call. Not thread-safe: one trunk is used by one thread at a time (its kernels use the pool).
 */
public final class Trunk {
    private final Parallel pool;
    private final ParamStore ps;
    private final int inDim;
    private final MlpOptions opt;
    private final DenseLayer first;
    private final DenseLayer[] layers; // block b, layer l at index 4b + l

    /** Per-block buffers of a training forward: inputs of layers 1..3 (a), GEMM outputs (z), LN statistics. */
    private static final class Tape {
        final float[][] a = new float[3][];
        final float[][] z = new float[4][];
        final float[][] stats = new float[4][];

        Tape(int rows, int w) {
            for (int i = 0; i < 3; i++) {
                a[i] = new float[rows * w];
            }
            for (int i = 0; i < 4; i++) {
                z[i] = new float[rows * w];
                stats[i] = new float[2 * rows];
            }
        }
    }

    private int capacity;
    private boolean recomputing;
    private int lastRows = -1;
    private float[] input;
    private float[] firstZ;
    private float[] firstStats;
    private float[][] blockInputs; // [blocks + 1]: blockInputs[b] feeds block b; the last is the trunk output
    private Tape[] tapes;          // one per block, or a single shared one when recomputing
    private float[] gradH;
    private float[] gradA;
    private float[] gradB;
    private float[] partials;

    private int inferCapacity;
    private float[][] inferH;
    private Tape inferTape;
    private float[] inferZ;
    private float[] inferStats;

    public Trunk(Parallel pool, ParamStore ps, String prefix, int inDim, MlpOptions opt) {
        if (inDim < 1) {
            throw new IllegalArgumentException("input dimension must be at least 1, got " + inDim);
        }
        this.pool = pool;
        this.ps = ps;
        this.inDim = inDim;
        this.opt = opt;
        int w = opt.width();
        this.first = new DenseLayer(ps, prefix + ".in", inDim, w, opt.layerNorm(), opt.activation());
        this.layers = new DenseLayer[opt.depth()];
        for (int b = 0; b < opt.blocks(); b++) {
            for (int l = 0; l < 4; l++) {
                layers[4 * b + l] = new DenseLayer(ps, prefix + ".block" + b + ".layer" + l, w, w,
                        opt.layerNorm(), opt.activation());
            }
        }
    }

    public void init(Rng rng) {
        float[] p = ps.params();
        first.init(p, rng);
        for (DenseLayer l : layers) {
            l.init(p, rng);
        }
    }

    public int inDim() {
        return inDim;
    }

    public int width() {
        return opt.width();
    }

    public MlpOptions options() {
        return opt;
    }

    /** Whether the last training forward kept only block inputs (see class comment). */
    public boolean recomputing() {
        return recomputing;
    }

    /** Bytes of activation memory a training forward of {@code rows} rows keeps, with or without recomputation. */
    public long activationBytes(int rows, boolean recompute) {
        long rw = (long) rows * opt.width();
        int blocks = opt.blocks();
        long perTape = 7 * rw + 8L * rows;
        long tapes = recompute ? perTape : blocks * perTape;
        long fixed = (long) rows * inDim + rw + 2L * rows + (blocks + 1) * rw + 3 * rw
                + NormAct.partialsSize(rows, opt.width());
        return 4 * (tapes + fixed);
    }

    private boolean decideRecompute(int rows) {
        switch (opt.recompute()) {
            case ON:
                return true;
            case OFF:
                return false;
            default:
                // Keep everything unless that would take more than a quarter of the heap.
                return activationBytes(rows, false) > Runtime.getRuntime().maxMemory() / 4;
        }
    }

    private void ensureTrainBuffers(int rows) {
        if (rows <= capacity && tapes != null) {
            return;
        }
        int w = opt.width();
        tapes = null;
        blockInputs = null; // let the old ones go before allocating the new ones
        recomputing = decideRecompute(rows);
        input = new float[rows * inDim];
        firstZ = new float[rows * w];
        firstStats = new float[2 * rows];
        blockInputs = new float[opt.blocks() + 1][];
        for (int b = 0; b <= opt.blocks(); b++) {
            blockInputs[b] = new float[rows * w];
        }
        tapes = new Tape[recomputing ? 1 : opt.blocks()];
        for (int i = 0; i < tapes.length; i++) {
            tapes[i] = new Tape(rows, w);
        }
        gradH = new float[rows * w];
        gradA = new float[rows * w];
        gradB = new float[rows * w];
        partials = new float[NormAct.partialsSize(rows, w)];
        capacity = rows;
    }

    private Tape tape(int block) {
        return recomputing ? tapes[0] : tapes[block];
    }

    /** Training forward over {@code rows} rows of {@code x} [rows × inDim]; returns the output [rows × width]. */
    public float[] forward(float[] x, int rows) {
        ensureTrainBuffers(rows);
        float[] p = ps.params();
        System.arraycopy(x, 0, input, 0, rows * inDim);
        first.forward(pool, p, input, rows, firstZ, firstStats, blockInputs[0]);
        for (int b = 0; b < opt.blocks(); b++) {
            blockForward(p, b, blockInputs[b], rows, tape(b), blockInputs[b + 1]);
        }
        lastRows = rows;
        return blockInputs[opt.blocks()];
    }

    /** The output of the last training forward (for a head's weight gradient). */
    float[] forwardOutput() {
        return blockInputs[opt.blocks()];
    }

    /** Inference forward (nothing kept for backward); returns the output [rows × width]. */
    public float[] infer(float[] x, int rows) {
        int w = opt.width();
        if (rows > inferCapacity) {
            inferH = new float[][] {new float[rows * w], new float[rows * w]};
            inferTape = new Tape(rows, w);
            inferZ = new float[rows * w];
            inferStats = new float[2 * rows];
            inferCapacity = rows;
        }
        float[] p = ps.params();
        first.forward(pool, p, x, rows, inferZ, inferStats, inferH[0]);
        for (int b = 0; b < opt.blocks(); b++) {
            blockForward(p, b, inferH[b & 1], rows, inferTape, inferH[(b + 1) & 1]);
        }
        return inferH[opt.blocks() & 1];
    }

    private void blockForward(float[] p, int b, float[] hIn, int rows, Tape t, float[] hOut) {
        DenseLayer[] ls = layers;
        int base = 4 * b;
        ls[base].forward(pool, p, hIn, rows, t.z[0], t.stats[0], t.a[0]);
        ls[base + 1].forward(pool, p, t.a[0], rows, t.z[1], t.stats[1], t.a[1]);
        ls[base + 2].forward(pool, p, t.a[1], rows, t.z[2], t.stats[2], t.a[2]);
        ls[base + 3].forward(pool, p, t.a[2], rows, t.z[3], t.stats[3], hOut);
        if (opt.residual()) {
            addInPlace(pool, hOut, hIn, rows * opt.width());
        }
    }

    /**
     * Backward through the last training forward. {@code dOut} [rows × width] is the gradient w.r.t. the output
     * (read, not modified); {@code dx} [rows × inDim], if not null, receives the gradient w.r.t. the input.
     */
    public void backward(float[] dOut, float[] dx, GradMode mode) {
        int rows = lastRows;
        if (rows < 0) {
            throw new IllegalStateException("backward without a training forward");
        }
        int n = rows * opt.width();
        float[] p = ps.params();
        float[] g = mode == GradMode.NONE ? null : ps.grads();
        float[] dH = gradH;
        System.arraycopy(dOut, 0, dH, 0, n);
        for (int b = opt.blocks() - 1; b >= 0; b--) {
            Tape t = tape(b);
            if (recomputing) {
                // Re-run block b from its kept input; its output goes to scratch (the kept copy is already right).
                blockForward(p, b, blockInputs[b], rows, t, gradB);
            }
            int base = 4 * b;
            float[] dA = gradA;
            float[] dB = gradB;
            System.arraycopy(dH, 0, dA, 0, n);
            layers[base + 3].backward(pool, p, g, mode, t.a[2], rows, t.z[3], t.stats[3], dA, dB, partials);
            layers[base + 2].backward(pool, p, g, mode, t.a[1], rows, t.z[2], t.stats[2], dB, dA, partials);
            layers[base + 1].backward(pool, p, g, mode, t.a[0], rows, t.z[1], t.stats[1], dA, dB, partials);
            layers[base].backward(pool, p, g, mode, blockInputs[b], rows, t.z[0], t.stats[0], dB, dA, partials);
            if (opt.residual()) {
                addInPlace(pool, dH, dA, n);
            } else {
                System.arraycopy(dA, 0, dH, 0, n);
            }
        }
        first.backward(pool, p, g, mode, input, rows, firstZ, firstStats, dH, dx, partials);
    }

    /** a ← a + b over [0, n), split in fixed chunks. */
    static void addInPlace(Parallel pool, float[] a, float[] b, int n) {
        final int chunk = 1 << 14;
        pool.run((n + chunk - 1) / chunk, (t, w) -> {
            int end = Math.min(n, (t + 1) * chunk);
            for (int i = t * chunk; i < end; i++) {
                a[i] += b[i];
            }
        });
    }

    /** Multiply-adds ×2 of one forward pass over {@code rows} rows. */
    public long forwardFlops(int rows) {
        long f = first.forwardFlops(rows);
        for (DenseLayer l : layers) {
            f += l.forwardFlops(rows);
        }
        return f;
    }
}
