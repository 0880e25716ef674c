package org.crl4j.rl;

/**
 * The data side of a training run (the network side is {@link CrlConfig}). Names mirror the reference's
 * arguments; defaults in {@link #paper(String)} are the paper's.
 *
 * @param env                       task id
 * @param evalEnv                   task id for evaluation (the training task by default, as the reference)
 * @param numEnvs                   parallel environments collecting data (512)
 * @param totalEnvSteps             environment steps of the whole run, prefill included
 * @param numEpochs                 evaluations (and checkpoints) over the run
 * @param unrollLength              steps per environment per training step (62)
 * @param batchSize                 rows per SGD step (paper: 512)
 * @param numSgdBatchesPerTrainingStep cap on SGD steps per training step (800)
 * @param maxReplaySize             steps kept per environment (10000)
 * @param minReplaySize             steps per environment before training starts (1000)
 * @param episodeLength             steps per episode, and the relabelling window (1000)
 * @param gamma                     discount of the future-goal distribution (0.99)
 * @param numEvalEnvs               environments per evaluation (128)
 * @param seed                      seed of everything random
 */
public record TrainConfig(String env, String evalEnv, int numEnvs, long totalEnvSteps, int numEpochs, int unrollLength,
                          int batchSize, int numSgdBatchesPerTrainingStep, int maxReplaySize, int minReplaySize,
                          int episodeLength, double gamma, int numEvalEnvs, long seed) {

    public TrainConfig {
        require(numEnvs >= 1, "--num-envs must be at least 1");
        require(numEpochs >= 1, "--num-epochs must be at least 1");
        require(unrollLength >= 1, "--unroll-length must be at least 1");
        require(batchSize >= 2, "--batch-size must be at least 2 (the contrastive loss needs negatives)");
        require(numSgdBatchesPerTrainingStep >= 1, "--num-sgd-batches-per-training-step must be at least 1");
        require(episodeLength >= 2, "--episode-length must be at least 2");
        require(minReplaySize >= 1 && (long) ((minReplaySize + unrollLength - 1) / unrollLength) * unrollLength > episodeLength,
                "--min-replay-size (" + minReplaySize + ") rounded up to whole unrolls of " + unrollLength
                        + " must exceed --episode-length (" + episodeLength + "): a relabelling window is one episode long");
        require(maxReplaySize >= minReplaySize, "--max-replay-size must be at least --min-replay-size");
        require(gamma > 0 && gamma <= 1, "--gamma must be in (0, 1]");
        require(numEvalEnvs >= 1, "--num-eval-envs must be at least 1");
        require((long) numEnvs * (episodeLength - 1) >= batchSize, "--batch-size " + batchSize
                + " is larger than the " + (long) numEnvs * (episodeLength - 1)
                + " transitions a training step samples (num_envs × (episode_length − 1)); lower it or raise --num-envs");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Unrolls (collection steps of unrollLength) before the first update: ceil(minReplaySize / unrollLength). */
    public int prefillSteps() {
        return (minReplaySize + unrollLength - 1) / unrollLength;
    }

    public long envStepsPerTrainingStep() {
        return (long) numEnvs * unrollLength;
    }

    /** Training steps per epoch: (total − prefill env steps) / (epochs × env steps per training step), at least 1. */
    public long trainingStepsPerEpoch() {
        long prefill = (long) prefillSteps() * envStepsPerTrainingStep();
        return Math.max(1, (totalEnvSteps - prefill) / ((long) numEpochs * envStepsPerTrainingStep()));
    }

    /** Env steps of one epoch: its training steps × env steps per training step. */
    public long envStepsPerEpoch() {
        return trainingStepsPerEpoch() * envStepsPerTrainingStep();
    }

    /**
     * One line that says how --total-env-steps became the schedule, or null when it is taken exactly: the schedule
     * runs whole training steps (numEnvs × unrollLength env steps each), the prefill first and at least one training
     * step per epoch, so a budget that is not a multiple of them is rounded (down, or up when it is smaller than the
     * prefill plus one training step per epoch).
     */
    public String scheduleRounding() {
        long planned = plannedEnvSteps();
        if (planned == totalEnvSteps) {
            return null;
        }
        return String.format("--total-env-steps %,d %s to %,d env steps: a prefill of %,d, then %d epoch%s of %,d "
                        + "training step%s of %,d env steps (%d envs × unroll %d)", totalEnvSteps,
                planned < totalEnvSteps ? "rounded down" : "raised", planned,
                (long) prefillSteps() * envStepsPerTrainingStep(), numEpochs, numEpochs == 1 ? "" : "s",
                trainingStepsPerEpoch(), trainingStepsPerEpoch() == 1 ? "" : "s", envStepsPerTrainingStep(), numEnvs,
                unrollLength);
    }

    /** Env steps the schedule takes: the prefill, then every epoch (at most totalEnvSteps, rounded down to epochs). */
    public long plannedEnvSteps() {
        return (long) prefillSteps() * envStepsPerTrainingStep() + numEpochs * envStepsPerEpoch();
    }

    /**
     * This schedule continued to at least {@code envSteps}: more epochs of the same length (so the epochs already run
     * keep their evaluations and the training steps stay those of a longer run with epochs of this length). This
     * config unchanged when it already plans that many.
     */
    public TrainConfig extendedTo(long envSteps) {
        if (envSteps <= plannedEnvSteps()) {
            return this;
        }
        long prefill = (long) prefillSteps() * envStepsPerTrainingStep();
        long perEpoch = envStepsPerEpoch();
        long epochs = (envSteps - prefill + perEpoch - 1) / perEpoch;
        require(epochs <= Integer.MAX_VALUE, "--total-env-steps " + envSteps + " needs more than 2^31 epochs");
        // total = prefill + epochs × perEpoch exactly, so trainingStepsPerEpoch() is unchanged
        return new TrainConfig(env, evalEnv, numEnvs, prefill + epochs * perEpoch, (int) epochs, unrollLength, batchSize,
                numSgdBatchesPerTrainingStep, maxReplaySize, minReplaySize, episodeLength, gamma, numEvalEnvs, seed);
    }
}
