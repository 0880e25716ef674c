package org.crl4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names a transfer may write under: relative paths of plain segments inside the receiving directory. */
class FileTransferNamesTest {
    @Test
    void runFilesAreAcceptedAndEscapesAreNot() {
        assertThat(FileTransfer.isSafeName("d4-w128-b128/seed1/checkpoints/resume.prev.safetensors")).isTrue();
        assertThat(FileTransfer.isSafeName("metrics.jsonl")).isTrue();
        assertThat(FileTransfer.isSafeName("tensorboard/events.out.tfevents.1796614097.vm")).isTrue();
        for (String bad : new String[] {null, "", "/etc/passwd", "../x", "a/../../x", "a/./b", "a//b", "a/", ".hidden",
            "a/.x.part", "a\\b", "a b", "x/" + "y/".repeat(8) + "z"}) {
            assertThat(FileTransfer.isSafeName(bad)).as(bad).isFalse();
        }
    }
}
