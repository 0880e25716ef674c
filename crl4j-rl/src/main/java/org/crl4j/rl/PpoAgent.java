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
 * PPO (Schulman et al. 2017) on the sparse goal-reaching reward of the commanded goal, the baseline {@code ppo};
 * JaxGCRL's {@code agents/ppo} with Brax's loss. On-policy: the trainer hands it every step of a training step's
 * unroll ({@link #record}, {@link #recordOutcome}; the replay is not read), and {@link #update} learns from that
 * unroll and forgets it:
 * <ol>
 *   <li>With the parameters that acted: values V(o_t), V(o_T) after the last step, and log π_old(a_t|o_t).</li>
 *   <li>GAE per environment, backwards: δ_t = (r_t + γ(1 − term_t)V_{t+1} − V_t)(1 − trunc_t),
 *       A_t = δ_t + γλ(1 − term_t)(1 − trunc_t)A_{t+1}; value targets A_t + V_t (a truncated step keeps its value:
 *       its successor is the next episode's start).</li>
 *   <li>{@code ppo-epochs} passes over the unroll's steps in a random order, in minibatches of batch-size rows; per
 *       minibatch, advantages normalised, ρ = exp(log π − log π_old), L = −mean min(ρA, clip(ρ, 1 ± ε)A)
 *       + 0.25·mean(V − target)² − c·mean H, one Adam step for the policy and one for the value network.</li>
 * </ol>
 * H is the Gaussian entropy before the tanh, Σ(log σ + ½ log 2πe) (Brax adds a one-sample estimate of the tanh
 * term). Networks: the policy is contrastive RL's actor (trunk over s ‖ g, tanh-Gaussian head), the value a trunk of
 * the critic's depth and width over s ‖ g; JaxGCRL uses 4 × 32 and 5 × 256 swish MLPs. Advantages are computed once
 * per unroll (CleanRL's order), where Brax recomputes them per minibatch.
 */
public final class PpoAgent extends AbstractAgent {
    private static final double HALF_LOG_TWO_PI_E = 0.5 * Math.log(2 * Math.PI * Math.E);


    final ParamStore policyParams = new ParamStore();
    final ParamStore valueParams = new ParamStore();
    private final ResidualMlp policy;
    private final ResidualMlp value;
    final Adam policyAdam;
    final Adam valueAdam;

    // the unroll: step t of env e at row t·numEnvs + e
    private int numEnvs;
    private int steps;
    private float[] obs = new float[0];
    private float[] actions = new float[0];
    private float[] rewards = new float[0];
    private float[] terminated = new float[0];
    private float[] truncated = new float[0];
    // per row, computed by update
    private float[] oldLogProb = new float[0];
    private float[] advantages = new float[0];
    private float[] targets = new float[0];
    private int[] order = new int[0];

    // minibatch scratch
    private int cap;
    private float[] bObs;
    private float[] bActions;
    private float[] bAdv;
    private float[] bOld;
    private float[] bTarget;
    private float[] mean;
    private float[] rawLogStd;
    private float[] logProb;
    private float[] dLogProb;
    private float[] dMean;
    private float[] dRaw;
    private float[] dHead;
    private float[] dValue;

    /** The metrics of one minibatch update. */
    public record StepMetrics(float policyLoss, float valueLoss, float entropy, float approxKl, float clipFraction)
            implements TrainingMetrics.Step {
        @Override
        public void forEach(java.util.function.ObjDoubleConsumer<String> out) {
            out.accept("actor_loss", policyLoss);
            out.accept("critic_loss", valueLoss);
            out.accept("entropy", entropy);
            out.accept("approx_kl", approxKl);
            out.accept("clip_fraction", clipFraction);
        }
    }

    public PpoAgent(int stateDim, int actionDim, int goalDim, CrlConfig config, BaselineConfig baseline, Parallel pool) {
        super(stateDim, actionDim, goalDim, config, baseline, pool);
        this.policy = new ResidualMlp(pool, policyParams, "actor", obsDim, 2 * actionDim, config.actorMlp());
        this.value = new ResidualMlp(pool, valueParams, "value", obsDim, 1, config.criticMlp());
        policyParams.allocate();
        valueParams.allocate();
        this.policyAdam = new Adam(policyParams, baseline.ppoLr());
        this.valueAdam = new Adam(valueParams, baseline.ppoLr());
    }

    @Override
    public void init(Rng rng) {
        policy.init(rng.split());
        config().actorInit().apply(policy, actionDim, true);
        value.init(rng.split());
    }

    // ---- the unroll ---------------------------------------------------------------------------------------------

    /** Appends one step of every environment: its observation rows (state ‖ commanded goal) and the actions taken. */
    public void record(float[] observations, float[] acted, int envs) {
        if (steps == 0) {
            numEnvs = envs;
        } else if (envs != numEnvs) {
            throw new IllegalArgumentException("an unroll of " + numEnvs + " environments, given " + envs);
        }
        int rows = (steps + 1) * envs;
        if (obs.length < rows * obsDim) {
            int grown = Math.max(rows, 2 * steps * envs);
            obs = java.util.Arrays.copyOf(obs, grown * obsDim);
            actions = java.util.Arrays.copyOf(actions, grown * actionDim);
            rewards = java.util.Arrays.copyOf(rewards, grown);
            terminated = java.util.Arrays.copyOf(terminated, grown);
            truncated = java.util.Arrays.copyOf(truncated, grown);
        }
        System.arraycopy(observations, 0, obs, steps * envs * obsDim, envs * obsDim);
        System.arraycopy(acted, 0, actions, steps * envs * actionDim, envs * actionDim);
    }

    /** The outcome of the step {@link #record} just appended: the environments' rewards and how their episodes ended. */
    public void recordOutcome(float[] reward, boolean[] term, boolean[] trunc) {
        int off = steps * numEnvs;
        for (int e = 0; e < numEnvs; e++) {
            rewards[off + e] = reward[e];
            terminated[off + e] = term[e] ? 1f : 0f;
            truncated[off + e] = trunc[e] ? 1f : 0f;
        }
        steps++;
    }

    // ---- learning -----------------------------------------------------------------------------------------------

    /**
     * Learns from the recorded unroll ({@code lastObservations}: every environment's observation after its last
     * step) and clears it; adds each minibatch's metrics to {@code into}; returns the SGD steps taken.
     */
    public int update(float[] lastObservations, int batchSize, Rng rng, TrainingMetrics into) {
        int n = steps * numEnvs;
        if (n < batchSize) {
            throw new IllegalArgumentException("an unroll of " + n + " steps is smaller than --batch-size " + batchSize);
        }
        long t0 = System.nanoTime();
        prepare(lastObservations);
        long t1 = System.nanoTime();
        criticNanos += t1 - t0;
        int sgd = 0;
        for (int epoch = 0; epoch < baseline.ppoEpochs(); epoch++) {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int k = 0; k + batchSize <= n; k += batchSize) {
                gather(k, batchSize);
                into.add(minibatchStep(batchSize));
                sgd++;
            }
        }
        steps = 0;
        return sgd;
    }

    /** Values, old log-probabilities, advantages and value targets of every recorded row. */
    private void prepare(float[] lastObservations) {
        int n = steps * numEnvs;
        if (oldLogProb.length < n) {
            oldLogProb = new float[n];
            advantages = new float[n];
            targets = new float[n];
            order = new int[n];
        }
        float[] values = value.infer(obs, n).clone();
        float[] boot = value.infer(lastObservations, numEnvs).clone();
        System.arraycopy(logProbs(obs, actions, n), 0, oldLogProb, 0, n);
        gae(values, boot, rewards, terminated, truncated, steps, numEnvs, baseline.discount(), baseline.gaeLambda(),
                advantages, targets);
    }

    /**
     * Generalised advantage estimation over an unroll of {@code t} steps × {@code envs} (row s·envs + e), bootstrapped
     * with {@code boot}; writes advantages and value targets.
     */
    static void gae(float[] values, float[] boot, float[] rewards, float[] term, float[] trunc, int t, int envs,
                    double gamma, double lambda, float[] adv, float[] target) {
        for (int e = 0; e < envs; e++) {
            double next = 0;
            for (int s = t - 1; s >= 0; s--) {
                int i = s * envs + e;
                double nextValue = s == t - 1 ? boot[e] : values[i + envs];
                double live = 1 - term[i];
                double keep = 1 - trunc[i];
                double delta = (rewards[i] + gamma * live * nextValue - values[i]) * keep;
                next = delta + gamma * lambda * live * keep * next;
                adv[i] = (float) next;
                target[i] = (float) (next + values[i]);
            }
        }
    }

    private void gather(int from, int b) {
        ensure(b);
        for (int r = 0; r < b; r++) {
            int i = order[from + r];
            System.arraycopy(obs, i * obsDim, bObs, r * obsDim, obsDim);
            System.arraycopy(actions, i * actionDim, bActions, r * actionDim, actionDim);
            bAdv[r] = advantages[i];
            bOld[r] = oldLogProb[i];
            bTarget[r] = targets[i];
        }
        double mu = 0;
        for (int r = 0; r < b; r++) {
            mu += bAdv[r];
        }
        mu /= b;
        double var = 0;
        for (int r = 0; r < b; r++) {
            var += (bAdv[r] - mu) * (bAdv[r] - mu);
        }
        double sd = Math.sqrt(var / b);
        for (int r = 0; r < b; r++) {
            bAdv[r] = (float) ((bAdv[r] - mu) / (sd + 1e-8));
        }
    }

    private StepMetrics minibatchStep(int b) {
        long t0 = System.nanoTime();
        float[] p = policyLossAndGradient(b);
        policyAdam.update(pool);
        long t1 = System.nanoTime();
        float valueLoss = valueLossAndGradient(b);
        valueAdam.update(pool);
        actorNanos += t1 - t0;
        criticNanos += System.nanoTime() - t1;
        return new StepMetrics(p[0], valueLoss, p[1], p[2], p[3]);
    }

    /**
     * The clipped surrogate plus the entropy bonus on the gathered minibatch; overwrites the policy's gradients.
     * Returns {loss, mean entropy, approximate KL (mean of log π_old − log π), fraction of rows clipped}.
     */
    float[] policyLossAndGradient(int b) {
        int a = actionDim;
        ActorHead.split(policy.forward(bObs, b), b, a, mean, rawLogStd);
        TanhGaussian.logProbOf(mean, rawLogStd, bActions, b, a, logProb);
        double eps = baseline.clipEpsilon();
        double loss = 0;
        double kl = 0;
        int clipped = 0;
        for (int i = 0; i < b; i++) {
            double ratio = Math.exp((double) logProb[i] - bOld[i]);
            double unclipped = ratio * bAdv[i];
            double clip = Math.max(1 - eps, Math.min(1 + eps, ratio)) * bAdv[i];
            loss -= Math.min(unclipped, clip);
            // the gradient flows through ρ only where the unclipped term is the smaller one
            dLogProb[i] = unclipped <= clip ? (float) (-bAdv[i] * ratio / b) : 0f;
            kl += bOld[i] - logProb[i];
            clipped += Math.abs(ratio - 1) > eps ? 1 : 0;
        }
        TanhGaussian.logProbOfBackward(mean, rawLogStd, bActions, b, a, dLogProb, dMean, dRaw);
        double entropy = 0;
        double c = baseline.entropyCost();
        for (int k = 0; k < b * a; k++) {
            entropy += TanhGaussian.logStd(rawLogStd[k]) + HALF_LOG_TWO_PI_E;
            double t = Math.tanh(rawLogStd[k]);
            // d(−c·mean H)/d raw = −c/b · dlog σ/d raw
            dRaw[k] += (float) (-c / b * 0.5 * (TanhGaussian.LOG_STD_MAX - TanhGaussian.LOG_STD_MIN) * (1 - t) * (1 + t));
        }
        entropy /= b;
        loss = loss / b - c * entropy;
        ActorHead.join(dMean, dRaw, b, a, dHead);
        policy.backward(dHead, null, GradMode.OVERWRITE);
        return new float[] {(float) loss, (float) entropy, (float) (kl / b), (float) clipped / b};
    }

    /** 0.25·mean(V − target)² on the gathered minibatch; overwrites the value network's gradients. */
    float valueLossAndGradient(int b) {
        float[] v = value.forward(bObs, b);
        double loss = 0;
        for (int i = 0; i < b; i++) {
            double e = v[i] - bTarget[i];
            loss += e * e;
            dValue[i] = (float) (0.5 * e / b);
        }
        value.backward(dValue, null, GradMode.OVERWRITE);
        return (float) (0.25 * loss / b);
    }

    /** log π(a | o) of {@code n} rows under the current policy (inference). */
    float[] logProbs(float[] o, float[] act, int n) {
        float[] m = new float[n * actionDim];
        float[] r = new float[n * actionDim];
        ActorHead.split(policy.infer(o, n), n, actionDim, m, r);
        float[] lp = new float[n];
        TanhGaussian.logProbOf(m, r, act, n, actionDim, lp);
        return lp;
    }

    /** For tests: sets the gathered minibatch directly (observations, actions, advantages, old log π, targets). */
    void setMinibatch(float[] o, float[] act, float[] adv, float[] old, float[] target, int b) {
        ensure(b);
        System.arraycopy(o, 0, bObs, 0, b * obsDim);
        System.arraycopy(act, 0, bActions, 0, b * actionDim);
        System.arraycopy(adv, 0, bAdv, 0, b);
        System.arraycopy(old, 0, bOld, 0, b);
        System.arraycopy(target, 0, bTarget, 0, b);
    }

    private void ensure(int b) {
        if (b <= cap) {
            return;
        }
        int a = actionDim;
        bObs = new float[b * obsDim];
        bActions = new float[b * a];
        bAdv = new float[b];
        bOld = new float[b];
        bTarget = new float[b];
        mean = new float[b * a];
        rawLogStd = new float[b * a];
        logProb = new float[b];
        dLogProb = new float[b];
        dMean = new float[b * a];
        dRaw = new float[b * a];
        dHead = new float[b * 2 * a];
        dValue = new float[b];
        cap = b;
    }

    /** PPO learns from its unroll ({@link #update}), not from replay batches. */
    @Override
    public TrainingMetrics.Step sgdStep(ReplayBatch batch, Rng rng, GradientReducer reducer) {
        throw new UnsupportedOperationException("PPO learns from its own unroll (update), not from replay batches");
    }

    @Override
    public void act(float[] observations, int n, boolean deterministic, Rng rng, float[] out) {
        ActorHead.act(policy.infer(observations, n), n, actionDim, deterministic, rng, out);
    }

    @Override
    public List<ParamStore> stores() {
        return List.of(policyParams, valueParams);
    }

    @Override
    public Map<ParamStore, Adam> optimisers() {
        Map<ParamStore, Adam> m = new LinkedHashMap<>();
        m.put(policyParams, policyAdam);
        m.put(valueParams, valueAdam);
        return m;
    }

}
