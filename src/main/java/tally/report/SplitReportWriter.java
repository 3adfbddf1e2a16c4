package tally.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.core.TokenCounts;
import tally.store.UsageMatrix.Cell;
import tally.store.UsageRow;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link SplitReport}: a table with a row per first key and a column of cost per second
 * key plus a total, or the long format in CSV and JSON (one row per pair, the same fields as a
 * one-way report's rows, plus {@code split}).
 */
public final class SplitReportWriter {
    /** Beyond this many non-time columns, the cheapest are summed into one "(others)" column. */
    static final int MAX_COLUMNS = 12;
    static final String OTHERS = "(others)";

    private SplitReportWriter() {}

    public static String render(SplitReport r, ReportFormat format) {
        return switch (format) {
            case TABLE -> table(r);
            case CSV -> csv(r);
            case JSON -> json(r);
        };
    }

    static String table(SplitReport r) {
        List<String> columns = columns(r);
        boolean folded = columns.size() > MAX_COLUMNS && !r.split().isTime();
        List<String> shown = folded ? new ArrayList<>(columns.subList(0, MAX_COLUMNS - 1)) : columns;
        if (folded) shown.add(OTHERS);
        Map<String, Map<String, UsageRow>> grid = new LinkedHashMap<>();
        Map<String, UsageRow> columnTotals = new LinkedHashMap<>();
        for (Cell c : r.cells()) {
            String col = shown.contains(c.column()) ? c.column() : OTHERS;
            grid.computeIfAbsent(c.row(), k -> new LinkedHashMap<>()).merge(col, c.usage(), UsageRow::plus);
            columnTotals.merge(col, c.usage(), UsageRow::plus);
        }
        String[] header = new String[shown.size() + 2];
        header[0] = r.by().label();
        for (int i = 0; i < shown.size(); i++) header[i + 1] = shown.get(i);
        header[header.length - 1] = "Total";
        TextTable t = new TextTable(header);
        for (Map.Entry<String, Map<String, UsageRow>> row : grid.entrySet()) {
            t.row(line(row.getKey(), shown, row.getValue()));
        }
        t.rule().row(line("TOTAL", shown, columnTotals));
        StringBuilder sb = new StringBuilder();
        sb.append("Cost (USD) by ").append(r.by().label().toLowerCase()).append(" and ").append(r.split().label().toLowerCase())
                .append(", ").append(r.range().describe()).append(" (").append(r.range().zone().getId()).append(")\n\n");
        sb.append(t.render());
        if (r.cells().isEmpty()) sb.append("(no usage in this range)\n");
        if (folded) sb.append("\n").append(columns.size() - shown.size() + 1).append(" more ")
                .append(r.split().label().toLowerCase()).append(" columns summed in ").append(OTHERS)
                .append("; --format csv or json lists every pair\n");
        if (!r.unpricedModels().isEmpty()) sb.append('\n').append(CostReportWriter.unpricedLine(r.unpricedModels())).append('\n');
        return sb.toString();
    }

    private static String[] line(String key, List<String> columns, Map<String, UsageRow> cells) {
        String[] out = new String[columns.size() + 2];
        out[0] = key;
        UsageRow total = UsageRow.empty(key);
        for (int i = 0; i < columns.size(); i++) {
            UsageRow u = cells.get(columns.get(i));
            out[i + 1] = u == null ? "-" : CostReportWriter.cost(u);
            if (u != null) total = total.plus(u);
        }
        out[out.length - 1] = CostReportWriter.cost(total);
        return out;
    }

    /** Column keys: times in order, anything else by total cost (highest first), then name. */
    private static List<String> columns(SplitReport r) {
        if (r.split().isTime()) {
            List<String> out = new ArrayList<>(new LinkedHashSet<>(r.cells().stream().map(Cell::column).toList()));
            out.sort(Comparator.naturalOrder());
            return out;
        }
        Map<String, Long> cost = new LinkedHashMap<>();
        for (Cell c : r.cells()) cost.merge(c.column(), c.usage().costNanos(), Long::sum);
        List<String> out = new ArrayList<>(cost.keySet());
        out.sort(Comparator.comparing((String k) -> -cost.get(k)).thenComparing(Comparator.naturalOrder()));
        return out;
    }

    static String csv(SplitReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append(r.by().name().toLowerCase()).append(',').append(r.split().name().toLowerCase())
                .append(",requests,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,total_tokens,cost_usd,")
                .append("unpriced_requests,cost_nanos\n");
        for (Cell c : r.cells()) csvRow(sb, c.row(), c.column(), c.usage());
        csvRow(sb, "TOTAL", "", r.total());
        return sb.toString();
    }

    private static void csvRow(StringBuilder sb, String row, String column, UsageRow u) {
        TokenCounts t = u.tokens();
        sb.append(CostReportWriter.csvField(row)).append(',').append(CostReportWriter.csvField(column)).append(',')
                .append(u.requests()).append(',').append(t.input()).append(',').append(t.output()).append(',')
                .append(t.cacheRead()).append(',').append(t.cacheWrite()).append(',').append(t.total()).append(',')
                .append(tally.core.Nanos.toDecimal(u.costNanos())).append(',').append(u.unpriced()).append(',')
                .append(u.costNanos()).append('\n');
    }

    static String json(SplitReport r) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("from", r.range().from().toString());
        root.put("to", r.range().to().toString());
        root.put("timezone", r.range().zone().getId());
        root.put("by", r.by().name().toLowerCase());
        root.put("split", r.split().name().toLowerCase());
        if (r.range().rolling()) root.put("start", r.range().start().toString()).put("end", r.range().end().toString());
        ArrayNode rows = root.putArray("rows");
        for (Cell c : r.cells()) {
            ObjectNode o = rows.addObject().put("key", c.row()).put("split", c.column());
            ObjectNode fields = CostReportWriter.jsonRow(c.usage());
            fields.remove("key");
            o.setAll(fields);
        }
        root.set("total", CostReportWriter.jsonRow(r.total()));
        root.put("unpriced_requests", r.total().unpriced());
        ObjectNode unpriced = root.putObject("unpriced_models");
        r.unpricedModels().forEach(unpriced::put);
        return CostReportWriter.toJson(root);
    }
}
