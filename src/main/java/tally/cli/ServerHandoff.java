package tally.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;
import tally.server.CliForwarding;
import tally.server.ServerFile;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * DuckDB admits one process. While {@code tally serve} owns an embedded data directory, another
 * {@code tally} command on that directory is sent to it and run there (see {@code tally.server.CliBridge});
 * PostgreSQL is shared by nature, so nothing is forwarded for it.
 */
final class ServerHandoff {
    /** Commands that never go to a server: the server itself, and ones that need no store or keep their own. */
    private static final Set<String> LOCAL = Set.of("serve", "help", "demo", "users", // users: a file, and reads our stdin
            "tail", "statusline"); // these run here and ask the server themselves (tail polls, statusline reads our stdin)

    private ServerHandoff() {}

    /** The exit code of the command as the server ran it, or null to run it here. */
    static Integer tryForward(String[] args, PrintWriter out, PrintWriter err) {
        if (Session.serving != null) return null; // we are the server
        Main main = new Main();
        ParseResult parsed;
        try {
            parsed = new CommandLine(main).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
        } catch (RuntimeException badArgs) {
            return null; // let the normal run report it
        }
        if (!parsed.hasSubcommand() || LOCAL.contains(parsed.subcommand().commandSpec().name())) return null;
        for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) return null;
        }
        GlobalOptions g = main.global;
        if (g.dbUrl() != null) return null;
        Path data = g.dataDir().toAbsolutePath().normalize();
        Optional<ServerFile> server = CliForwarding.owner(data);
        if (server.isEmpty()) return null;
        return CliForwarding.run(server.get(), portable(args, g, data), out, err).orElse(null);
    }

    /**
     * Runs one command line in the server that owns this process's embedded data directory, printing
     * what it printed: its exit code, or empty when no server owns it (or it cannot be reached).
     * For commands that stay here but read through the server (tail, statusline).
     */
    static Optional<Integer> runInServer(GlobalOptions g, List<String> args, PrintWriter out, PrintWriter err) {
        if (Session.serving != null || g.dbUrl() != null) return Optional.empty();
        Path data = g.dataDir().toAbsolutePath().normalize();
        Optional<ServerFile> server = CliForwarding.owner(data);
        if (server.isEmpty()) return Optional.empty();
        return CliForwarding.run(server.get(), portable(args.toArray(String[]::new), g, data), out, err);
    }

    /**
     * The arguments as the server must see them, since it has its own working directory and
     * environment: the data directory and relative file arguments made absolute, and the zone and
     * price file this process would have used from its environment made explicit.
     */
    private static List<String> portable(String[] args, GlobalOptions g, Path data) {
        List<String> out = new ArrayList<>();
        boolean tz = false;
        boolean prices = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--data")) {
                i++;
                continue;
            }
            if (a.startsWith("--data=")) continue;
            tz |= a.equals("--tz") || a.startsWith("--tz=");
            prices |= a.equals("--prices") || a.startsWith("--prices=");
            out.add(absoluteIfFile(a));
        }
        out.add("--data=" + data);
        if (!tz && System.getenv("TALLY_TZ") != null) out.add("--tz=" + g.zone().getId());
        if (!prices && g.pricesFile() != null) out.add("--prices=" + g.pricesFile().toAbsolutePath());
        return out;
    }

    private static String absoluteIfFile(String a) {
        int eq = a.startsWith("--") ? a.indexOf('=') : -1;
        String value = eq >= 0 ? a.substring(eq + 1) : a;
        if (value.isEmpty() || value.startsWith("-")) return a;
        try {
            Path p = Path.of(value);
            if (p.isAbsolute() || !Files.exists(p)) return a;
            String abs = p.toAbsolutePath().normalize().toString();
            return eq >= 0 ? a.substring(0, eq + 1) + abs : abs;
        } catch (RuntimeException notAPath) {
            return a;
        }
    }
}
