package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.report.ReportRange;
import tally.store.Dimension;
import tally.store.UsageQuery;
import tally.store.UsageRow;
import tally.store.UsageSeries;

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

    JsonNode usage(Params p) {
        p.allow(Params.RANGE, Params.FILTERS, List.of("by", "split"));
        Dimension by = p.dimension("by", "person", GROUPINGS);
        Dimension split = p.dimension("split", null, SPLITS);
        if (split != null && by != Dimension.DAY && by != Dimension.HOUR) {
            throw ApiError.badParam("split", "only with by=day or by=hour");
        }
        ReportRange range = p.range(30);
        UsageQuery q = p.usage(range, by);
        ObjectNode out = Json.range(range).put("by", name(by));
        ArrayNode rows = out.putArray("rows");
        if (split == null) {
            for (UsageRow r : data.ledger().usage(q)) Json.usage(rows.addObject().put("key", r.key()), r);
        } else {
            out.put("split", name(split));
            for (UsageSeries.Point pt : data.series().query(q, split)) {
                String key = by == Dimension.DAY ? pt.period().toLocalDate().toString() : HOUR.format(pt.period());
                Json.usage(rows.addObject().put("key", key).put("split", pt.split()), pt.usage());
            }
        }
        Json.usage(out.putObject("total"), data.ledger().totals(q));
        return out;
    }

    JsonNode totals(Params p) {
        p.allow(Params.RANGE, Params.FILTERS);
        ReportRange range = p.range(30);
        UsageQuery q = p.usage(range, Dimension.USER);
        ObjectNode out = Json.range(range);
        Json.usage(out.putObject("total"), data.ledger().totals(q));
        ArrayNode unpriced = out.putArray("unpriced_models");
        data.ledger().unpricedModels(q).forEach((m, n) -> unpriced.addObject().put("model", m).put("requests", n));
        return out;
    }

    static String name(Dimension d) {
        return d == Dimension.USER ? "person" : d.name().toLowerCase().replace('_', '-');
    }
}
