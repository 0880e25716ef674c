package org.crl4j.cli;

import org.crl4j.rl.config.RunConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crl4j config}: the options of a run with their defaults, as a config file to start from or as docs. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print every train option with its default and meaning, as a TOML file for 'train --config' "
                + "(./crl4j config > run.toml), or as the Markdown table of docs/configuration.md.")
public final class ConfigCommand implements Runnable {
    @Option(names = "--markdown", description = "The Markdown table instead of TOML.")
    boolean markdown;

    @Override
    public void run() {
        System.out.print(markdown ? RunConfigs.markdownTable()
                : RunConfigs.toToml(RunConfigs.defaults(), "crl4j train: every option at its default (use with train --config)"));
    }
}
