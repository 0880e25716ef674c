package org.crl4j.rl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.crl4j.core.Parallel;
import org.crl4j.core.Rng;
import org.crl4j.envs.Envs;
import org.crl4j.envs.VecEnv;
import org.crl4j.nn.Adam;
import org.crl4j.nn.GradMode;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;
import org.crl4j.nn.loss.TanhGaussian;

/**
 * Deep teacher → shallow student: trains a new actor of another depth and width to act as a trained one does, on
 * states and goals from the student's own rollouts labelled by the teacher (DAgger: the data follows the policy
 * that will be deployed, so its mistakes are corrected where it makes them).
 *
 * <p>The loss, for a tanh-Gaussian actor, is KL(teacher ‖ student) between the two Gaussians before the tanh. The
 * tanh is the same bijection for both, and KL is invariant under a bijection, so this is exactly the KL between the
 * two policies' action distributions, in closed form. It fits the mean hardest where the student is confident
 * (its error weighs 1/σ²) and carries the teacher's exploration width along, so the student can be trained on.
 * TD3's deterministic actor is fitted by squared error on its pre-tanh output.
 *
 * <p>Schedule: rounds of {@code numEnvs × unrollLength} env steps (the first with the teacher acting, so the buffer
 * starts on the teacher's states; then the student's deterministic action, the one evaluation and deployment use),
 * each followed by {@code sgdStepsPerRound} Adam steps on minibatches drawn uniformly from every row collected so far
 * (the oldest replaced once {@code bufferRows} are held). Environments resample their start and goal each episode, so
 * the student sees many goals. The critics are the teacher's, copied: the student is a whole agent of the same
 * algorithm that {@code eval}, {@code export} and further training accept.
 */
public final class Distiller {

    /** What to distil into and for how long. */
    public record Settings(int studentDepth, int studentWidth, long envSteps, int numEnvs, int unrollLength,
                           int sgdStepsPerRound, int batchSize, float lr, int numEvals, int evalEnvs, int bufferRows,
                           long seed) {
        public Settings {
            if (studentDepth < 4 || studentDepth % 4 != 0) {
                throw new IllegalArgumentException("--student-depth must be a positive multiple of 4, got " + studentDepth);
            }
            if (studentWidth < 1 || envSteps < 1 || numEnvs < 1 || unrollLength < 1 || sgdStepsPerRound < 1
                    || batchSize < 1 || !(lr > 0) || numEvals < 1 || evalEnvs < 1 || bufferRows < 1) {
                throw new IllegalArgumentException("distillation settings must be positive: " + this);
            }
        }

        public long rounds() {
            long perRound = (long) numEnvs * unrollLength;
            return Math.max(1, (envSteps + perRound - 1) / perRound);
        }
    }

    private final Agent teacher;
    private final Settings settings;
    private final Parallel pool;
    private final int obsDim;
    private final int actionDim;
    private final boolean gaussian;
    private final int headOut;
    private final ResidualMlp teacherActor;
    private final ParamStore studentParams = new ParamStore();
    private final ResidualMlp studentActor;
    private final CrlConfig studentConfig;

    public Distiller(Agent teacher, Settings settings, Parallel pool) {
        this.teacher = teacher;
        this.settings = settings;
        this.pool = pool;
        this.obsDim = teacher.stateDim() + teacher.goalDim();
        this.actionDim = teacher.actionDim();
        this.gaussian = teacher.algo() != Algo.TD3 && teacher.algo() != Algo.TD3_HER;
        this.headOut = gaussian ? 2 * actionDim : actionDim;
        ParamStore teacherView = new ParamStore();
        this.teacherActor = new ResidualMlp(pool, teacherView, "actor", obsDim, headOut, teacher.config().actorMlp());
        teacherView.allocateSharing(actorStore(teacher).params());
        this.studentConfig = teacher.config().withActor(settings.studentWidth(), settings.studentDepth());
        this.studentActor = new ResidualMlp(pool, studentParams, "actor", obsDim, headOut, studentConfig.actorMlp());
        studentParams.allocate();
    }

    /** The network configuration of the student: the teacher's, with the student's actor depth and width. */
    public CrlConfig studentConfig() {
        return studentConfig;
    }

    /** The store holding an agent's actor ("actor.…" tensors); every algorithm names its actor so. */
    static ParamStore actorStore(Agent agent) {
        for (ParamStore ps : agent.stores()) {
            if (ps.entries().get(0).name().startsWith("actor.")) {
                return ps;
            }
        }
        throw new IllegalArgumentException(agent.algo().id() + " agent has no actor store");
    }

    /**
     * Distils; calls {@code onEval} after each of the {@code numEvals} evaluations with a metrics row (env_steps,
     * distill/kl or distill/mse, eval/…). Returns the student agent.
     */
    public Agent run(String envId, String evalEnvId, Consumer<Map<String, Object>> onEval) {
        Settings s = settings;
        Rng rng = new Rng(s.seed());
        studentActor.init(rng.split());
        studentConfig.actorInit().apply(studentActor, actionDim, gaussian);
        Adam adam = new Adam(studentParams, s.lr());
        VecEnv envs = Envs.make(envId, s.numEnvs(), s.seed(), pool, VecEnv.ResetMode.RESAMPLE);
        Evaluator evaluator = new Evaluator(evalEnvId, s.evalEnvs(), s.seed() + 1_000_003L,
                envs.spec().episodeLength(), pool);

        int capacity = s.bufferRows();
        float[] bufObs = new float[capacity * obsDim];
        float[] bufLabel = new float[capacity * headOut];
        long collected = 0;
        float[] actions = new float[s.numEnvs() * actionDim];
        float[] batchObs = new float[s.batchSize() * obsDim];
        float[] batchLabel = new float[s.batchSize() * headOut];
        float[] dHead = new float[s.batchSize() * headOut];

        long rounds = s.rounds();
        long envSteps = 0;
        int evalsDone = 0;
        double lossSum = 0;
        long lossCount = 0;
        for (long round = 0; round < rounds; round++) {
            for (int t = 0; t < s.unrollLength(); t++) {
                float[] obs = envs.observations();
                float[] label = teacherActor.infer(obs, s.numEnvs());
                for (int i = 0; i < s.numEnvs(); i++) {
                    int row = (int) (collected % capacity);
                    System.arraycopy(obs, i * obsDim, bufObs, row * obsDim, obsDim);
                    System.arraycopy(label, i * headOut, bufLabel, row * headOut, headOut);
                    collected++;
                }
                float[] head = round == 0 ? label : studentActor.infer(obs, s.numEnvs());
                squash(head, s.numEnvs(), actions);
                envs.step(actions);
                envSteps += s.numEnvs();
            }
            int filled = (int) Math.min(collected, capacity);
            for (int k = 0; k < s.sgdStepsPerRound(); k++) {
                for (int b = 0; b < s.batchSize(); b++) {
                    int row = rng.nextInt(filled);
                    System.arraycopy(bufObs, row * obsDim, batchObs, b * obsDim, obsDim);
                    System.arraycopy(bufLabel, row * headOut, batchLabel, b * headOut, headOut);
                }
                float[] out = studentActor.forward(batchObs, s.batchSize());
                lossSum += gaussian ? klAndGradient(batchLabel, out, s.batchSize(), actionDim, dHead)
                        : mseAndGradient(batchLabel, out, s.batchSize(), actionDim, dHead);
                lossCount++;
                studentActor.backward(dHead, null, GradMode.OVERWRITE);
                adam.update(pool);
            }
            // evaluations spread evenly over the rounds, the last one after the last round
            int due = (int) ((round + 1) * s.numEvals() / rounds);
            while (evalsDone < due) {
                evalsDone++;
                Evaluator.Result r = evaluator.run((o, n, a) -> squash(studentActor.infer(o, n), n, a), false);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("epoch", evalsDone);
                row.put("env_steps", envSteps);
                row.put("sgd_steps", adam.step());
                row.put(gaussian ? "distill/kl" : "distill/mse", lossSum / Math.max(1, lossCount));
                row.put("distill/buffer_rows", filled);
                row.put("eval/episode_success", r.episodeSuccess());
                row.put("eval/episode_success_any", r.episodeSuccessAny());
                row.put("eval/episode_dist", r.episodeDist());
                row.put("eval/episode_min_dist", r.minDist());
                row.put("eval/avg_episode_length", r.avgEpisodeLength());
                lossSum = 0;
                lossCount = 0;
                onEval.accept(row);
            }
        }
        return student(rng);
    }

    /** A whole agent of the teacher's algorithm: the distilled actor, the teacher's critics and temperature. */
    private Agent student(Rng rng) {
        Agent student = Agent.create(teacher.stateDim(), actionDim, teacher.goalDim(), studentConfig, teacher.baseline(),
                pool);
        student.init(rng.split());
        List<ParamStore> to = student.stores();
        List<ParamStore> from = teacher.stores();
        for (int i = 0; i < to.size(); i++) {
            String first = to.get(i).entries().get(0).name();
            float[] src = first.startsWith("actor.") || first.startsWith("target_actor.") ? studentParams.params()
                    : from.get(i).params();
            System.arraycopy(src, 0, to.get(i).params(), 0, to.get(i).size());
        }
        return student;
    }

    private void squash(float[] head, int n, float[] out) {
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < actionDim; k++) {
                out[i * actionDim + k] = (float) Math.tanh(head[i * headOut + k]);
            }
        }
    }

    /**
     * Mean over rows of Σ_k KL(N(μT, σT²) ‖ N(μS, σS²)) for heads [μ ‖ raw log σ] (log σ squashed into
     * [{@link TanhGaussian#LOG_STD_MIN}, {@link TanhGaussian#LOG_STD_MAX}] as the actor does), and its gradient with
     * respect to the student's head, into {@code dHead}.
     */
    static double klAndGradient(float[] teacher, float[] student, int rows, int a, float[] dHead) {
        double half = 0.5 * (TanhGaussian.LOG_STD_MAX - TanhGaussian.LOG_STD_MIN);
        double total = 0;
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < a; k++) {
                int m = i * 2 * a + k;
                int l = m + a;
                double muT = teacher[m];
                double muS = student[m];
                double sT = TanhGaussian.logStd(teacher[l]);
                double sS = TanhGaussian.logStd(student[l]);
                double varS = Math.exp(2 * sS);
                double num = Math.exp(2 * sT) + (muT - muS) * (muT - muS);
                total += sS - sT + num / (2 * varS) - 0.5;
                double t = Math.tanh(student[l]);
                dHead[m] = (float) ((muS - muT) / varS / rows);
                dHead[l] = (float) ((1 - num / varS) * half * (1 - t * t) / rows);
            }
        }
        return total / rows;
    }

    /** Mean over rows of ½‖μS − μT‖² for deterministic heads [μ], and its gradient into {@code dHead}. */
    static double mseAndGradient(float[] teacher, float[] student, int rows, int a, float[] dHead) {
        double total = 0;
        for (int j = 0; j < rows * a; j++) {
            double d = student[j] - teacher[j];
            total += 0.5 * d * d;
            dHead[j] = (float) (d / rows);
        }
        return total / rows;
    }
}
