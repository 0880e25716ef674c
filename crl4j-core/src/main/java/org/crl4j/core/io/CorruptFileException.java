package org.crl4j.core.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file whose content does not follow its format. The message is one line: the file, the problem and, where there
 * is one, the fix.
 */
public final class CorruptFileException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public CorruptFileException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    /** The message without the file name. */
    public String problem() {
        return problem;
    }
}
