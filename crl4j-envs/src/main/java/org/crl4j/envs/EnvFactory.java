package org.crl4j.envs;

import org.crl4j.core.Parallel;

/** One registry entry: an id, its spec, and how to build N copies. */
public interface EnvFactory {
    EnvSpec spec();

    VecEnv create(int numEnvs, Parallel pool, VecEnv.ResetMode resetMode);

    /** How a task builds its N environments. */
    @FunctionalInterface
    interface Maker {
        VecEnv make(int numEnvs, Parallel pool, VecEnv.ResetMode resetMode);
    }

    /** The entry for {@code spec}, built by {@code maker}; it prints as its spec. */
    static EnvFactory of(EnvSpec spec, Maker maker) {
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
