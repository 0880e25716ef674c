package org.crl4j.rl;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.core.Parallel;
import org.crl4j.core.io.CorruptFileException;
import org.crl4j.core.io.Json;
import org.crl4j.core.io.JsonException;
import org.crl4j.core.io.Safetensors;
import org.crl4j.core.io.Tensor;
import org.crl4j.nn.Activation;
import org.crl4j.nn.Adam;
import org.crl4j.nn.MlpOptions;
import org.crl4j.nn.ParamStore;
import org.crl4j.nn.loss.Energy;
import org.crl4j.nn.loss.InfoNce;

/**
 * An agent on disk: one safetensors file (written atomically) holding every parameter under its network's names
 * ({@code actor.…}, {@code sa_encoder.…}, {@code g_encoder.…}, {@code log_alpha}), the Adam moments under
 * {@code adam_m/…} and {@code adam_v/…}, and in the header's metadata, as JSON, the network configuration, the
 * task, the optimiser step counts and the run's counters. Readable from Python with {@code safetensors}.
 */
public final class Checkpoint {
    private Checkpoint() {
    }

    public static final String META_KEY = "crl4j";
    /** 3: the agent may be a baseline ({@code "algo"} and {@code "baseline"} in the metadata; contrastive RL's
     *  checkpoints are still written as format 2, byte for byte as before). 2: the configurations in the metadata
     *  spell their fields as the options do (kebab-case); 1 (before 2026-12-06) spelled them snake_case. All are
     *  read. */
    public static final int FORMAT = 3;

    /** What is saved besides the tensors. */
    public record Info(String env, int stateDim, int actionDim, int goalDim, CrlConfig config, BaselineConfig baseline,
                       long envSteps, long sgdSteps, int epoch, Map<String, Object> extra) {

        /** A contrastive RL agent's. */
        public Info(String env, int stateDim, int actionDim, int goalDim, CrlConfig config, long envSteps,
                    long sgdSteps, int epoch, Map<String, Object> extra) {
            this(env, stateDim, actionDim, goalDim, config, BaselineConfig.CRL, envSteps, sgdSteps, epoch, extra);
        }
    }

    public static void save(Path path, Agent agent, Info info) throws IOException {
        save(path, agent, info, List.of(), Map.of());
    }

    /** As {@link #save(Path, CrlAgent, Info)}, plus further tensors and metadata (a trainer's resume state). */
    public static void save(Path path, Agent agent, Info info, List<Tensor> extraTensors,
                            Map<String, Object> extraMeta) throws IOException {
        List<Tensor> tensors = new ArrayList<>(extraTensors);
        for (ParamStore ps : agent.stores()) {
            tensors.addAll(ps.asTensors("", ps.params()));
        }
        for (Map.Entry<ParamStore, Adam> e : agent.optimisers().entrySet()) {
            tensors.addAll(e.getKey().asTensors("adam_m/", e.getValue().firstMoment()));
            tensors.addAll(e.getKey().asTensors("adam_v/", e.getValue().secondMoment()));
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        boolean crl = info.baseline().algo() == Algo.CRL;
        meta.put("format", crl ? 2 : FORMAT);
        if (!crl) {
            meta.put("algo", info.baseline().algo().id());
        }
        meta.put("env", info.env());
        meta.put("state_dim", info.stateDim());
        meta.put("action_dim", info.actionDim());
        meta.put("goal_dim", info.goalDim());
        meta.put("network", toMap(info.config()));
        if (!crl) {
            meta.put("baseline", toMap(info.baseline()));
        }
        meta.put("env_steps", info.envSteps());
        meta.put("sgd_steps", info.sgdSteps());
        meta.put("epoch", info.epoch());
        meta.put("adam_steps", agent.optimisers().values().stream().map(Adam::step).toList());
        meta.put("extra", info.extra() == null ? Map.of() : info.extra());
        meta.putAll(extraMeta);
        Safetensors.writeChecksummed(path, tensors, Map.of(META_KEY, Json.write(meta)));
    }

    /** A checkpoint read back: its description, an agent holding its parameters and optimiser state, the file. */
    public record Loaded(Info info, Agent agent, Safetensors.Contents contents, Map<String, Object> metadata) {
    }

    public static Loaded load(Path path, Parallel pool) throws IOException {
        Safetensors.Contents c = Safetensors.read(path);
        String json = c.metadata().get(META_KEY);
        if (json == null) {
            throw new CorruptFileException(path, "not a crl4j checkpoint (no '" + META_KEY + "' metadata)");
        }
        Map<String, Object> meta;
        try {
            meta = Json.parseObject(json);
        } catch (JsonException e) {
            throw new CorruptFileException(path, "its crl4j metadata is not valid JSON: " + e.getMessage());
        }
        try {
            long format = num(meta, "format").longValue();
            if (format < 1 || format > FORMAT) {
                throw new IOException(path + " is checkpoint format " + format + "; this crl4j reads formats 1 to "
                        + FORMAT + " (a newer crl4j wrote it: update crl4j)");
            }
            @SuppressWarnings("unchecked")
            CrlConfig cfg = fromMap((Map<String, Object>) meta.get("network"));
            Algo algo = meta.get("algo") == null ? Algo.CRL : Algo.parse((String) meta.get("algo"));
            @SuppressWarnings("unchecked")
            BaselineConfig baseline = algo == Algo.CRL ? BaselineConfig.CRL
                    : baselineFromMap(algo, (Map<String, Object>) meta.get("baseline"));
            Info info = new Info((String) meta.get("env"), num(meta, "state_dim").intValue(),
                    num(meta, "action_dim").intValue(), num(meta, "goal_dim").intValue(), cfg, baseline,
                    num(meta, "env_steps").longValue(), num(meta, "sgd_steps").longValue(), num(meta, "epoch").intValue(),
                    extra(meta.get("extra")));
            Agent agent = Agent.create(info.stateDim(), info.actionDim(), info.goalDim(), cfg, baseline, pool);
            for (ParamStore ps : agent.stores()) {
                ps.copyFrom(c, "", ps.params());
            }
            List<?> steps = (List<?>) meta.get("adam_steps");
            int k = 0;
            for (Map.Entry<ParamStore, Adam> e : agent.optimisers().entrySet()) {
                e.getKey().copyFrom(c, "adam_m/", e.getValue().firstMoment());
                e.getKey().copyFrom(c, "adam_v/", e.getValue().secondMoment());
                e.getValue().setStep(((Number) steps.get(k++)).longValue());
            }
            return new Loaded(info, agent, c, meta);
        } catch (ClassCastException | NullPointerException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new CorruptFileException(path, "its crl4j metadata is incomplete or malformed (" + e.getMessage() + ")");
        }
    }

    /** The env steps a checkpoint (or resume state) records, read from its header without building the agent. */
    public static long envStepsOf(Path path) throws IOException {
        String json = Safetensors.read(path).metadata().get(META_KEY);
        if (json == null) {
            throw new CorruptFileException(path, "not a crl4j checkpoint (no '" + META_KEY + "' metadata)");
        }
        try {
            return num(Json.parseObject(json), "env_steps").longValue();
        } catch (JsonException | IllegalArgumentException e) {
            throw new CorruptFileException(path, "its crl4j metadata has no env steps (" + e.getMessage() + ")");
        }
    }

    /** An option's value by its kebab-case name, or by the snake_case one format 1 wrote. */
    private static Object option(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v != null ? v : m.get(key.replace('-', '_'));
    }

    private static Number num(Map<String, Object> m, String key) {
        Object v = option(m, key);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("missing number '" + key + "'");
        }
        return n;
    }

    /** The extra metadata, its keys as the options spell them (format 1 wrote {@code eval_env}). */
    private static Map<String, Object> extra(Object o) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k).replace('_', '-'), v));
        }
        return out;
    }

    public static Map<String, Object> toMap(TrainConfig t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("env", t.env());
        m.put("eval-env", t.evalEnv());
        m.put("num-envs", t.numEnvs());
        m.put("total-env-steps", t.totalEnvSteps());
        m.put("num-epochs", t.numEpochs());
        m.put("unroll-length", t.unrollLength());
        m.put("batch-size", t.batchSize());
        m.put("num-sgd-batches-per-training-step", t.numSgdBatchesPerTrainingStep());
        m.put("max-replay-size", t.maxReplaySize());
        m.put("min-replay-size", t.minReplaySize());
        m.put("episode-length", t.episodeLength());
        m.put("gamma", t.gamma());
        m.put("num-eval-envs", t.numEvalEnvs());
        m.put("seed", t.seed());
        m.put("reset-mode", t.resetMode().name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }

    public static TrainConfig trainConfigFromMap(Map<String, Object> m) {
        return new TrainConfig((String) option(m, "env"), (String) option(m, "eval-env"), num(m, "num-envs").intValue(),
                num(m, "total-env-steps").longValue(), num(m, "num-epochs").intValue(), num(m, "unroll-length").intValue(),
                num(m, "batch-size").intValue(), num(m, "num-sgd-batches-per-training-step").intValue(),
                num(m, "max-replay-size").intValue(), num(m, "min-replay-size").intValue(),
                num(m, "episode-length").intValue(), num(m, "gamma").doubleValue(), num(m, "num-eval-envs").intValue(),
                num(m, "seed").longValue(), option(m, "reset-mode") == null ? org.crl4j.envs.VecEnv.ResetMode.SAME_START
                        : org.crl4j.envs.VecEnv.ResetMode.parse((String) option(m, "reset-mode"))); // absent before issue 19
    }

    public static Map<String, Object> toMap(CrlConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("critic-width", c.criticWidth());
        m.put("critic-depth", c.criticDepth());
        m.put("actor-width", c.actorWidth());
        m.put("actor-depth", c.actorDepth());
        m.put("repr-dim", c.reprDim());
        m.put("energy", c.energy().jaxName());
        m.put("contrastive-loss", c.contrastiveLoss().jaxName());
        m.put("logsumexp-penalty-coeff", (double) c.logsumexpPenalty());
        m.put("actor-lr", (double) c.actorLr());
        m.put("critic-lr", (double) c.criticLr());
        m.put("alpha-lr", (double) c.alphaLr());
        m.put("entropy-param", (double) c.entropyParam());
        m.put("disable-entropy", c.disableEntropy());
        m.put("layer-norm", c.layerNorm());
        m.put("activation", c.activation().name().toLowerCase(java.util.Locale.ROOT));
        m.put("residual", c.residual());
        m.put("recompute", c.recompute().name().toLowerCase(java.util.Locale.ROOT));
        if (c.actorInit() != ActorInit.PAPER) { // absent for the paper's, so older checkpoints' bytes stay the same
            m.put("actor-init", c.actorInit().cliName());
        }
        return m;
    }

    public static CrlConfig fromMap(Map<String, Object> m) {
        return new CrlConfig(num(m, "critic-width").intValue(), num(m, "critic-depth").intValue(),
                num(m, "actor-width").intValue(), num(m, "actor-depth").intValue(), num(m, "repr-dim").intValue(),
                Energy.fromJaxName((String) option(m, "energy")),
                InfoNce.Variant.fromJaxName((String) option(m, "contrastive-loss")),
                num(m, "logsumexp-penalty-coeff").floatValue(), num(m, "actor-lr").floatValue(),
                num(m, "critic-lr").floatValue(), num(m, "alpha-lr").floatValue(), num(m, "entropy-param").floatValue(),
                (Boolean) option(m, "disable-entropy"), (Boolean) option(m, "layer-norm"),
                Activation.parse((String) option(m, "activation")), (Boolean) option(m, "residual"),
                MlpOptions.Recompute.parse((String) option(m, "recompute")),
                m.get("actor-init") == null ? ActorInit.PAPER : ActorInit.parse((String) option(m, "actor-init")));
    }

    public static Map<String, Object> toMap(BaselineConfig b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("discount", (double) b.discount());
        m.put("tau", (double) b.tau());
        m.put("sac-lr", (double) b.sacLr());
        m.put("td3-lr", (double) b.td3Lr());
        m.put("gcbc-lr", (double) b.gcbcLr());
        m.put("her-ratio", (double) b.herRatio());
        m.put("exploration-noise", (double) b.explorationNoise());
        m.put("exploration-noise-clip", (double) b.explorationNoiseClip());
        m.put("policy-delay", b.policyDelay());
        m.put("target-noise", (double) b.targetNoise());
        m.put("target-noise-clip", (double) b.targetNoiseClip());
        m.put("ppo-lr", (double) b.ppoLr());
        m.put("ppo-epochs", b.ppoEpochs());
        m.put("clip-epsilon", (double) b.clipEpsilon());
        m.put("gae-lambda", (double) b.gaeLambda());
        m.put("entropy-cost", (double) b.entropyCost());
        return m;
    }

    /**
     * The baselines' configuration from a checkpoint's metadata. A field it lacks takes its default: checkpoints
     * written before PPO existed have none of PPO's fields.
     */
    public static BaselineConfig baselineFromMap(Algo algo, Map<String, Object> m) {
        Map<String, Object> v = new LinkedHashMap<>(toMap(BaselineConfig.defaults(algo)));
        v.putAll(m);
        return new BaselineConfig(algo, num(v, "discount").floatValue(), num(v, "tau").floatValue(),
                num(v, "sac-lr").floatValue(), num(v, "td3-lr").floatValue(), num(v, "gcbc-lr").floatValue(),
                num(v, "her-ratio").floatValue(), num(v, "exploration-noise").floatValue(),
                num(v, "exploration-noise-clip").floatValue(), num(v, "policy-delay").intValue(),
                num(v, "target-noise").floatValue(), num(v, "target-noise-clip").floatValue(), num(v, "ppo-lr").floatValue(),
                num(v, "ppo-epochs").intValue(), num(v, "clip-epsilon").floatValue(), num(v, "gae-lambda").floatValue(),
                num(v, "entropy-cost").floatValue());
    }
}
