package tally.cli;

/**
 * A failure caused by what the user gave us (a value, a file, an unreachable database). Printed as
 * one line, exit code 2, never a stack trace.
 */
public final class UserError extends RuntimeException {
    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
