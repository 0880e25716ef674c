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
import org.crl4j.rl.ranks.GradientReducer;

/**
 * TD3 (Fujimoto et al. 2018) on the sparse goal-reaching reward, the baseline {@code td3} and, with hindsight goals,
 * {@code td3_her}; JaxGCRL's {@code agents/td3}. A deterministic actor μ(o) = tanh(head(o)), o = s ‖ g, and two
 * critics. One SGD step, {@link #sgdStep}:
 * <ol>
 *   <li>Critic: a' = clip(μ̄(o') + clip(N(0, σ̄²), ±c̄), ±1), y = r + γ·(1 − terminated)·min(Q̄₁, Q̄₂)(o', a'),
 *       L_Q = ½·mean over rows and both heads of ((Q_k(o, a) − y)·(1 − truncated))².</li>
 *   <li>Every {@code policy-delay}-th step (counted from 0): actor L_μ = −mean Q₁(o, μ(o)) through the critic
 *       before this step's update, then both targets θ̄ ← (1 − τ)·θ̄ + τ·θ.</li>
 * </ol>
 * Acting explores with a = μ(o) + clip(N(0, σ²), ±c), stored as acted (the environment clips to [−1, 1]).
 *
 * <p>Where this differs from JaxGCRL on purpose (docs/baselines.md): a truncated row is dropped from the critic loss,
 * as SAC does, where JaxGCRL's TD3 treats a timeout as a termination; and the target actor is a true Polyak average
 * (JaxGCRL's averages the online actor before and after its step, so its target lags by one step only).
 */
public final class Td3Agent extends AbstractAgent {

    final ParamStore actorParams = new ParamStore();
    final ParamStore criticParams = new ParamStore();
    final ParamStore targetActorParams = new ParamStore();
    final ParamStore targetCriticParams = new ParamStore();
    private final ResidualMlp actor;
    private final ResidualMlp targetActor;
    private final TwinCritics critics;
    final Adam actorAdam;
    final Adam criticAdam;

    private int cap;
    private float[] obs;
    private float[] nextObs;
    private float[] sa;
    private float[] action;
    private float[] target;
    private float[] qMin;
    private float[] dQ;
    private float[] dSa;
    private float[] dHead;

    /** The metrics of one step; the actor loss only on steps that update the actor (NaN on the others). */
    public record StepMetrics(float actorLoss, float criticLoss, float qMean, float targetMean, float rewardMean)
            implements TrainingMetrics.Step {
        @Override
        public void forEach(java.util.function.ObjDoubleConsumer<String> out) {
            if (!Float.isNaN(actorLoss)) {
                out.accept("actor_loss", actorLoss);
            }
            out.accept("critic_loss", criticLoss);
            out.accept("q_mean", qMean);
            out.accept("target_mean", targetMean);
            out.accept("reward_mean", rewardMean);
        }
    }

    public Td3Agent(int stateDim, int actionDim, int goalDim, CrlConfig config, BaselineConfig baseline, Parallel pool) {
        super(stateDim, actionDim, goalDim, config, baseline, pool);
        this.actor = new ResidualMlp(pool, actorParams, "actor", obsDim, actionDim, config.actorMlp());
        this.critics = new TwinCritics(pool, criticParams, targetCriticParams, obsDim + actionDim, config.criticMlp());
        this.targetActor = new ResidualMlp(pool, targetActorParams, "target_actor", obsDim, actionDim, config.actorMlp());
        actorParams.allocate();
        criticParams.allocate();
        targetActorParams.allocate();
        targetCriticParams.allocate();
        this.actorAdam = new Adam(actorParams, baseline.td3Lr());
        this.criticAdam = new Adam(criticParams, baseline.td3Lr());
    }

    @Override
    public void init(Rng rng) {
        actor.init(rng.split());
        config().actorInit().apply(actor, actionDim, false);
        critics.init(rng);
        System.arraycopy(actorParams.params(), 0, targetActorParams.params(), 0, actorParams.size());
    }

    @Override
    public StepMetrics sgdStep(ReplayBatch batch, Rng rng, GradientReducer reducer) {
        boolean actorStep = criticAdam.step() % baseline.policyDelay() == 0; // the critic's Adam counts SGD steps
        long t0 = System.nanoTime();
        float[] critic = criticLossAndGradient(batch, rng);
        long t1 = System.nanoTime();
        float actorLoss = Float.NaN;
        if (actorStep) {
            actorLoss = actorLossAndGradient(batch);
            actorAdam.update(pool);
        }
        long t2 = System.nanoTime();
        criticAdam.update(pool);
        if (actorStep) {
            ActorHead.polyak(targetActorParams.params(), actorParams.params(), baseline.tau());
            critics.polyak(baseline.tau());
        }
        actorNanos += t2 - t1;
        criticNanos += (t1 - t0) + (System.nanoTime() - t2);
        return new StepMetrics(actorLoss, critic[0], critic[1], critic[2], critic[3]);
    }

    /** The critics' TD loss; overwrites their gradients. Returns {loss, mean Q₁, mean target, mean reward}. */
    float[] criticLossAndGradient(ReplayBatch batch, Rng rng) {
        int b = batch.rows;
        ensure(b);
        int o = obsDim;
        int a = actionDim;
        ActorHead.concatRows(batch.nextStates, stateDim, batch.goals, goalDim, b, nextObs);
        float[] head = targetActor.infer(nextObs, b);
        for (int k = 0; k < b * a; k++) {
            double smoothing = clip(baseline.targetNoise() * rng.nextGaussian(), baseline.targetNoiseClip());
            action[k] = (float) clip(Math.tanh(head[k]) + smoothing, 1.0);
        }
        ActorHead.concatRows(nextObs, o, action, a, b, sa);
        critics.targetMin(sa, b, qMin);
        double targetSum = 0;
        double rewardSum = 0;
        for (int i = 0; i < b; i++) {
            target[i] = (float) (batch.rewards[i] + baseline.discount() * (1 - batch.terminated[i]) * qMin[i]);
            targetSum += target[i];
            rewardSum += batch.rewards[i];
        }
        ActorHead.concatRows(batch.states, stateDim, batch.goals, goalDim, b, obs);
        ActorHead.concatRows(obs, o, batch.actions, a, b, sa);
        float[] td = critics.tdLossAndGradient(sa, target, batch.truncated, b);
        return new float[] {td[0], td[1], (float) (targetSum / b), (float) (rewardSum / b)};
    }

    /** Q₁ and Q₂ of the batch's states, goals and actions (inference; for tests). */
    float[][] criticValues(ReplayBatch batch) {
        int b = batch.rows;
        ensure(b);
        ActorHead.concatRows(batch.states, stateDim, batch.goals, goalDim, b, obs);
        ActorHead.concatRows(obs, obsDim, batch.actions, actionDim, b, sa);
        return new float[][] {critics.q1.infer(sa, b).clone(), critics.q2.infer(sa, b).clone()};
    }

    /** −mean Q₁(o, μ(o)) through the (unchanged) first critic; overwrites the actor's gradients. */
    float actorLossAndGradient(ReplayBatch batch) {
        int b = batch.rows;
        ensure(b);
        int o = obsDim;
        int a = actionDim;
        ActorHead.concatRows(batch.states, stateDim, batch.goals, goalDim, b, obs);
        float[] head = actor.forward(obs, b);
        for (int k = 0; k < b * a; k++) {
            action[k] = (float) Math.tanh(head[k]);
        }
        ActorHead.concatRows(obs, o, action, a, b, sa);
        float[] p = critics.q1.forward(sa, b);
        double loss = 0;
        for (int i = 0; i < b; i++) {
            loss -= p[i];
            dQ[i] = -1f / b;
        }
        critics.q1.backward(dQ, dSa, GradMode.NONE);
        for (int i = 0; i < b; i++) {
            for (int k = 0; k < a; k++) {
                float t = action[i * a + k];
                dHead[i * a + k] = dSa[i * (o + a) + o + k] * (1 - t * t);
            }
        }
        actor.backward(dHead, null, GradMode.OVERWRITE);
        return (float) (loss / b);
    }

    private static double clip(double v, double c) {
        return Math.max(-c, Math.min(c, v));
    }

    @Override
    public void act(float[] observations, int n, boolean deterministic, Rng rng, float[] out) {
        float[] head = actor.infer(observations, n);
        for (int k = 0; k < n * actionDim; k++) {
            double mu = Math.tanh(head[k]);
            out[k] = (float) (deterministic ? mu
                    : mu + clip(baseline.explorationNoise() * rng.nextGaussian(), baseline.explorationNoiseClip()));
        }
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
        action = new float[b * a];
        target = new float[b];
        qMin = new float[b];
        dQ = new float[b];
        dSa = new float[b * (o + a)];
        dHead = new float[b * a];
        cap = b;
    }

    @Override
    public List<ParamStore> stores() {
        return List.of(actorParams, criticParams, targetActorParams, targetCriticParams);
    }

    @Override
    public Map<ParamStore, Adam> optimisers() {
        Map<ParamStore, Adam> m = new LinkedHashMap<>();
        m.put(actorParams, actorAdam);
        m.put(criticParams, criticAdam);
        return m;
    }

}
