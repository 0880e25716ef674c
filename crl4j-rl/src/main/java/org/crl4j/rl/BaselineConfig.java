package org.crl4j.rl;

/**
 * Which algorithm a run trains, and the hyper-parameters of the baselines (contrastive RL's are {@link CrlConfig},
 * which also gives every algorithm its network shapes). Defaults are JaxGCRL's ({@code agents/sac}, {@code agents/td3};
 * docs/research/baselines.md), except where the field says.
 *
 * @param algo                 the algorithm
 * @param discount             γ of the TD targets of SAC and TD3 (JaxGCRL: 0.9)
 * @param tau                  Polyak rate of the target networks, per update (0.005)
 * @param sacLr                Adam learning rate of SAC's actor and critics (1e-4); log α uses CrlConfig's alpha-lr
 *                             (3e-4, JaxGCRL's fixed value) and its target entropy −entropy-param·|A|
 * @param td3Lr                Adam learning rate of TD3's actor and critics (3e-4)
 * @param gcbcLr               Adam learning rate of GCBC's actor (3e-4, OGBench's)
 * @param herRatio             fraction of rows relabelled with a future goal by sac_her and td3_her (0.5; see the
 *                             option's help for how this relates to JaxGCRL's "final" strategy)
 * @param explorationNoise     TD3's acting noise σ (0.4)
 * @param explorationNoiseClip TD3's acting noise clip (0.5)
 * @param policyDelay          TD3's critic updates per actor and target update (2)
 * @param targetNoise          TD3's target-policy smoothing σ (0.2)
 * @param targetNoiseClip      TD3's target-policy smoothing clip (0.5)
 * @param ppoLr                Adam learning rate of PPO's policy and value networks (1e-4)
 * @param ppoEpochs            passes of PPO over each unroll (2)
 * @param clipEpsilon          PPO's ratio clip ε (0.3)
 * @param gaeLambda            PPO's GAE λ (0.95)
 * @param entropyCost          PPO's entropy bonus coefficient (1e-4)
 */
public record BaselineConfig(Algo algo, float discount, float tau, float sacLr, float td3Lr, float gcbcLr,
                             float herRatio, float explorationNoise, float explorationNoiseClip, int policyDelay,
                             float targetNoise, float targetNoiseClip, float ppoLr, int ppoEpochs, float clipEpsilon,
                             float gaeLambda, float entropyCost) {

    public BaselineConfig {
        if (!(discount >= 0 && discount < 1)) {
            throw new IllegalArgumentException("--discount must be in [0, 1), got " + discount);
        }
        if (!(tau > 0 && tau <= 1)) {
            throw new IllegalArgumentException("--tau must be in (0, 1], got " + tau);
        }
        if (!(herRatio >= 0 && herRatio <= 1)) {
            throw new IllegalArgumentException("--her-ratio must be in [0, 1], got " + herRatio);
        }
        if (policyDelay < 1) {
            throw new IllegalArgumentException("--policy-delay must be at least 1, got " + policyDelay);
        }
        if (ppoEpochs < 1) {
            throw new IllegalArgumentException("--ppo-epochs must be at least 1, got " + ppoEpochs);
        }
        if (!(gaeLambda >= 0 && gaeLambda <= 1)) {
            throw new IllegalArgumentException("--gae-lambda must be in [0, 1], got " + gaeLambda);
        }
    }

    /** JaxGCRL's defaults for {@code algo}. */
    public static BaselineConfig defaults(Algo algo) {
        return new BaselineConfig(algo, 0.9f, 0.005f, 1e-4f, 3e-4f, 3e-4f, 0.5f, 0.4f, 0.5f, 2, 0.2f, 0.5f, 1e-4f, 2, 0.3f,
                0.95f, 1e-4f);
    }

    /** Contrastive RL (the baseline fields unused). */
    public static final BaselineConfig CRL = defaults(Algo.CRL);

    /** The fraction of a batch's rows given a future goal: all for CRL and GCBC, her-ratio for HER, none else. */
    public double relabelProbability() {
        return switch (algo) {
            case CRL, GCBC, PPO -> 1.0; // PPO reads no replay batches: any value does
            case SAC_HER, TD3_HER -> herRatio;
            case SAC, TD3 -> 0.0;
        };
    }
}
