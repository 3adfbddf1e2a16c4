package tally.store;

import tally.core.Activity;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Productivity signals and the telemetry bookkeeping beside them (sessions that send per-request
 * events, ingest tokens). Small volumes: plain statements, idempotent by id within a time window.
 */
public final class ActivityLog {
    private final Store store;
    private final Object writeLock = new Object();

    public ActivityLog(Store store) {
        this.store = store;
    }

    /** Stores what is not stored yet; returns how many were new. Bulk-loaded, deduped in SQL like the ledger. */
    public int write(List<Activity> batch) {
        if (batch.isEmpty()) return 0;
        Map<String, Activity> byId = new LinkedHashMap<>();
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (Activity a : batch) {
            byId.putIfAbsent(a.id(), a);
            lo = Math.min(lo, a.time().toEpochMilli());
            hi = Math.max(hi, a.time().toEpochMilli());
        }
        long from = lo;
        long to = hi;
        synchronized (writeLock) {
            return store.inTransaction(c -> {
                store.dialect().lockWriters(c);
                // rows counted from cumulative counters are counted again against the saved series
                List<Activity> rows = CounterSeries.applyToActivity(c, new ArrayList<>(byId.values()));
                if (rows.isEmpty()) return 0;
                store.dialect().loadActivity(c, rows);
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM activity_staging WHERE id IN"
                        + " (SELECT x.id FROM activity x WHERE x.ts_ms BETWEEN ? AND ? AND x.id IN (SELECT id FROM activity_staging))")) {
                    ps.setLong(1, from);
                    ps.setLong(2, to);
                    ps.executeUpdate();
                }
                try (Statement s = c.createStatement()) {
                    return s.executeUpdate("INSERT INTO activity (id, ts_ms, identity, team, session_id, kind, value)"
                            + " SELECT id, ts_ms, identity, team, session_id, kind, value FROM activity_staging");
                }
            });
        }
    }

    /** Per person (aliases resolved), each kind summed over [from, to). */
    public Map<String, Map<Activity.Kind, Double>> totalsByPerson(Instant from, Instant to) {
        Map<String, Map<Activity.Kind, Double>> out = new TreeMap<>();
        boolean aliased = store.mayHaveAliases();
        String sql = "SELECT " + Identities.person("x", aliased) + ", x.kind, sum(x.value) FROM activity x"
                + Identities.aliases("x", aliased) + " WHERE x.ts_ms >= ? AND x.ts_ms < ?"
                + " GROUP BY " + Identities.person("x", aliased) + ", x.kind";
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, from.toEpochMilli());
            ps.setLong(2, to.toEpochMilli());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new EnumMap<>(Activity.Kind.class))
                            .put(Activity.Kind.fromLabel(rs.getString(2)), rs.getDouble(3));
                }
            }
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        return out;
    }

    /**
     * People active per local day: anyone with usage or activity that day. Usage comes from the day
     * series' rows ({@link UsageSeries#activePeople}: the daily rollup plus the 15-minute rows near
     * midnight), so a month reads a few thousand rows, not every 15-minute row; activity (small) is
     * cut into local days by the database, the range split where the zone's offset changes.
     */
    public Map<LocalDate, Integer> dailyActiveUsers(Instant from, Instant to, ZoneId zone) {
        Map<LocalDate, Set<String>> days = new UsageSeries(store).activePeople(from, to, zone);
        StringBuilder sql = new StringBuilder();
        List<Object> params = new ArrayList<>();
        boolean aliased = store.mayHaveAliases();
        for (long[] piece : UsageSeries.constantOffsetPieces(from, to, zone)) {
            String activityDay = "(x.ts_ms + " + piece[2] + ") - ((x.ts_ms + " + piece[2] + ") % " + Ledger.DAY_MS + ")";
            if (sql.length() > 0) sql.append(" UNION ");
            sql.append("SELECT ").append(activityDay).append(", ").append(Identities.person("x", aliased)).append(" FROM activity x")
                    .append(Identities.aliases("x", aliased)).append(" WHERE x.ts_ms >= ? AND x.ts_ms < ? GROUP BY 1, 2");
            params.addAll(List.of(piece[0], piece[1]));
        }
        if (sql.length() > 0) {
            Jdbc.query(store, sql.toString(), params, rs -> days.computeIfAbsent(
                    LocalDate.ofEpochDay(Math.floorDiv(rs.getLong(1), Ledger.DAY_MS)), d -> new HashSet<>()).add(rs.getString(2)),
                    store::unavailable);
        }
        Map<LocalDate, Integer> out = new TreeMap<>();
        days.forEach((d, people) -> out.put(d, people.size()));
        return out;
    }

    /**
     * Sessions known to send per-request events (the ledger marks them when it stores their first one),
     * each as {@link #sessionKey} of the identity that sent them.
     */
    public Set<String> eventSessions() {
        Set<String> out = new HashSet<>();
        try (Connection c = store.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT identity, session_id FROM metered_sessions WHERE source = 'otel-event'")) {
            while (rs.next()) out.add(sessionKey(rs.getString(1), rs.getString(2)));
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        return out;
    }

    /** One identity's session, as {@link #eventSessions} names it. */
    public static String sessionKey(String identity, String session) {
        return identity + '\u0000' + session;
    }

    /** Saves an ingest token's hash for a person. */
    public void addToken(String sha256, String person) {
        ingestTokens().insert(sha256, person, System.currentTimeMillis());
    }

    /** Every live token hash → its person. */
    public Map<String, String> tokens() {
        Map<String, String> out = new java.util.HashMap<>();
        for (IngestTokenStore.Row r : ingestTokens().all()) if (r.revokedMs() == null) out.put(r.sha256(), r.person());
        return out;
    }

    /** The ingest tokens, revoked ones included (the collector must tell a revoked token from an unknown one). */
    public IngestTokenStore ingestTokens() {
        return new IngestTokenStore(store);
    }

}
