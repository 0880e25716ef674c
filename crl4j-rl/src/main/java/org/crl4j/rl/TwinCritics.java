package org.crl4j.rl;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.GradMode;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;

/**
 * The clipped double-Q critics SAC and TD3 share: Q₁, Q₂ over s ‖ g ‖ a (their parameters in {@code online}), their
 * targets Q̄₁, Q̄₂ (in {@code target}, the same layout), the masked TD loss and the Polyak update. The stores are
 * allocated by the caller once every network on them exists.
 */
final class TwinCritics {
    final ResidualMlp q1;
    final ResidualMlp q2;
    private final ResidualMlp target1;
    private final ResidualMlp target2;
    private final ResidualMlp[] both;
    private final ParamStore online;
    private final ParamStore target;
    private float[] dQ = new float[0];

    TwinCritics(Parallel pool, ParamStore online, ParamStore target, int inDim, MlpOptions mlp) {
        this.online = online;
        this.target = target;
        this.q1 = new ResidualMlp(pool, online, "q1", inDim, 1, mlp);
        this.q2 = new ResidualMlp(pool, online, "q2", inDim, 1, mlp);
        this.target1 = new ResidualMlp(pool, target, "target_q1", inDim, 1, mlp);
        this.target2 = new ResidualMlp(pool, target, "target_q2", inDim, 1, mlp);
        this.both = new ResidualMlp[] {q1, q2};
    }

    /** Q₁ then Q₂ from {@code rng}; the targets start as copies. */
    void init(Rng rng) {
        q1.init(rng.split());
        q2.init(rng.split());
        System.arraycopy(online.params(), 0, target.params(), 0, online.size());
    }

    /** out[i] = min(Q̄₁, Q̄₂) of row i of {@code sa} (inference). */
    void targetMin(float[] sa, int b, float[] out) {
        float[] v1 = target1.infer(sa, b);
        float[] v2 = target2.infer(sa, b);
        for (int i = 0; i < b; i++) {
            out[i] = Math.min(v1[i], v2[i]);
        }
    }

    /**
     * ½·mean over rows and both critics of ((Q_k(sa) − y)·(1 − truncated))²; overwrites the critics' gradients.
     * Returns {loss, mean Q₁}.
     */
    float[] tdLossAndGradient(float[] sa, float[] y, float[] truncated, int b) {
        if (dQ.length < b) {
            dQ = new float[b];
        }
        double loss = 0;
        double qSum = 0;
        for (ResidualMlp q : both) {
            float[] p = q.forward(sa, b);
            for (int i = 0; i < b; i++) {
                double e = (p[i] - y[i]) * (1 - truncated[i]);
                loss += e * e;
                dQ[i] = (float) (e / (2.0 * b));
                if (q == q1) {
                    qSum += p[i];
                }
            }
            q.backward(dQ, null, GradMode.OVERWRITE);
        }
        return new float[] {(float) (0.5 * loss / (2.0 * b)), (float) (qSum / b)};
    }

    /** θ̄ ← (1 − τ)·θ̄ + τ·θ. */
    void polyak(float tau) {
        ActorHead.polyak(target.params(), online.params(), tau);
    }
}
