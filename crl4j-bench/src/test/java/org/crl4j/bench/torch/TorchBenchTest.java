package org.crl4j.bench.torch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TorchBenchTest {
    @BeforeAll
    static void load() {
        TorchTests.requireLibtorch();
    }

    @Test
    void benchRunsAndReportsTiming() {
        TrunkSpec spec = TrunkSpec.of("bench", 32, 32, 8, 64);
        TorchBench.BenchResult r = TorchBench.benchAdam(spec, null, null, 16, 2, 5, 7);
        assertThat(r.msPerStep()).isPositive();
        assertThat(r.msMin()).isLessThanOrEqualTo(r.msMedian());
        assertThat(r.gflops()).isPositive();
        assertThat(r.lastLoss()).isLessThan(r.firstLoss()); // Adam on Σout² shrinks the output
        assertThat(r.peakRssKiB()).isPositive();
        assertThat(r.toString()).contains("ms/step");
    }

    @Test
    void benchLossMatchesItsDefinition() {
        TrunkSpec spec = TrunkSpec.of("bench", 4, 8, 4, 64);
        int batch = 3;
        Map<String, float[]> w = JavaRef.randomWeights(spec, 3);
        float[] x = TorchBench.gaussianInput(batch, spec.inDim(), 4);
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i];
        }
        double[] out = JavaRef.forward(spec, TorchCrl.toDoubles(w), xd, batch);
        double s = 0;
        for (double v : out) {
            s += v * v;
        }
        TorchBench.LossGrads lg = TorchBench.squaredLossGrads(spec, w, x, batch, TorchPrecision.FP64);
        assertThat(lg.loss()).isCloseTo(s / (batch * 64.0), within(1e-12));
        // head bias gradient: d/db Σ out²/(B·O) = Σ_rows 2·out/(B·O)
        for (int o = 0; o < 64; o++) {
            double e = 0;
            for (int r = 0; r < batch; r++) {
                e += 2 * out[r * 64 + o] / (batch * 64.0);
            }
            assertThat(lg.grads().get("bench.head.bias")[o]).isCloseTo(e, within(1e-12));
        }
    }

    /** Three libtorch Adam steps equal three steps of Adam written out here (lr 3e-4, betas 0.9/0.999, eps 1e-8). */
    @Test
    void adamMatchesTheTextbookUpdate() {
        TrunkSpec spec = TrunkSpec.of("bench", 4, 8, 4, 64);
        int batch = 3;
        int steps = 3;
        Map<String, float[]> w0 = JavaRef.randomWeights(spec, 5);
        float[] x = TorchBench.gaussianInput(batch, spec.inDim(), 6);
        TorchBench.AdamTrace trace = TorchBench.adamTrace(spec, w0, x, batch, steps);

        Map<String, double[]> w = TorchCrl.toDoubles(w0);
        Map<String, double[]> m = new HashMap<>();
        Map<String, double[]> v = new HashMap<>();
        for (int t = 1; t <= steps; t++) {
            Map<String, float[]> wf = new HashMap<>();
            w.forEach((k, a) -> wf.put(k, TorchCrl.floats(a)));
            TorchBench.LossGrads lg = TorchBench.squaredLossGrads(spec, wf, x, batch, TorchPrecision.FP32);
            assertThat(trace.losses()[t - 1]).isCloseTo(lg.loss(), within(1e-5 * Math.abs(lg.loss())));
            for (String name : spec.paramNames()) {
                double[] p = w.get(name);
                double[] g = lg.grads().get(name);
                double[] mm = m.computeIfAbsent(name, k -> new double[p.length]);
                double[] vv = v.computeIfAbsent(name, k -> new double[p.length]);
                for (int i = 0; i < p.length; i++) {
                    mm[i] = 0.9 * mm[i] + 0.1 * g[i];
                    vv[i] = 0.999 * vv[i] + 0.001 * g[i] * g[i];
                    double mh = mm[i] / (1 - Math.pow(0.9, t));
                    double vh = vv[i] / (1 - Math.pow(0.999, t));
                    p[i] = (float) (p[i] - 3e-4 * mh / (Math.sqrt(vh) + 1e-8));
                }
            }
        }
        for (String name : spec.paramNames()) {
            float[] got = trace.weights().get(name);
            double[] exp = w.get(name);
            for (int i = 0; i < got.length; i++) {
                // one Adam step moves a weight by ≈ lr; FP32 round-off of the update is far below that
                assertThat((double) got[i]).as("%s[%d]", name, i).isCloseTo(exp[i], within(2e-6));
            }
        }
        // and the weights did move
        assertThat(trace.weights().get("bench.in.kernel")[0]).isNotEqualTo(w0.get("bench.in.kernel")[0]);
    }
}
