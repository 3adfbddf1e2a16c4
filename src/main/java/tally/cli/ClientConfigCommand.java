package tally.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.gateway.VirtualKeys;
import tally.report.CostReportWriter;
import tally.server.ServerFile;

import java.util.Optional;

@Command(name = "client-config", description = {
        "Print the ~/.claude/settings.json block a developer needs to use the gateway, with a statusLine that shows",
        "their session's cost, today's spend and nearest budget ('tally statusline').",
        "By default issues a new Tally key for them (printed once, here)."})
final class ClientConfigCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--user", required = true, paramLabel = "PERSON", description = "The developer the settings are for.") String user;
    @Option(names = "--team", paramLabel = "TEAM", description = "Their team, sent with each request and in telemetry.") String team;
    @Option(names = "--url", paramLabel = "URL", description = "The gateway's address as developers reach it (default: the running server's, else http://127.0.0.1:4318).")
    String url;
    @Option(names = "--pass-through", description = "The developer keeps their own Anthropic key: print only the base URL.") boolean passThrough;
    @Option(names = "--header", paramLabel = "NAME", description = "Identify by a trusted header instead of a key (the server runs with --trust-header NAME).")
    String header;
    @Option(names = "--telemetry", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also send Claude Code's telemetry to Tally, with a new ingest token (default on; --no-telemetry to leave it out).")
    boolean telemetry;

    @Option(names = "--status-line", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also print the statusLine block that runs 'tally statusline' (default on; --no-status-line to leave it out).")
    boolean statusLine;

    // ---- Claude Code's Bedrock and Vertex modes through the gateway
    @picocli.CommandLine.Mixin CloudClientOptions cloud;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        cloud.validate();
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode env = root.putObject("env");
        String base = baseUrl(g);
        env.put("ANTHROPIC_BASE_URL", base);
        String note;
        if (header != null) {
            env.put("ANTHROPIC_CUSTOM_HEADERS", header + ": " + user + (team == null ? "" : "\nX-Team: " + team));
            note = "identity by header " + header + "; the developer keeps their own key (or the server uses its own)";
        } else if (passThrough) {
            note = "the developer keeps their own ANTHROPIC_API_KEY; Tally attributes it by fingerprint (map it: tally people alias)";
        } else {
            try (Backend b = Backend.open(g)) {
                VirtualKeys.Issued k = b.call(tally.app.Ops.KEYS_CREATE, new tally.app.Keys.Create(user, team, null, null, null, null, null, null, null));
                env.put("ANTHROPIC_AUTH_TOKEN", k.secret());
                note = "new key " + k.key().id() + " for " + user + " (shown once; Tally keeps only its hash)";
            }
        }
        String cloudNote = cloud.apply(env, base);
        if (cloudNote != null) note += "; " + cloudNote;
        if (telemetry) {
            telemetry(g, env, base);
            note += "; telemetry to " + env.get("OTEL_EXPORTER_OTLP_ENDPOINT").asText() + " with a new ingest token";
        }
        if (statusLine) root.putObject("statusLine").put("type", "command").put("command", "tally statusline");
        spec.commandLine().getOut().print(CostReportWriter.toJson(root));
        spec.commandLine().getErr().println("tally: " + note);
    }

    /** Claude Code's OpenTelemetry settings: the same URL, OTLP over HTTP, an ingest token that names the developer. */
    private void telemetry(GlobalOptions g, ObjectNode env, String base) {
        String token;
        try (Backend b = Backend.open(g)) {
            token = b.call(tally.app.Ops.TOKENS_CREATE, new tally.app.Tokens.Create(user)).token();
        }
        env.put("CLAUDE_CODE_ENABLE_TELEMETRY", "1");
        env.put("OTEL_METRICS_EXPORTER", "otlp");
        env.put("OTEL_LOGS_EXPORTER", "otlp");
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", base);
        env.put("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer " + token);
        if (team != null) env.put("OTEL_RESOURCE_ATTRIBUTES", "team.id=" + team);
    }

    /**
     * Claude Code appends /v1/messages to ANTHROPIC_BASE_URL (and the OTLP exporter /v1/metrics to its
     * endpoint), so a base URL ending in /v1 would reach /v1/v1/…: drop it, and say why.
     */
    private String withoutV1(String given) {
        if (!given.endsWith("/v1")) return given;
        String base = given.substring(0, given.length() - "/v1".length());
        spec.commandLine().getErr().println("tally: --url " + given + " ends in /v1, but Claude Code adds /v1/messages itself;"
                + " using " + base + " as ANTHROPIC_BASE_URL");
        return base;
    }

    private String baseUrl(GlobalOptions g) {
        if (url != null) return withoutV1(url.replaceAll("/+$", ""));
        Optional<ServerFile> running = Backend.server(g);
        if (running.isPresent()) return running.get().baseUrl();
        return "http://127.0.0.1:4318";
    }
}
