package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Tokens;
import tally.report.CostReportWriter;
import tally.report.TextTable;

@Command(name = "tokens", description = "Ingest tokens for Claude Code telemetry (OTLP).",
        subcommands = {TokensCommand.Create.class, TokensCommand.ListTokens.class, TokensCommand.Revoke.class})
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

    @Command(name = "list", description = "List ingest tokens by id, with their person and when made, last used and revoked"
            + " (never the tokens themselves). Last used is written by the server at its next token refresh (within 10 s).")
    static final class ListTokens implements Runnable {
        @Spec CommandSpec spec;
        @Option(names = "--format", defaultValue = "table", description = "table or json (default table).") String format;

        @Override
        public void run() {
            if (!"json".equalsIgnoreCase(format) && !"table".equalsIgnoreCase(format)) {
                throw new UserError("--format: expected table or json; got '" + format + "'");
            }
            java.util.List<Tokens.Token> tokens;
            try (Backend b = Backend.openForReading(GlobalOptions.of(spec))) {
                tokens = b.call(Ops.TOKENS_LIST, new Ops.None()).tokens();
            }
            if ("json".equalsIgnoreCase(format)) {
                ArrayNode arr = JsonNodeFactory.instance.arrayNode();
                for (Tokens.Token t : tokens) {
                    arr.addObject().put("id", t.id()).put("user", t.user()).put("status", t.revoked() == null ? "active" : "revoked")
                            .put("created", t.created().toString()).put("revoked", t.revoked() == null ? null : t.revoked().toString())
                            .put("last_used", t.lastUsed() == null ? null : t.lastUsed().toString());
                }
                spec.commandLine().getOut().print(CostReportWriter.toJson(arr));
                return;
            }
            TextTable table = new TextTable("Token", "User", "Status", "Created", "Last used", "Revoked");
            for (Tokens.Token t : tokens) {
                table.row(t.id(), t.user(), t.revoked() == null ? "active" : "revoked", t.created().toString(),
                        t.lastUsed() == null ? "never" : t.lastUsed().toString(), t.revoked() == null ? "" : t.revoked().toString());
            }
            spec.commandLine().getOut().print(table.render());
        }
    }

    @Command(name = "revoke", description = "Revoke an ingest token; telemetry sent with it is refused (401) at once here"
            + " (other servers sharing a PostgreSQL database refuse it at their next refresh, within 10 s).")
    static final class Revoke implements Runnable {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "TOKEN_ID", description = "The token's id (tok_…, or enough of it to name one token),"
                + " as 'tally tokens list' shows it, or the token itself.") String id;

        @Override
        public void run() {
            try (Backend b = Backend.open(GlobalOptions.of(spec))) {
                Tokens.Revoked r = b.call(Ops.TOKENS_REVOKE, new Tokens.Revoke(id));
                if (!r.revoked()) {
                    throw new UserError("ingest token " + r.token().id() + " (" + r.token().user() + ") was already revoked at " + r.token().revoked());
                }
                spec.commandLine().getOut().println("revoked " + r.token().id() + " (" + r.token().user() + ")");
            }
        }
    }
}
