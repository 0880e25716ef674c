package org.crl4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code crl4j} command line. Errors are one line on stderr (set CRL4J_DEBUG=1 for stack traces). */
@Command(name = "crl4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Self-supervised goal-conditioned RL (Contrastive RL with deep residual networks) on the JVM.",
        subcommands = {TrainCommand.class, ConfigCommand.class, SweepCommand.class, WorkerCommand.class, RankCommand.class, PlotCommand.class, CompareCommand.class, EvalCommand.class, DistillCommand.class, ExportCommand.class, BenchCommand.class, EnvsCommand.class, RenderCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        exitWithParent();
        System.exit(run(args));
    }

    /** Set by {@link TrainProcess} for the processes it starts: the pid of the crl4j process that started them. */
    static final String PARENT_PID_ENV = "CRL4J_PARENT_PID";

    /**
     * A process started by a sweep, a worker or rank 0 stops as on SIGTERM (saving its resume state, then exiting)
     * when the process that started it is gone, even killed with SIGKILL: else an orphan would go on training a run
     * that its coordinator has handed to another worker, or hold a rank that nobody reduces with.
     */
    private static void exitWithParent() {
        String pid = System.getenv(PARENT_PID_ENV);
        if (pid == null) {
            return;
        }
        try {
            ProcessHandle.of(Long.parseLong(pid.strip())).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> {
                        System.err.println("crl4j: the process that started this one (pid " + pid + ") is gone; stopping");
                        System.exit(143);
                    }),
                    () -> System.exit(143));
        } catch (NumberFormatException ignored) {
            // not ours
        }
    }

    /** Runs the command line and returns the exit code (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        TrainCommand.addRunOptions(cl.getSubcommands().get("train").getCommandSpec());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            reportError(ex);
            return 1;
        });
        cl.setParameterExceptionHandler((ex, argv) -> {
            System.err.println("error: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cl.execute(args);
    }

    static void reportError(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && (root.getMessage() == null || root instanceof java.lang.reflect.InvocationTargetException)) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (root instanceof OutOfMemoryError) {
            msg = "out of memory (" + msg + "); give the JVM more heap with CRL4J_JAVA_OPTS=-Xmx16g, or use a smaller batch, "
                    + "or --recompute on";
        }
        System.err.println("error: " + msg.replace('\n', ' '));
        if (System.getenv("CRL4J_DEBUG") != null) {
            ex.printStackTrace();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"crl4j " + (v == null ? "0.1.0-SNAPSHOT" : v) + ", Java " + Runtime.version()
                    + ", " + org.crl4j.core.Simd.describe()};
        }
    }
}
