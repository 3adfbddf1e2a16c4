package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.core.Ids;
import tally.store.ActivityLog;

import java.security.SecureRandom;
import java.util.HexFormat;

@Command(name = "tokens", description = "Ingest tokens for Claude Code telemetry (OTLP).",
        subcommands = {TokensCommand.Create.class})
final class TokensCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A fresh ingest token: random, recognisable by its prefix. */
    static String newToken() {
        byte[] secret = new byte[24];
        Create.RANDOM.nextBytes(secret);
        return "tly_ot_" + HexFormat.of().formatHex(secret);
    }

    @Command(name = "create", description = "Make a token whose telemetry is attributed to one person; printed once, stored hashed.")
    static final class Create implements Runnable {
        private static final SecureRandom RANDOM = new SecureRandom();

        @Spec CommandSpec spec;

        @Option(names = "--user", required = true, description = "The person the token's telemetry belongs to.")
        String user;

        @Override
        public void run() {
            if (user.isBlank()) throw new UserError("--user must not be empty");
            String token = newToken();
            try (Session s = Session.open(((Main) spec.root().userObject()).global)) {
                new ActivityLog(s.store).addToken(Ids.sha256(token), user.trim());
            }
            spec.commandLine().getOut().println(token);
            spec.commandLine().getErr().println("Telemetry sent with this token counts as " + user.trim()
                    + ". It is shown once; only its hash is stored. Use it as:");
            spec.commandLine().getErr().println("  OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer " + token);
        }
    }
}
