package org.crl4j.nn;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;

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
    private float[][] gradZ;     // [4]: one block's dz per layer, kept for the weight gradients
    private float[][] partials;  // [4]: one block's bias/LayerNorm partials per layer

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
        long fixed = (long) rows * inDim + rw + 2L * rows + (blocks + 1) * rw + 7 * rw
                + 4L * NormAct.partialsSize(rows, opt.width());
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
        gradZ = new float[4][rows * w];
        partials = new float[4][NormAct.partialsSize(rows, w)];
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
        forEachRowRange(rows, (r0, r1) -> {
            first.forwardRows(p, input, r0, r1, firstZ, firstStats, blockInputs[0]);
            for (int b = 0; b < opt.blocks(); b++) {
                blockForward(p, b, blockInputs[b], r0, r1, tape(b), blockInputs[b + 1]);
            }
        });
        lastRows = rows;
        return blockInputs[opt.blocks()];
    }

    /** The rows [r0, r1) that one task of a trunk pass takes on. */
    private interface RowTask {
        void run(int r0, int r1);
    }

    /**
     * Cuts [0, rows) into one range per thread, on {@link NormAct#ROWS_PER_TASK} boundaries, and runs them in one
     * parallel region. Rows are independent through every layer, so a whole pass needs one hand-off instead of
     * two per layer; which thread takes which rows changes no bit.
     */
    private void forEachRowRange(int rows, RowTask task) {
        int groups = (rows + NormAct.ROWS_PER_TASK - 1) / NormAct.ROWS_PER_TASK;
        int tasks = Math.min(pool.threads(), groups);
        pool.run(tasks, (t, worker) -> {
            int r0 = NormAct.ROWS_PER_TASK * (int) ((long) groups * t / tasks);
            int r1 = Math.min(rows, NormAct.ROWS_PER_TASK * (int) ((long) groups * (t + 1) / tasks));
            if (r0 < r1) {
                task.run(r0, r1);
            }
        });
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
        if (pool.threads() == 1 || rows <= NormAct.ROWS_PER_TASK) { // no task object: a policy's act allocates nothing
            inferRows(p, x, 0, rows);
        } else {
            forEachRowRange(rows, (r0, r1) -> inferRows(p, x, r0, r1));
        }
        return inferH[opt.blocks() & 1];
    }

    private void inferRows(float[] p, float[] x, int r0, int r1) {
        first.forwardRows(p, x, r0, r1, inferZ, inferStats, inferH[0]);
        for (int b = 0; b < opt.blocks(); b++) {
            blockForward(p, b, inferH[b & 1], r0, r1, inferTape, inferH[(b + 1) & 1]);
        }
    }

    /** Block b over rows [r0, r1), on the calling thread: four layers, then the residual add. */
    private void blockForward(float[] p, int b, float[] hIn, int r0, int r1, Tape t, float[] hOut) {
        DenseLayer[] ls = layers;
        int base = 4 * b;
        ls[base].forwardRows(p, hIn, r0, r1, t.z[0], t.stats[0], t.a[0]);
        ls[base + 1].forwardRows(p, t.a[0], r0, r1, t.z[1], t.stats[1], t.a[1]);
        ls[base + 2].forwardRows(p, t.a[1], r0, r1, t.z[2], t.stats[2], t.a[2]);
        ls[base + 3].forwardRows(p, t.a[2], r0, r1, t.z[3], t.stats[3], hOut);
        if (opt.residual()) {
            int w = opt.width();
            for (int i = r0 * w, end = r1 * w; i < end; i++) {
                hOut[i] += hIn[i];
            }
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
        int w = opt.width();
        float[] p = ps.params();
        float[] g = mode == GradMode.NONE ? null : ps.grads();
        boolean acc = mode == GradMode.ACCUMULATE;
        float[] dH = gradH;
        float[] dA = gradA;
        float[][] dz = gradZ;
        float[][] part = g == null ? new float[4][] : partials;
        System.arraycopy(dOut, 0, dH, 0, rows * w);
        // Per block, two parallel regions: each thread takes its rows back through the four layers (dz of each
        // layer kept), then the weight gradients, which sum over all rows, are split over their output rows.
        for (int b = opt.blocks() - 1; b >= 0; b--) {
            int blk = b;
            Tape t = tape(b);
            int base = 4 * b;
            float[] hIn = blockInputs[b];
            forEachRowRange(rows, (r0, r1) -> {
                if (recomputing) {
                    // Re-run block b from its kept input; its output goes to scratch (the kept copy is right).
                    blockForward(p, blk, hIn, r0, r1, t, gradB);
                }
                layers[base + 3].backwardRows(p, r0, r1, t.z[3], t.stats[3], dH, dz[3], dA, part[3]);
                layers[base + 2].backwardRows(p, r0, r1, t.z[2], t.stats[2], dA, dz[2], dA, part[2]);
                layers[base + 1].backwardRows(p, r0, r1, t.z[1], t.stats[1], dA, dz[1], dA, part[1]);
                layers[base].backwardRows(p, r0, r1, t.z[0], t.stats[0], dA, dz[0], dA, part[0]);
                for (int i = r0 * w, end = r1 * w; i < end; i++) {
                    dH[i] = opt.residual() ? dH[i] + dA[i] : dA[i];
                }
            });
            if (g != null) {
                float[][] xs = {hIn, t.a[0], t.a[1], t.a[2]};
                // Whole layers per task where there are threads enough for that (4 layers, ≤ 4 threads): each part
                // of a split layer packs all of its dz again, so splitting only pays beyond four threads.
                int parts = (pool.threads() + 3) / 4;
                pool.run(4 * parts, (task, worker) -> {
                    int l = task / parts;
                    layers[base + l].weightGradient(g, acc, xs[l], rows, dz[l], part[l], task % parts, parts);
                });
            }
        }
        forEachRowRange(rows, (r0, r1) -> first.backwardRows(p, r0, r1, firstZ, firstStats, dH, dz[0], dx, part[0]));
        if (g != null) {
            int parts = pool.threads();
            pool.run(parts, (task, worker) -> first.weightGradient(g, acc, input, rows, dz[0], part[0], task, parts));
        }
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
