package org.crl4j.rl;

import org.crl4j.core.Parallel;

/**
 * What every agent holds alike: its sizes, network shapes and hyper-parameters, the pool, and the time its
 * SGD steps spend in the actor and in the critic (or value network). Each subclass is one algorithm, top to bottom.
 */
abstract class AbstractAgent implements Agent {
    final int stateDim;
    final int actionDim;
    final int goalDim;
    /** Rows the actor (and a value network) read: state ‖ goal. */
    final int obsDim;
    final CrlConfig config;
    final BaselineConfig baseline;
    final Parallel pool;
    long actorNanos;
    long criticNanos;

    AbstractAgent(int stateDim, int actionDim, int goalDim, CrlConfig config, BaselineConfig baseline, Parallel pool) {
        this.stateDim = stateDim;
        this.actionDim = actionDim;
        this.goalDim = goalDim;
        this.obsDim = stateDim + goalDim;
        this.config = config;
        this.baseline = baseline;
        this.pool = pool;
    }

    @Override
    public Algo algo() {
        return baseline.algo();
    }

    @Override
    public int stateDim() {
        return stateDim;
    }

    @Override
    public int actionDim() {
        return actionDim;
    }

    @Override
    public int goalDim() {
        return goalDim;
    }

    @Override
    public CrlConfig config() {
        return config;
    }

    @Override
    public BaselineConfig baseline() {
        return baseline;
    }

    @Override
    public double[] takeActorCriticSeconds() {
        double[] r = {actorNanos / 1e9, criticNanos / 1e9, 0}; // one process: no all-reduce
        actorNanos = 0;
        criticNanos = 0;
        return r;
    }
}
