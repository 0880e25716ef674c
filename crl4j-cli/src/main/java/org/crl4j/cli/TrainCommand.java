package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.crl4j.envs.Envs;
import org.crl4j.rl.RunDirectory;
import org.crl4j.rl.Trainer;
import org.crl4j.rl.config.RunConfig;
import org.crl4j.rl.config.RunConfigs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * {@code crl4j train}: argument handling only. The run's options are {@link RunConfig}'s, one flag each (added by
 * {@link #addRunOptions}); the run itself is {@link TrainingRun}.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
        description = "Train a goal-reaching agent with contrastive RL (no reward function), or with one of the "
                + "baselines it is compared with (--algo sac|sac_her|td3|td3_her|ppo|gcbc) on the same networks and data.",
        footer = {"", "Every option can also be given in a --config file (TOML, YAML or JSON) under its name without the "
                + "dashes, in its section ([networks] critic-depth = 16) or not; flags override the file. A run's "
                + "config.toml is such a file. All options and defaults: docs/configuration.md."})
public final class TrainCommand implements Runnable {
    @Option(names = "--threads", description = "Worker threads (default: all cores; per rank with --ranks).") Integer threads;
    @Option(names = "--ranks", defaultValue = "1", description = "Data-parallel processes on this machine (default "
            + "${DEFAULT-VALUE}): each steps num-envs / K environments into its own replay and takes batch-size / K rows "
            + "of each SGD step; their gradients are averaged over the cluster transport every step, so the parameters "
            + "stay identical (checked every epoch). With --resume: the run's saved ranks unless given; another K "
            + "reshards its saved states first (environments, replay and random streams move between ranks).") int ranks;
    @Option(names = "--cluster-port", paramLabel = "P", description = "With --ranks K: train ranks 1..K-1 on other "
            + "machines. This process (rank 0) becomes a cluster coordinator on port P (0: any free port) and waits for "
            + "K-1 free slots of workers started with './crl4j worker --join HOST:P'; the ranks' states come back here, "
            + "so --resume (with --cluster-port again) continues on whichever workers join. Needs the shared secret "
            + "(" + ClusterSecret.ENV + " or --secret-file).") Integer clusterPort;
    @Option(names = "--cluster-host", paramLabel = "ADDRESS", defaultValue = org.crl4j.cluster.ClusterNode.LOOPBACK,
            description = "With --cluster-port: this machine's address as the workers reach it (default "
                    + "${DEFAULT-VALUE}: workers on this machine only).") String clusterHost;
    @Option(names = "--secret-file", paramLabel = "FILE", description = "With --cluster-port: file holding the shared "
            + "secret.") Path secretFile;
    @Option(names = "--run-dir", description = "Output directory (default: runs/ENV-DATE-TIME).") Path runDir;
    @Option(names = "--resume", paramLabel = "RUN_DIR", description = "Continue an interrupted run with its saved "
            + "options; only --threads and --ranks K (a data-parallel run, or one process, continued with K ranks) may "
            + "be given with it, and --total-env-steps N to lengthen a run (finished or not) with more epochs of the "
            + "same length.")
    Path resume;
    @Option(names = "--config", paramLabel = "FILE", description = "TOML/YAML/JSON file of options; flags given here override it.")
    Path config;

    @CommandLine.Spec
    CommandSpec spec;

    /** Adds one flag per {@link RunConfig} option to {@code train}: --key VALUE, and --no-key for a switch that is on by default. */
    static void addRunOptions(CommandSpec train) {
        Map<String, ArgGroupSpec.Builder> groups = new LinkedHashMap<>();
        for (RunConfigs.Option o : RunConfigs.options()) {
            ArgGroupSpec.Builder g = groups.computeIfAbsent(o.section(), s -> ArgGroupSpec.builder().exclusive(false)
                    .validate(false).multiplicity("0..1").heading("%n[" + s + "]%n"));
            OptionSpec.Builder b = OptionSpec.builder("--" + o.key()).type(String.class).description(o.describe());
            if (o.isSwitch()) {
                b.arity("0..1").fallbackValue("true").paramLabel("true|false");
            } else {
                b.paramLabel(o.field().choices().length > 0 ? String.join("|", o.field().choices())
                        : o.type() == String.class ? "ID" : o.type() == double.class ? "X" : "N");
            }
            g.addArg(b.build());
            if (o.isSwitch() && o.field().value().equals("true")) {
                g.addArg(OptionSpec.builder("--no-" + o.key()).arity("0").type(boolean.class)
                        .description("Same as --" + o.key() + " false.").build());
            }
        }
        groups.values().forEach(g -> train.addArgGroup(g.build()));
    }

    /** A train command line with every option, for parsing train flags elsewhere (sweep). */
    static CommandLine commandLine(TrainCommand train) {
        CommandLine cl = new CommandLine(train);
        addRunOptions(cl.getCommandSpec());
        return cl;
    }

    @Override
    public void run() {
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (t < 1) {
            throw new IllegalArgumentException("--threads must be at least 1");
        }
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        if (ranks < 1) {
            throw new IllegalArgumentException("--ranks must be at least 1");
        }
        if (resume != null) {
            for (OptionSpec o : parsed.matchedOptions()) {
                String n = o.longestName();
                if (!List.of("--resume", "--threads", "--ranks", "--total-env-steps", "--cluster-port", "--cluster-host",
                        "--secret-file").contains(n)) {
                    throw new IllegalArgumentException(n + " cannot be combined with --resume: a resumed run keeps its "
                            + "saved options (see " + resume.resolve("config.toml") + "); only --threads and --ranks "
                            + "may change, and --total-env-steps may lengthen it");
                }
            }
            Long lengthenTo = parsed.hasMatchedOption("--total-env-steps")
                    ? Long.parseLong(parsed.matchedOptionValue("--total-env-steps", "0").strip()) : null;
            Integer resumeRanks = parsed.hasMatchedOption("--ranks") ? ranks : null; // default: the saved ranks
            TrainingRun.resume(RunDirectory.open(resume), t, lengthenTo, resumeRanks, placement(parsed));
            return;
        }
        RunConfig cfg = resolvedConfig();
        Path dir = runDir != null ? runDir : Path.of("runs", RunDirectory.safeName(cfg.env().env()) + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            // before the run directory is written
            Trainer.requireSplit(cfg.trainConfig(Envs.spec(cfg.env().env()).episodeLength()), ranks);
            if (ranks > 1 && cfg.baselineConfig().algo() != org.crl4j.rl.Algo.CRL) {
                throw new IllegalArgumentException("--ranks " + ranks + " trains contrastive RL only; --algo "
                        + cfg.baselines().algo() + " runs in one process (leave --ranks out)");
            }
            WorkerRanks.Placement where = placement(parsed);
            if (where != null && ranks < 2) {
                throw new IllegalArgumentException("--cluster-port places ranks 1..K-1 on workers; give --ranks K with "
                        + "K >= 2 (a one-process run needs no cluster)");
            }
            TrainingRun.start(cfg, RunDirectory.create(dir), t, ranks, where);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Where ranks 1..K−1 run: on cluster workers with --cluster-port, else (null) as child JVMs here. */
    private WorkerRanks.Placement placement(CommandLine.ParseResult parsed) {
        if (clusterPort == null) {
            if (parsed.hasMatchedOption("--cluster-host") || parsed.hasMatchedOption("--secret-file")) {
                throw new IllegalArgumentException("--cluster-host and --secret-file go with --cluster-port P");
            }
            return null;
        }
        if (clusterPort < 0 || clusterPort > 65535) {
            throw new IllegalArgumentException("--cluster-port must be in 0..65535, got " + clusterPort);
        }
        return new WorkerRanks.Placement(clusterHost, clusterPort, ClusterSecret.load(secretFile));
    }

    /**
     * The options in force: the defaults, then --config's file, then the flags; validated as the trainer will (task
     * ids, ranges, and the schedule's own rules) before anything is written.
     */
    RunConfig resolvedConfig() {
        List<RunConfigs.Layer> layers = new ArrayList<>();
        if (config != null) {
            layers.add(new RunConfigs.Layer(ConfigFile.read(config), config.toString()));
        }
        Map<String, Object> flags = new LinkedHashMap<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            String key = o.longestName().substring(2);
            if (key.startsWith("no-") && o.type() == boolean.class) {
                flags.put(key.substring(3), "false");
            } else if (RunConfigs.options().stream().anyMatch(r -> r.key().equals(key))) {
                flags.put(key, o.getValue());
            }
        }
        layers.add(new RunConfigs.Layer(flags, RunConfigs.COMMAND_LINE));
        RunConfig cfg = RunConfigs.bind(layers);
        Envs.spec(cfg.evalEnvId());
        cfg.trainConfig(Envs.spec(cfg.env().env()).episodeLength());
        cfg.crlConfig().criticMlp();
        cfg.crlConfig().actorMlp();
        return cfg;
    }
}
