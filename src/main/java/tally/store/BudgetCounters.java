package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Hard budgets shared by every replica on one PostgreSQL: a counter row per budget and period (what
 * was spent, and what requests in flight hold) and a hold row per replica (its share of the held, so
 * it can expire). A reservation is one guarded UPDATE of the counter row — PostgreSQL re-checks the
 * guard on the row's latest version, so two replicas never both take the last of a budget — and
 * the lock is held for that one statement. Times are the database's clock.
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

    /** Takes the worst case when it fits in what is left, else (nothing in flight) everything left; null when neither. */
    private static final String TAKE = "WITH take AS (UPDATE budget_counters SET"
            + " last_take = CASE WHEN ? <= ? - settled - elsewhere - held THEN ? ELSE GREATEST(0, ? - settled - elsewhere - held) END,"
            + " held = held + CASE WHEN ? <= ? - settled - elsewhere - held THEN ? ELSE GREATEST(0, ? - settled - elsewhere - held) END,"
            + " requests = requests + 1"
            + " WHERE budget = ? AND period_end_ms = ? AND settled + elsewhere < ? AND (? <= ? - settled - elsewhere - held OR requests = 0)"
            + " RETURNING last_take),"
            + " hold AS (INSERT INTO budget_holds (budget, period_end_ms, replica, reserved, requests, expires_ms)"
            + "  SELECT ?, ?, ?, last_take, 1, " + NOW_MS + " + ? FROM take"
            + "  ON CONFLICT (budget, period_end_ms, replica) DO UPDATE SET reserved = budget_holds.reserved + EXCLUDED.reserved,"
            + "  requests = budget_holds.requests + 1, expires_ms = EXCLUDED.expires_ms)"
            + " SELECT last_take FROM take";

    /**
     * Gives a request's hold back (only if its replica's row still holds it: an expired row was already
     * taken off) and adds its cost. The counter row is locked first, as a reservation locks it, so the two never deadlock.
     */
    private static final String SETTLE = "WITH c AS (SELECT 1 FROM budget_counters WHERE budget = ? AND period_end_ms = ? FOR UPDATE),"
            + " h AS (UPDATE budget_holds SET reserved = reserved - ?, requests = requests - 1,"
            + " expires_ms = " + NOW_MS + " + ? WHERE budget = ? AND period_end_ms = ? AND replica = ? AND requests > 0 AND reserved >= ?"
            + " AND EXISTS (SELECT 1 FROM c) RETURNING 1)"
            + " UPDATE budget_counters SET settled = settled + ?,"
            + " held = GREATEST(0, held - CASE WHEN EXISTS (SELECT 1 FROM h) THEN ? ELSE 0 END),"
            + " requests = GREATEST(0, requests - CASE WHEN EXISTS (SELECT 1 FROM h) THEN 1 ELSE 0 END)"
            + " WHERE budget = ? AND period_end_ms = ?";

    /**
     * Deletes expired holds and takes what they held off their counters, in one statement (two replicas
     * reaping at once never both count a row). Run after locking those counters, in the reservations' order.
     */
    private static final String REAP = "WITH dead AS (DELETE FROM budget_holds WHERE expires_ms <= " + NOW_MS
            + " RETURNING budget, period_end_ms, reserved, requests),"
            + " agg AS (SELECT budget, period_end_ms, SUM(reserved) AS r, SUM(requests) AS n FROM dead GROUP BY budget, period_end_ms)"
            + " UPDATE budget_counters b SET held = GREATEST(0, b.held - agg.r), requests = GREATEST(0, b.requests - agg.n)"
            + " FROM agg WHERE b.budget = agg.budget AND b.period_end_ms = agg.period_end_ms";

    private final Store store;

    public BudgetCounters(Store store) {
        this.store = store;
    }

    /** Whether a budget's counter for a period exists. */
    public boolean exists(String budget, long periodEndMs) {
        return !Jdbc.query(store, "SELECT 1 FROM budget_counters WHERE budget = ? AND period_end_ms = ?", List.of(budget, periodEndMs),
                rs -> 1, e -> new StoreException("cannot read budget counter '" + budget + "': " + e.getMessage(), e)).isEmpty();
    }

    /**
     * Makes a budget's counter for a period, unless another replica made it first, starting from what
     * the ledger holds ({@code gateway}: spend the gateways recorded; {@code elsewhere}: every other source's).
     */
    public void create(String budget, long periodEndMs, long gateway, long elsewhere) {
        Jdbc.update(store, e -> new StoreException("cannot make budget counter '" + budget + "': " + e.getMessage(), e),
                "INSERT INTO budget_counters (budget, period_end_ms, settled, elsewhere) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (budget, period_end_ms) DO NOTHING", budget, periodEndMs, gateway, elsewhere);
    }

    /**
     * Reserves on every claim or on none (every claim's counter exists: {@link #create}). One claim is
     * one statement; several are taken in one transaction, in one order, so two never deadlock.
     */
    public Outcome reserve(String replica, List<Claim> claims, long ttlMs) {
        List<Integer> order = lockOrder(claims);
        if (claims.size() == 1) {
            try (Connection c = store.connection()) {
                Long took = take(c, claims.get(0), replica, ttlMs);
                return took != null ? new Held(new long[] {took}) : refusal(c, claims.get(0), 0);
            } catch (SQLException e) {
                throw store.unavailable(e);
            }
        }
        return store.inTransaction(c -> {
            long[] amounts = new long[claims.size()];
            for (int i : order) {
                Long took = take(c, claims.get(i), replica, ttlMs);
                if (took == null) {
                    c.rollback(); // none of the others either
                    return refusal(c, claims.get(i), i);
                }
                amounts[i] = took;
            }
            return new Held(amounts);
        });
    }

    private static Long take(Connection c, Claim k, String replica, long ttlMs) throws SQLException {
        long w = k.worst();
        long l = k.limit();
        List<Long> took = Jdbc.query(c, TAKE, List.of(w, l, w, l, w, l, w, l, k.budget(), k.periodEndMs(), l, w, l,
                k.budget(), k.periodEndMs(), replica, ttlMs), rs -> rs.getLong(1));
        return took.isEmpty() ? null : took.get(0);
    }

    /** Why a claim was not taken: its budget is spent, or the request must wait its turn. */
    private static Outcome refusal(Connection c, Claim k, int index) throws SQLException {
        List<long[]> rows = Jdbc.query(c, "SELECT settled + elsewhere, held, requests FROM budget_counters WHERE budget = ? AND period_end_ms = ?",
                List.of(k.budget(), k.periodEndMs()), rs -> new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)});
        if (rows.isEmpty()) throw new StoreException("no budget counter for '" + k.budget() + "'");
        long[] r = rows.get(0);
        return r[0] >= k.limit() ? new Exhausted(index, r[0]) : new Wait(index, k.limit() - r[0] - r[1], r[2]);
    }

    /**
     * A request ended: its actual cost joins what was settled and what it held is given back.
     * {@code held} is null for spend that reserved nothing (batch results). Each budget on its own:
     * a settlement never needs several at once.
     */
    public void settle(String replica, List<Claim> claims, long[] held, long[] actual, long ttlMs) {
        try (Connection c = store.connection()) {
            for (int i : lockOrder(claims)) {
                Claim k = claims.get(i);
                if (held == null) {
                    if (actual[i] != 0) Jdbc.update(c, "UPDATE budget_counters SET settled = settled + ? WHERE budget = ? AND period_end_ms = ?",
                            actual[i], k.budget(), k.periodEndMs());
                    continue;
                }
                Jdbc.update(c, SETTLE, k.budget(), k.periodEndMs(), held[i], ttlMs, k.budget(), k.periodEndMs(), replica, held[i], actual[i], held[i],
                        k.budget(), k.periodEndMs());
            }
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    /** What other sources spent against a budget, as the ledger says now (only for a counter that exists). */
    public void observeElsewhere(String budget, long periodEndMs, long elsewhere) {
        Jdbc.update(store, e -> new StoreException("cannot update budget counter '" + budget + "': " + e.getMessage(), e),
                "UPDATE budget_counters SET elsewhere = ? WHERE budget = ? AND period_end_ms = ? AND elsewhere <> ?",
                elsewhere, budget, periodEndMs, elsewhere);
    }

    /** Keeps a live replica's holds from expiring, and takes those of replicas that stopped renewing off their counters. */
    public void renew(String replica, long ttlMs) {
        try (Connection c = store.connection()) {
            Jdbc.update(c, "UPDATE budget_holds SET expires_ms = " + NOW_MS + " + ? WHERE replica = ?", ttlMs, replica);
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        reap();
    }

    /** Counters first (as reservations lock them), then the expired holds. */
    private void reap() {
        store.inTransaction(c -> {
            List<String[]> dead = Jdbc.query(c, "SELECT budget, period_end_ms FROM budget_holds WHERE expires_ms <= " + NOW_MS
                    + " GROUP BY budget, period_end_ms ORDER BY budget COLLATE \"C\", period_end_ms", List.of(), rs -> new String[] {rs.getString(1), rs.getString(2)});
            if (dead.isEmpty()) return null;
            for (String[] d : dead) {
                Jdbc.query(c, "SELECT 1 FROM budget_counters WHERE budget = ? AND period_end_ms = ? FOR UPDATE",
                        List.of(d[0], Long.parseLong(d[1])), rs -> 1);
            }
            Jdbc.update(c, REAP);
            return null;
        });
    }

    /** A replica stopping cleanly: whatever it still holds is given back now. */
    public void release(String replica) {
        try (Connection c = store.connection()) {
            Jdbc.update(c, "UPDATE budget_holds SET expires_ms = 0 WHERE replica = ?", replica);
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        reap();
    }

    public Standing standing(String budget, long periodEndMs) {
        List<Standing> rows = Jdbc.query(store, "SELECT settled + elsewhere, held, requests FROM budget_counters"
                        + " WHERE budget = ? AND period_end_ms = ?", List.of(budget, periodEndMs),
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
