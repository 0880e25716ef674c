package org.crl4j.envs.reacher;

import java.util.List;

import org.crl4j.envs.EnvFactory;
import org.crl4j.envs.EnvSpec;

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
        return EnvFactory.of(Reacher.SPEC, (n, pool, mode) -> new SpringReacher(Reacher.SPEC, n, pool, mode,
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
        return EnvFactory.of(spec, (n, pool, mode) -> new ArticulatedReacher(spec, n, pool, mode, model));
    }
}
