package org.crl4j.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;
import org.crl4j.nn.loss.TanhGaussian;
import org.crl4j.rl.ActorInit;

/**
 * The actor's log-std at initialisation, per depth: how often an action dimension starts with a collapsed
 * (log σ below −3) policy. The residual stream grows with depth (each block adds a swish output without a final
 * LayerNorm, as the paper's network), so the log-std head's raw output spreads, and the squash to [−5, 2] saturates.
 * A diagnostic, not a benchmark: it explains why deep actors can start with entropy far below the SAC target.
 *
 * Also the share of action dimensions whose mean |tanh μ| starts above 0.95 (saturated means: near-bang-bang actions),
 * and the same statistics for each {@link ActorInit} mode.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -cp crl4j-core/target/classes:crl4j-nn/target/classes:\
 * crl4j-rl/target/classes:crl4j-bench/target/classes org.crl4j.bench.InitialLogStd [width] [inputs] [actions] [seeds]
 * [actor-init]}; inputs are N(0, 3²), as maze coordinates; actor-init is paper (default), zero-log-std or zero-head.
 */
public final class InitialLogStd {
    private InitialLogStd() {
    }

    public static void main(String[] args) {
        int width = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        int inDim = args.length > 1 ? Integer.parseInt(args[1]) : 6;   // point mass: state 4 + goal 2
        int actions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int seeds = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        ActorInit init = args.length > 4 ? ActorInit.parse(args[4]) : ActorInit.PAPER;
        int rows = 256;
        System.out.printf("actor width %d, %d inputs ~ N(0, 9), %d action dims, %d seeds × %d inputs, actor-init %s%n",
                width, inDim, actions, seeds, rows, init.cliName());
        try (Parallel pool = new Parallel(1)) {
            for (int depth : new int[] {4, 8, 16, 32, 64, 128}) {
                List<Double> dimMeans = new ArrayList<>();
                double rawSq = 0;
                long saturated = 0;
                for (int seed = 1; seed <= seeds; seed++) {
                    ParamStore ps = new ParamStore();
                    ResidualMlp actor = new ResidualMlp(pool, ps, "actor", inDim, 2 * actions, MlpOptions.paper(width, depth));
                    ps.allocate();
                    actor.init(new Rng(seed));
                    init.apply(actor, actions, true);
                    Random r = new Random(seed);
                    float[] x = new float[rows * inDim];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) (3 * r.nextGaussian());
                    }
                    float[] out = actor.infer(x, rows);
                    for (int k = 0; k < actions; k++) {
                        double sum = 0;
                        double meanTanh = 0;
                        for (int i = 0; i < rows; i++) {
                            meanTanh += Math.abs(Math.tanh(out[i * 2 * actions + k]));
                            float raw = out[i * 2 * actions + actions + k];
                            rawSq += raw * raw;
                            sum += TanhGaussian.logStd(raw);
                        }
                        dimMeans.add(sum / rows);
                        if (meanTanh / rows > 0.95) {
                            saturated++;
                        }
                    }
                }
                Collections.sort(dimMeans);
                int n = dimMeans.size();
                long collapsed = dimMeans.stream().filter(v -> v < -3).count();
                System.out.printf("depth %3d: raw log-std rms %.2f; mean log σ per action dim: p10 %.2f, median %.2f, "
                                + "p90 %.2f; below −3: %d of %d (%.0f%%); mean |tanh μ| above 0.95: %.0f%%%n", depth,
                        Math.sqrt(rawSq / ((long) n * rows)), dimMeans.get(n / 10), dimMeans.get(n / 2),
                        dimMeans.get(n * 9 / 10), collapsed, n, 100.0 * collapsed / n, 100.0 * saturated / n);
            }
        }
    }
}
