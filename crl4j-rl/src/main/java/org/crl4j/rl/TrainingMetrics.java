package org.crl4j.rl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ObjDoubleConsumer;

/**
 * Running means of the SGD-step metrics over a stretch of training, under JaxGCRL's metric names
 * ({@code training/…}). Each algorithm reports its own metrics; their order is that of the first step added. A
 * metric is the mean over the steps that reported it (TD3 updates its actor every other step).
 */
public final class TrainingMetrics {

    /** The metrics of one SGD step, by name (without the {@code training/} prefix). */
    public interface Step {
        void forEach(ObjDoubleConsumer<String> out);
    }

    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private long count;

    public void add(Step m) {
        m.forEach((name, v) -> {
            double[] s = sums.computeIfAbsent(name, n -> new double[2]);
            s[0] += v;
            s[1]++;
        });
        count++;
    }

    public long count() {
        return count;
    }

    /** The means as training/… metrics (empty when nothing was added). */
    public Map<String, Double> toMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        if (count == 0) {
            return m;
        }
        sums.forEach((name, s) -> m.put("training/" + name, s[0] / s[1]));
        return m;
    }

    /** The mean of one metric, NaN when no step reported it. */
    public double mean(String name) {
        double[] s = sums.get(name);
        return s == null ? Double.NaN : s[0] / s[1];
    }

    public double criticLoss() {
        return mean("critic_loss");
    }

    public double accuracy() {
        return mean("categorical_accuracy");
    }
}
