package org.crl4j.rl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.Adam;
import org.crl4j.nn.GradMode;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;
import org.crl4j.nn.loss.TanhGaussian;
import org.crl4j.rl.ranks.GradientReducer;

/**
 * Goal-conditioned behaviour cloning, the baseline {@code gcbc}: the actor of contrastive RL (same trunk, same
 * tanh-Gaussian head) trained to maximise log π(a_t | s_t, g) on the run's own replay, where g is a state from the
 * future of the same trajectory, drawn exactly as contrastive RL draws its goals. So the data are online, from the
 * agent's own (stochastic) policy, as in GCSL (Ghosh et al. 2019); there is no critic and no reward. One SGD step,
 * {@link #sgdStep}: L = −mean_i log π(a_i | s_i ‖ g_i) ({@link TanhGaussian#logProbOf}), one Adam step.
 *
 * <p>Neither JaxGCRL nor scaling-crl has a GCBC; OGBench's (offline, on a fixed dataset, σ = 1, no tanh) is the
 * closest public one. docs/baselines.md says how this one differs.
 */
public final class GcbcAgent extends AbstractAgent {

    final ParamStore actorParams = new ParamStore();
    private final ResidualMlp actor;
    final Adam actorAdam;

    private int cap;
    private float[] obs;
    private float[] mean;
    private float[] rawLogStd;
    private float[] logProb;
    private float[] dLogProb;
    private float[] dMean;
    private float[] dRaw;
    private float[] dHead;

    /** The metrics of one step: the loss (−log π of the data's actions) and the policy's mean log σ. */
    public record StepMetrics(float actorLoss, float meanLogStd) implements TrainingMetrics.Step {
        @Override
        public void forEach(java.util.function.ObjDoubleConsumer<String> out) {
            out.accept("actor_loss", actorLoss);
            out.accept("mean_log_std", meanLogStd);
        }
    }

    public GcbcAgent(int stateDim, int actionDim, int goalDim, CrlConfig config, BaselineConfig baseline, Parallel pool) {
        super(stateDim, actionDim, goalDim, config, baseline, pool);
        this.actor = new ResidualMlp(pool, actorParams, "actor", obsDim, 2 * actionDim, config.actorMlp());
        actorParams.allocate();
        this.actorAdam = new Adam(actorParams, baseline.gcbcLr());
    }

    @Override
    public void init(Rng rng) {
        actor.init(rng.split());
        config().actorInit().apply(actor, actionDim, true);
    }

    @Override
    public StepMetrics sgdStep(ReplayBatch batch, Rng rng, GradientReducer reducer) {
        long t0 = System.nanoTime();
        float loss = lossAndGradient(batch);
        actorAdam.update(pool);
        double logStd = 0;
        for (int k = 0; k < batch.rows * actionDim; k++) {
            logStd += TanhGaussian.logStd(rawLogStd[k]);
        }
        actorNanos += System.nanoTime() - t0;
        return new StepMetrics(loss, (float) (logStd / (batch.rows * actionDim)));
    }

    /** −mean log π(a | s ‖ g) of the batch's actions; overwrites the actor's gradients. */
    float lossAndGradient(ReplayBatch batch) {
        int b = batch.rows;
        ensure(b);
        int a = actionDim;
        ActorHead.concatRows(batch.states, stateDim, batch.goals, goalDim, b, obs);
        ActorHead.split(actor.forward(obs, b), b, a, mean, rawLogStd);
        TanhGaussian.logProbOf(mean, rawLogStd, batch.actions, b, a, logProb);
        double loss = 0;
        for (int i = 0; i < b; i++) {
            loss -= logProb[i];
            dLogProb[i] = -1f / b;
        }
        TanhGaussian.logProbOfBackward(mean, rawLogStd, batch.actions, b, a, dLogProb, dMean, dRaw);
        ActorHead.join(dMean, dRaw, b, a, dHead);
        actor.backward(dHead, null, GradMode.OVERWRITE);
        return (float) (loss / b);
    }

    @Override
    public void act(float[] observations, int n, boolean deterministic, Rng rng, float[] out) {
        ActorHead.act(actor.infer(observations, n), n, actionDim, deterministic, rng, out);
    }

    private void ensure(int b) {
        if (b <= cap) {
            return;
        }
        int a = actionDim;
        obs = new float[b * obsDim];
        mean = new float[b * a];
        rawLogStd = new float[b * a];
        logProb = new float[b];
        dLogProb = new float[b];
        dMean = new float[b * a];
        dRaw = new float[b * a];
        dHead = new float[b * 2 * a];
        cap = b;
    }

    @Override
    public List<ParamStore> stores() {
        return List.of(actorParams);
    }

    @Override
    public Map<ParamStore, Adam> optimisers() {
        Map<ParamStore, Adam> m = new LinkedHashMap<>();
        m.put(actorParams, actorAdam);
        return m;
    }

}
