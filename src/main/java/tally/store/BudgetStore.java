package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Budget definitions as stored: scope, period and unit by their labels. */
public final class BudgetStore {

    /** One stored budget; {@code subject} is null for the organization. */
    public record Row(String name, String scope, String subject, String period, String unit, long amount, boolean hard,
                      int thresholdPct) {}

    private final Store store;

    public BudgetStore(Store store) {
        this.store = store;
    }

    /** Adds a budget, or replaces the one with the same name. */
    public void save(Row b, long nowMs) {
        try (Connection c = store.connection()) {
            Jdbc.update(c, "DELETE FROM budgets WHERE name = ?", b.name());
            Jdbc.update(c, "INSERT INTO budgets (name, scope, subject, period, unit, amount, hard, threshold_pct, created_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", b.name(), b.scope(), Jdbc.text(b.subject()), b.period(), b.unit(),
                    b.amount(), b.hard(), b.thresholdPct(), nowMs);
        } catch (SQLException e) {
            throw new StoreException("cannot save budget '" + b.name() + "': " + e.getMessage(), e);
        }
    }

    /** Removes a budget by name; false when there is none. */
    public boolean remove(String name) {
        return Jdbc.update(store, e -> new StoreException("cannot remove budget '" + name + "': " + e.getMessage(), e),
                "DELETE FROM budgets WHERE name = ?", name) > 0;
    }

    /** Every budget, by name. */
    public List<Row> list() {
        return Jdbc.query(store, "SELECT name, scope, subject, period, unit, amount, hard, threshold_pct FROM budgets ORDER BY name",
                List.of(), rs -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                        rs.getLong(6), rs.getBoolean(7), rs.getInt(8)),
                e -> new StoreException("cannot read budgets: " + e.getMessage(), e));
    }
}
