package org.crl4j.envs;

import org.crl4j.nn.Parallel;

/** One registry entry: an id, its spec, and how to build N copies. */
public interface EnvFactory {
    EnvSpec spec();

    VecEnv create(int numEnvs, Parallel pool, VecEnv.ResetMode resetMode);
}
