package tally.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.app.Keys;
import tally.app.Ops;
import tally.gateway.VirtualKey;
import tally.gateway.VirtualKeys;
import tally.report.CostReportWriter;
import tally.report.TextTable;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

@Command(name = "keys", description = "Gateway keys issued to developers (stored hashed; shown once).",
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = "Issue a key for a developer and print it (once).")
    static final class Create implements Runnable {
        @Spec CommandSpec spec;
        @Option(names = "--user", required = true, paramLabel = "PERSON", description = "Whose key: their usage is recorded under this name.") String user;
        @Option(names = "--team", paramLabel = "TEAM", description = "Their team, recorded with each request.") String team;
        @Option(names = "--models", split = ",", paramLabel = "MODEL", description = "Allowed models (comma-separated); default any.")
        List<String> models;
        @Option(names = "--max-tokens", paramLabel = "N", description = "Cap on max_tokens; larger requests are clamped.") Long maxTokens;
        @Option(names = "--downgrade-to", paramLabel = "MODEL", description = "Model used once a soft budget covering the key passes its threshold.")
        String downgrade;
        @Option(names = "--rpm", paramLabel = "N", description = "Requests per minute.") Long rpm;
        @Option(names = "--tpm", paramLabel = "N", description = "Tokens per minute.") Long tpm;
        @Option(names = "--project", paramLabel = "PROJECT", description = "The project its requests are recorded under when they"
                + " name none (an X-Tally-Project header overrides it).") String project;
        @Option(names = "--expires", paramLabel = "WHEN", description = "30d, 12h, a date (expires at its end) or an instant.") String expires;

        @Override
        public void run() {
            GlobalOptions g = GlobalOptions.of(spec);
            if (maxTokens != null && maxTokens <= 0) throw new UserError("--max-tokens must be more than zero");
            if (rpm != null && rpm <= 0 || tpm != null && tpm <= 0) throw new UserError("--rpm and --tpm must be more than zero");
            Instant until = expires == null ? null : expiry(expires, Instant.now(), g.zone());
            try (Backend b = Backend.open(g)) {
                VirtualKeys.Issued issued = b.call(Ops.KEYS_CREATE, new Keys.Create(user, team, models, maxTokens, downgrade, rpm, tpm, until, project));
                spec.commandLine().getOut().println(issued.secret());
                spec.commandLine().getErr().println("tally: key " + issued.key().id() + " for " + user
                        + " (shown once; Tally keeps only its hash)");
            }
        }
    }

    static Instant expiry(String s, Instant now, ZoneId zone) {
        Instant until = when(s, now, zone);
        // a key born expired would be refused on its first use, with nothing to say it was never usable
        if (!until.isAfter(now)) throw new UserError("--expires: " + s.trim() + " is already past (" + until + ")");
        return until;
    }

    private static Instant when(String s, Instant now, ZoneId zone) {
        String v = s.trim();
        try {
            if (v.matches("\\d{4}-\\d{2}-\\d{2}")) return LocalDate.parse(v).plusDays(1).atStartOfDay(zone).toInstant();
            if (v.contains("T")) return Instant.parse(v);
            return now.plus(Durations.parse("--expires", v));
        } catch (java.time.DateTimeException | ArithmeticException e) { // unreadable, or past the calendar's end
            throw new UserError("--expires: expected 30d, 12h, a date (2026-12-31) or an instant; got '" + s + "'");
        }
    }

    @Command(name = "list", description = "List keys (never the keys themselves).")
    static final class ListKeys implements Runnable {
        @Spec CommandSpec spec;
        @Option(names = "--format", defaultValue = "table", description = "table or json (default table).") String format;

        @Override
        public void run() {
            try (Backend b = Backend.openForReading(GlobalOptions.of(spec))) {
                Keys.Listing listing = b.call(Ops.KEYS_LIST, new Ops.None());
                List<VirtualKey> keys = listing.keys();
                Instant now = listing.now();
                if ("json".equalsIgnoreCase(format)) {
                    ArrayNode arr = JsonNodeFactory.instance.arrayNode();
                    for (VirtualKey k : keys) {
                        ObjectNode o = arr.addObject().put("id", k.id()).put("user", k.person()).put("team", k.team())
                                .put("status", status(k, now));
                        ArrayNode m = o.putArray("models");
                        k.models().forEach(m::add);
                        o.put("max_tokens", k.maxTokens()).put("downgrade_to", k.downgradeModel()).put("rpm", k.rpm())
                                .put("tpm", k.tpm()).put("project", k.project()).put("created", k.created().toString())
                                .put("expires", k.expires() == null ? null : k.expires().toString());
                    }
                    spec.commandLine().getOut().print(CostReportWriter.toJson(arr));
                } else if ("table".equalsIgnoreCase(format)) {
                    TextTable t = new TextTable("Key", "User", "Team", "Status", "Models", "Max tokens", "Limits", "Expires");
                    for (VirtualKey k : keys) {
                        t.row(k.id(), k.person(), k.team() == null ? "" : k.team(), status(k, now),
                                k.models().isEmpty() ? "any" : String.join(",", k.models()),
                                k.maxTokens() == null ? "" : k.maxTokens().toString(),
                                (k.rpm() == null ? "" : k.rpm() + " rpm ") + (k.tpm() == null ? "" : k.tpm() + " tpm"),
                                k.expires() == null ? "never" : k.expires().toString());
                    }
                    spec.commandLine().getOut().print(t.render());
                } else {
                    throw new UserError("--format: expected table or json; got '" + format + "'");
                }
            }
        }

        private static String status(VirtualKey k, Instant now) {
            return k.revoked() != null ? "revoked" : k.activeAt(now) ? "active" : "expired";
        }
    }

    @Command(name = "revoke", description = "Revoke a key by its id (key_…); it stops working at once here (other gateways sharing a PostgreSQL ledger drop it at their next refresh, within 10 s).")
    static final class Revoke implements Runnable {
        @Spec CommandSpec spec;
        @Parameters(index = "0", paramLabel = "KEY_ID", description = "The key's id (key_…), as 'tally keys list' shows it.") String id;

        @Override
        public void run() {
            try (Backend b = Backend.open(GlobalOptions.of(spec))) {
                if (!b.call(Ops.KEYS_REVOKE, new Keys.Revoke(id)).revoked()) throw new UserError("no active key with id '" + id + "'");
                spec.commandLine().getOut().println("revoked " + id);
            }
        }
    }
}
