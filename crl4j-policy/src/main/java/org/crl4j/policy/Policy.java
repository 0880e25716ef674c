package org.crl4j.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.io.CorruptFileException;
import org.crl4j.core.io.Json;
import org.crl4j.core.io.JsonException;
import org.crl4j.core.io.Safetensors;
import org.crl4j.nn.Activation;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.ResidualMlp;

/**
 * A trained actor, for use inside a Java program: {@code Policy p = Policy.load(path); float[] a = p.act(state, goal);}.
 *
 * <p>The action is the deterministic one that {@code ./crl4j eval} measures: tanh of the actor's mean (the
 * tanh-Gaussian algorithms) or of its output (TD3), in [−1, 1] per dimension. The input is the environment's
 * observation, which is the state followed by the goal ({@link #stateDim}, {@link #goalDim}).
 *
 * <p>Thread-safe: the weights are read-only after {@link #load}, and each calling thread gets its own buffers (made on
 * its first call and grown to the largest batch it asks for). After that, {@link #act(float[], float[], float[])}
 * and {@link #actBatch} allocate nothing; {@link #act(float[], float[])} allocates only the array it returns. Every
 * call runs on the calling thread.
 */
public final class Policy {
    private static final String META_KEY = "crl4j";

    private final String env;
    private final String algo;
    private final int stateDim;
    private final int goalDim;
    private final int actionDim;
    private final boolean gaussian;
    private final MlpOptions mlp;
    private final long envSteps;
    private final ParamStore weights;
    private final ThreadLocal<Session> sessions = ThreadLocal.withInitial(this::newSession);

    /** One thread's network (sharing the weights) and input buffer. */
    private static final class Session {
        final ResidualMlp actor;
        float[] input;

        Session(ResidualMlp actor, int obsDim) {
            this.actor = actor;
            this.input = new float[obsDim];
        }
    }

    private Policy(String env, String algo, int stateDim, int goalDim, int actionDim, MlpOptions mlp, long envSteps,
                   Safetensors.Contents file) throws IOException {
        this.env = env;
        this.algo = algo;
        this.stateDim = stateDim;
        this.goalDim = goalDim;
        this.actionDim = actionDim;
        this.gaussian = !algo.startsWith("td3"); // TD3's actor is deterministic: one output per action dimension
        this.mlp = mlp;
        this.envSteps = envSteps;
        this.weights = new ParamStore();
        new ResidualMlp(Parallel.CALLER, weights, "actor", stateDim + goalDim, headOutputs(), mlp);
        weights.allocate();
        weights.copyFrom(file, "", weights.params());
    }

    private Session newSession() {
        ParamStore view = new ParamStore();
        ResidualMlp actor = new ResidualMlp(Parallel.CALLER, view, "actor", stateDim + goalDim, headOutputs(), mlp);
        view.allocateSharing(weights.params());
        return new Session(actor, stateDim + goalDim);
    }

    /**
     * Reads the actor of a crl4j checkpoint ({@code checkpoints/last.safetensors}, {@code best.safetensors}, a resume
     * state) or of a run directory (its last checkpoint). Errors are one line: a missing file, a file that is not a
     * crl4j checkpoint or is damaged (checksum), a network that does not match its own description.
     */
    public static Policy load(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve("checkpoints").resolve("last.safetensors") : path;
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, Files.isDirectory(path)
                    ? "no checkpoints/last.safetensors in this run directory (has the run finished an epoch?)"
                    : "no such checkpoint");
        }
        Safetensors.Contents c = Safetensors.read(file);
        String json = c.metadata().get(META_KEY);
        if (json == null) {
            throw new CorruptFileException(file, "not a crl4j checkpoint (no '" + META_KEY + "' metadata)");
        }
        try {
            Map<String, Object> meta = Json.parseObject(json);
            @SuppressWarnings("unchecked")
            Map<String, Object> net = (Map<String, Object>) meta.get("network");
            if (net == null) {
                throw new IllegalArgumentException("no network description");
            }
            MlpOptions mlp = new MlpOptions(intOption(net, "actor-width"), intOption(net, "actor-depth"),
                    (Boolean) option(net, "layer-norm"), Activation.parse((String) option(net, "activation")),
                    (Boolean) option(net, "residual"), MlpOptions.Recompute.OFF);
            String algo = meta.get("algo") == null ? "crl" : (String) meta.get("algo");
            long envSteps = meta.get("env_steps") instanceof Number n ? n.longValue() : 0;
            return new Policy((String) meta.get("env"), algo, intOption(meta, "state_dim"), intOption(meta, "goal_dim"),
                    intOption(meta, "action_dim"), mlp, envSteps, c);
        } catch (JsonException | ClassCastException | IllegalArgumentException e) {
            throw new CorruptFileException(file, "its crl4j metadata is incomplete or malformed (" + e.getMessage() + ")");
        }
    }

    private static Object option(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v != null ? v : m.get(key.replace('-', '_')); // format 1 spelled the options snake_case
    }

    private static int intOption(Map<String, Object> m, String key) {
        if (!(option(m, key) instanceof Number n)) {
            throw new IllegalArgumentException("missing number '" + key + "'");
        }
        return n.intValue();
    }

    /** The action for one state and goal, in a new array of {@link #actionDim} values. */
    public float[] act(float[] state, float[] goal) {
        float[] action = new float[actionDim];
        act(state, goal, action);
        return action;
    }

    /** The action for one state and goal, written into {@code action} ({@link #actionDim} values); allocates nothing. */
    public void act(float[] state, float[] goal, float[] action) {
        check("state", state.length, stateDim);
        check("goal", goal.length, goalDim);
        check("action", action.length, actionDim);
        Session s = sessions.get();
        System.arraycopy(state, 0, s.input, 0, stateDim);
        System.arraycopy(goal, 0, s.input, stateDim, goalDim);
        squash(s.actor.infer(s.input, 1), 1, action);
    }

    /**
     * Actions for {@code n} observations, row by row state ‖ goal as the environments give them
     * ({@code n × observationDim()} values), into {@code actions} ({@code n × actionDim()}). Allocates nothing once this
     * thread has acted on {@code n} rows or more.
     */
    public void actBatch(float[] observations, int n, float[] actions) {
        if (n < 1) {
            throw new IllegalArgumentException("a batch needs at least 1 row, got " + n);
        }
        check("observations", observations.length, (long) n * observationDim());
        check("actions", actions.length, (long) n * actionDim);
        squash(sessions.get().actor.infer(observations, n), n, actions);
    }

    private void squash(float[] head, int n, float[] out) {
        int stride = gaussian ? 2 * actionDim : actionDim; // [μ ‖ raw log σ] or [μ]: the action is tanh μ
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < actionDim; k++) {
                out[i * actionDim + k] = (float) Math.tanh(head[i * stride + k]);
            }
        }
    }

    private void check(String what, long got, long want) {
        if (got != want) {
            throw new IllegalArgumentException(what + " has " + got + " values; this policy (" + env + ": state "
                    + stateDim + ", goal " + goalDim + ", action " + actionDim + ") needs " + want);
        }
    }

    /** The task it was trained on, as {@code ./crl4j envs list} names it. */
    public String env() {
        return env;
    }

    /** The algorithm that trained it ({@code crl}, {@code sac_her}, ...). */
    public String algo() {
        return algo;
    }

    public int stateDim() {
        return stateDim;
    }

    public int goalDim() {
        return goalDim;
    }

    /** {@link #stateDim} + {@link #goalDim}: one row of {@link #actBatch}'s input. */
    public int observationDim() {
        return stateDim + goalDim;
    }

    public int actionDim() {
        return actionDim;
    }

    /** The actor's trunk: width, depth, LayerNorm, activation, residual connections. */
    public MlpOptions network() {
        return mlp;
    }

    /** Whether the actor's head is a tanh-Gaussian's [μ ‖ raw log σ] (2·A outputs) rather than TD3's [μ] (A). */
    public boolean gaussian() {
        return gaussian;
    }

    /** Outputs of the actor's head: 2·{@link #actionDim} or {@link #actionDim}. */
    public int headOutputs() {
        return gaussian ? 2 * actionDim : actionDim;
    }

    /** The env steps the checkpoint was trained for. */
    public long envSteps() {
        return envSteps;
    }

    /** A copy of one weight tensor by its checkpoint name (e.g. {@code actor.head.kernel}, [in × out] row-major). */
    public float[] tensor(String name) {
        return weights.get(name);
    }
}
