package tally.cli;

import picocli.CommandLine;

import java.util.List;

/** Parses a command line as `tally` would, without running it: for arguments written in deploy files. */
public final class ServeArgs {
    private ServeArgs() {}

    /** The parsed `tally` invocation; throws picocli's ParameterException naming an unknown option or bad value. */
    public static CommandLine.ParseResult parse(List<String> args) {
        return Main.commandLine().parseArgs(args.toArray(String[]::new));
    }
}
