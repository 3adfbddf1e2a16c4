package tally.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alerts' own tables: rules added through the API, where each rule stands per scope, the
 * history of firings and resolutions, and the scheduled reports already sent.
 */
public final class AlertStateStore {

    /** Where one rule stands for one scope; {@code notifiedMs} null: never notified. */
    public record State(boolean firing, long sinceMs, Long notifiedMs) {}

    /** One firing or resolution. */
    public record Entry(String id, long tsMs, String rule, String kind, String scopeKey, String state, boolean notified,
                        String who, String amount, String threshold, String message) {}

    private final Store store;

    public AlertStateStore(Store store) {
        this.store = store;
    }

    /** Rule name → body, by name. */
    public Map<String, String> rules() {
        Map<String, String> out = new LinkedHashMap<>();
        query("SELECT name, body FROM alert_rules ORDER BY name", List.of(), rs -> out.put(rs.getString(1), rs.getString(2)));
        return out;
    }

    public void saveRule(String name, String body, long nowMs) {
        update("DELETE FROM alert_rules WHERE name = ?", name);
        update("INSERT INTO alert_rules (name, body, created_ms) VALUES (?, ?, ?)", name, body, nowMs);
    }

    /** Deletes a rule and where it stands; false when there was no such rule. */
    public boolean deleteRule(String name) {
        boolean gone = update("DELETE FROM alert_rules WHERE name = ?", name) > 0;
        update("DELETE FROM alert_state WHERE rule = ?", name);
        return gone;
    }

    /** rule → scope key → state. */
    public Map<String, Map<String, State>> states() {
        Map<String, Map<String, State>> out = new HashMap<>();
        query("SELECT s.rule, s.scope_key, s.firing, s.since_ms, s.notified_ms FROM alert_state s", List.of(), rs ->
                out.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                        .put(rs.getString(2), new State(rs.getBoolean(3), rs.getLong(4), Jdbc.nullableLong(rs, 5))));
        return out;
    }

    public void putState(String rule, String scopeKey, State s) {
        update("DELETE FROM alert_state WHERE rule = ? AND scope_key = ?", rule, scopeKey);
        update("INSERT INTO alert_state (rule, scope_key, firing, since_ms, notified_ms) VALUES (?, ?, ?, ?, ?)",
                rule, scopeKey, s.firing(), s.sinceMs(), s.notifiedMs());
    }

    public void record(Entry e) {
        update("INSERT INTO alert_history (id, ts_ms, rule, kind, scope_key, state, notified, who, amount, threshold, message)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", e.id(), e.tsMs(), e.rule(), e.kind(), e.scopeKey(), e.state(),
                e.notified(), e.who(), e.amount(), e.threshold(), e.message());
    }

    /** Newest first. */
    public List<Entry> history(int limit) {
        return query("SELECT id, ts_ms, rule, kind, scope_key, state, notified, who, amount, threshold, message FROM alert_history"
                + " ORDER BY ts_ms DESC, id DESC LIMIT ?", List.of(limit), rs -> new Entry(rs.getString(1), rs.getLong(2),
                rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getBoolean(7), rs.getString(8),
                rs.getString(9), rs.getString(10), rs.getString(11)));
    }

    /** The who of the latest history entry of a rule for a scope; {@code none} when there is no entry. */
    public String lastWho(String rule, String scopeKey, String none) {
        List<String> who = query("SELECT who FROM alert_history WHERE rule = ? AND scope_key = ? ORDER BY ts_ms DESC LIMIT 1",
                List.of(rule, scopeKey), rs -> rs.getString(1));
        return who.isEmpty() ? none : who.get(0);
    }

    public boolean reportSent(String schedule, String period) {
        return !query("SELECT 1 FROM report_runs WHERE schedule = ? AND period = ?", List.of(schedule, period), rs -> 1).isEmpty();
    }

    public void markReportSent(String schedule, String period, long nowMs) {
        update("INSERT INTO report_runs (schedule, period, sent_ms) VALUES (?, ?, ?)", schedule, period, nowMs);
    }

    private <T> List<T> query(String sql, List<Object> params, Jdbc.RowMapper<T> row) {
        return Jdbc.query(store, sql, params, row, AlertStateStore::failed);
    }

    private long update(String sql, Object... params) {
        return Jdbc.update(store, AlertStateStore::failed, sql, params);
    }

    private static StoreException failed(SQLException e) {
        return new StoreException("alerts: " + e.getMessage(), e);
    }
}
