package org.crl4j.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import org.crl4j.core.io.AtomicFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code crl4j compare}: runs that differ in one option, paired by seed, as a markdown table with paired t tests. */
@Command(name = "compare", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare runs that differ in one option (--by), paired by seed within each setting of the other "
                + "options: per-seed scores and final evaluations, mean ± SE of each arm and of the differences, and a "
                + "two-sided paired t test. Prints markdown (and writes it with --out).",
            "Example: ./crl4j compare sweeps/reset-same_start sweeps/reset-resample --by reset-mode"})
public final class CompareCommand implements Runnable {
    @Parameters(arity = "1..*", paramLabel = "SWEEP_DIR|RUN_DIR", description = "Sweep directories or run directories.")
    List<Path> paths;
    @Option(names = "--by", paramLabel = "OPTION", description = "The option whose values are compared (depth, "
            + "reset-mode, actor-init, algo, ...; default: the only one that varies).")
    String by;
    @Option(names = "--baseline", paramLabel = "VALUE", description = "The value the others are compared with "
            + "(default: the first in plot's order, e.g. the smallest depth).")
    String baseline;
    @Option(names = "--out", paramLabel = "FILE", description = "Also write the markdown to this file (atomically).")
    Path out;

    @Override
    public void run() {
        ScalingReport report = ScalingReport.load(paths);
        String markdown = PairedComparison.markdown(report, PairedComparison.option(report, by), baseline);
        System.out.print(markdown);
        if (out != null) {
            try {
                AtomicFiles.writeString(out, markdown);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
            }
        }
    }
}
