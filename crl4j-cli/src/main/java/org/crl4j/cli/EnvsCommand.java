package org.crl4j.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import org.crl4j.bench.EnvBenchmark;
import org.crl4j.core.io.Json;
import org.crl4j.envs.EnvSpec;
import org.crl4j.envs.Envs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code crl4j envs …}: the task registry. */
@Command(name = "envs", mixinStandardHelpOptions = true, description = "List the tasks or measure their speed.",
        subcommands = {EnvsCommand.ListTasks.class, EnvsCommand.Bench.class})
public final class EnvsCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List every task id with a one-line description.")
    static final class ListTasks implements Runnable {
        @Option(names = "--json", description = "One JSON object per task.")
        boolean json;

        @Override
        public void run() {
            for (EnvSpec s : Envs.list()) {
                if (json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", s.id());
                    m.put("description", s.description());
                    m.put("state_dim", s.stateDim());
                    m.put("goal_dim", s.goalDim());
                    m.put("action_dim", s.actionDim());
                    m.put("success_threshold", s.successThreshold());
                    m.put("episode_length", s.episodeLength());
                    System.out.println(Json.write(m));
                } else {
                    System.out.printf("%-26s %s  [state %d, goal %d, action %d, success < %s, %d steps]%n", s.id(),
                            s.description(), s.stateDim(), s.goalDim(), s.actionDim(), s.successThreshold(),
                            s.episodeLength());
                }
            }
        }
    }

    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Environment steps per second with random actions, auto-resets included.")
    static final class Bench implements Runnable {
        @Option(names = "--env", required = true, description = "Task id (see 'envs list').")
        String env;
        @Option(names = "--num-envs", defaultValue = "1024", description = "Parallel copies (default ${DEFAULT-VALUE}).")
        int numEnvs;
        @Option(names = "--threads", description = "Worker threads (default: all cores).")
        Integer threads;
        @Option(names = "--seconds", defaultValue = "3", description = "Timed duration (default ${DEFAULT-VALUE}).")
        double seconds;
        @Option(names = "--seed", defaultValue = "0")
        long seed;
        @Option(names = "--json", description = "Print one JSON object as the last line.")
        boolean json;

        @Override
        public void run() {
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            if (t < 1 || numEnvs < 1 || !(seconds > 0)) {
                throw new IllegalArgumentException("--threads, --num-envs and --seconds must be positive");
            }
            Envs.spec(env); // fails early with the list of known ids
            EnvBenchmark.Result r = EnvBenchmark.run(env, numEnvs, t, seconds, seed);
            System.out.printf("%s  num_envs=%d threads=%d  %,.0f env steps/s  (%,.0f per thread; %,d steps in %.2f s)%n",
                    env, numEnvs, t, r.stepsPerSecond(), r.stepsPerSecond() / t, r.steps(), r.seconds());
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("env", env);
                m.put("num_envs", numEnvs);
                m.put("threads", t);
                m.put("steps", r.steps());
                m.put("seconds", r.seconds());
                m.put("steps_per_second", r.stepsPerSecond());
                m.put("steps_per_second_per_thread", r.stepsPerSecond() / t);
                System.out.println(Json.write(m));
            }
        }
    }
}
