package org.crl4j.rl;

import java.util.Locale;

/**
 * The learning algorithms {@code train --algo} offers. Contrastive RL is the method of the paper; the others are the
 * baselines it measures against (its Figure 13), on the same residual networks, environments, replay and
 * evaluation. Each reads top to bottom in one file.
 */
public enum Algo {
    /** Contrastive RL: InfoNCE critic over future states, no reward ({@link CrlAgent}). */
    CRL("crl", "contrastive RL (InfoNCE critic over future states; no reward)"),
    /** Soft actor-critic on the sparse reward of the commanded goal ({@link SacAgent}). */
    SAC("sac", "soft actor-critic, sparse reward of the commanded goal"),
    /** SAC with hindsight relabelling ({@link SacAgent}). */
    SAC_HER("sac_her", "SAC with hindsight (future-state) goal relabelling"),
    /** TD3 on the sparse reward of the commanded goal ({@link Td3Agent}). */
    TD3("td3", "TD3, sparse reward of the commanded goal"),
    /** TD3 with hindsight relabelling ({@link Td3Agent}). */
    TD3_HER("td3_her", "TD3 with hindsight (future-state) goal relabelling"),
    /** PPO on the sparse reward of the commanded goal, on-policy ({@link PpoAgent}). */
    PPO("ppo", "PPO, on-policy, sparse reward of the commanded goal"),
    /** Goal-conditioned behaviour cloning of the run's own data, goals from the future ({@link GcbcAgent}). */
    GCBC("gcbc", "goal-conditioned behaviour cloning of the run's own replay, future-state goals (GCSL-style)");

    private final String id;
    private final String description;

    Algo(String id, String description) {
        this.id = id;
        this.description = description;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** Whether it learns from the sparse reward of replayed transitions (so the replay keeps each step's outcome). */
    public boolean usesReward() {
        return this == SAC || this == SAC_HER || this == TD3 || this == TD3_HER;
    }

    /** Whether it learns from each unroll as it is collected rather than from the replay. */
    public boolean onPolicy() {
        return this == PPO;
    }

    public static Algo parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT).replace('-', '_').replace('+', '_');
        for (Algo a : values()) {
            if (a.id.equals(k)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown algorithm '" + s + "'; use one of " + ids());
    }

    public static String ids() {
        StringBuilder b = new StringBuilder();
        for (Algo a : values()) {
            b.append(b.length() == 0 ? "" : ", ").append(a.id);
        }
        return b.toString();
    }
}
