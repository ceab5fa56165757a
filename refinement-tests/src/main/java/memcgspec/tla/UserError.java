package memcgspec.tla;

/**
 * Bad user input: an unknown model, a missing or malformed file, a malformed catalogue line. The message is
 * ONE line, fit to be printed as it is; the CLI prints it (no stack trace) and exits 2.
 */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(oneLine(message));
    }

    public UserError(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Collapses line breaks and runs of blanks, so that every message stays on one line. */
    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").replaceAll("[ \\t]+", " ").trim();
    }
}
