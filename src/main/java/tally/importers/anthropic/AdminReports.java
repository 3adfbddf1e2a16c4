package tally.importers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import tally.store.ProviderReports;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns pages of the three Admin reports (docs/formats.md §2.1–2.3) into rows for {@link ProviderReports}. */
final class AdminReports {
    private AdminReports() {}

    static final List<String> USAGE_GROUPS = List.of("api_key_id", "workspace_id", "model", "service_tier", "context_window");

    static void usage(JsonNode data, List<ProviderReports.UsageRow> out) {
        for (JsonNode bucket : data) {
            long start = time(bucket.get("starting_at"));
            long end = time(bucket.get("ending_at"));
            for (JsonNode r : bucket.path("results")) {
                JsonNode cc = r.path("cache_creation");
                out.add(new ProviderReports.UsageRow(start, end, text(r, "api_key_id"), text(r, "workspace_id"), text(r, "model"),
                        text(r, "service_tier"), text(r, "context_window"), text(r, "inference_geo"),
                        r.path("uncached_input_tokens").asLong(0), cc.path("ephemeral_5m_input_tokens").asLong(0),
                        cc.path("ephemeral_1h_input_tokens").asLong(0), r.path("cache_read_input_tokens").asLong(0),
                        r.path("output_tokens").asLong(0), r.path("server_tool_use").path("web_search_requests").asLong(0)));
            }
        }
    }

    static void cost(JsonNode data, List<ProviderReports.CostRow> out) {
        for (JsonNode bucket : data) {
            long start = time(bucket.get("starting_at"));
            long end = time(bucket.get("ending_at"));
            for (JsonNode r : bucket.path("results")) {
                out.add(new ProviderReports.CostRow(start, end, text(r, "workspace_id"), text(r, "description"), text(r, "cost_type"),
                        text(r, "model"), text(r, "service_tier"), text(r, "token_type"), text(r, "context_window"),
                        text(r, "inference_geo"), text(r, "currency"), centsToNanos(r.get("amount"))));
            }
        }
    }

    static void claudeCode(JsonNode data, List<ProviderReports.ClaudeCodeRow> out) {
        for (JsonNode r : data) {
            long day = time(r.get("date"));
            JsonNode actor = r.path("actor");
            String actorName = actor.hasNonNull("email_address") ? actor.get("email_address").asText()
                    : actor.hasNonNull("api_key_name") ? actor.get("api_key_name").asText() : null;
            Boolean remote = r.has("is_remote") && !r.get("is_remote").isNull() ? r.get("is_remote").asBoolean() : null;
            Long sessions = r.path("core_metrics").has("num_sessions") ? r.path("core_metrics").get("num_sessions").asLong() : null;
            for (JsonNode m : r.path("model_breakdown")) {
                JsonNode t = m.path("tokens");
                JsonNode cost = m.path("estimated_cost").get("amount");
                out.add(new ProviderReports.ClaudeCodeRow(day, text(actor, "type"), actorName, text(r, "terminal_type"), remote,
                        text(m, "model"), t.path("input").asLong(0), t.path("output").asLong(0), t.path("cache_read").asLong(0),
                        t.path("cache_creation").asLong(0), cost == null || cost.isNull() ? null : centsToNanos(cost), sessions));
            }
        }
    }

    /**
     * Cents, as a decimal string ({@code "123.45"} = $1.2345) or a number, to nano-dollars: exact for
     * up to seven decimals of a cent, rounded half-even beyond (sub-nano-dollar dust).
     */
    static long centsToNanos(JsonNode amount) {
        if (amount == null || amount.isNull()) return 0;
        BigDecimal cents = amount.isNumber() ? amount.decimalValue() : new BigDecimal(amount.asText().trim());
        return cents.movePointRight(7).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    static long time(JsonNode v) {
        if (v == null || v.isNull()) throw new IllegalArgumentException("bucket without a time");
        String s = v.asText();
        if (s.length() == 10) return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        return Instant.parse(s).toEpochMilli();
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static List<Map.Entry<String, String>> params(Object... kv) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) out.add(Map.entry((String) kv[i], String.valueOf(kv[i + 1])));
        return out;
    }
}
