package tally.app;

import tally.store.AwsCosts;
import tally.store.Store;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The store's side of {@code tally import aws-costs}: the command reads Cost Explorer where it runs
 * (with its own AWS credentials) and sends the rows; they replace the days fetched, apart from the ledger.
 */
public final class AwsCostsAdmin {
    /** @param to the last day fetched, included */
    public record Save(LocalDate from, LocalDate to, List<AwsCosts.Row> rows) {}

    public record Saved(int rows, long totalNanos) {}

    /** A day's bill beyond this is not a Bedrock bill but a mistake: refused, never stored. */
    static final long MAX_DAY_NANOS = 1_000_000_000L * 1_000_000_000L;

    private final Store store;

    AwsCostsAdmin(Store store) {
        this.store = store;
    }

    public Saved save(Save s) {
        if (s.from() == null || s.to() == null) throw new IllegalArgumentException("from and to are required");
        if (s.to().isBefore(s.from())) throw new IllegalArgumentException("from " + s.from() + " is after to " + s.to());
        long fromMs = ms(s.from());
        long endMs = ms(s.to().plusDays(1));
        List<AwsCosts.Row> rows = s.rows() == null ? List.of() : s.rows();
        long total = 0;
        for (AwsCosts.Row r : rows) {
            String where = "row " + LocalDate.ofEpochDay(Math.floorDiv(r.dayMs(), 86_400_000L)) + " " + r.usageType();
            if (r.dayMs() < fromMs || r.dayMs() >= endMs || r.dayMs() % 86_400_000L != 0) {
                throw new IllegalArgumentException(where + ": not a UTC day from " + s.from() + " to " + s.to());
            }
            if (r.service() == null || r.usageType() == null || r.currency() == null) throw new IllegalArgumentException(where + ": service, usage type and currency are required");
            if (Math.abs(r.amountNanos()) > MAX_DAY_NANOS) throw new IllegalArgumentException(where + ": amount out of range");
            total += r.amountNanos();
        }
        new AwsCosts(store).replace(fromMs, endMs, rows);
        return new Saved(rows.size(), total);
    }

    private static long ms(LocalDate d) {
        return d.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
