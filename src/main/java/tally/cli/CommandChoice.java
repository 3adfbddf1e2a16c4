package tally.cli;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which subcommand an invocation runs, read from its arguments before picocli builds anything: the
 * first argument after the global options, when it is a subcommand's name. Empty when in doubt (no
 * name, an unknown one, an option picocli alone understands, the help command that walks the tree).
 */
final class CommandChoice {
    /** The global options that take a value as the next argument (see {@link GlobalOptions}). */
    private static final Set<String> VALUED = Set.of("--data", "--db", "--tz", "--prices");

    private static final Set<String> ROOT_ONLY = Set.of("-h", "--help", "-V", "--version");

    private CommandChoice() {}

    /** Whether the invocation names a PostgreSQL store (--db anywhere, or TALLY_DB), rather than the embedded one. */
    static boolean choosesPostgres(String[] args) {
        String env = System.getenv("TALLY_DB");
        if (env != null && !env.isBlank()) return true;
        for (String a : args) if (a.equals("--db") || a.startsWith("--db=")) return true;
        return false;
    }

    /** The index of the first argument that is not a global option with its value. */
    private static int afterGlobalOptions(String[] args) {
        int i = 0;
        while (i < args.length) {
            String a = args[i];
            if (VALUED.contains(a)) i += 2;
            else if (a.contains("=") && VALUED.contains(a.substring(0, a.indexOf('=')))) i += 1;
            else break;
        }
        return Math.min(i, args.length);
    }

    /** Whether the invocation only asks the root itself: nothing, or only for help or the version. */
    static boolean onlyTheRoot(String[] args) {
        int i = afterGlobalOptions(args);
        return i == args.length || i == args.length - 1 && ROOT_ONLY.contains(args[i]);
    }

    /** The first argument after the global options, or null: a subcommand's name, if any. */
    static String firstWord(String[] args) {
        return wordAt(args, 0);
    }

    /** The argument right after the subcommand's name, or null: a sub-subcommand's name, if any. */
    static String wordAfterTheCommand(String[] args) {
        return wordAt(args, 1);
    }

    /** The argument {@code k} places after the global options, or null. */
    private static String wordAt(String[] args, int k) {
        int i = afterGlobalOptions(args) + k;
        return i < args.length ? args[i] : null;
    }

    static Optional<Class<?>> named(String[] args, Map<String, Class<?>> commands) {
        int i = afterGlobalOptions(args);
        if (i >= args.length) return Optional.empty();
        Class<?> c = commands.get(args[i]);
        // the help command by class, not by its annotation: the first annotation read costs 20-30 ms, which the
        // start-up thread spends on another core meanwhile
        if (c == null || c == HelpCommand.class) return Optional.empty();
        return Optional.of(c);
    }
}
