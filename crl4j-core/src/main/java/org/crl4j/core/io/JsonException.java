package org.crl4j.core.io;

/**
 * Malformed JSON text. The message is one line: where (line, column and character offset) and what was expected.
 * Unchecked because JSON is mostly parsed from strings already in memory (configs, metrics lines); callers reading
 * files wrap it with the file name.
 */
public final class JsonException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int offset;
    private final String detail;

    JsonException(String detail, int offset) {
        super("invalid JSON " + detail);
        this.detail = detail;
        this.offset = offset;
    }

    /** The message without its "invalid JSON" prefix: position and expectation, for embedding in other messages. */
    public String detail() {
        return detail;
    }

    /** Zero-based character offset into the parsed text where the problem was found. */
    public int offset() {
        return offset;
    }
}
