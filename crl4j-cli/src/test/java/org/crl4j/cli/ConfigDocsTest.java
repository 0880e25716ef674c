package org.crl4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.crl4j.rl.config.RunConfigs;
import org.junit.jupiter.api.Test;

/** docs/configuration.md prints the options table from the same source as train --help. */
class ConfigDocsTest {
    @Test
    void theDocsTableIsTheOptionsTable() throws Exception {
        Path docs = Path.of("..", "docs", "configuration.md");
        assertThat(Files.readString(docs)).as("regenerate with ./crl4j config --markdown").contains(RunConfigs.markdownTable());
    }
}
