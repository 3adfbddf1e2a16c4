package tally.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.Figures;
import tally.core.JsonTree;
import tally.core.Nanos;
import tally.core.TokenCounts;
import tally.store.UsageRow;

import java.util.Map;
import java.util.stream.Collectors;

/** Renders a {@link CostReport} as a table, CSV or JSON. Money is formatted here and nowhere earlier. */
public final class CostReportWriter {
    private CostReportWriter() {}

    public static String render(CostReport r, ReportFormat format) {
        return switch (format) {
            case TABLE -> table(r);
            case CSV -> csv(r);
            case JSON -> json(r);
        };
    }

    static String table(CostReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage by ").append(r.by().label().toLowerCase()).append(", ").append(r.range().describe())
                .append(" (").append(r.range().zone().getId()).append(")\n\n");
        TextTable t = new TextTable(r.by().label(), "Input", "Output", "Cache", "Total tokens", "Requests", "Cost (USD)");
        for (UsageRow row : r.rows()) t.row(cells(row, r.fromProviderReport()));
        t.rule().row(cells(r.total(), r.fromProviderReport()));
        sb.append(t.render());
        if (r.rows().isEmpty()) sb.append("(no usage in this range)\n");
        sb.append('\n');
        sb.append("Projected this month at the current pace: ").append(Nanos.toDollarsReadable(r.projectedMonthNanos())).append('\n');
        if (!r.topSpenders().isEmpty()) {
            sb.append("Top spenders: ").append(r.topSpenders().stream()
                    .map(u -> u.key() + " " + Nanos.toDollarsReadable(u.costNanos())).collect(Collectors.joining(", "))).append('\n');
        }
        if (!r.unpricedModels().isEmpty()) {
            sb.append(unpricedLine(r.unpricedModels(), r.fromProviderReport() ? "report row" : "request")).append('\n');
        }
        return sb.toString();
    }

    /** The loud line: unknown models are counted, never priced at $0. */
    public static String unpricedLine(Map<String, Long> models) {
        return unpricedLine(models, "request");
    }

    /** As above, counting {@code what} (the provider's report counts rows, not requests). */
    static String unpricedLine(Map<String, Long> models, String what) {
        long n = models.values().stream().mapToLong(Long::longValue).sum();
        return "UNPRICED: " + n + " " + what + (n == 1 ? "" : "s") + " on model" + (models.size() == 1 ? " " : "s ")
                + models.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))
                + " not in the price catalog; their cost is not in the totals (add prices with --prices FILE)";
    }

    private static String[] cells(UsageRow row, boolean fromProviderReport) {
        TokenCounts t = row.tokens();
        return new String[] {row.key(), num(t.input()), num(t.output()), num(t.cacheRead() + t.cacheWrite()),
                num(t.total()), fromProviderReport ? "-" : num(row.requests()),
                fromProviderReport ? reportedCost(row) : cost(row)};
    }

    /** A provider report's row counts report rows as unpriced, not requests (it has none): nothing priced reads so. */
    private static String reportedCost(UsageRow row) {
        if (row.unpriced() == 0) return Nanos.toDollarsReadable(row.costNanos());
        if (row.costNanos() == 0) return "unpriced";
        return Nanos.toDollarsReadable(row.costNanos()) + " + unpriced";
    }

    /** A group with unpriced records is marked, and one with nothing priced says so instead of $0.00. */
    public static String cost(UsageRow row) {
        if (row.unpriced() == 0) return Nanos.toDollarsReadable(row.costNanos());
        if (row.unpriced() == row.requests()) return "unpriced";
        return Nanos.toDollarsReadable(row.costNanos()) + " +" + row.unpriced() + " unpriced";
    }

    static String num(long n) {
        return Figures.grouped(n);
    }

    static String csv(CostReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.by().name().toLowerCase()).append(",requests,input_tokens,output_tokens,cache_read_tokens,")
                .append("cache_write_tokens,total_tokens,cost_usd,unpriced_requests,cost_nanos\n");
        for (UsageRow row : r.rows()) csvRow(sb, row, r.fromProviderReport());
        csvRow(sb, r.total(), r.fromProviderReport());
        return sb.toString();
    }

    /** A provider report's rows leave requests empty: it has no request counts (not 0 requests). */
    private static void csvRow(StringBuilder sb, UsageRow row, boolean fromProviderReport) {
        TokenCounts t = row.tokens();
        sb.append(csvField(row.key())).append(',').append(fromProviderReport ? "" : String.valueOf(row.requests())).append(',')
                .append(t.input()).append(',')
                .append(t.output()).append(',').append(t.cacheRead()).append(',').append(t.cacheWrite()).append(',')
                .append(t.total()).append(',').append(Nanos.toDecimal(row.costNanos())).append(',')
                .append(row.unpriced()).append(',').append(row.costNanos()).append('\n');
    }

    /**
     * One text cell of CSV: RFC 4180 quoting when it holds a comma, quote or line break, and a
     * leading single quote when it starts like a formula ({@code = + - @}, tab or CR), so a
     * spreadsheet shows a name such as {@code =HYPERLINK(…)} as text instead of running it.
     */
    public static String csvField(String s) {
        if (s == null) return "";
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) s = "'" + s;
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    static String json(CostReport r) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("from", r.range().from().toString());
        root.put("to", r.range().to().toString());
        root.put("timezone", r.range().zone().getId());
        root.put("by", r.by().name().toLowerCase());
        if (r.range().rolling()) root.put("start", r.range().start().toString()).put("end", r.range().end().toString());
        ArrayNode rows = root.putArray("rows");
        for (UsageRow row : r.rows()) rows.add(jsonRow(row));
        root.set("total", jsonRow(r.total()));
        root.put("projected_month_usd", Nanos.toDecimal(r.projectedMonthNanos()));
        root.put("unpriced_requests", r.unpricedRequests());
        if (r.fromProviderReport()) root.put("requests_reported", false); // so unpriced_requests counts report rows
        ObjectNode unpriced = root.putObject("unpriced_models");
        r.unpricedModels().forEach(unpriced::put);
        ArrayNode top = root.putArray("top_spenders");
        for (UsageRow u : r.topSpenders()) top.addObject().put("key", u.key()).put("cost_usd", Nanos.toDecimal(u.costNanos())).put("cost_nanos", u.costNanos());
        return toJson(root);
    }

    public static ObjectNode jsonRow(UsageRow row) {
        return UsageRowJson.fields(JsonNodeFactory.instance.objectNode().put("key", row.key()), row);
    }

    /** Indented as a mapper with INDENT_OUTPUT writes it (without setting one up: see {@link JsonTree}), one newline after. */
    public static String toJson(JsonNode node) {
        return JsonTree.pretty(node) + "\n";
    }
}
