package tally.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code tally} in-process, capturing what it prints. */
final class Cli {
    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private Cli() {}
}
