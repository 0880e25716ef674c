package org.crl4j.bench.torch;

import java.util.LinkedHashMap;
import java.util.Map;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * The contrastive-RL losses (algorithm.md §2) computed by libtorch autograd, as the reference for crl4j's
 * hand-written backward passes. Inputs are row-major arrays; outputs are plain arrays (doubles, exact for FP32
 * results too) so that nothing native escapes.
 *
 * <p>Energy: f(s,a,g) = −sqrt(‖phi(s,a) − psi(g)‖² + 1e-6) ("norm"), computed by broadcasting the difference as the
 * reference code does (not through ‖phi‖² + ‖psi‖² − 2·phi·psi).
 */
public final class TorchCrl {
    /** Added inside the square root of the L2 energy. */
    public static final double ENERGY_EPS = 1e-6;
    /** Weight of the logsumexp² regulariser of the critic loss. */
    public static final double LOGSUMEXP_PENALTY = 0.1;
    /** log-std squashing range of the actor: −5 + 0.5·(MAX−MIN)·(tanh(raw)+1). */
    public static final double LOG_STD_MIN = -5.0;
    public static final double LOG_STD_MAX = 2.0;
    /** Added inside log(1 − tanh(x)² + eps) of the tanh change of variables. */
    public static final double TANH_EPS = 1e-6;

    private TorchCrl() {
    }

    /** Makes an input tensor of the wanted precision and shape. */
    @FunctionalInterface
    private interface Input {
        Tensor make(TorchPrecision p, long... shape);
    }

    private static Input in(float[] a) {
        return (p, shape) -> TorchTensors.of(a, p, shape);
    }

    private static Input in(double[] a) {
        return (p, shape) -> TorchTensors.of(a, p, shape);
    }

    // ------------------------------------------------------------------------------------------------ critic

    /**
     * Critic loss and gradients.
     *
     * @param loss        −mean_i(logits_ii − lse_i) + 0.1·mean_i(lse_i²)
     * @param infoNce     the first term alone
     * @param grads       d loss / d every weight of both encoders, by name ([in, out] layout for kernels)
     * @param dXsa        d loss / d X_sa, [B × Isa]
     * @param dXg         d loss / d X_g, [B × Ig]
     * @param logits      the B×B logits, row-major (row i = state-action i, column j = goal j)
     * @param logsumexp   lse_i = logsumexp_j logits_ij, [B]
     * @param phi         sa encoder output [B × O]
     * @param psi         goal encoder output [B × O]
     */
    public record CriticResult(double loss, double infoNce, Map<String, double[]> grads, double[] dXsa,
                               double[] dXg, double[] logits, double[] logsumexp, double[] phi, double[] psi) {
        /** A weight gradient rounded to float. */
        public float[] gradFloats(String name) {
            return TorchCrl.floats(grads.get(name));
        }

        /** Fraction of rows whose largest logit is the diagonal one (categorical accuracy). */
        public double accuracy() {
            int b = logsumexp.length;
            int hit = 0;
            for (int i = 0; i < b; i++) {
                int arg = 0;
                for (int j = 1; j < b; j++) {
                    if (logits[i * b + j] > logits[i * b + arg]) {
                        arg = j;
                    }
                }
                hit += arg == i ? 1 : 0;
            }
            return (double) hit / b;
        }
    }

    /**
     * The critic loss from named weights: builds the "sa_encoder" / "g_encoder" trunks of the given specs (head 64
     * in the paper), computes, frees them.
     */
    public static CriticResult criticLoss(Map<String, float[]> weights, TrunkSpec saSpec, TrunkSpec gSpec,
                                          float[] xSa, float[] xG, int batch, TorchPrecision precision) {
        try (TorchTrunk sa = TorchTrunk.fromFloats(saSpec, weights, precision, true);
             TorchTrunk g = TorchTrunk.fromFloats(gSpec, weights, precision, true)) {
            return criticLoss(sa, g, xSa, xG, batch);
        }
    }

    /** The critic loss on existing trunks (their gradients are zeroed first, and hold this loss's afterwards). */
    public static CriticResult criticLoss(TorchTrunk sa, TorchTrunk g, float[] xSa, float[] xG, int batch) {
        return critic(sa, g, in(xSa), in(xG), xSa.length, xG.length, batch);
    }

    /** As {@link #criticLoss(TorchTrunk, TorchTrunk, float[], float[], int)} with double inputs. */
    public static CriticResult criticLoss(TorchTrunk sa, TorchTrunk g, double[] xSa, double[] xG, int batch) {
        return critic(sa, g, in(xSa), in(xG), xSa.length, xG.length, batch);
    }

    private static CriticResult critic(TorchTrunk sa, TorchTrunk g, Input xSaIn, Input xGIn, int nSa, int nG,
                                       int batch) {
        checkRows("X_sa", nSa, batch, sa.spec().inDim());
        checkRows("X_g", nG, batch, g.spec().inDim());
        if (sa.spec().outDim() != g.spec().outDim()) {
            throw new IllegalArgumentException("encoder heads differ: " + sa.spec().outDim() + " vs "
                    + g.spec().outDim());
        }
        TorchPrecision p = sa.precision();
        sa.zeroGrad();
        g.zeroGrad();
        try (PointerScope ignored = new PointerScope()) {
            Tensor xs = xSaIn.make(p, batch, sa.spec().inDim()).requires_grad_(true);
            Tensor xg = xGIn.make(p, batch, g.spec().inDim()).requires_grad_(true);
            Tensor phi = sa.forward(xs);
            Tensor psi = g.forward(xg);
            Tensor logits = energy(phi.unsqueeze(1).sub(psi.unsqueeze(0)), 2);          // [B, B]
            Tensor lse = logits.logsumexp(new long[] {1}, false);                     // [B]
            Tensor infoNce = logits.diagonal().sub(lse).mean().neg();
            Tensor loss = infoNce.add(lse.square().mean().mul(new Scalar(LOGSUMEXP_PENALTY)));
            loss.backward();
            Map<String, double[]> grads = new LinkedHashMap<>(sa.gradsDoubles());
            grads.putAll(g.gradsDoubles());
            return new CriticResult(TorchTensors.scalar(loss), TorchTensors.scalar(infoNce), grads,
                    TorchTensors.toDoubles(xs.grad()), TorchTensors.toDoubles(xg.grad()),
                    TorchTensors.toDoubles(logits), TorchTensors.toDoubles(lse),
                    TorchTensors.toDoubles(phi), TorchTensors.toDoubles(psi));
        }
    }

    /** −sqrt(Σ_dim diff² + eps). */
    private static Tensor energy(Tensor diff, long dim) {
        return diff.square().sum(new long[] {dim}, false, new ScalarTypeOptional())
                .add(new Scalar(ENERGY_EPS)).sqrt().neg();
    }

    // ------------------------------------------------------------------------------------------------- actor

    /**
     * Actor and temperature losses and gradients.
     *
     * @param loss            mean_i(α·logπ_i − f_i), α = exp(log_alpha) as a constant
     * @param grads           d loss / d every actor weight by name (critic frozen: no critic gradients)
     * @param dMean           d loss / d mean (head columns [0, A)), [B × A]
     * @param dRawLogStd      d loss / d raw log-std (head columns [A, 2A)), [B × A]
     * @param dAction         d loss / d a (the tanh-squashed action fed to the critic), [B × A]
     * @param mean            head columns [0, A), [B × A]
     * @param rawLogStd       head columns [A, 2A), [B × A]
     * @param action          a = tanh(mean + std·eps), [B × A]
     * @param logPi           log π per row, [B]
     * @param energy          f(s_i, a_i, g_i) per row, [B]
     * @param alphaLoss       exp(log_alpha)·mean(stopgrad(−logπ − target))
     * @param dAlphaLoss      d alphaLoss / d log_alpha
     * @param targetEntropy   −0.5·A
     */
    public record ActorResult(double loss, Map<String, double[]> grads, double[] dMean, double[] dRawLogStd,
                              double[] dAction, double[] mean, double[] rawLogStd, double[] action, double[] logPi,
                              double[] energy, double alphaLoss, double dAlphaLoss, double targetEntropy) {
        /** A weight gradient rounded to float. */
        public float[] gradFloats(String name) {
            return TorchCrl.floats(grads.get(name));
        }

        /** mean_i(−logπ_i), the sample entropy estimate. */
        public double sampleEntropy() {
            double s = 0;
            for (double v : logPi) {
                s -= v;
            }
            return s / logPi.length;
        }
    }

    /**
     * The actor loss from named weights: builds "actor" (input concat(S, G), head 2A), and frozen "sa_encoder"
     * (input concat(S, a)) and "g_encoder" (input G), computes, frees them.
     */
    public static ActorResult actorLoss(Map<String, float[]> weights, TrunkSpec actorSpec, TrunkSpec saSpec,
                                        TrunkSpec gSpec, float[] s, float[] goal, float[] eps, double logAlpha,
                                        int batch, TorchPrecision precision) {
        try (TorchTrunk actor = TorchTrunk.fromFloats(actorSpec, weights, precision, true);
             TorchTrunk sa = TorchTrunk.fromFloats(saSpec, weights, precision, false);
             TorchTrunk g = TorchTrunk.fromFloats(gSpec, weights, precision, false)) {
            return actorLoss(actor, sa, g, s, goal, eps, logAlpha, batch);
        }
    }

    /**
     * The actor loss on existing trunks. The actor's gradients are zeroed first and hold this loss's afterwards;
     * the critic trunks are frozen for the call (requires_grad off, then back on) and their gradients untouched.
     */
    public static ActorResult actorLoss(TorchTrunk actor, TorchTrunk sa, TorchTrunk g, float[] s, float[] goal,
                                        float[] eps, double logAlpha, int batch) {
        return actor(actor, sa, g, in(s), in(goal), in(eps), s.length, goal.length, eps.length, logAlpha, batch);
    }

    /** As {@link #actorLoss(TorchTrunk, TorchTrunk, TorchTrunk, float[], float[], float[], double, int)}. */
    public static ActorResult actorLoss(TorchTrunk actor, TorchTrunk sa, TorchTrunk g, double[] s, double[] goal,
                                        double[] eps, double logAlpha, int batch) {
        return actor(actor, sa, g, in(s), in(goal), in(eps), s.length, goal.length, eps.length, logAlpha, batch);
    }

    private static ActorResult actor(TorchTrunk actor, TorchTrunk sa, TorchTrunk g, Input sIn, Input gIn,
                                     Input epsIn, int nS, int nG, int nEps, double logAlpha, int batch) {
        if (actor.spec().outDim() % 2 != 0) {
            throw new IllegalArgumentException("actor head must be 2·A wide, is " + actor.spec().outDim());
        }
        int a = actor.spec().outDim() / 2;
        int ig = g.spec().inDim();
        checkRows("G", nG, batch, ig);
        int is = nS / batch;
        checkRows("S", nS, batch, is);
        checkRows("eps", nEps, batch, a);
        if (actor.spec().inDim() != is + ig) {
            throw new IllegalArgumentException("actor input " + actor.spec().inDim() + " != |S| " + is + " + |G| "
                    + ig);
        }
        if (sa.spec().inDim() != is + a) {
            throw new IllegalArgumentException("sa_encoder input " + sa.spec().inDim() + " != |S| " + is + " + A "
                    + a);
        }
        TorchPrecision p = actor.precision();
        double target = -0.5 * a;
        actor.zeroGrad();
        sa.setRequiresGrad(false);
        g.setRequiresGrad(false);
        try (PointerScope ignored = new PointerScope()) {
            Tensor st = sIn.make(p, batch, is);
            Tensor gt = gIn.make(p, batch, ig);
            Tensor et = epsIn.make(p, batch, a);
            Tensor out = actor.forward(torch.cat(new TensorVector(st, gt), 1));
            out.retain_grad();
            Tensor mean = out.narrow(1, 0, a);
            Tensor raw = out.narrow(1, a, a);
            Tensor logStd = raw.tanh().add(new Scalar(1.0)).mul(new Scalar(0.5 * (LOG_STD_MAX - LOG_STD_MIN)))
                    .add(new Scalar(LOG_STD_MIN));
            Tensor std = logStd.exp();
            Tensor x = mean.add(std.mul(et));
            Tensor act = x.tanh();
            act.retain_grad();
            // log N(x; mean, std) = −((x − mean)/std)²/2 − log std − log sqrt(2π), as jax.scipy.stats.norm.logpdf
            Tensor z = x.sub(mean).div(std);
            Tensor logN = z.square().mul(new Scalar(-0.5)).sub(std.log())
                    .sub(new Scalar(0.5 * Math.log(2 * Math.PI)));
            Tensor logJac = torch.rsub(act.square(), new Scalar(1.0)).add(new Scalar(TANH_EPS)).log();
            Tensor logPi = logN.sub(logJac).sum(new long[] {1}, false, new ScalarTypeOptional());   // [B]
            Tensor phi = sa.forward(torch.cat(new TensorVector(st, act), 1));
            Tensor psi = g.forward(gt);
            Tensor f = energy(phi.sub(psi), 1);                                                     // [B]
            double alpha = Math.exp(logAlpha);
            Tensor loss = logPi.mul(new Scalar(alpha)).sub(f).mean();
            loss.backward();

            Tensor la = TorchTensors.of(new double[] {logAlpha}, p).requires_grad_(true);
            Tensor alphaLoss = la.exp().mul(logPi.detach().neg().sub(new Scalar(target)).mean());
            alphaLoss.backward();

            double[] dOut = TorchTensors.toDoubles(out.grad());
            double[] outV = TorchTensors.toDoubles(out);
            double[][] dSplit = split(dOut, batch, a);
            double[][] vSplit = split(outV, batch, a);
            return new ActorResult(TorchTensors.scalar(loss), actor.gradsDoubles(), dSplit[0], dSplit[1],
                    TorchTensors.toDoubles(act.grad()), vSplit[0], vSplit[1], TorchTensors.toDoubles(act),
                    TorchTensors.toDoubles(logPi), TorchTensors.toDoubles(f), TorchTensors.scalar(alphaLoss),
                    TorchTensors.scalar(la.grad()), target);
        } finally {
            sa.setRequiresGrad(true);
            g.setRequiresGrad(true);
        }
    }

    /** Splits [B × 2A] row-major into its [B × A] halves. */
    private static double[][] split(double[] v, int batch, int a) {
        double[] lo = new double[batch * a];
        double[] hi = new double[batch * a];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(v, i * 2 * a, lo, i * a, a);
            System.arraycopy(v, i * 2 * a + a, hi, i * a, a);
        }
        return new double[][] {lo, hi};
    }

    private static void checkRows(String what, int length, int batch, int cols) {
        if (batch < 1 || cols < 1 || length != batch * cols) {
            throw new IllegalArgumentException(what + ": " + length + " values, expected " + batch + " × " + cols);
        }
    }

    static float[] floats(double[] d) {
        if (d == null) {
            return null;
        }
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** Named float arrays → named doubles (exact), e.g. to perturb weights for a finite difference. */
    public static Map<String, double[]> toDoubles(Map<String, float[]> w) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, float[]> e : w.entrySet()) {
            double[] d = new double[e.getValue().length];
            for (int i = 0; i < d.length; i++) {
                d[i] = e.getValue()[i];
            }
            out.put(e.getKey(), d);
        }
        return out;
    }
}
