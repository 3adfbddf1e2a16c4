package tally.web;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import tally.report.ReportRange;
import tally.report.UsageRowJson;
import tally.store.Dimension;
import tally.store.UsageQuery;
import tally.store.UsageRow;
import tally.store.UsageSeries;

import java.io.IOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** {@code /api/usage} (grouped, optionally split into a stacked series) and {@code /api/totals}. */
final class UsageApi {
    static final List<String> GROUPINGS = List.of("person", "team", "model", "source", "project", "cost-center", "key",
            "region", "day", "hour", "week", "month", "session");
    static final List<String> SPLITS = List.of("person", "team", "model", "source", "project", "cost-center", "region");
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:00");

    private final WebData data;

    UsageApi(WebData data) {
        this.data = data;
    }

    /**
     * Written with a generator rather than built as a tree: a month by day split by person is ~6,000
     * rows (2 MB), whose nodes and then String cost more than the query's own answer time.
     */
    Buffer usage(Params p) {
        p.allow(Params.RANGE, Params.FILTERS, List.of("by", "split"));
        Dimension by = p.dimension("by", "person", GROUPINGS);
        Dimension split = p.dimension("split", null, SPLITS);
        if (split != null && by != Dimension.DAY && by != Dimension.HOUR) {
            throw ApiError.badParam("split", "only with by=day or by=hour");
        }
        ReportRange range = p.range(30);
        UsageQuery q = p.usage(range, by);
        List<UsageRow> grouped = split == null ? data.ledger().usage(q) : null;
        List<UsageSeries.Point> series = split == null ? null : data.series().query(q, split);
        UsageRow total = split == null ? data.ledger().totalOf(q, grouped) : sum(series);
        return Json.written(g -> {
            g.writeStartObject();
            Json.range(g, range);
            g.writeStringField("by", name(by));
            g.writeArrayFieldStart("rows");
            if (split == null) {
                for (UsageRow r : grouped) row(g, r.key(), null, r);
            } else {
                LocalDateTime period = null;
                String key = null;
                for (UsageSeries.Point pt : series) {
                    if (!pt.period().equals(period)) { // points come by period: each period's text made once
                        period = pt.period();
                        key = by == Dimension.DAY ? period.toLocalDate().toString() : HOUR.format(period);
                    }
                    row(g, key, pt.split(), pt.usage());
                }
            }
            g.writeEndArray();
            if (split != null) g.writeStringField("split", name(split));
            g.writeObjectFieldStart("total");
            UsageRowJson.fields(g, total);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /**
     * A split series' total: every record in range is in exactly one point, so it is the points' sum,
     * which spares a second reading of the rollups (a month by day split by person: ~6 ms of ~40).
     * Summed exactly: a total beyond a long is refused as the ledger's own total would be.
     */
    private static UsageRow sum(List<UsageSeries.Point> series) {
        UsageRow total = UsageRow.empty("");
        for (UsageSeries.Point pt : series) total = total.plus(pt.usage());
        return total;
    }

    private static final SerializableString KEY = new SerializedString("key"), SPLIT = new SerializedString("split");

    /** One row: its key, its split key when split (else none), and the sums. */
    private static void row(JsonGenerator g, String key, String split, UsageRow r) throws IOException {
        g.writeStartObject();
        g.writeFieldName(KEY);
        g.writeString(key);
        if (split != null) {
            g.writeFieldName(SPLIT);
            g.writeString(split);
        }
        UsageRowJson.fields(g, r);
        g.writeEndObject();
    }

    JsonNode totals(Params p) {
        p.allow(Params.RANGE, Params.FILTERS);
        ReportRange range = p.range(30);
        UsageQuery q = p.usage(range, Dimension.USER);
        ObjectNode out = Json.range(range);
        UsageRow total = data.ledger().totals(q);
        Json.usage(out.putObject("total"), total);
        ArrayNode unpriced = out.putArray("unpriced_models");
        data.ledger().unpricedModels(q, total).forEach((m, n) -> unpriced.addObject().put("model", m).put("requests", n));
        return out;
    }

    static String name(Dimension d) {
        return d == Dimension.USER ? "person" : d.name().toLowerCase().replace('_', '-');
    }
}
