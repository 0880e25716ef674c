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
 * @param resetMode                 what a training environment restarts from when its episode ends: the start and
 *                                  goal of its first reset (SAME_START, Brax's AutoResetWrapper as JaxGCRL trains), or
 *                                  fresh ones (RESAMPLE)
 */
public record TrainConfig(String env, String evalEnv, int numEnvs, long totalEnvSteps, int numEpochs, int unrollLength,
                          int batchSize, int numSgdBatchesPerTrainingStep, int maxReplaySize, int minReplaySize,
                          int episodeLength, double gamma, int numEvalEnvs, long seed,
                          org.crl4j.envs.VecEnv.ResetMode resetMode) {

    /** With the reference's reset mode, SAME_START. */
    public TrainConfig(String env, String evalEnv, int numEnvs, long totalEnvSteps, int numEpochs, int unrollLength,
                       int batchSize, int numSgdBatchesPerTrainingStep, int maxReplaySize, int minReplaySize,
                       int episodeLength, double gamma, int numEvalEnvs, long seed) {
        this(env, evalEnv, numEnvs, totalEnvSteps, numEpochs, unrollLength, batchSize, numSgdBatchesPerTrainingStep,
                maxReplaySize, minReplaySize, episodeLength, gamma, numEvalEnvs, seed,
                org.crl4j.envs.VecEnv.ResetMode.SAME_START);
    }

    public TrainConfig {
        java.util.Objects.requireNonNull(resetMode, "resetMode");
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

    /**
     * Training steps of the whole run: enough to take the requested env steps after the prefill (rounded up, so the
     * run takes at most one training step's env steps more), and at least one per epoch.
     */
    public long totalTrainingSteps() {
        long prefill = (long) prefillSteps() * envStepsPerTrainingStep();
        long needed = Math.max(0, totalEnvSteps - prefill);
        return Math.max(numEpochs, (needed + envStepsPerTrainingStep() - 1) / envStepsPerTrainingStep());
    }

    /**
     * Training steps of epoch {@code epoch} (1-based): the run's training steps shared out, the first
     * {@code total mod numEpochs} epochs taking one more. Continuing a run with more epochs ({@link #extendedTo})
     * keeps that remainder, so the epochs already run keep their lengths.
     */
    public long trainingStepsInEpoch(int epoch) {
        long total = totalTrainingSteps();
        return total / numEpochs + (epoch <= total % numEpochs ? 1 : 0);
    }

    /** Env steps of the shorter epochs (all of them when the budget divides evenly). */
    public long envStepsPerEpoch() {
        return totalTrainingSteps() / numEpochs * envStepsPerTrainingStep();
    }

    /**
     * One line that says how --total-env-steps became the schedule, or null when it is taken exactly: the schedule
     * runs whole training steps (numEnvs × unrollLength env steps each), the prefill first and at least one training
     * step per epoch, so a budget that is not a multiple of a training step is rounded up to the next one (or raised
     * when it is smaller than the prefill plus one training step per epoch).
     */
    public String scheduleRounding() {
        long planned = plannedEnvSteps();
        if (planned == totalEnvSteps) {
            return null;
        }
        long total = totalTrainingSteps();
        long longer = total % numEpochs;
        String epochs = longer == 0
                ? String.format("%d epoch%s of %,d training step%s", numEpochs, numEpochs == 1 ? "" : "s", total / numEpochs,
                        total / numEpochs == 1 ? "" : "s")
                : String.format("%d epochs of %,d and %d of %,d training steps", longer, total / numEpochs + 1,
                        numEpochs - longer, total / numEpochs);
        boolean raised = planned - totalEnvSteps >= envStepsPerTrainingStep();
        return String.format("--total-env-steps %,d %s to %,d env steps: a prefill of %,d, then %s of %,d env steps "
                        + "(%d envs × unroll %d)", totalEnvSteps, raised ? "raised" : "rounded up", planned,
                (long) prefillSteps() * envStepsPerTrainingStep(), epochs, envStepsPerTrainingStep(), numEnvs,
                unrollLength);
    }

    /** Env steps the schedule takes: the prefill, then every training step. */
    public long plannedEnvSteps() {
        return (long) prefillSteps() * envStepsPerTrainingStep() + totalTrainingSteps() * envStepsPerTrainingStep();
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
        long perStep = envStepsPerTrainingStep();
        long total = totalTrainingSteps();
        long perEpoch = total / numEpochs;
        long longer = total % numEpochs;
        long needed = (envSteps - prefill + perStep - 1) / perStep;
        // epochs of perEpoch training steps added after the longer ones: then total' / epochs' = perEpoch and
        // total' mod epochs' = longer, so the schedule of the extended config has the same first epochs
        long epochs = Math.max(numEpochs + 1, (needed - longer + perEpoch - 1) / perEpoch);
        require(epochs <= Integer.MAX_VALUE, "--total-env-steps " + envSteps + " needs more than 2^31 epochs");
        return new TrainConfig(env, evalEnv, numEnvs, prefill + (epochs * perEpoch + longer) * perStep, (int) epochs,
                unrollLength, batchSize, numSgdBatchesPerTrainingStep, maxReplaySize, minReplaySize, episodeLength, gamma,
                numEvalEnvs, seed, resetMode);
    }
}
