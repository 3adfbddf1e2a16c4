package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Tokens;


@Command(name = "tokens", description = "Ingest tokens for Claude Code telemetry (OTLP).",
        subcommands = {TokensCommand.Create.class})
final class TokensCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = "Make a token whose telemetry is attributed to one person; printed once, stored hashed.")
    static final class Create implements Runnable {
        @Spec CommandSpec spec;

        @Option(names = "--user", required = true, description = "The person the token's telemetry belongs to.")
        String user;

        @Override
        public void run() {
            if (user.isBlank()) throw new UserError("--user must not be empty");
            String token;
            try (Backend b = Backend.open(GlobalOptions.of(spec))) {
                token = b.call(Ops.TOKENS_CREATE, new Tokens.Create(user.trim())).token();
            }
            spec.commandLine().getOut().println(token);
            spec.commandLine().getErr().println("Telemetry sent with this token counts as " + user.trim()
                    + ". It is shown once; only its hash is stored. Use it as:");
            spec.commandLine().getErr().println("  OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer " + token);
        }
    }
}
