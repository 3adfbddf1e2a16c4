package tally.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;
import tally.core.TokenCounts;
import tally.store.UsageRow;

import java.io.IOException;

/** The one JSON shape of a usage row, for the CLI's reports and the REST API alike (callers add the key). */
public final class UsageRowJson {
    private UsageRowJson() {}

    /** Writes the row's fields into {@code o}, after whatever the caller put first (key, split), and returns it. */
    public static ObjectNode fields(ObjectNode o, UsageRow row) {
        TokenCounts t = row.tokens();
        return o.put("requests", row.requests())
                .put("failed_requests", row.failed())
                .put("input_tokens", t.input())
                .put("cache_write_5m_tokens", t.cacheWrite5m())
                .put("cache_write_1h_tokens", t.cacheWrite1h())
                .put("cache_write_tokens", t.cacheWrite())
                .put("cache_read_tokens", t.cacheRead())
                .put("output_tokens", t.output())
                .put("total_tokens", t.total())
                .put("web_searches", row.webSearches())
                .put("cost_usd", Nanos.toDecimal(row.costNanos()))
                .put("cost_nanos", row.costNanos())
                .put("unpriced_requests", row.unpriced());
    }

    /** The same fields, in the same order, written by a generator inside the object the caller opened. */
    public static void fields(JsonGenerator g, UsageRow row) throws IOException {
        TokenCounts t = row.tokens();
        g.writeNumberField("requests", row.requests());
        g.writeNumberField("failed_requests", row.failed());
        g.writeNumberField("input_tokens", t.input());
        g.writeNumberField("cache_write_5m_tokens", t.cacheWrite5m());
        g.writeNumberField("cache_write_1h_tokens", t.cacheWrite1h());
        g.writeNumberField("cache_write_tokens", t.cacheWrite());
        g.writeNumberField("cache_read_tokens", t.cacheRead());
        g.writeNumberField("output_tokens", t.output());
        g.writeNumberField("total_tokens", t.total());
        g.writeNumberField("web_searches", row.webSearches());
        g.writeStringField("cost_usd", Nanos.toDecimal(row.costNanos()));
        g.writeNumberField("cost_nanos", row.costNanos());
        g.writeNumberField("unpriced_requests", row.unpriced());
    }
}
