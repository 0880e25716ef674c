package org.crl4j.envs.reacher;

import java.util.List;

import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.VecEnv;
import org.crl4j.nn.Parallel;

/** Registry entries for the reacher task. */
public final class Reachers {
    private Reachers() {
    }

    /** The built-in entries: {@code reacher} on the spring physics the paper trained on. */
    public static List<EnvFactory> factories() {
        return List.of(spring());
    }

    /** {@code reacher}: {@link SpringReacher} with {@link SpringModel#brax()}. */
    public static EnvFactory spring() {
        return factory(Reacher.SPEC, (n, pool, mode) -> new SpringReacher(Reacher.SPEC, n, pool, mode,
                SpringModel.brax()));
    }

    /**
     * An articulated (minimal-coordinate) reacher under another id, e.g.
     * {@code articulated("reacher_generalized", ArticulatedModel.generalized())}.
     */
    public static EnvFactory articulated(String id, ArticulatedModel model) {
        EnvSpec base = Reacher.SPEC;
        EnvSpec spec = new EnvSpec(id, "2-link planar arm reaching a target (articulated rigid-body physics)",
                base.stateDim(), base.goalIndices(), base.actionDim(), base.successThreshold(),
                base.episodeLength());
        return factory(spec, (n, pool, mode) -> new ArticulatedReacher(spec, n, pool, mode, model));
    }

    private interface Maker {
        VecEnv make(int numEnvs, Parallel pool, VecEnv.ResetMode mode);
    }

    private static EnvFactory factory(EnvSpec spec, Maker maker) {
        return new EnvFactory() {
            @Override
            public EnvSpec spec() {
                return spec;
            }

            @Override
            public VecEnv create(int numEnvs, Parallel pool, VecEnv.ResetMode resetMode) {
                return maker.make(numEnvs, pool, resetMode);
            }

            @Override
            public String toString() {
                return spec.toString();
            }
        };
    }
}
