package tally.budget;

import tally.core.Source;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreException;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Budget definitions in the store, and what the ledger says was spent against one. */
public final class Budgets {
    private final Store store;
    private final Ledger ledger;

    public Budgets(Store store, Ledger ledger) {
        this.store = store;
        this.ledger = ledger;
    }

    /** Adds a budget, or replaces the one with the same name. */
    public void set(Budget b) {
        if (b.amount() <= 0) throw new IllegalArgumentException("a budget's limit must be more than zero");
        if (b.thresholdPct() < 1 || b.thresholdPct() > 100) throw new IllegalArgumentException("--threshold: expected 1 to 100");
        if (b.scope() != Budget.Scope.ORG && (b.subject() == null || b.subject().isBlank())) {
            throw new IllegalArgumentException("a " + b.scope().label() + " budget needs a " + b.scope().label());
        }
        try (Connection c = store.connection()) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM budgets WHERE name = ?")) {
                del.setString(1, b.name());
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO budgets (name, scope, subject, period, unit, amount,"
                    + " hard, threshold_pct, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, b.name());
                ps.setString(2, b.scope().label());
                ps.setString(3, b.subject());
                ps.setString(4, b.period().label());
                ps.setString(5, b.unit().label());
                ps.setLong(6, b.amount());
                ps.setBoolean(7, b.hard());
                ps.setInt(8, b.thresholdPct());
                ps.setLong(9, System.currentTimeMillis());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot save budget '" + b.name() + "': " + e.getMessage(), e);
        }
    }

    public boolean remove(String name) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("DELETE FROM budgets WHERE name = ?")) {
            ps.setString(1, name);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("cannot remove budget '" + name + "': " + e.getMessage(), e);
        }
    }

    public List<Budget> list() {
        List<Budget> out = new ArrayList<>();
        try (Connection c = store.connection();
             PreparedStatement ps = c.prepareStatement("SELECT name, scope, subject, period, unit, amount, hard, threshold_pct"
                     + " FROM budgets ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Budget(rs.getString(1), Budget.parseScope(rs.getString(2)), rs.getString(3),
                        Budget.parsePeriod(rs.getString(4)), Budget.Unit.valueOf(rs.getString(5).toUpperCase()),
                        rs.getLong(6), rs.getBoolean(7), rs.getInt(8)));
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read budgets: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * What the ledger holds against a budget for the period containing {@code now}: gateway records
     * only, since the gateway is the path a budget can stop (and other sources may restate the same
     * requests without a request id to dedupe them by).
     */
    public long spent(Budget b, Instant now, ZoneId zone) {
        UsageQuery q = UsageQuery.of(b.period().start(now, zone), b.period().end(now, zone), Dimension.USER, zone)
                .withSource(Source.GATEWAY.label());
        q = switch (b.scope()) {
            case ORG -> q;
            case PERSON -> q.withPerson(b.subject());
            case TEAM -> q.withTeam(b.subject());
            case KEY -> q.withIdentity(b.subject());
        };
        UsageRow r = ledger.totals(q);
        return b.unit() == Budget.Unit.USD ? r.costNanos() : r.tokens().total();
    }
}
