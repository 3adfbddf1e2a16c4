package tally.store;

import tally.core.Activity;
import tally.core.CounterPoint;
import tally.core.CounterState;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The saved state of cumulative counter series (table otel_series), applied inside the ledger's
 * write transaction, which holds the writers' lock across processes. The saved state is the
 * authority: each point a record carries is counted again against it, in write order, and the new
 * state commits with the record or not at all. A record the collector counted against a stale base
 * (a restart, another replica, two exports racing) is corrected and priced again; one left with no
 * tokens is dropped, as is a point already applied (a replayed spool segment).
 */
final class CounterSeries {
    private static final int CHUNK = 500;

    private CounterSeries() {}

    /** The records to store, corrected where the saved state says so; saves the states they move. */
    static List<UsageEvent> apply(Connection c, List<UsageEvent> events, UnaryOperator<UsageEvent> pricer) throws SQLException {
        Set<String> keys = new LinkedHashSet<>();
        for (UsageEvent e : events) {
            if (e.counters().isEmpty()) continue; // most records: no iterator, no lambda made for them
            for (CounterPoint p : e.counters()) keys.add(p.series());
        }
        if (keys.isEmpty()) return events;
        Map<String, CounterState> states = read(c, keys);
        Map<String, CounterState> moved = new LinkedHashMap<>();
        List<UsageEvent> out = new ArrayList<>(events.size());
        for (UsageEvent e : events) {
            if (e.counters().isEmpty()) {
                out.add(e);
                continue;
            }
            TokenCounts t = e.tokens();
            boolean corrected = false;
            for (CounterPoint p : e.counters()) {
                CounterState last = states.get(p.series());
                long actual = Math.round(CounterState.increment(last, p.startNanos(), p.timeNanos(), p.value()));
                CounterState next = CounterState.after(last, p.startNanos(), p.timeNanos(), p.value());
                if (next != last) {
                    states.put(p.series(), next);
                    moved.put(p.series(), next);
                }
                long counted = Math.round(p.increment());
                if (actual != counted) {
                    t = p.part().add(t, actual - counted);
                    corrected = true;
                }
            }
            if (!corrected) out.add(e);
            else if (t.total() > 0) out.add(price(e.withTokens(t), pricer));
        }
        save(c, moved);
        return out;
    }

    /**
     * The same for activity rows counted from cumulative counters (the productivity counters and
     * Claude Code's cost estimate), inside the activity log's write transaction.
     */
    static List<Activity> applyToActivity(Connection c, List<Activity> rows) throws SQLException {
        Set<String> keys = new LinkedHashSet<>();
        for (Activity a : rows) if (a.counter() != null) keys.add(a.counter().series());
        if (keys.isEmpty()) return rows;
        Map<String, CounterState> states = read(c, keys);
        Map<String, CounterState> moved = new LinkedHashMap<>();
        List<Activity> out = new ArrayList<>(rows.size());
        for (Activity a : rows) {
            CounterPoint p = a.counter();
            if (p == null) {
                out.add(a);
                continue;
            }
            CounterState last = states.get(p.series());
            double actual = CounterState.increment(last, p.startNanos(), p.timeNanos(), p.value());
            CounterState next = CounterState.after(last, p.startNanos(), p.timeNanos(), p.value());
            if (next != last) {
                states.put(p.series(), next);
                moved.put(p.series(), next);
            }
            if (actual == p.increment()) out.add(a);
            else if (actual > 0) out.add(a.withIncrement(actual));
        }
        save(c, moved);
        return out;
    }

    private static UsageEvent price(UsageEvent e, UnaryOperator<UsageEvent> pricer) {
        return pricer == null ? e : pricer.apply(e); // without a pricer it stays unpriced, and reports say so
    }

    private static Map<String, CounterState> read(Connection c, Set<String> keys) throws SQLException {
        Map<String, CounterState> out = new HashMap<>();
        List<String> all = new ArrayList<>(keys);
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            String sql = "SELECT series, start_ns, time_ns, value FROM otel_series WHERE series IN ("
                    + "?, ".repeat(chunk.size() - 1) + "?)";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < chunk.size(); i++) ps.setString(i + 1, chunk.get(i));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.put(rs.getString(1), new CounterState(rs.getLong(2), rs.getLong(3), rs.getDouble(4)));
                }
            }
        }
        return out;
    }

    /** Update where the series is saved, insert where it is not (plain statements: both stores, no upsert). */
    private static void save(Connection c, Map<String, CounterState> moved) throws SQLException {
        if (moved.isEmpty()) return;
        long now = System.currentTimeMillis();
        try (PreparedStatement update = c.prepareStatement(
                "UPDATE otel_series SET start_ns = ?, time_ns = ?, value = ?, updated_ms = ? WHERE series = ?");
             PreparedStatement insert = c.prepareStatement(
                "INSERT INTO otel_series (start_ns, time_ns, value, updated_ms, series) VALUES (?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, CounterState> m : moved.entrySet()) {
                if (bind(update, m.getKey(), m.getValue(), now).executeUpdate() == 0) {
                    bind(insert, m.getKey(), m.getValue(), now).executeUpdate();
                }
            }
        }
    }

    private static PreparedStatement bind(PreparedStatement ps, String series, CounterState s, long now) throws SQLException {
        ps.setLong(1, s.startNanos());
        ps.setLong(2, s.timeNanos());
        ps.setDouble(3, s.value());
        ps.setLong(4, now);
        ps.setString(5, series);
        return ps;
    }
}
