package tally.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Nanos;
import tally.pricing.PriceCatalog;
import tally.pricing.PriceRequest;
import tally.pricing.Quote;
import tally.store.Ledger;
import tally.store.Requote;
import tally.store.UsageQuery;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Real usage priced as if it had run on other models (or through other Bedrock profiles): every
 * stored record is quoted again, request by request, so the long-context tier and batch discount
 * fall where they really would. The difference is taken over the records that were priced as
 * recorded, so an unpriced record never counts as a saving or a cost.
 */
public final class WhatIf {
    /** What the usage cost as recorded. */
    public record Actual(long requests, long costNanos, long unpriced) {}

    /** The same usage on another model: its cost, and the difference over the records priced as recorded. */
    public record Alternative(String model, String canonicalModel, long costNanos, long comparableNanos, long unpriced) {}

    public record Result(ReportRange range, Actual actual, List<Alternative> alternatives) {}

    private WhatIf() {}

    public static Result price(Ledger ledger, UsageQuery q, ReportRange range, PriceCatalog catalog, List<String> models) {
        long[] actual = new long[3];
        long[][] alt = new long[models.size()][3]; // cost, comparable cost, unpriced
        try {
            ledger.scanForRequotes(q, e -> {
                actual[0]++;
                if (e.costNanos() == null) actual[2]++;
                else actual[1] += e.costNanos();
                for (int i = 0; i < models.size(); i++) {
                    Quote quote = catalog.quote(as(e, models.get(i)));
                    if (!quote.priced()) alt[i][2]++;
                    else {
                        alt[i][0] += quote.costNanos();
                        if (e.costNanos() != null) alt[i][1] += quote.costNanos();
                    }
                }
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<Alternative> out = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            out.add(new Alternative(models.get(i), catalog.resolve(models.get(i)).canonicalId(), alt[i][0], alt[i][1], alt[i][2]));
        }
        return new Result(range, new Actual(actual[0], actual[1], actual[2]), out);
    }

    private static PriceRequest as(Requote e, String model) {
        return new PriceRequest(model, e.time(), e.tokens(), e.webSearches(), e.batch(), e.fast(), e.inferenceGeo());
    }

    public static String table(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("What if: ").append(r.actual().requests()).append(" requests, ").append(r.range().describe())
                .append(" (").append(r.range().zone().getId()).append("), priced request by request on other models\n\n");
        TextTable t = new TextTable("Model", "Cost (USD)", "Difference", "Change");
        t.row("as recorded", Nanos.toDollarsReadable(r.actual().costNanos()), "", "");
        for (Alternative a : r.alternatives()) {
            long diff = a.comparableNanos() - r.actual().costNanos();
            t.row(a.model().equals(a.canonicalModel()) ? a.model() : a.model() + " (" + a.canonicalModel() + ")",
                    Nanos.toDollarsReadable(a.costNanos()), (diff > 0 ? "+" : "") + Nanos.toDollarsReadable(diff), percent(diff, r.actual()));
        }
        sb.append(t.render());
        if (r.actual().unpriced() > 0) {
            sb.append("\n").append(r.actual().unpriced()).append(" recorded requests are unpriced: in the alternatives' cost, "
                    + "not in the difference\n");
        }
        return sb.toString();
    }

    private static String percent(long diff, Actual actual) {
        if (actual.costNanos() == 0) return "";
        BigDecimal p = BigDecimal.valueOf(diff).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(actual.costNanos()), 1, RoundingMode.HALF_UP);
        return (p.signum() > 0 ? "+" : "") + p.toPlainString() + "%";
    }

    public static String json(Result r) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("from", r.range().from().toString()).put("to", r.range().to().toString())
                .put("timezone", r.range().zone().getId());
        if (r.range().rolling()) root.put("start", r.range().start().toString()).put("end", r.range().end().toString());
        root.putObject("actual").put("requests", r.actual().requests())
                .put("cost_usd", Nanos.toDecimal(r.actual().costNanos())).put("cost_nanos", r.actual().costNanos())
                .put("unpriced_requests", r.actual().unpriced());
        ArrayNode arr = root.putArray("compare");
        for (Alternative a : r.alternatives()) {
            long diff = a.comparableNanos() - r.actual().costNanos();
            arr.addObject().put("model", a.model()).put("canonical_model", a.canonicalModel())
                    .put("cost_usd", Nanos.toDecimal(a.costNanos())).put("cost_nanos", a.costNanos())
                    .put("difference_usd", Nanos.toDecimal(diff)).put("difference_nanos", diff)
                    .put("unpriced_requests", a.unpriced());
        }
        return CostReportWriter.toJson(root);
    }
}
