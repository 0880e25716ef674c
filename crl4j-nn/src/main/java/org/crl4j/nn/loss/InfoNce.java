package org.crl4j.nn.loss;

import java.util.Locale;

import org.crl4j.core.Parallel;

/**
 * The critic's contrastive loss on a B×B logit matrix whose diagonal holds the positive pairs
 * (logits[i][j] = f(s_i, a_i, g_j), g_i relabelled from row i's own future), with the logsumexp penalty, the
 * gradient dLoss/dLogits, and the metrics JaxGCRL logs for the critic.
 *
 * <p>Definitions follow JaxGCRL {@code jaxgcrl/agents/crl/losses.py}: {@code contrastive_loss_fn} for the variants
 * and {@code update_critic} for the penalty and metrics. With lseR_i = logsumexp_j l_ij (over a row, axis 1) and
 * lseC_j = logsumexp_i l_ij (over a column, axis 0):
 * <ul>
 *   <li>{@link Variant#FORWARD}: −mean_i(l_ii − lseR_i) (the paper's loss);
 *   <li>{@link Variant#BACKWARD}: −mean_i(l_ii − lseC_i);
 *   <li>{@link Variant#SYMMETRIC}: −mean_i(2·l_ii − lseR_i − lseC_i), the sum of both, not their average;
 *   <li>{@link Variant#BINARY_NCE}: −mean_ij σ(l_ij), literally JaxGCRL's {@code binary_nce}, which does not
 *       single out the positives;
 *   <li>{@link Variant#SIGMOID_BCE}: mean_ij BCE(σ(l_ij), δ_ij), the binary NCE of the original contrastive RL
 *       (Eysenbach et al. 2022): positives labelled 1, all other pairs 0. Not in JaxGCRL.
 * </ul>
 * For every variant the penalty coef·mean_i((lseR_i + 1e-6)²) is added: JaxGCRL always penalises the row
 * logsumexp of {@code logits + 1e-6}, whatever the variant.
 *
 * <p>An instance keeps grow-only scratch buffers and is not safe for concurrent use. Rows are processed in fixed
 * blocks and reductions run in row order, so results are bit-identical for any thread count.
 */
public final class InfoNce {

    /** The contrastive objective; {@link #jaxName()} is JaxGCRL's {@code contrastive_loss_fn} option value. */
    public enum Variant {
        FORWARD("fwd_infonce"),
        BACKWARD("bwd_infonce"),
        SYMMETRIC("sym_infonce"),
        BINARY_NCE("binary_nce"),
        SIGMOID_BCE("sigmoid_bce");

        private final String jaxName;

        Variant(String jaxName) {
            this.jaxName = jaxName;
        }

        /** JaxGCRL's option name (SIGMOID_BCE, absent there, gets "sigmoid_bce"). */
        public String jaxName() {
            return jaxName;
        }

        /** Parses a JaxGCRL option value (fwd_infonce, bwd_infonce, sym_infonce, binary_nce) or "sigmoid_bce". */
        public static Variant fromJaxName(String name) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (Variant v : values()) {
                if (v.jaxName.equals(n)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown contrastive loss '" + name
                    + "' (expected fwd_infonce, bwd_infonce, sym_infonce, binary_nce or sigmoid_bce)");
        }
    }

    /**
     * The loss and the critic metrics of one minibatch.
     *
     * @param loss                contrastive loss + penalty (JaxGCRL's {@code critic_loss})
     * @param contrastiveLoss     the variant's loss alone
     * @param penalty             coef·mean_i((lseR_i + 1e-6)²)
     * @param categoricalAccuracy fraction of rows whose largest logit is the diagonal one (first maximum wins)
     * @param logsumexp           mean_i(lseR_i + 1e-6) (JaxGCRL's {@code logsumexp} metric)
     * @param logitsPos           mean of the diagonal
     * @param logitsNeg           mean of the off-diagonal entries (NaN when B = 1, as in JaxGCRL)
     */
    public record Result(float loss, float contrastiveLoss, float penalty, float categoricalAccuracy,
                         float logsumexp, float logitsPos, float logitsNeg) {
    }

    /** JaxGCRL's default {@code logsumexp_penalty_coeff}. */
    public static final float DEFAULT_PENALTY_COEF = 0.1f;
    /** JaxGCRL penalises {@code logsumexp(logits + 1e-6)}, i.e. lseR + 1e-6. */
    public static final float PENALTY_LOGIT_SHIFT = 1e-6f;

    private static final int ROWS_PER_TASK = 8;

    private final Variant variant;
    private final float penaltyCoef;
    private final Parallel pool;

    private float[] rowLse = new float[0];
    private float[] colLse = new float[0];
    private float[] colGrad = new float[0];
    private double[] rowLoss = new double[0];
    private double[] rowOffDiagonal = new double[0];
    private boolean[] rowCorrect = new boolean[0];

    /** Forward InfoNCE with penalty 0.1 on the shared pool: the paper's critic loss. */
    public InfoNce() {
        this(Variant.FORWARD, DEFAULT_PENALTY_COEF, Parallel.shared());
    }

    public InfoNce(Variant variant, float penaltyCoef) {
        this(variant, penaltyCoef, Parallel.shared());
    }

    public InfoNce(Variant variant, float penaltyCoef, Parallel pool) {
        if (variant == null || pool == null) {
            throw new NullPointerException("variant and pool are required");
        }
        this.variant = variant;
        this.penaltyCoef = penaltyCoef;
        this.pool = pool;
    }

    public Variant variant() {
        return variant;
    }

    public float penaltyCoef() {
        return penaltyCoef;
    }

    /**
     * Computes the loss and metrics of {@code logits} [b×b] and, when {@code dLogits} [b×b] is not null,
     * <b>overwrites</b> it with dLoss/dLogits.
     */
    public Result compute(float[] logits, int b, float[] dLogits) {
        if (b < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + b);
        }
        PairwiseEnergy.checkLength("logits", logits, (long) b * b);
        if (dLogits != null) {
            PairwiseEnergy.checkLength("dLogits", dLogits, (long) b * b);
            if (dLogits == logits) {
                throw new IllegalArgumentException("dLogits must not alias logits");
            }
        }
        final float[] lseR = rowLse = grow(rowLse, b);
        final double[] loss = rowLoss = grow(rowLoss, b);
        final double[] offDiagonal = rowOffDiagonal = grow(rowOffDiagonal, b);
        final boolean[] correct = rowCorrect = rowCorrect.length >= b ? rowCorrect : new boolean[b];
        final boolean grad = dLogits != null;

        // Row logsumexp; the row softmax p_ij lands in dLogits and is scaled in place below.
        LogSumExp.rows(pool, logits, b, b, lseR, dLogits);

        final double invB = 1.0 / b;
        final double invB2 = invB * invB;
        // Coefficient of p_ij in dLoss/dl_ij, apart from the penalty's 2·coef·lse'_i/B.
        final double rowSoftmaxWeight = variant == Variant.FORWARD || variant == Variant.SYMMETRIC ? invB : 0.0;
        final double diagonalWeight = switch (variant) {
            case FORWARD, BACKWARD -> invB;
            case SYMMETRIC -> 2 * invB;
            case BINARY_NCE, SIGMOID_BCE -> 0.0;
        };
        final double coef = penaltyCoef;
        pool.run((b + ROWS_PER_TASK - 1) / ROWS_PER_TASK, (task, worker) -> {
            int end = Math.min(b, (task + 1) * ROWS_PER_TASK);
            for (int i = task * ROWS_PER_TASK; i < end; i++) {
                int row = i * b;
                float diag = logits[row + i];
                // Metrics: argmax (first maximum, as jnp.argmax) and off-diagonal sum.
                int argmax = 0;
                float best = logits[row];
                for (int j = 1; j < b; j++) {
                    if (logits[row + j] > best) {
                        best = logits[row + j];
                        argmax = j;
                    }
                }
                correct[i] = argmax == i;
                offDiagonal[i] = SoftmaxKernels.sum(logits, row, b) - diag;

                double shiftedLse = (double) lseR[i] + PENALTY_LOGIT_SHIFT;
                double softmaxScale = rowSoftmaxWeight + 2.0 * coef * shiftedLse * invB;
                switch (variant) {
                    case FORWARD -> loss[i] = (double) lseR[i] - diag;
                    case SYMMETRIC -> loss[i] = (double) lseR[i] - 2.0 * diag; // + lseC_i below
                    case BACKWARD -> loss[i] = -diag;                          // + lseC_i below
                    case BINARY_NCE -> {
                        double s = 0.0;
                        for (int j = row; j < row + b; j++) {
                            double sig = sigmoid(logits[j]);
                            s += sig;
                            if (grad) {
                                dLogits[j] = (float) (dLogits[j] * softmaxScale - sig * (1.0 - sig) * invB2);
                            }
                        }
                        loss[i] = -s;
                    }
                    case SIGMOID_BCE -> {
                        double s = 0.0;
                        for (int j = row; j < row + b; j++) {
                            double l = logits[j];
                            double label = j == row + i ? 1.0 : 0.0;
                            s += softplus(l) - label * l;
                            if (grad) {
                                dLogits[j] = (float) (dLogits[j] * softmaxScale + (sigmoid(l) - label) * invB2);
                            }
                        }
                        loss[i] = s;
                    }
                }
                if (grad && (variant == Variant.FORWARD || variant == Variant.BACKWARD
                        || variant == Variant.SYMMETRIC)) {
                    for (int j = row; j < row + b; j++) {
                        dLogits[j] = (float) (dLogits[j] * softmaxScale);
                    }
                    dLogits[row + i] = (float) (dLogits[row + i] - diagonalWeight);
                }
            }
        });

        if (variant == Variant.BACKWARD || variant == Variant.SYMMETRIC) {
            final float[] lseC = colLse = grow(colLse, b);
            LogSumExp.columns(pool, logits, b, b, lseC, null);
            for (int i = 0; i < b; i++) {
                loss[i] += lseC[i];
            }
            if (grad) {
                final float[] g = colGrad = grow(colGrad, b);
                java.util.Arrays.fill(g, 0, b, (float) invB);
                LogSumExp.columnsBackward(pool, logits, b, b, lseC, g, dLogits, true);
            }
        }

        // Reductions in row order (independent of the thread count).
        double lossSum = 0.0;
        double lseSum = 0.0;
        double lseSquares = 0.0;
        double diagonalSum = 0.0;
        double offDiagonalSum = 0.0;
        int hits = 0;
        for (int i = 0; i < b; i++) {
            lossSum += loss[i];
            double shifted = (double) lseR[i] + PENALTY_LOGIT_SHIFT;
            lseSum += shifted;
            lseSquares += shifted * shifted;
            diagonalSum += logits[i * b + i];
            offDiagonalSum += offDiagonal[i];
            if (correct[i]) {
                hits++;
            }
        }
        double contrastive = switch (variant) {
            case FORWARD, BACKWARD, SYMMETRIC -> lossSum * invB;
            case BINARY_NCE, SIGMOID_BCE -> lossSum * invB2;
        };
        double penalty = penaltyCoef * lseSquares * invB;
        float logitsNeg = b > 1 ? (float) (offDiagonalSum / ((double) b * b - b)) : Float.NaN;
        return new Result((float) (contrastive + penalty), (float) contrastive, (float) penalty,
                (float) (hits * invB), (float) (lseSum * invB), (float) (diagonalSum * invB), logitsNeg);
    }

    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** log(1 + e^x) without overflow. */
    static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    private static float[] grow(float[] a, int n) {
        return a.length >= n ? a : new float[n];
    }

    private static double[] grow(double[] a, int n) {
        return a.length >= n ? a : new double[n];
    }
}
