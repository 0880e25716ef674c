package org.crl4j.rl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.crl4j.core.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An interrupted, saved and resumed run ends bit-identical to an uninterrupted one (same thread count). */
class ResumeTest {

    static TrainConfig small() {
        // 17 prefill unrolls of 62 steps × 4 envs, then 2 epochs × 3 training steps.
        long prefill = 17L * 62 * 4;
        return new TrainConfig("reacher", "reacher", 4, prefill + 2 * 3 * 62 * 4, 2, 62, 16, 3, 2000, 1000, 1000, 0.99, 2, 11);
    }

    static CrlConfig net() {
        return CrlConfig.paper(32, 4);
    }

    @Test
    void interruptedAndResumedRunMatchesTheUninterruptedOne(@TempDir Path dir) throws Exception {
        float[] actorA;
        float[] criticA;
        long envStepsA;
        try (Parallel pool = new Parallel(2)) {
            Trainer a = new Trainer(small(), net(), pool);
            assertThat(a.run(new Trainer.Listener() { })).isTrue();
            actorA = ((CrlAgent) a.agent()).actorParams().params().clone();
            criticA = ((CrlAgent) a.agent()).criticParams().params().clone();
            envStepsA = a.envSteps();
        }
        Path file = dir.resolve("resume.safetensors");
        try (Parallel pool = new Parallel(2)) {
            Trainer b = new Trainer(small(), net(), pool);
            boolean done = b.run(new Trainer.Listener() {
                int steps;

                @Override
                public void onTrainingStep(long envSteps, long total, double sps, TrainingMetrics w) {
                    if (++steps == 4) { // inside the second epoch
                        b.requestStop();
                    }
                }
            });
            assertThat(done).isFalse();
            assertThat(b.finished()).isFalse();
            b.saveResumeState(file);
        }
        try (Parallel pool = new Parallel(2)) {
            Trainer c = Trainer.resume(file, pool);
            assertThat(c.run(new Trainer.Listener() { })).isTrue();
            assertThat(c.envSteps()).isEqualTo(envStepsA);
            assertThat(((CrlAgent) c.agent()).actorParams().params()).isEqualTo(actorA);
            assertThat(((CrlAgent) c.agent()).criticParams().params()).isEqualTo(criticA);
        }
    }

    @Test
    void aRunWhoseEnvironmentsResampleTheirGoalsResumesBitForBit(@TempDir Path dir) throws Exception {
        TrainConfig base = small();
        TrainConfig cfg = new TrainConfig(base.env(), base.evalEnv(), base.numEnvs(), base.totalEnvSteps(),
                base.numEpochs(), base.unrollLength(), base.batchSize(), base.numSgdBatchesPerTrainingStep(),
                base.maxReplaySize(), base.minReplaySize(), base.episodeLength(), base.gamma(), base.numEvalEnvs(),
                base.seed(), org.crl4j.envs.VecEnv.ResetMode.RESAMPLE);
        float[] actorA;
        float[] actorSameStart;
        try (Parallel pool = new Parallel(2)) {
            Trainer a = new Trainer(cfg, net(), pool);
            assertThat(a.env().resetMode()).isEqualTo(org.crl4j.envs.VecEnv.ResetMode.RESAMPLE);
            a.run(new Trainer.Listener() { });
            actorA = ((CrlAgent) a.agent()).actorParams().params().clone();
            Trainer same = new Trainer(base, net(), pool);
            same.run(new Trainer.Listener() { });
            actorSameStart = ((CrlAgent) same.agent()).actorParams().params().clone();
        }
        assertThat(actorA).as("resampled goals are other data").isNotEqualTo(actorSameStart);
        Path file = dir.resolve("resume.safetensors");
        try (Parallel pool = new Parallel(2)) {
            Trainer b = new Trainer(cfg, net(), pool);
            b.run(new Trainer.Listener() {
                int steps;

                @Override
                public void onTrainingStep(long envSteps, long total, double sps, TrainingMetrics w) {
                    if (++steps == 4) {
                        b.requestStop();
                    }
                }
            });
            b.saveResumeState(file);
        }
        try (Parallel pool = new Parallel(2)) {
            Trainer c = Trainer.resume(file, pool);
            assertThat(c.config().resetMode()).isEqualTo(org.crl4j.envs.VecEnv.ResetMode.RESAMPLE);
            c.run(new Trainer.Listener() { });
            assertThat(((CrlAgent) c.agent()).actorParams().params()).isEqualTo(actorA);
        }
    }

    @Test
    void aFinishedRunExtendedToMoreEpochsMatchesOnePlannedThatLong(@TempDir Path dir) throws Exception {
        TrainConfig shortRun = small();
        TrainConfig longRun = shortRun.extendedTo(shortRun.totalEnvSteps() + 1); // rounds up to whole epochs
        assertThat(longRun.numEpochs()).isEqualTo(3);
        assertThat(longRun.trainingStepsInEpoch(3)).isEqualTo(shortRun.trainingStepsInEpoch(1));
        assertThat(longRun.totalEnvSteps()).isEqualTo(17L * 62 * 4 + 3 * 3 * 62 * 4);
        assertThat(shortRun.extendedTo(shortRun.totalEnvSteps())).as("already that long").isSameAs(shortRun);
        TrainConfig planned = new TrainConfig("reacher", "reacher", 4, 17L * 62 * 4 + 5 * 3 * 62 * 4, 5, 62, 16, 3, 2000, 1000,
                1000, 0.99, 2, 11); // small() with 5 epochs of the same length

        List<Double> fresh = new ArrayList<>();
        float[] actorA;
        float[] criticA;
        try (Parallel pool = new Parallel(2)) {
            Trainer a = new Trainer(planned, net(), pool);
            assertThat(a.run(evaluations(fresh))).isTrue();
            actorA = ((CrlAgent) a.agent()).actorParams().params().clone();
            criticA = ((CrlAgent) a.agent()).criticParams().params().clone();
        }
        Path file = dir.resolve("resume.safetensors");
        List<Double> extended = new ArrayList<>();
        try (Parallel pool = new Parallel(2)) {
            Trainer b = new Trainer(shortRun, net(), pool);
            assertThat(b.run(evaluations(extended))).isTrue();
            b.saveResumeState(file);
        }
        try (Parallel pool = new Parallel(2)) {
            Trainer c = Trainer.resume(file, pool); // finished; lengthened, saved and resumed again
            assertThat(c.finished()).isTrue();
            c.extendTo(planned.totalEnvSteps() - 100); // inside the 5th epoch: rounds up to it
            assertThat(c.config()).isEqualTo(planned);
            assertThat(c.finished()).isFalse();
            c.saveResumeState(file);
        }
        try (Parallel pool = new Parallel(2)) {
            Trainer d = Trainer.resume(file, pool);
            assertThat(d.config()).isEqualTo(planned);
            assertThat(d.run(evaluations(extended))).isTrue();
            assertThat(d.envSteps()).isEqualTo(planned.totalEnvSteps());
            assertThat(((CrlAgent) d.agent()).actorParams().params()).isEqualTo(actorA);
            assertThat(((CrlAgent) d.agent()).criticParams().params()).isEqualTo(criticA);
        }
        assertThat(extended).hasSize(5).isEqualTo(fresh);
    }

    /** A listener that appends each epoch's time at goal to {@code into}. */
    private static Trainer.Listener evaluations(List<Double> into) {
        return new Trainer.Listener() {
            @Override
            public void onEpoch(int epoch, java.util.Map<String, Double> metrics, Evaluator.Result eval) {
                into.add(eval.episodeSuccess());
            }
        };
    }

    @Test
    void anAgentOnlyCheckpointIsNotAResumeState(@TempDir Path dir) throws Exception {
        try (Parallel pool = new Parallel(1)) {
            Trainer t = new Trainer(small(), net(), pool);
            Path f = dir.resolve("last.safetensors");
            Checkpoint.save(f, t.agent(), t.checkpointInfo(0));
            assertThatThrownBy(() -> Trainer.resume(f, pool)).hasMessageContaining("no training state");
            Checkpoint.Loaded l = Checkpoint.load(f, pool);
            assertThat(((CrlAgent) l.agent()).actorParams().params()).isEqualTo(((CrlAgent) t.agent()).actorParams().params());
            Files.write(f, new byte[] {0, 1});
            assertThatThrownBy(() -> Checkpoint.load(f, pool)).isInstanceOf(org.crl4j.core.io.CorruptFileException.class);
        }
    }
}
