package tally.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;
import tally.core.TokenCounts;
import tally.store.UsageRow;

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
}
