package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.report.ReportRange;
import tally.store.Dimension;
import tally.store.TopRequest;
import tally.store.TopRequests;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** {@code /api/top}: the most expensive requests, a page at a time; {@code next_cursor} fetches the next. */
final class TopApi {
    private final WebData data;

    TopApi(WebData data) {
        this.data = data;
    }

    JsonNode page(Params p) {
        p.allow(Params.RANGE, Params.FILTERS, List.of("limit", "cursor"));
        ReportRange range = p.range(30);
        int limit = p.integer("limit", 50, 1, 500);
        TopRequests.Cursor after = decode(p.string("cursor"));
        TopRequests.Page page = data.top().page(p.usage(range, Dimension.USER), after, limit);
        ObjectNode out = Json.range(range);
        ArrayNode list = out.putArray("requests");
        for (TopRequests.Row r : page.rows()) {
            TopRequest t = r.request();
            ObjectNode o = list.addObject().put("id", t.id()).put("time", t.time().toString())
                    .put("person", t.person()).put("source", t.source()).put("model", t.model());
            nullable(o, "request_id", t.requestId());
            nullable(o, "session_id", t.sessionId());
            Json.tokens(o, t.tokens());
            // the names `tally top --format json` and `recent` give as well: the sums and the exact cost in nano-dollars
            o.put("cache_write_tokens", t.tokens().cacheWrite()).put("total_tokens", t.tokens().total());
            Json.money(o, "cost_usd", t.costNanos());
            if (t.costNanos() == null) o.putNull("cost_nanos"); else o.put("cost_nanos", t.costNanos());
            o.put("status", t.status());
        }
        if (page.next() == null) out.putNull("next_cursor"); else out.put("next_cursor", encode(page.next()));
        return out;
    }

    private static void nullable(ObjectNode o, String field, String v) {
        if (v == null) o.putNull(field); else o.put(field, v);
    }

    /** Opaque to callers: cost (or "-" for unpriced), time and id of the last row seen. */
    static String encode(TopRequests.Cursor c) {
        String raw = (c.costNanos() == null ? "-" : c.costNanos().toString()) + "|" + c.tsMs() + "|" + c.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static TopRequests.Cursor decode(String cursor) {
        if (cursor == null) return null;
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] parts = raw.split("\\|", 3);
            if (parts.length != 3 || parts[2].isEmpty()) throw new IllegalArgumentException();
            Long cost = parts[0].equals("-") ? null : Long.parseLong(parts[0]);
            return new TopRequests.Cursor(cost, Long.parseLong(parts[1]), parts[2]);
        } catch (IllegalArgumentException e) {
            throw ApiError.badParam("cursor", "not a cursor this API returned (use next_cursor as given)");
        }
    }
}
