package tally.alerts;

import tally.store.Store;
import tally.store.StoreException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Alert rules added through the API, where each rule stands per scope, the history, and reports sent. */
public final class AlertStore {

    /** Where one rule stands for one scope. {@code notifiedMs} is when it last notified (null: never). */
    public record State(boolean firing, long sinceMs, Long notifiedMs, String who) {}

    /** One firing or resolution. */
    public record Entry(String id, long tsMs, String rule, String kind, String scopeKey, String state, boolean notified,
                        String who, String amount, String threshold, String message) {}

    private final Store store;

    public AlertStore(Store store) {
        this.store = store;
    }

    // ---------------------------------------------------------------- rules from the API

    public Map<String, String> rules() {
        Map<String, String> out = new LinkedHashMap<>();
        query("SELECT name, body FROM alert_rules ORDER BY name", List.of(), rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    public void saveRule(String name, String body, long nowMs) {
        update("DELETE FROM alert_rules WHERE name = ?", name);
        update("INSERT INTO alert_rules (name, body, created_ms) VALUES (?, ?, ?)", name, body, nowMs);
    }

    public boolean deleteRule(String name) {
        boolean gone = update("DELETE FROM alert_rules WHERE name = ?", name) > 0;
        update("DELETE FROM alert_state WHERE rule = ?", name);
        return gone;
    }

    // ---------------------------------------------------------------- state

    /** rule → scope key → state. The who is kept in the history; here it is read back for resolutions. */
    public Map<String, Map<String, State>> states() {
        Map<String, Map<String, State>> out = new HashMap<>();
        query("SELECT s.rule, s.scope_key, s.firing, s.since_ms, s.notified_ms FROM alert_state s", List.of(), rs -> {
            long n = rs.getLong(5);
            Long notified = rs.wasNull() ? null : n;
            out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                    .put(rs.getString(2), new State(rs.getBoolean(3), rs.getLong(4), notified, null));
            return null;
        });
        return out;
    }

    public void putState(String rule, String scopeKey, State s) {
        update("DELETE FROM alert_state WHERE rule = ? AND scope_key = ?", rule, scopeKey);
        update("INSERT INTO alert_state (rule, scope_key, firing, since_ms, notified_ms) VALUES (?, ?, ?, ?, ?)",
                rule, scopeKey, s.firing(), s.sinceMs(), s.notifiedMs());
    }

    // ---------------------------------------------------------------- history

    public void record(Entry e) {
        update("INSERT INTO alert_history (id, ts_ms, rule, kind, scope_key, state, notified, who, amount, threshold, message)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e.id(), e.tsMs(), e.rule(), e.kind(), e.scopeKey(), e.state(),
                e.notified(), e.who(), e.amount(), e.threshold(), e.message());
    }

    /** Newest first. */
    public List<Entry> history(int limit) {
        List<Entry> out = new ArrayList<>();
        query("SELECT id, ts_ms, rule, kind, scope_key, state, notified, who, amount, threshold, message FROM alert_history"
                + " ORDER BY ts_ms DESC, id DESC LIMIT ?", List.of(limit), rs -> out.add(new Entry(rs.getString(1), rs.getLong(2),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getString(11))));
        return out;
    }

    /** The who of the latest firing of a rule for a scope, to name it when it resolves. */
    public String lastWho(String rule, String scopeKey) {
        List<String> who = new ArrayList<>();
        query("SELECT who FROM alert_history WHERE rule = ? AND scope_key = ? ORDER BY ts_ms DESC LIMIT 1",
                List.of(rule, scopeKey), rs -> who.add(rs.getString(1)));
        return who.isEmpty() ? scopeKey : who.get(0);
    }

    // ---------------------------------------------------------------- scheduled reports

    public boolean reportSent(String schedule, String period) {
        List<Integer> hit = new ArrayList<>();
        query("SELECT 1 FROM report_runs WHERE schedule = ? AND period = ?", List.of(schedule, period), rs -> hit.add(1));
        return !hit.isEmpty();
    }

    public void markReportSent(String schedule, String period, long nowMs) {
        update("INSERT INTO report_runs (schedule, period, sent_ms) VALUES (?, ?, ?)", schedule, period, nowMs);
    }

    // ---------------------------------------------------------------- plumbing

    private interface Row {
        Object read(ResultSet rs) throws SQLException;
    }

    private void query(String sql, List<Object> params, Row row) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params.toArray());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) row.read(rs);
            }
        } catch (SQLException e) {
            throw new StoreException("alerts: " + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... params) {
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("alerts: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) ps.setNull(i + 1, java.sql.Types.BIGINT);
            else if (p instanceof Long l) ps.setLong(i + 1, l);
            else if (p instanceof Integer n) ps.setInt(i + 1, n);
            else if (p instanceof Boolean b) ps.setBoolean(i + 1, b);
            else ps.setString(i + 1, p.toString());
        }
    }
}
