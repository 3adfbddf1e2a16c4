package tally.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Source;
import tally.store.UsageQuery;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which usage a rule looks at, beside its scope: one source ("bedrock" for invocation logs, "otel"
 * for either telemetry path, …), one model, one team, one project (as the project rules resolve
 * records' tags). Null means any.
 */
public record RuleFilter(String source, String model, String team, String project) {
    public static final RuleFilter ANY = new RuleFilter(null, null, null, null);

    public RuleFilter {
        if (source != null) source = sourceLabel(source);
    }

    /** A rule's filter fields. */
    static RuleFilter parse(JsonNode n) {
        return new RuleFilter(text(n, "source"), text(n, "model"), text(n, "team"), text(n, "project"));
    }

    UsageQuery apply(UsageQuery q) {
        UsageQuery out = q;
        if (source != null) out = out.withSource(source);
        if (model != null) out = out.withModel(model);
        if (team != null) out = out.withTeam(team);
        if (project != null) out = out.withAnyOf(out.anyOf().withProjects(List.of(project), out.anyOf().costCenters()));
        return out;
    }

    boolean any() {
        return source == null && model == null && team == null && project == null;
    }

    /** " (bedrock, model x, team y)" for messages; empty without filters. */
    String describe() {
        if (any()) return "";
        StringBuilder s = new StringBuilder();
        if (source != null) s.append(source);
        if (model != null) s.append(s.isEmpty() ? "" : ", ").append("model ").append(model);
        if (team != null) s.append(s.isEmpty() ? "" : ", ").append("team ").append(team);
        if (project != null) s.append(s.isEmpty() ? "" : ", ").append("project ").append(project);
        return " (" + s + ")";
    }

    void writeFields(ObjectNode json) {
        if (source != null) json.put("source", source);
        if (model != null) json.put("model", model);
        if (team != null) json.put("team", team);
        if (project != null) json.put("project", project);
    }

    /** A stored source label, or "otel" for both telemetry paths; "bedrock" names the provider logs. */
    private static String sourceLabel(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.equals("bedrock")) return Source.PROVIDER_LOG.label();
        if (v.equals(Source.OTEL)) return v;
        for (Source src : Source.values()) {
            if (src.label().equals(v)) return v;
        }
        throw new IllegalArgumentException("source: expected one of " + Source.OTEL + ", bedrock, "
                + String.join(", ", Arrays.stream(Source.values()).map(Source::label).toList()) + "; got '" + s + "'");
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() || v.asText().isBlank() ? null : v.asText().trim();
    }
}
