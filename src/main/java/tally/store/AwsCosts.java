package tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The AWS bill for Bedrock as Cost Explorer reports it, per UTC day, service and usage type, in a
 * table of its own (aws_cost): compared with the ledger, never added to it. An import replaces the
 * days it fetched, so a later, final figure of a day replaces an estimated one.
 */
public final class AwsCosts {

    /** One Cost Explorer group of one day; the amount in nano-dollars. */
    public record Row(long dayMs, String service, String usageType, String model, String principal, String currency,
                      long amountNanos, boolean estimated) {}

    private final Store store;

    public AwsCosts(Store store) {
        this.store = store;
    }

    /** Replaces the days [fromMs, toMs) with these rows, in one transaction. */
    public void replace(long fromMs, long toMs, List<Row> rows) {
        long now = System.currentTimeMillis();
        store.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM aws_cost WHERE day_ms >= ? AND day_ms < ?")) {
                del.setLong(1, fromMs);
                del.setLong(2, toMs);
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO aws_cost (day_ms, service, usage_type, model, principal,"
                    + " currency, amount_nanos, estimated, imported_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Row r : rows) {
                    ps.setLong(1, r.dayMs());
                    ps.setString(2, r.service());
                    ps.setString(3, r.usageType());
                    ps.setString(4, r.model());
                    ps.setString(5, r.principal());
                    ps.setString(6, r.currency());
                    ps.setLong(7, r.amountNanos());
                    ps.setBoolean(8, r.estimated());
                    ps.setLong(9, now);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return null;
        });
    }

    /** AWS's cost per UTC day and model (null: a usage type that names no model). */
    public List<ProviderReports.DayModel> costByDayModel(long fromMs, long toMs) {
        return dayModel("SELECT day_ms, model, sum(amount_nanos), count(*) FROM aws_cost WHERE day_ms >= ? AND day_ms < ?"
                + " GROUP BY day_ms, model", fromMs, toMs);
    }

    /** The ledger's own cost of Bedrock records per UTC day and canonical model. */
    public List<ProviderReports.DayModel> ledgerCostByDayModel(long fromMs, long toMs) {
        return dayModel("SELECT ts_ms - (ts_ms % 86400000), model, coalesce(sum(cost_nanos), 0), count(*) FROM usage_events"
                + " WHERE provider = 'bedrock' AND ts_ms >= ? AND ts_ms < ? GROUP BY ts_ms - (ts_ms % 86400000), model", fromMs, toMs);
    }

    private List<ProviderReports.DayModel> dayModel(String sql, long fromMs, long toMs) {
        List<ProviderReports.DayModel> out = new ArrayList<>();
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, fromMs);
            ps.setLong(2, toMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ProviderReports.DayModel(rs.getLong(1), rs.getString(2), Sums.read(rs, 3, "cost in nano-dollars"), rs.getLong(4)));
                }
            }
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        return out;
    }
}
