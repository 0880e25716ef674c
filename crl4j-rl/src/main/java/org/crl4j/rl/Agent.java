package org.crl4j.rl;

import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.Adam;
import org.crl4j.nn.ParamStore;
import org.crl4j.rl.ranks.GradientReducer;

/**
 * What the trainer, the evaluator and checkpoints need of a learning algorithm ({@link Algo}): act, take one SGD
 * step on a {@link ReplayBatch}, and expose its parameters and optimisers. Each implementation is one file that
 * reads top to bottom.
 */
public interface Agent {
    Algo algo();

    int stateDim();

    int actionDim();

    int goalDim();

    /** The network shapes (and, for contrastive RL, its losses). */
    CrlConfig config();

    /** The baselines' hyper-parameters ({@link BaselineConfig#CRL} for contrastive RL). */
    BaselineConfig baseline();

    /** Initialises every parameter from {@code rng}. */
    void init(Rng rng);

    /**
     * Actions for {@code n} observation rows (state ‖ goal): the evaluation action when {@code deterministic}, else
     * the exploration action, with noise from {@code rng}.
     */
    void act(float[] observations, int n, boolean deterministic, Rng rng, float[] out);

    /** One SGD step on {@code batch}; gradients averaged over data-parallel ranks by {@code reducer}. */
    TrainingMetrics.Step sgdStep(ReplayBatch batch, Rng rng, GradientReducer reducer);

    /** Every parameter store, in checkpoint order (targets included); tensor names are unique across them. */
    List<ParamStore> stores();

    /** The optimiser of each store that has one, in checkpoint order. */
    Map<ParamStore, Adam> optimisers();

    /** Seconds in the actor, the critic and the ranks' all-reduce since the last call; resets them. */
    double[] takeActorCriticSeconds();

    /**
     * A 64-bit fingerprint of every parameter, Adam moment and step count: data-parallel ranks compare it every
     * epoch.
     */
    default long fingerprint() {
        long h = 0xcbf29ce484222325L;
        for (Adam adam : optimisers().values()) {
            h = mix(h, adam.step());
        }
        for (ParamStore ps : stores()) {
            h = mix(h, ps.params());
        }
        for (Adam adam : optimisers().values()) {
            h = mix(h, adam.firstMoment());
            h = mix(h, adam.secondMoment());
        }
        return h;
    }

    private static long mix(long h, float[] a) {
        h = mix(h, a.length);
        for (float v : a) {
            h = mix(h, Float.floatToRawIntBits(v));
        }
        return h;
    }

    private static long mix(long h, long v) {
        h ^= v;
        h *= 0x100000001b3L; // FNV-1a's prime, then a finaliser so that nearby inputs spread
        return h ^ (h >>> 29);
    }

    /** A fresh, uninitialised agent of {@code baseline.algo()}. */
    static Agent create(int stateDim, int actionDim, int goalDim, CrlConfig config, BaselineConfig baseline,
                        Parallel pool) {
        return switch (baseline.algo()) {
            case CRL -> new CrlAgent(stateDim, actionDim, goalDim, config, pool);
            case SAC, SAC_HER -> new SacAgent(stateDim, actionDim, goalDim, config, baseline, pool);
            case TD3, TD3_HER -> new Td3Agent(stateDim, actionDim, goalDim, config, baseline, pool);
            case GCBC -> new GcbcAgent(stateDim, actionDim, goalDim, config, baseline, pool);
            case PPO -> new PpoAgent(stateDim, actionDim, goalDim, config, baseline, pool);
        };
    }
}
