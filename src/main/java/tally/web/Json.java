package tally.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;
import tally.core.TokenCounts;
import tally.report.ReportRange;
import tally.store.UsageRow;

/**
 * The API's JSON shapes shared by several resources. Money leaves as an exact decimal string of
 * dollars ({@code "12.345678"}), never a float; the same field names as {@code tally report --format json}.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ObjectNode range(ReportRange r) {
        return object().put("from", r.from().toString()).put("to", r.to().toString()).put("timezone", r.zone().getId());
    }

    static ObjectNode usage(ObjectNode o, UsageRow row) {
        return tally.report.UsageRowJson.fields(o, row);
    }

    static ObjectNode tokens(ObjectNode o, TokenCounts t) {
        return o.put("input_tokens", t.input())
                .put("cache_write_5m_tokens", t.cacheWrite5m())
                .put("cache_write_1h_tokens", t.cacheWrite1h())
                .put("cache_read_tokens", t.cacheRead())
                .put("output_tokens", t.output());
    }

    static ObjectNode money(ObjectNode o, String field, Long nanos) {
        return nanos == null ? o.putNull(field) : o.put(field, Nanos.toDecimal(nanos));
    }
}
