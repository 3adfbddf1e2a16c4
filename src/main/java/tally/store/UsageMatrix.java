package tally.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Usage cut two ways at once (model × developer, day × developer, hour × model…): one cell per
 * pair that has records. Time against anything comes from {@link UsageSeries} (exact local days and
 * hours); two plain dimensions are one GROUP BY over the same rollups {@link Ledger#usage} reads.
 */
public final class UsageMatrix {
    /** The usage of one (row, column) pair; keys are as {@link Ledger#usage} prints them. */
    public record Cell(String row, String column, UsageRow usage) {}

    private final Ledger ledger;

    public UsageMatrix(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Rows by q.by(), columns by split: cells in row order (time ascending, else cost descending), then cost. */
    public List<Cell> query(UsageQuery q, Dimension split) {
        Dimension by = q.by();
        if (by == split) throw new IllegalArgumentException("--split: must differ from --by (both are " + name(by) + ")");
        if (by == Dimension.SESSION || split == Dimension.SESSION) {
            throw new IllegalArgumentException("--split: sessions cannot be cut a second way; use --by session alone");
        }
        if (by.isTime() && split.isTime()) {
            throw new IllegalArgumentException("--split: " + name(by) + " by " + name(split) + " is two times; split a time by user, team, model or source");
        }
        if (by.isTime()) return overTime(q, split, false);
        if (split.isTime()) return overTime(q.withBy(split), by, true);
        return plain(q, split);
    }

    private static String name(Dimension d) {
        return d.name().toLowerCase();
    }

    /** Local hours or days from the series (weeks and months folded from days); swapped when time is the column. */
    private List<Cell> overTime(UsageQuery q, Dimension other, boolean timeIsColumn) {
        Dimension time = q.by();
        Dimension step = time == Dimension.HOUR ? Dimension.HOUR : Dimension.DAY;
        Map<String, Cell> cells = new LinkedHashMap<>();
        for (UsageSeries.Point p : new UsageSeries(ledger).query(q.withBy(step), other)) {
            String t = Ledger.localKey(p.period(), time);
            String key = t + "\u0000" + p.split();
            cells.merge(key, new Cell(timeIsColumn ? p.split() : t, timeIsColumn ? t : p.split(), p.usage().withKey(t)),
                    (a, b) -> new Cell(a.row(), a.column(), a.usage().plus(b.usage())));
        }
        List<Cell> out = new ArrayList<>(cells.values());
        if (timeIsColumn) sortByRowCost(out);
        return out;
    }

    private List<Cell> plain(UsageQuery q, Dimension split) {
        List<Object> params = new ArrayList<>();
        boolean aliased = RollupRange.aliased(ledger.store(), q, split);
        String from = RollupRange.from(ledger.store(), q, split, false, aliased, params);
        Where where = UsageFilters.of(q, aliased);
        params.addAll(where.params());
        String sql = "SELECT " + RollupRange.keyOf(q.by(), aliased) + ", " + RollupRange.keyOf(split, aliased) + ", " + RollupRange.SUMS
                + from + where.sql() + " GROUP BY 1, 2 HAVING sum(r.requests) <> 0";
        List<Cell> out = Jdbc.query(ledger.store(), sql, params, rs -> {
            String row = rs.getString(1);
            String col = rs.getString(2);
            return new Cell(row, col, RollupRange.row(rs, 3, col));
        }, ledger.store()::unavailable);
        sortByRowCost(out);
        return out;
    }

    /** Rows by their total cost (descending, then name), cells within a row by cost too. */
    private static void sortByRowCost(List<Cell> cells) {
        Map<String, Long> rowCost = new LinkedHashMap<>();
        for (Cell c : cells) rowCost.merge(c.row(), c.usage().costNanos(), Long::sum);
        cells.sort((x, y) -> {
            long a = rowCost.get(x.row());
            long b = rowCost.get(y.row());
            if (a != b) return Long.compare(b, a);
            if (!x.row().equals(y.row())) return x.row().compareTo(y.row());
            if (x.usage().costNanos() != y.usage().costNanos()) return Long.compare(y.usage().costNanos(), x.usage().costNanos());
            return x.column().compareTo(y.column());
        });
    }
}
