package org.crl4j.rl;

import java.util.LinkedHashMap;
import java.util.Map;

/** Running means of the SGD-step metrics over a stretch of training, under JaxGCRL's metric names. */
public final class TrainingMetrics {
    private double actorLoss;
    private double alphaLoss;
    private double logAlpha;
    private double sampleEntropy;
    private double criticLoss;
    private double logsumexp;
    private double accuracy;
    private double logitsPos;
    private double logitsNeg;
    private long count;

    public void add(CrlAgent.StepMetrics m) {
        actorLoss += m.actorLoss();
        alphaLoss += m.alphaLoss();
        logAlpha += m.logAlpha();
        sampleEntropy += m.sampleEntropy();
        criticLoss += m.criticLoss();
        logsumexp += m.logsumexp();
        accuracy += m.categoricalAccuracy();
        logitsPos += m.logitsPos();
        logitsNeg += m.logitsNeg();
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
        double n = count;
        m.put("training/actor_loss", actorLoss / n);
        m.put("training/alpha_loss", alphaLoss / n);
        m.put("training/log_alpha", logAlpha / n);
        m.put("training/sample_entropy", sampleEntropy / n);
        m.put("training/critic_loss", criticLoss / n);
        m.put("training/logsumexp", logsumexp / n);
        m.put("training/categorical_accuracy", accuracy / n);
        m.put("training/logits_pos", logitsPos / n);
        m.put("training/logits_neg", logitsNeg / n);
        return m;
    }

    public double criticLoss() {
        return count == 0 ? Double.NaN : criticLoss / count;
    }

    public double accuracy() {
        return count == 0 ? Double.NaN : accuracy / count;
    }
}
