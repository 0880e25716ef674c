package org.crl4j.envs;

/**
 * Statistics of the first episode of every environment of a batched rollout, the evaluation metrics of JaxGCRL:
 * time at goal (steps within the success threshold, accumulated until the episode ends), whether the goal was
 * reached at all, final and minimum distance, and episode length. Feed it after every {@link VecEnv#step}; an
 * environment stops counting once its first episode has ended.
 */
public final class EpisodeStats {
    private final int n;
    private final float[] stepsAtGoal;
    private final float[] finalDistance;
    private final float[] minDistance;
    private final int[] length;
    private final boolean[] finished;
    private int finishedCount;

    public EpisodeStats(int numEnvs) {
        this.n = numEnvs;
        this.stepsAtGoal = new float[n];
        this.finalDistance = new float[n];
        this.minDistance = new float[n];
        this.length = new int[n];
        this.finished = new boolean[n];
        java.util.Arrays.fill(minDistance, Float.POSITIVE_INFINITY);
    }

    /** Records the outcome of the step {@code env} just took. */
    public void record(VecEnv env) {
        float[] r = env.rewards();
        float[] d = env.distances();
        boolean[] term = env.terminated();
        boolean[] trunc = env.truncated();
        for (int i = 0; i < n; i++) {
            if (finished[i]) {
                continue;
            }
            stepsAtGoal[i] += r[i];
            finalDistance[i] = d[i];
            minDistance[i] = Math.min(minDistance[i], d[i]);
            length[i]++;
            if (term[i] || trunc[i]) {
                finished[i] = true;
                finishedCount++;
            }
        }
    }

    public boolean allFinished() {
        return finishedCount == n;
    }

    /** Mean over environments of the steps spent within the threshold ("time at goal", eval/episode_success). */
    public double meanStepsAtGoal() {
        return mean(stepsAtGoal);
    }

    /** Fraction of environments that reached the goal at least once (eval/episode_success_any). */
    public double successAny() {
        int c = 0;
        for (float s : stepsAtGoal) {
            if (s > 0) {
                c++;
            }
        }
        return (double) c / n;
    }

    /** Mean final distance to the goal (eval/episode_dist). */
    public double meanFinalDistance() {
        return mean(finalDistance);
    }

    public double meanMinDistance() {
        return mean(minDistance);
    }

    /** Mean episode length (eval/avg_episode_length). */
    public double meanLength() {
        double s = 0;
        for (int l : length) {
            s += l;
        }
        return s / n;
    }

    public float stepsAtGoal(int env) {
        return stepsAtGoal[env];
    }

    private static double mean(float[] a) {
        double s = 0;
        for (float v : a) {
            s += v;
        }
        return s / a.length;
    }
}
