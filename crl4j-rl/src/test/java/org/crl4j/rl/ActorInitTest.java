package org.crl4j.rl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;
import org.crl4j.nn.loss.TanhGaussian;
import org.crl4j.rl.config.RunConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ActorInit}: what each mode changes in a deep actor, that every algorithm's actor gets it, that the paper's
 * mode is the old initialisation to the bit, that zeroed outputs still learn, and that checkpoints keep the mode.
 */
class ActorInitTest {
    static final int S = 6;
    static final int A = 2;
    static final int G = 2;
    static Parallel pool;

    @BeforeAll
    static void startPool() {
        pool = new Parallel(1);
    }

    @AfterAll
    static void stopPool() {
        pool.close();
    }

    static float[] inputs(int rows, int dim, long seed) {
        float[] x = new float[rows * dim];
        new Rng(seed).fillGaussian(x, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            x[i] *= 3;
        }
        return x;
    }

    @Test
    void zeroLogStdStartsEveryDimensionAtTheMiddleOfTheRangeAtDepth32AndLeavesTheMeansAlone() {
        int rows = 64;
        float[] x = inputs(rows, S + G, 5);
        float[][] out = new float[2][];
        ActorInit[] modes = {ActorInit.PAPER, ActorInit.ZERO_LOG_STD};
        for (int m = 0; m < 2; m++) {
            ParamStore ps = new ParamStore();
            ResidualMlp actor = new ResidualMlp(pool, ps, "actor", S + G, 2 * A, MlpOptions.paper(32, 32));
            ps.allocate();
            actor.init(new Rng(7));
            modes[m].apply(actor, A, true);
            out[m] = actor.infer(x, rows).clone();
        }
        double paperSpread = 0;
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < A; k++) {
                assertThat(out[1][i * 2 * A + k]).isEqualTo(out[0][i * 2 * A + k]);       // means: the paper's, bit for bit
                assertThat(out[1][i * 2 * A + A + k]).isEqualTo(0f);
                assertThat(TanhGaussian.logStd(out[1][i * 2 * A + A + k])).isEqualTo(-1.5f);
                paperSpread += Math.abs(out[0][i * 2 * A + A + k]);
            }
        }
        assertThat(paperSpread).isGreaterThan(0);   // the paper's head does not start at 0
    }

    static List<float[]> params(Agent agent) {
        List<float[]> all = new ArrayList<>();
        for (ParamStore ps : agent.stores()) {
            all.add(ps.params().clone());
        }
        return all;
    }

    static Agent agent(Algo algo, ActorInit init) {
        CrlConfig c = CrlConfig.paper(16, 8).withActorInit(init);
        Agent agent = Agent.create(S, A, G, c, BaselineConfig.defaults(algo), pool);
        agent.init(new Rng(11));
        return agent;
    }

    /** Zero-log-std changes exactly the head's log-std columns and biases ((width + 1)·A numbers); paper nothing. */
    @Test
    void everyAlgorithmsActorGetsTheMode() {
        int width = 16;
        for (Algo algo : Algo.values()) {
            List<float[]> paper = params(agent(algo, ActorInit.PAPER));
            List<float[]> zeroLogStd = params(agent(algo, ActorInit.ZERO_LOG_STD));
            int changed = 0;
            for (int s = 0; s < paper.size(); s++) {
                for (int i = 0; i < paper.get(s).length; i++) {
                    if (paper.get(s)[i] != zeroLogStd.get(s)[i]) {
                        changed++;
                        assertThat(zeroLogStd.get(s)[i]).as(algo.toString()).isEqualTo(0f);
                    }
                }
            }
            boolean gaussian = algo != Algo.TD3 && algo != Algo.TD3_HER;
            // the bias is already 0 under the paper's init, so only the kernel's width·A entries differ
            assertThat(changed).as(algo.toString()).isEqualTo(gaussian ? width * A : 0);

            Agent zeroHead = agent(algo, ActorInit.ZERO_HEAD);
            int n = 32;
            float[] actions = new float[n * A];
            zeroHead.act(inputs(n, S + G, 3), n, true, new Rng(1), actions);
            for (float a : actions) {
                assertThat(a).as(algo.toString()).isEqualTo(0f);
            }
        }
    }

    @Test
    void theZeroedLogStdLearns() {
        Agent agent = agent(Algo.SAC_HER, ActorInit.ZERO_LOG_STD);
        List<float[]> before = params(agent);
        ReplayBatch b = BaselineGradientTest.batch(1);
        Rng rng = new Rng(2);
        for (int t = 0; t < 5; t++) {
            agent.sgdStep(b, rng, null);
        }
        List<float[]> after = params(agent);
        int movedFromZero = 0;
        for (int s = 0; s < before.size(); s++) {
            for (int i = 0; i < before.get(s).length; i++) {
                if (before.get(s)[i] == 0f && after.get(s)[i] != 0f) {
                    movedFromZero++;
                }
            }
        }
        // at least the zeroed kernel columns (16 × 2) moved, besides the biases that start at 0 in every mode
        assertThat(movedFromZero).isGreaterThan(16 * A);
    }

    @Test
    void checkpointsKeepTheModeAndThePapersWritesNoKey() {
        CrlConfig paper = CrlConfig.paper(16, 4);
        assertThat(Checkpoint.toMap(paper)).doesNotContainKey("actor-init");
        CrlConfig zero = paper.withActorInit(ActorInit.ZERO_HEAD);
        Map<String, Object> m = Checkpoint.toMap(zero);
        assertThat(m).containsEntry("actor-init", "zero-head");
        assertThat(Checkpoint.fromMap(m)).isEqualTo(zero);
        assertThat(Checkpoint.fromMap(Checkpoint.toMap(paper))).isEqualTo(paper);
    }

    @Test
    void unknownModeNamesTheChoices() {
        assertThatThrownBy(() -> ActorInit.parse("zeros"))
                .hasMessage("unknown actor-init 'zeros'; use paper, zero-log-std or zero-head");
        for (ActorInit i : ActorInit.values()) {
            assertThat(ActorInit.parse(i.cliName())).isEqualTo(i);
        }
    }

    @Test
    void zeroHeadIsTheDefaultWhileSavedRunsThatPredateTheOptionReadAsThePapers() {
        assertThat(RunConfigs.defaults().crlConfig().actorInit()).isEqualTo(ActorInit.ZERO_HEAD);
        assertThat(CrlConfig.paper(128, 4).actorInit()).as("the paper's config is the paper's").isEqualTo(ActorInit.PAPER);
        // a saved tree without the key was written when paper was the only initialisation
        Map<String, Object> old = Map.of("networks", Map.of("critic-depth", 8, "actor-depth", 8));
        assertThat(RunConfigs.bindSaved(old, "old run").crlConfig().actorInit()).isEqualTo(ActorInit.PAPER);
        assertThat(RunConfigs.bind(old, "a new config file").crlConfig().actorInit())
                .isEqualTo(ActorInit.ZERO_HEAD);
        Map<String, Object> named = Map.of("networks", Map.of("actor-init", "zero-head"));
        assertThat(RunConfigs.bindSaved(named, "new run").crlConfig().actorInit())
                .isEqualTo(ActorInit.ZERO_HEAD);
        // and a checkpoint's options (which omit paper's) read back as they were saved
        assertThat(Checkpoint.fromMap(Checkpoint.toMap(CrlConfig.paper(128, 4))).actorInit()).isEqualTo(ActorInit.PAPER);
    }
}
