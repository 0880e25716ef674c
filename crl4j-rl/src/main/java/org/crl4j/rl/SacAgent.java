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
import org.crl4j.nn.loss.ActorLoss;
import org.crl4j.nn.loss.EntropyTemperature;
import org.crl4j.nn.loss.TanhGaussian;
import org.crl4j.rl.ranks.GradientReducer;

/**
 * Soft actor-critic (Haarnoja et al. 2018) on the sparse goal-reaching reward, the baseline {@code sac} and, with
 * hindsight goals, {@code sac_her}; JaxGCRL's {@code agents/sac} with Brax's losses. One SGD step, {@link #sgdStep},
 * on a batch of (s, a, g, r, s'), o = s ‖ g:
 * <ol>
 *   <li>Critic: a' ~ π(·|o'), y = r + γ·(1 − terminated)·(min(Q̄₁, Q̄₂)(o', a') − α·log π(a'|o')), and
 *       L_Q = ½·mean over rows and both heads of ((Q_k(o, a) − y)·(1 − truncated))²: a truncated row is dropped (its
 *       s' is the next episode's start), a terminated one not bootstrapped.</li>
 *   <li>Actor, through the critic before this step's update: a ~ π(·|o) reparameterised,
 *       L_π = mean(α·log π(a|o) − min(Q₁, Q₂)(o, a)).</li>
 *   <li>Temperature: L_α = mean(α·(−log π − H̄)), H̄ = −entropy-param·|A|, on the actor's sample.</li>
 *   <li>Adam on all three with the gradients of the step's start (so the critic and the actor both see the old α),
 *       then the target critics: θ̄ ← (1 − τ)·θ̄ + τ·θ.</li>
 * </ol>
 *
 * <p>Networks are crl4j's residual trunks (depth, width and the ablation switches as for contrastive RL): the actor
 * over s ‖ g with CRL's tanh-Gaussian head (log σ squashed into [−5, 2]; Brax uses softplus + 0.001), two critics
 * over s ‖ g ‖ a with a scalar head, and their targets. Where this differs from JaxGCRL (its 2 × 256 ReLU MLPs, its
 * HER "final" strategy) is in docs/baselines.md.
 */
public final class SacAgent extends AbstractAgent {

    final ParamStore actorParams = new ParamStore();
    final ParamStore criticParams = new ParamStore();
    final ParamStore targetParams = new ParamStore();
    final ParamStore alphaParams = new ParamStore();
    private final ResidualMlp actor;
    private final TwinCritics critics;
    final Adam actorAdam;
    final Adam criticAdam;
    final Adam alphaAdam;
    private final float targetEntropy;

    // scratch for one batch (grown on demand)
    private int cap;
    private float[] obs;
    private float[] nextObs;
    private float[] sa;
    private float[] mean;
    private float[] rawLogStd;
    private float[] noise;
    private float[] action;
    private float[] logProb;
    private float[] target;
    private float[] dQ1;
    private float[] dQ2;
    private float[] qMin;
    private boolean[] firstIsMin;
    private float[] dLogProb;
    private float[] dQ;
    private float[] dSa;
    private float[] dAction;
    private float[] dMean;
    private float[] dRaw;
    private float[] dHead;

    /** The metrics of one step, as {@code training/…}. */
    public record StepMetrics(float actorLoss, float alphaLoss, float logAlpha, float sampleEntropy, float criticLoss,
                              float qMean, float targetMean, float rewardMean) implements TrainingMetrics.Step {
        @Override
        public void forEach(java.util.function.ObjDoubleConsumer<String> out) {
            out.accept("actor_loss", actorLoss);
            out.accept("alpha_loss", alphaLoss);
            out.accept("log_alpha", logAlpha);
            out.accept("sample_entropy", sampleEntropy);
            out.accept("critic_loss", criticLoss);
            out.accept("q_mean", qMean);
            out.accept("target_mean", targetMean);
            out.accept("reward_mean", rewardMean);
        }
    }

    public SacAgent(int stateDim, int actionDim, int goalDim, CrlConfig config, BaselineConfig baseline, Parallel pool) {
        super(stateDim, actionDim, goalDim, config, baseline, pool);
        this.actor = new ResidualMlp(pool, actorParams, "actor", obsDim, 2 * actionDim, config.actorMlp());
        this.critics = new TwinCritics(pool, criticParams, targetParams, obsDim + actionDim, config.criticMlp());
        alphaParams.add("log_alpha", 1);
        actorParams.allocate();
        criticParams.allocate();
        targetParams.allocate();
        alphaParams.allocate();
        this.actorAdam = new Adam(actorParams, baseline.sacLr());
        this.criticAdam = new Adam(criticParams, baseline.sacLr());
        this.alphaAdam = new Adam(alphaParams, config.alphaLr());
        this.targetEntropy = EntropyTemperature.targetEntropy(actionDim, config.entropyParam());
    }

    @Override
    public void init(Rng rng) {
        actor.init(rng.split());
        config().actorInit().apply(actor, actionDim, true);
        critics.init(rng);
        alphaParams.params()[0] = EntropyTemperature.INITIAL_LOG_ALPHA;
    }

    public float logAlpha() {
        return alphaParams.params()[0];
    }

    @Override
    public StepMetrics sgdStep(ReplayBatch batch, Rng rng, GradientReducer reducer) {
        long t0 = System.nanoTime();
        float alpha = EntropyTemperature.alpha(logAlpha()); // the step's α, before its update
        float[] critic = criticLossAndGradient(batch, alpha, rng);
        long t1 = System.nanoTime();
        float actorLoss = actorLossAndGradient(batch, alpha, rng);
        float alphaLoss = EntropyTemperature.loss(logAlpha(), logProb, batch.rows, targetEntropy);
        alphaParams.grads()[0] = EntropyTemperature.gradient(logAlpha(), logProb, batch.rows, targetEntropy);
        float entropy = EntropyTemperature.sampleEntropy(logProb, batch.rows);
        actorAdam.update(pool);
        alphaAdam.update(pool);
        long t2 = System.nanoTime();
        criticAdam.update(pool);
        critics.polyak(baseline.tau());
        actorNanos += t2 - t1;
        criticNanos += (t1 - t0) + (System.nanoTime() - t2);
        return new StepMetrics(actorLoss, alphaLoss, logAlpha(), entropy, critic[0], critic[1], critic[2], critic[3]);
    }

    // The pieces of one SGD step, package-private for the gradient tests; neither updates a parameter.

    /**
     * The critics' TD loss at temperature {@code alpha}; overwrites the critics' gradients. Returns {loss, mean Q₁ on
     * the data, mean target y, mean reward}.
     */
    float[] criticLossAndGradient(ReplayBatch batch, float alpha, Rng rng) {
        int b = batch.rows;
        ensure(b);
        int a = actionDim;
        // the target: a fresh action at s' from the current actor, valued by the target critics
        ActorHead.concatRows(batch.nextStates, stateDim, batch.goals, goalDim, b, nextObs);
        ActorHead.split(actor.infer(nextObs, b), b, a, mean, rawLogStd);
        rng.fillGaussian(noise, 0, b * a);
        TanhGaussian.sample(mean, rawLogStd, noise, b, a, action, logProb);
        ActorHead.concatRows(nextObs, obsDim, action, a, b, sa);
        critics.targetMin(sa, b, qMin);
        double targetSum = 0;
        double rewardSum = 0;
        for (int i = 0; i < b; i++) {
            double next = qMin[i] - (double) alpha * logProb[i];
            target[i] = (float) (batch.rewards[i] + baseline.discount() * (1 - batch.terminated[i]) * next);
            targetSum += target[i];
            rewardSum += batch.rewards[i];
        }
        // the loss on the data's actions
        ActorHead.concatRows(batch.states, stateDim, batch.goals, goalDim, b, obs);
        ActorHead.concatRows(obs, obsDim, batch.actions, a, b, sa);
        float[] td = critics.tdLossAndGradient(sa, target, batch.truncated, b);
        return new float[] {td[0], td[1], (float) (targetSum / b), (float) (rewardSum / b)};
    }

    /**
     * The actor's loss through the critics (their parameters and gradients untouched) at temperature {@code alpha};
     * overwrites the actor's gradients and leaves log π of its sample in {@link #logProb}.
     */
    float actorLossAndGradient(ReplayBatch batch, float alpha, Rng rng) {
        int b = batch.rows;
        ensure(b);
        int o = obsDim;
        int a = actionDim;
        ActorHead.concatRows(batch.states, stateDim, batch.goals, goalDim, b, obs);
        ActorHead.split(actor.forward(obs, b), b, a, mean, rawLogStd);
        rng.fillGaussian(noise, 0, b * a);
        TanhGaussian.sample(mean, rawLogStd, noise, b, a, action, logProb);
        ActorHead.concatRows(obs, o, action, a, b, sa);
        float[] p1 = critics.q1.forward(sa, b); // each network keeps its own forward for its backward
        float[] p2 = critics.q2.forward(sa, b);
        for (int i = 0; i < b; i++) {
            firstIsMin[i] = p1[i] <= p2[i];
            qMin[i] = Math.min(p1[i], p2[i]);
        }
        float loss = ActorLoss.compute(logProb, qMin, b, alpha, dLogProb, dQ);
        // dL/da through the smaller of the two critics, row by row
        java.util.Arrays.fill(dAction, 0, b * a, 0f);
        for (int i = 0; i < b; i++) {
            dQ2[i] = firstIsMin[i] ? 0f : dQ[i];
            dQ1[i] = firstIsMin[i] ? dQ[i] : 0f;
        }
        critics.q2.backward(dQ2, dSa, GradMode.NONE);
        ActorHead.addTail(dSa, o + a, a, b, dAction);
        critics.q1.backward(dQ1, dSa, GradMode.NONE);
        ActorHead.addTail(dSa, o + a, a, b, dAction);
        TanhGaussian.sampleBackward(mean, rawLogStd, noise, b, a, dAction, dLogProb, dMean, dRaw);
        ActorHead.join(dMean, dRaw, b, a, dHead);
        actor.backward(dHead, null, GradMode.OVERWRITE);
        return loss;
    }

    @Override
    public void act(float[] observations, int n, boolean deterministic, Rng rng, float[] out) {
        ActorHead.act(actor.infer(observations, n), n, actionDim, deterministic, rng, out);
    }

    private void ensure(int b) {
        if (b <= cap) {
            return;
        }
        int o = obsDim;
        int a = actionDim;
        obs = new float[b * o];
        nextObs = new float[b * o];
        sa = new float[b * (o + a)];
        mean = new float[b * a];
        rawLogStd = new float[b * a];
        noise = new float[b * a];
        action = new float[b * a];
        logProb = new float[b];
        target = new float[b];
        dQ1 = new float[b];
        dQ2 = new float[b];
        qMin = new float[b];
        firstIsMin = new boolean[b];
        dLogProb = new float[b];
        dQ = new float[b];
        dSa = new float[b * (o + a)];
        dAction = new float[b * a];
        dMean = new float[b * a];
        dRaw = new float[b * a];
        dHead = new float[b * 2 * a];
        cap = b;
    }

    @Override
    public List<ParamStore> stores() {
        return List.of(actorParams, criticParams, targetParams, alphaParams);
    }

    @Override
    public Map<ParamStore, Adam> optimisers() {
        Map<ParamStore, Adam> m = new LinkedHashMap<>();
        m.put(actorParams, actorAdam);
        m.put(criticParams, criticAdam);
        m.put(alphaParams, alphaAdam);
        return m;
    }

}
