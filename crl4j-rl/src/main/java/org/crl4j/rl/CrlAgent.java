package org.crl4j.rl;

import java.util.List;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.Adam;
import org.crl4j.nn.GradMode;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;
import org.crl4j.nn.loss.ActorLoss;
import org.crl4j.nn.loss.EntropyTemperature;
import org.crl4j.nn.loss.InfoNce;
import org.crl4j.nn.loss.PairedEnergy;
import org.crl4j.nn.loss.PairwiseEnergy;
import org.crl4j.nn.loss.TanhGaussian;
import org.crl4j.rl.ranks.GradientReducer;

/**
 * Contrastive RL (Eysenbach et al.; scaled as in Wang et al. 2025), one SGD step read top to bottom in
 * {@link #sgdStep}:
 * <ol>
 *   <li>Actor and temperature, through the current (frozen) critic: a = tanh(μ + σε) from the actor on
 *       (s ‖ g); L_actor = mean(α·log π − f(φ(s,a), ψ(g))); L_α = α·mean(−log π − target).</li>
 *   <li>Critic, on the same minibatch: logits[i][j] = f(φ(s_i, a_i), ψ(g_j)); InfoNCE with the diagonal as
 *       positives, plus the logsumexp² penalty.</li>
 * </ol>
 * There is no reward anywhere: the goals g are future states of the same trajectory (see {@link HindsightBatches}).
 *
 * <p>Parameters: the actor in one store, both critic encoders in another (one Adam each, as the reference's
 * TrainStates), log α in a third.
 */
public final class CrlAgent extends AbstractAgent {
    final ParamStore actorParams = new ParamStore();
    final ParamStore criticParams = new ParamStore();
    final ParamStore alphaParams = new ParamStore();
    /** The three gradients end to end, for one all-reduce per SGD step (data-parallel ranks only). */
    private float[] fusedGrads = new float[0];
    private long reduceNanos;
    private final ResidualMlp actor;
    private final ResidualMlp saEncoder;
    private final ResidualMlp gEncoder;
    final Adam actorAdam;
    final Adam criticAdam;
    final Adam alphaAdam;
    private final PairwiseEnergy pairwise;
    private final InfoNce infoNce;
    private final float targetEntropy;

    // Scratch for one batch (grown on demand).
    private int cap;
    private float[] actorIn;
    private float[] saIn;
    private float[] mean;
    private float[] rawLogStd;
    private float[] noise;
    private float[] action;
    private float[] logProb;
    private float[] q;
    private float[] dLogProb;
    private float[] dQ;
    private float[] phi;
    private float[] psi;
    private float[] dPhi;
    private float[] dPsi;
    private float[] dSaIn;
    private float[] dAction;
    private float[] dMean;
    private float[] dRaw;
    private float[] dHead;
    private float[] logits;
    private float[] dLogits;

    /** Metrics of one SGD step (JaxGCRL names in {@link TrainingMetrics}). */
    public record StepMetrics(float actorLoss, float alphaLoss, float logAlpha, float sampleEntropy, float criticLoss,
                              float logsumexp, float categoricalAccuracy, float logitsPos, float logitsNeg)
            implements TrainingMetrics.Step {
        @Override
        public void forEach(java.util.function.ObjDoubleConsumer<String> out) {
            out.accept("actor_loss", actorLoss);
            out.accept("alpha_loss", alphaLoss);
            out.accept("log_alpha", logAlpha);
            out.accept("sample_entropy", sampleEntropy);
            out.accept("critic_loss", criticLoss);
            out.accept("logsumexp", logsumexp);
            out.accept("categorical_accuracy", categoricalAccuracy);
            out.accept("logits_pos", logitsPos);
            out.accept("logits_neg", logitsNeg);
        }
    }

    public CrlAgent(int stateDim, int actionDim, int goalDim, CrlConfig config, Parallel pool) {
        super(stateDim, actionDim, goalDim, config, BaselineConfig.CRL, pool);
        this.actor = new ResidualMlp(pool, actorParams, "actor", obsDim, 2 * actionDim, config.actorMlp());
        this.saEncoder = new ResidualMlp(pool, criticParams, "sa_encoder", stateDim + actionDim, config.reprDim(),
                config.criticMlp());
        this.gEncoder = new ResidualMlp(pool, criticParams, "g_encoder", goalDim, config.reprDim(), config.criticMlp());
        alphaParams.add("log_alpha", 1);
        actorParams.allocate();
        criticParams.allocate();
        alphaParams.allocate();
        this.actorAdam = new Adam(actorParams, config.actorLr());
        this.criticAdam = new Adam(criticParams, config.criticLr());
        this.alphaAdam = new Adam(alphaParams, config.alphaLr());
        this.pairwise = new PairwiseEnergy(config.energy(), pool);
        this.infoNce = new InfoNce(config.contrastiveLoss(), config.logsumexpPenalty(), pool);
        this.targetEntropy = EntropyTemperature.targetEntropy(actionDim, config.entropyParam());
    }

    /** Initialises every parameter from {@code rng} (U(±1/√fan_in) kernels, zero biases, log α = 0). */
    @Override
    public void init(Rng rng) {
        actor.init(rng.split());
        config().actorInit().apply(actor, actionDim, true);
        saEncoder.init(rng.split());
        gEncoder.init(rng.split());
        alphaParams.params()[0] = EntropyTemperature.INITIAL_LOG_ALPHA;
    }

    public float logAlpha() {
        return alphaParams.params()[0];
    }


    /**
     * Seconds spent in {@link #sgdStep} since the last call: the actor and temperature (losses through the frozen
     * critic, and their updates), the critic (ψ(g) counted there), and the wait in the ranks' all-reduce; resets them.
     */
    @Override
    public double[] takeActorCriticSeconds() {
        double[] r = {actorNanos / 1e9, criticNanos / 1e9, reduceNanos / 1e9};
        actorNanos = 0;
        criticNanos = 0;
        reduceNanos = 0;
        return r;
    }

    @Override
    public List<ParamStore> stores() {
        return List.of(actorParams, criticParams, alphaParams);
    }

    @Override
    public java.util.Map<ParamStore, Adam> optimisers() {
        java.util.Map<ParamStore, Adam> m = new java.util.LinkedHashMap<>();
        m.put(actorParams, actorAdam);
        m.put(criticParams, criticAdam);
        m.put(alphaParams, alphaAdam);
        return m;
    }

    @Override
    public StepMetrics sgdStep(ReplayBatch batch, Rng rng, GradientReducer reducer) {
        return sgdStep(batch.states, batch.actions, batch.goals, batch.rows, rng, reducer);
    }

    public ParamStore actorParams() {
        return actorParams;
    }

    public ParamStore criticParams() {
        return criticParams;
    }

    /**
     * One SGD step on a minibatch of B rows: states [B×S], actions [B×A] (taken in the data), goals [B×G]
     * (relabelled from the future). {@code rng} supplies the actor's reparameterisation noise.
     */
    public StepMetrics sgdStep(float[] states, float[] actions, float[] goals, int b, Rng rng) {
        return sgdStep(states, actions, goals, b, rng, GradientReducer.SINGLE);
    }

    /**
     * As {@link #sgdStep(float[], float[], float[], int, Rng)} on this rank's share of a data-parallel batch: each
     * gradient is replaced by its mean over the ranks ({@code reducer}) just before its Adam update, so every rank
     * applies the same update. The metrics are this rank's.
     */
    public StepMetrics sgdStep(float[] states, float[] actions, float[] goals, int b, Rng rng, GradientReducer reducer) {
        // ψ(g) once for both losses: the actor update leaves the critic's parameters alone, so the goal
        // embeddings the actor loss reads are exactly those the critic's InfoNCE needs (a training forward, kept
        // for the critic's backward; computing it twice cost one g-encoder forward per SGD step).
        long t0 = System.nanoTime();
        embedGoals(goals, b);
        long t1 = System.nanoTime();

        // ---- 1. actor and entropy temperature, through the current critic (its parameters untouched) ----------
        float actorLoss = actorLossAndGradient(states, goals, b, rng);
        float alphaLoss = alphaLossAndGradient(b); // reads log π of this batch, not the actor's parameters
        float entropy = EntropyTemperature.sampleEntropy(logProb, b);
        long t2 = System.nanoTime();

        // ---- 2. critic: InfoNCE over the B×B pairs, positives on the diagonal -------------------------------
        // Its gradient does not depend on the actor's update, so all three gradients are ready before any update:
        // one all-reduce per SGD step between ranks instead of three (each costs a round trip).
        InfoNce.Result c = criticLossAndGradient(states, actions, b);
        long t3 = System.nanoTime();
        reduceAll(reducer);
        long t4 = System.nanoTime();
        actorAdam.update(pool);
        if (!config.disableEntropy()) {
            alphaAdam.update(pool);
        }
        long t5 = System.nanoTime();
        criticAdam.update(pool);
        actorNanos += (t2 - t1) + (t5 - t4);
        criticNanos += (t1 - t0) + (t3 - t2) + (System.nanoTime() - t5);
        reduceNanos += t4 - t3;

        return new StepMetrics(actorLoss, alphaLoss, logAlpha(), entropy, c.loss(), c.logsumexp(),
                c.categoricalAccuracy(), c.logitsPos(), c.logitsNeg());
    }

    /**
     * Replaces the actor's, α's (unless the entropy term is off) and the critic's gradients by their means over the
     * ranks, in one message ({@link GradientReducer.Group#ALL}: the three gradients end to end). One process: the
     * gradients are the means already.
     */
    private void reduceAll(GradientReducer reducer) {
        if (reducer.ranks() == 1) {
            return;
        }
        float[] ga = actorParams.grads();
        float[] gα = alphaParams.grads();
        float[] gc = criticParams.grads();
        int na = ga.length;
        int nα = config.disableEntropy() ? 0 : gα.length;
        int n = na + nα + gc.length;
        if (fusedGrads.length != n) {
            fusedGrads = new float[n];
        }
        System.arraycopy(ga, 0, fusedGrads, 0, na);
        System.arraycopy(gα, 0, fusedGrads, na, nα);
        System.arraycopy(gc, 0, fusedGrads, na + nα, gc.length);
        reducer.allReduceMean(GradientReducer.Group.ALL, fusedGrads);
        System.arraycopy(fusedGrads, 0, ga, 0, na);
        System.arraycopy(fusedGrads, na, gα, 0, nα);
        System.arraycopy(fusedGrads, na + nα, gc, 0, gc.length);
    }

    // The pieces of one SGD step, package-private so tests can evaluate each loss and its gradient without an
    // optimiser update; sgdStep is exactly embedGoals, actorLossAndGradient, alphaLossAndGradient,
    // criticLossAndGradient, (the ranks' all-reduce), actor Adam, α Adam, critic Adam.

    /** ψ(g) for the batch (a training forward of the goal encoder, kept for the critic's backward). */
    void embedGoals(float[] goals, int b) {
        ensure(b);
        System.arraycopy(gEncoder.forward(goals, b), 0, psi, 0, b * config.reprDim());
    }

    /**
     * L_actor through the frozen critic, with noise drawn from {@code rng}; overwrites the actor's gradients with
     * dL_actor/dθ and leaves log π of the batch in {@link #logProb}. Needs {@link #embedGoals} of the same goals.
     */
    float actorLossAndGradient(float[] states, float[] goals, int b, Rng rng) {
        ensure(b);
        int s = stateDim;
        int a = actionDim;
        int d = config.reprDim();
        ActorHead.concatRows(states, s, goals, goalDim, b, actorIn);
        float[] head = actor.forward(actorIn, b);
        ActorHead.split(head, b, actionDim, mean, rawLogStd);
        rng.fillGaussian(noise, 0, b * a);
        TanhGaussian.sample(mean, rawLogStd, noise, b, a, action, logProb);
        ActorHead.concatRows(states, s, action, a, b, saIn);
        System.arraycopy(saEncoder.forward(saIn, b), 0, phi, 0, b * d);
        PairedEnergy.forward(config.energy(), phi, psi, b, d, q);
        float alpha = config.disableEntropy() ? 0f : EntropyTemperature.alpha(logAlpha());
        float actorLoss = ActorLoss.compute(logProb, q, b, alpha, dLogProb, dQ);
        PairedEnergy.backward(config.energy(), phi, psi, b, d, dQ, dPhi, null);
        saEncoder.backward(dPhi, dSaIn, GradMode.NONE);                 // dL/da through the frozen critic
        for (int i = 0; i < b; i++) {
            System.arraycopy(dSaIn, i * (s + a) + s, dAction, i * a, a);
        }
        TanhGaussian.sampleBackward(mean, rawLogStd, noise, b, a, dAction, dLogProb, dMean, dRaw);
        ActorHead.join(dMean, dRaw, b, actionDim, dHead);
        actor.backward(dHead, null, GradMode.OVERWRITE);
        return actorLoss;
    }

    /**
     * L_α at the current log α for the log π left by {@link #actorLossAndGradient}; writes dL_α/dlog α into the
     * temperature's gradient unless the entropy term is disabled.
     */
    float alphaLossAndGradient(int b) {
        float logAlpha = logAlpha();
        float alphaLoss = EntropyTemperature.loss(logAlpha, logProb, b, targetEntropy);
        if (!config.disableEntropy()) {
            alphaParams.grads()[0] = EntropyTemperature.gradient(logAlpha, logProb, b, targetEntropy);
        }
        return alphaLoss;
    }

    /** mean(−log π) of the last {@link #actorLossAndGradient}. */
    float sampleEntropy(int b) {
        return EntropyTemperature.sampleEntropy(logProb, b);
    }

    float targetEntropy() {
        return targetEntropy;
    }

    /**
     * The critic's InfoNCE (+ penalty) on the data's actions; overwrites the critic's gradients (both encoders).
     * Needs {@link #embedGoals} of the batch's goals as the last goal-encoder forward.
     */
    InfoNce.Result criticLossAndGradient(float[] states, float[] actions, int b) {
        ensure(b);
        int s = stateDim;
        int a = actionDim;
        int d = config.reprDim();
        ActorHead.concatRows(states, s, actions, a, b, saIn);
        System.arraycopy(saEncoder.forward(saIn, b), 0, phi, 0, b * d);
        pairwise.forward(phi, psi, b, b, d, logits);
        InfoNce.Result c = infoNce.compute(logits, b, dLogits);
        pairwise.backward(phi, psi, b, b, d, logits, dLogits, dPhi, dPsi);
        saEncoder.backward(dPhi, null, GradMode.OVERWRITE);
        gEncoder.backward(dPsi, null, GradMode.OVERWRITE);
        return c;
    }

    /**
     * Actions for {@code n} observations (rows state ‖ goal of {@code obsDim} = S + G floats): tanh(μ) when
     * {@code deterministic}, else a sample tanh(μ + σε) with noise from {@code rng}.
     */
    @Override
    public void act(float[] observations, int n, boolean deterministic, Rng rng, float[] out) {
        ActorHead.act(actor.infer(observations, n), n, actionDim, deterministic, rng, out);
    }

    private void ensure(int b) {
        if (b <= cap) {
            return;
        }
        int s = stateDim;
        int a = actionDim;
        int d = config.reprDim();
        actorIn = new float[b * (s + goalDim)];
        saIn = new float[b * (s + a)];
        mean = new float[b * a];
        rawLogStd = new float[b * a];
        noise = new float[b * a];
        action = new float[b * a];
        logProb = new float[b];
        q = new float[b];
        dLogProb = new float[b];
        dQ = new float[b];
        phi = new float[b * d];
        psi = new float[b * d];
        dPhi = new float[b * d];
        dPsi = new float[b * d];
        dSaIn = new float[b * (s + a)];
        dAction = new float[b * a];
        dMean = new float[b * a];
        dRaw = new float[b * a];
        dHead = new float[b * 2 * a];
        logits = new float[b * b];
        dLogits = new float[b * b];
        cap = b;
    }
}
