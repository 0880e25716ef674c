package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crl4j plot}: learning curves and score-vs-parameter figures, and a summary table, of a sweep or of runs. */
@Command(name = "plot", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Plot runs grouped by their options (seeds averaged: mean ± standard error): learning_curves, "
                + "score_vs_<depth|width|batch|ablation|algo> (PNG and SVG: one line per setting of the other varying options, "
                + "so a sweep over --algo and --depth draws each algorithm's depth curve) and summary.md (also printed).",
            "Score: mean time at goal over the last 5 evaluations, as the paper."})
public final class PlotCommand implements Runnable {
    @Parameters(arity = "1..*", paramLabel = "SWEEP_DIR|RUN_DIR", description = "A sweep directory, or run directories.")
    List<Path> paths;
    @Option(names = "--out", paramLabel = "DIR", description = "Where to write (default: the directory given, or plots/ for several).")
    Path out;

    @Override
    public void run() {
        ScalingReport report = ScalingReport.load(paths);
        Path target = out != null ? out : paths.size() == 1 ? paths.get(0) : Path.of("plots");
        try {
            List<Path> written = report.write(target);
            System.out.print(report.summaryMarkdown());
            System.out.println();
            System.out.println(report.groups.stream().mapToInt(g -> g.runs().size()).sum() + " runs in " + report.groups.size() + " groups; wrote "
                    + String.join(", ", written.stream().map(Path::toString).toList()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + target + ": " + e.getMessage(), e);
        }
    }
}
