package tally.importers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import tally.core.Bounds;
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

    static void usage(JsonNode data, Days asked, List<ProviderReports.UsageRow> out) {
        for (JsonNode bucket : data) {
            long start = time(bucket, "starting_at", "usage report");
            long end = time(bucket, "ending_at", "usage report");
            String inBucket = "usage report, bucket " + bucket.get("starting_at").asText();
            asked.check(start, inBucket);
            inBucket += ", result ";
            int i = 0;
            for (JsonNode r : bucket.path("results")) {
                String at = inBucket + (++i);
                JsonNode cc = r.path("cache_creation");
                out.add(new ProviderReports.UsageRow(start, end, text(r, "api_key_id"), text(r, "workspace_id"), text(r, "model"),
                        text(r, "service_tier"), text(r, "context_window"), text(r, "inference_geo"),
                        count(r, "uncached_input_tokens", "", at), count(cc, "ephemeral_5m_input_tokens", "cache_creation.", at),
                        count(cc, "ephemeral_1h_input_tokens", "cache_creation.", at), count(r, "cache_read_input_tokens", "", at),
                        count(r, "output_tokens", "", at), count(r.path("server_tool_use"), "web_search_requests", "server_tool_use.", at)));
            }
        }
    }

    static void cost(JsonNode data, Days asked, List<ProviderReports.CostRow> out) {
        for (JsonNode bucket : data) {
            long start = time(bucket, "starting_at", "cost report");
            long end = time(bucket, "ending_at", "cost report");
            String inBucket = "cost report, bucket " + bucket.get("starting_at").asText();
            asked.check(start, inBucket);
            inBucket += ", result ";
            int i = 0;
            for (JsonNode r : bucket.path("results")) {
                String at = inBucket + (++i);
                out.add(new ProviderReports.CostRow(start, end, text(r, "workspace_id"), text(r, "description"), text(r, "cost_type"),
                        text(r, "model"), text(r, "service_tier"), text(r, "token_type"), text(r, "context_window"),
                        text(r, "inference_geo"), usd(r, at), centsToNanos(r.get("amount"), at + ": amount")));
            }
        }
    }

    static void claudeCode(JsonNode data, Days asked, List<ProviderReports.ClaudeCodeRow> out) {
        for (JsonNode r : data) {
            long day = time(r, "date", "Claude Code report");
            String at = "Claude Code report, " + r.get("date").asText();
            JsonNode actor = r.path("actor");
            String actorName = actor.hasNonNull("email_address") ? actor.get("email_address").asText()
                    : actor.hasNonNull("api_key_name") ? actor.get("api_key_name").asText() : null;
            if (actorName != null) at += ", " + actorName;
            asked.check(day, at);
            Boolean remote = r.has("is_remote") && !r.get("is_remote").isNull() ? r.get("is_remote").asBoolean() : null;
            JsonNode core = r.path("core_metrics");
            Long sessions = core.hasNonNull("num_sessions") ? count(core, "num_sessions", "core_metrics.", at) : null;
            for (JsonNode m : r.path("model_breakdown")) {
                JsonNode t = m.path("tokens");
                String model = text(m, "model");
                String where = at + ", " + model;
                Long estimate = estimate(m.path("estimated_cost"), where);
                out.add(new ProviderReports.ClaudeCodeRow(day, text(actor, "type"), actorName, text(r, "terminal_type"), remote,
                        model, count(t, "input", "tokens.", where), count(t, "output", "tokens.", where),
                        count(t, "cache_read", "tokens.", where), count(t, "cache_creation", "tokens.", where),
                        estimate, sessions));
            }
        }
    }

    /**
     * A report's value that Tally cannot keep as it is: the import stops with where it is and why, and
     * nothing it fetched is kept (the days it would replace stay as they were).
     */
    static final class Refused extends IllegalArgumentException {
        Refused(String where, String why) {
            super(where + ": " + why + "; nothing was imported");
        }
    }

    /**
     * The UTC days an import asked for, [fromMs, toMs). A bucket or row of another day is refused, not
     * skipped, as the importer refuses every value it cannot keep as given ({@link Refused}): it answers
     * another question, and kept, it would land on a day this import does not replace and be counted
     * again by every run.
     */
    record Days(long fromMs, long toMs, String named) {
        static Days of(LocalDate first, LocalDate last) {
            return new Days(first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
                    last.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(),
                    first.equals(last) ? "the requested day " + first : "the requested days " + first + " to " + last);
        }

        /** Buckets are replaced by their start (ProviderReports), so the start is what must be inside. */
        void check(long startMs, String where) {
            if (startMs < fromMs || startMs >= toMs) throw new Refused(where, "outside " + named);
        }
    }

    /**
     * A cost line's currency, which must be the report's: amounts are US cents (formats §2.2), so one in
     * another currency would be summed as dollars. None given is the report's own (as Cost Explorer's unit).
     */
    static String usd(JsonNode result, String where) {
        JsonNode c = result.get("currency");
        if (c == null || c.isNull() || c.asText().equals("USD")) return "USD";
        throw new Refused(where, "currency " + c + ", but the cost report is in US cents and Tally compares US dollars only");
    }

    /**
     * Claude Code's estimate in nano-dollars, or null when none is given: US cents (formats §2.3), so one
     * in another currency or below zero is refused, as a cost line in another currency is.
     */
    static Long estimate(JsonNode estimatedCost, String where) {
        JsonNode amount = estimatedCost.get("amount");
        if (amount == null || amount.isNull()) return null;
        JsonNode c = estimatedCost.get("currency");
        if (c != null && !c.isNull() && !c.asText().equals("USD")) {
            throw new Refused(where, "estimated_cost.currency " + c + ", but Tally compares US dollars only");
        }
        long nanos = centsToNanos(amount, where + ": estimated_cost.amount");
        if (nanos < 0) throw new Refused(where, "estimated_cost.amount " + amount + " is negative");
        return nanos;
    }

    /**
     * A count: 0 when absent, else a whole number in the ledger's range, read exactly. A null, a
     * negative count, a fraction, one beyond 10^10 or a string is refused, never read as 0 or cut.
     */
    static long count(JsonNode parent, String name, String path, String where) {
        JsonNode v = parent.get(name);
        if (v == null) return 0;
        if (v.isNull()) throw new Refused(where, path + name + " is null");
        String why = Bounds.tokens(path + name, v);
        if (why != null) throw new Refused(where, why);
        return Bounds.count(v);
    }

    /**
     * Cents, as a decimal string ({@code "123.45"} = $1.2345) or a number, to nano-dollars: exact for
     * up to seven decimals of a cent, rounded half-even beyond (sub-nano-dollar dust).
     */
    static long centsToNanos(JsonNode amount, String where) {
        if (amount == null || amount.isNull()) return 0;
        BigDecimal cents;
        try {
            cents = amount.isNumber() ? amount.decimalValue() : new BigDecimal(amount.asText().trim());
        } catch (NumberFormatException e) {
            throw new Refused(where, amount + " is not a decimal number of cents");
        }
        try {
            return cents.movePointRight(7).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        } catch (ArithmeticException e) {
            throw new Refused(where, amount + " cents is beyond what Tally can hold in nano-dollars");
        }
    }

    /** A bucket's or row's time, as an ISO instant or a date (UTC midnight). */
    static long time(JsonNode n, String field, String report) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) throw new Refused(report, "a " + (field.equals("date") ? "row" : "bucket") + " without " + field);
        String s = v.asText();
        try {
            if (s.length() == 10) return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            return Instant.parse(s).toEpochMilli();
        } catch (java.time.DateTimeException e) {
            throw new Refused(report, field + "=" + v + " is not a date or an ISO-8601 instant");
        }
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
