package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Hard budgets shared by every replica on one PostgreSQL: a counter row per budget and period (what
 * was spent) and a hold row per replica (what its requests in flight reserved). A reservation locks
 * the counter rows it needs, in one order, so two replicas never both take the last of a budget.
 * Times are the database's clock, so replicas' clocks need not agree.
 */
public final class BudgetCounters {
    static final String NOW_MS = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

    /** One budget a request reserves on: its key, period, limit, and the most the request may cost against it. */
    public record Claim(String budget, long periodEndMs, long limit, long worst) {}

    /** What a reservation came to. */
    public sealed interface Outcome permits Held, Exhausted, Wait {}

    /** Reserved: {@code amounts[i]} on claim i (everything left when the worst case did not fit and nothing else was in flight). */
    public record Held(long[] amounts) implements Outcome {}

    /** Claim {@code index} has nothing left: {@code spent} reached its limit. */
    public record Exhausted(int index, long spent) implements Outcome {}

    /** Claim {@code index}: the worst case does not fit beside {@code requests} in flight on the fleet; retry once they settle. */
    public record Wait(int index, long left, long requests) implements Outcome {}

    /** Spent and held on one budget now, for tests and listings. */
    public record Standing(long spent, long held, long requests) {}

    private final Store store;

    public BudgetCounters(Store store) {
        this.store = store;
    }

    /**
     * Makes a budget's counter for a period if there is none, starting from what the ledger holds
     * ({@code gateway}: spend the gateways recorded; {@code elsewhere}: every other source's). True when it exists now.
     */
    public boolean exists(String budget, long periodEndMs) {
        return !Jdbc.query(store, "SELECT 1 FROM budget_counters WHERE budget = ? AND period_end_ms = ?", List.of(budget, periodEndMs),
                rs -> 1, e -> new StoreException("cannot read budget counter '" + budget + "': " + e.getMessage(), e)).isEmpty();
    }

    /** Makes a budget's counter for a period, unless another replica made it first. */
    public void create(String budget, long periodEndMs, long gateway, long elsewhere) {
        Jdbc.update(store, e -> new StoreException("cannot make budget counter '" + budget + "': " + e.getMessage(), e),
                "INSERT INTO budget_counters (budget, period_end_ms, settled, elsewhere) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (budget, period_end_ms) DO NOTHING", budget, periodEndMs, gateway, elsewhere);
    }

    /** Reserves on every claim or on none. Every claim's counter exists ({@link #create}). */
    public Outcome reserve(String replica, List<Claim> claims, long ttlMs) {
        List<Integer> order = lockOrder(claims);
        return store.inTransaction(c -> {
            long[] amounts = new long[claims.size()];
            for (int i : order) {
                Claim k = claims.get(i);
                long[] row = readLocked(c, k);
                if (row == null) throw new StoreException("no budget counter for '" + k.budget() + "'", null);
                long spent = row[0];
                if (spent >= k.limit()) return new Exhausted(i, spent);
                long left = k.limit() - spent - row[1];
                if (k.worst() <= left) amounts[i] = k.worst();
                else if (row[2] == 0) amounts[i] = Math.max(0, left); // alone: the next waits until this one settles
                else return new Wait(i, left, row[2]);
            }
            for (int i : order) {
                Claim k = claims.get(i);
                Jdbc.update(c, "INSERT INTO budget_holds (budget, period_end_ms, replica, reserved, requests, expires_ms)"
                        + " VALUES (?, ?, ?, ?, 1, " + NOW_MS + " + ?) ON CONFLICT (budget, period_end_ms, replica) DO UPDATE SET"
                        + " reserved = budget_holds.reserved + EXCLUDED.reserved, requests = budget_holds.requests + 1,"
                        + " expires_ms = EXCLUDED.expires_ms", k.budget(), k.periodEndMs(), replica, amounts[i], ttlMs);
            }
            return new Held(amounts);
        });
    }

    /**
     * Locks the counter row, then reads it with the holds in a second statement: under READ COMMITTED
     * a statement's snapshot is taken before it waits for a lock, so holds read in the locking
     * statement itself could miss those committed by whoever held the lock before.
     */
    private static long[] readLocked(Connection c, Claim k) throws SQLException {
        if (Jdbc.query(c, "SELECT 1 FROM budget_counters WHERE budget = ? AND period_end_ms = ? FOR UPDATE",
                List.of(k.budget(), k.periodEndMs()), rs -> 1).isEmpty()) return null;
        String sql = "SELECT settled + elsewhere,"
                + " (SELECT COALESCE(SUM(reserved), 0) FROM budget_holds h WHERE h.budget = b.budget AND h.period_end_ms = b.period_end_ms"
                + "   AND h.expires_ms > " + NOW_MS + "),"
                + " (SELECT COALESCE(SUM(requests), 0) FROM budget_holds h WHERE h.budget = b.budget AND h.period_end_ms = b.period_end_ms"
                + "   AND h.expires_ms > " + NOW_MS + ")"
                + " FROM budget_counters b WHERE budget = ? AND period_end_ms = ?";
        List<long[]> rows = Jdbc.query(c, sql, List.of(k.budget(), k.periodEndMs()),
                rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * A request ended: its actual cost joins what was settled and what it held is given back.
     * {@code held} is null for spend that reserved nothing (batch results).
     */
    public void settle(String replica, List<Claim> claims, long[] held, long[] actual, long ttlMs) {
        List<Integer> order = lockOrder(claims);
        store.inTransaction(c -> {
            for (int i : order) {
                Claim k = claims.get(i);
                if (actual[i] != 0) {
                    Jdbc.update(c, "UPDATE budget_counters SET settled = settled + ? WHERE budget = ? AND period_end_ms = ?",
                            actual[i], k.budget(), k.periodEndMs());
                }
                if (held == null) continue;
                Jdbc.update(c, "UPDATE budget_holds SET reserved = GREATEST(0, reserved - ?), requests = GREATEST(0, requests - 1),"
                        + " expires_ms = " + NOW_MS + " + ? WHERE budget = ? AND period_end_ms = ? AND replica = ?",
                        held[i], ttlMs, k.budget(), k.periodEndMs(), replica);
            }
            return null;
        });
    }

    /** What other sources spent against a budget, as the ledger says now (only for a counter that exists). */
    public void observeElsewhere(String budget, long periodEndMs, long elsewhere) {
        Jdbc.update(store, e -> new StoreException("cannot update budget counter '" + budget + "': " + e.getMessage(), e),
                "UPDATE budget_counters SET elsewhere = ? WHERE budget = ? AND period_end_ms = ? AND elsewhere <> ?",
                elsewhere, budget, periodEndMs, elsewhere);
    }

    /** Keeps a live replica's holds from expiring, and forgets holds that expired long ago. */
    public void renew(String replica, long ttlMs) {
        store.inTransaction(c -> {
            Jdbc.update(c, "UPDATE budget_holds SET expires_ms = " + NOW_MS + " + ? WHERE replica = ?", ttlMs, replica);
            Jdbc.update(c, "DELETE FROM budget_holds WHERE expires_ms < " + NOW_MS + " - 3600000");
            return null;
        });
    }

    /** A replica stopping cleanly: nothing of it is in flight any more. */
    public void release(String replica) {
        Jdbc.update(store, e -> new StoreException("cannot release budget holds: " + e.getMessage(), e),
                "DELETE FROM budget_holds WHERE replica = ?", replica);
    }

    public Standing standing(String budget, long periodEndMs) {
        List<Standing> rows = Jdbc.query(store, "SELECT b.settled + b.elsewhere,"
                        + " COALESCE((SELECT SUM(reserved) FROM budget_holds h WHERE h.budget = b.budget AND h.period_end_ms = b.period_end_ms"
                        + "   AND h.expires_ms > " + NOW_MS + "), 0),"
                        + " COALESCE((SELECT SUM(requests) FROM budget_holds h WHERE h.budget = b.budget AND h.period_end_ms = b.period_end_ms"
                        + "   AND h.expires_ms > " + NOW_MS + "), 0)"
                        + " FROM budget_counters b WHERE budget = ? AND period_end_ms = ?", List.of(budget, periodEndMs),
                rs -> new Standing(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                e -> new StoreException("cannot read budget counter '" + budget + "': " + e.getMessage(), e));
        return rows.isEmpty() ? new Standing(0, 0, 0) : rows.get(0);
    }

    /** Rows are locked in one order (budget, then period) by everyone, so two transactions never wait on each other in a cycle. */
    private static List<Integer> lockOrder(List<Claim> claims) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < claims.size(); i++) order.add(i);
        order.sort(Comparator.comparing((Integer i) -> claims.get(i).budget()).thenComparingLong(i -> claims.get(i).periodEndMs()));
        return order;
    }
}
