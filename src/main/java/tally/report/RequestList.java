package tally.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.JsonTree;
import tally.core.Nanos;
import tally.core.TokenCounts;
import tally.store.TopRequest;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Single requests as `tally recent` and `tally tail` print them (and `tally top` its CSV and JSON): a table,
 * fixed-width lines that can be printed a few at a time, CSV, JSON (and back, for a tail that polls a server), JSON Lines.
 */
public final class RequestList {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    static final String[] HEADER = {"Time", "Developer", "Model", "Input", "Output", "Cache read", "Cache write", "Cost (USD)",
            "Source", "Status"};
    private static final String LINE = "%-19s  %-16s  %-28s  %9s  %9s  %11s  %11s  %10s  %-12s  %s";
    static final String CSV_HEADER = "id,time,user,model,source,request_id,session_id,input_tokens,output_tokens,"
            + "cache_read_tokens,cache_write_5m_tokens,cache_write_1h_tokens,total_tokens,cost_usd,cost_nanos,status";

    private RequestList() {}

    public static String table(List<TopRequest> rows, ZoneId zone) {
        TextTable t = new TextTable(HEADER);
        for (TopRequest r : rows) t.row(cells(r, zone));
        return t.render() + (rows.isEmpty() ? "(no records)\n" : "");
    }

    /** The header of the fixed-width form, for a tail. */
    public static String lineHeader() {
        return String.format(LINE, (Object[]) HEADER).stripTrailing();
    }

    /** One request in the fixed-width form. */
    public static String line(TopRequest r, ZoneId zone) {
        return String.format(LINE, (Object[]) cells(r, zone)).stripTrailing();
    }

    private static String[] cells(TopRequest r, ZoneId zone) {
        TokenCounts t = r.tokens();
        return new String[] {TIME.format(r.time().atZone(zone)), r.person(), r.model(), CostReportWriter.num(t.input()),
                CostReportWriter.num(t.output()), CostReportWriter.num(t.cacheRead()), CostReportWriter.num(t.cacheWrite()),
                r.costNanos() == null ? "unpriced" : Nanos.toDollarsReadable(r.costNanos()), r.source(),
                String.valueOf(r.status())};
    }

    public static String csv(List<TopRequest> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (TopRequest r : rows) {
            TokenCounts t = r.tokens();
            sb.append(CostReportWriter.csvField(r.id())).append(',').append(r.time()).append(',')
                    .append(CostReportWriter.csvField(r.person())).append(',').append(CostReportWriter.csvField(r.model())).append(',')
                    .append(r.source()).append(',').append(r.requestId() == null ? "" : CostReportWriter.csvField(r.requestId())).append(',')
                    .append(r.sessionId() == null ? "" : CostReportWriter.csvField(r.sessionId())).append(',')
                    .append(t.input()).append(',').append(t.output()).append(',').append(t.cacheRead()).append(',')
                    .append(t.cacheWrite5m()).append(',').append(t.cacheWrite1h()).append(',').append(t.total()).append(',')
                    .append(r.costNanos() == null ? "" : Nanos.toDecimal(r.costNanos())).append(',')
                    .append(r.costNanos() == null ? "" : r.costNanos()).append(',').append(r.status()).append('\n');
        }
        return sb.toString();
    }

    public static String json(List<TopRequest> rows) {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        for (TopRequest r : rows) arr.add(object(r));
        return CostReportWriter.toJson(JsonNodeFactory.instance.objectNode().set("requests", arr));
    }

    /** One request as one line of JSON. */
    public static String jsonLine(TopRequest r) {
        return JsonTree.compact(object(r)); // not toString(): that starts Jackson's internal mapper
    }

    /** The fields of one request, for recent, tail and top alike: the names /api/top gives too (there the developer is "person"). */
    public static ObjectNode object(TopRequest r) {
        TokenCounts t = r.tokens();
        ObjectNode o = JsonNodeFactory.instance.objectNode()
                .put("id", r.id()).put("time", r.time().toString()).put("user", r.person()).put("model", r.model())
                .put("source", r.source()).put("request_id", r.requestId()).put("session_id", r.sessionId())
                .put("input_tokens", t.input()).put("output_tokens", t.output())
                .put("cache_read_tokens", t.cacheRead()).put("cache_write_tokens", t.cacheWrite())
                .put("cache_write_5m_tokens", t.cacheWrite5m()).put("cache_write_1h_tokens", t.cacheWrite1h())
                .put("total_tokens", t.total());
        if (r.costNanos() == null) o.putNull("cost_usd").putNull("cost_nanos");
        else o.put("cost_usd", Nanos.toDecimal(r.costNanos())).put("cost_nanos", r.costNanos());
        return o.put("status", r.status());
    }

    /** Reads back what {@link #json} wrote. */
    public static List<TopRequest> parseJson(String text) {
        try {
            JsonNode root = JsonTree.read(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            List<TopRequest> out = new ArrayList<>();
            for (JsonNode n : root.path("requests")) {
                out.add(new TopRequest(n.path("id").asText(), Instant.parse(n.path("time").asText()), n.path("user").asText(),
                        n.path("source").asText(), n.path("model").asText(), text(n, "request_id"), text(n, "session_id"),
                        new TokenCounts(n.path("input_tokens").asLong(), n.path("cache_write_5m_tokens").asLong(),
                                n.path("cache_write_1h_tokens").asLong(), n.path("cache_read_tokens").asLong(),
                                n.path("output_tokens").asLong()),
                        n.path("cost_nanos").isNull() || n.path("cost_nanos").isMissingNode() ? null : n.path("cost_nanos").asLong(),
                        n.path("status").asInt()));
            }
            return out;
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalArgumentException("unreadable list of requests: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNull() || v.isMissingNode() ? null : v.asText();
    }
}
