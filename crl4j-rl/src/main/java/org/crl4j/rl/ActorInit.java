package org.crl4j.rl;

import java.util.Locale;

import org.crl4j.nn.ResidualMlp;

/**
 * How an actor's head starts. The paper initialises it like every other layer, which lets the head's raw outputs
 * grow with depth (each residual block adds to the stream and nothing normalises the sum before the head): at depth
 * 32, 30 % of action dimensions start with log σ below −3 (docs/results.md), a nearly deterministic policy. The
 * other modes start the head at a depth-independent point; the trunk and the rest of the head keep the paper's
 * initialisation, and the random draws are the same in every mode.
 */
public enum ActorInit {
    /** The paper's: the head like every layer, U(±1/√width) kernel, zero bias. */
    PAPER,
    /** The log-std half of the head zeroed: every dimension starts at raw 0, log σ = −1.5, σ ≈ 0.22. */
    ZERO_LOG_STD,
    /** The whole head zeroed: mean 0 and log σ = −1.5 everywhere (a deterministic head starts at action 0). */
    ZERO_HEAD;

    public static ActorInit parse(String s) {
        for (ActorInit i : values()) {
            if (i.cliName().equals(s)) {
                return i;
            }
        }
        throw new IllegalArgumentException("unknown actor-init '" + s + "'; use paper, zero-log-std or zero-head");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Applies this mode to a freshly initialised actor whose head is [μ ‖ raw log σ] ({@code gaussian}, 2·A outputs)
     * or a deterministic [μ] (A outputs).
     */
    public void apply(ResidualMlp actor, int actionDim, boolean gaussian) {
        switch (this) {
            case PAPER -> { }
            case ZERO_LOG_STD -> {
                if (gaussian) {
                    actor.zeroHeadOutputs(actionDim, 2 * actionDim);
                }
            }
            case ZERO_HEAD -> actor.zeroHeadOutputs(0, actor.outDim());
        }
    }
}
