package tally.store;

import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * What a lower-precedence copy of a request knew better than the copy that counts. Claude Code's
 * api_request event carries one cache-creation count (read as 5-minute writes) and no inference_geo,
 * where its transcript has the 5m/1h split and the geo: the counted copy takes the split (when the
 * two agree on the cache writes in all), the geo and fast mode it lacks, and is priced again, so the
 * request costs what the transcript says whichever copy arrives first.
 */
final class KeptDetail {
    private KeptDetail() {}

    /** What the lower copy {@code x} knows that the counted copy {@code w} lacks (SQL). */
    private static final String KNOWS_MORE = "((w.cache_write_1h_tokens = 0 AND x.cache_write_1h_tokens > 0"
            + " AND w.cache_write_5m_tokens = x.cache_write_5m_tokens + x.cache_write_1h_tokens)"
            + " OR (w.inference_geo IS NULL AND x.inference_geo IS NOT NULL) OR (x.is_fast AND NOT w.is_fast))";

    private static final String SET = "cache_write_5m_tokens = ?, cache_write_1h_tokens = ?, inference_geo = ?,"
            + " is_fast = ?, model = ?, cost_nanos = ?, catalog_version = ? WHERE id = ?";

    /**
     * Whether any of a batch's records could teach a stored copy something ({@link #intoStored}): only a
     * record some source outranks (not the gateway's, the top rank) that carries a 1-hour cache write,
     * a geo or fast mode. A gateway's batches never can, and skip that join of staging with the ledger.
     */
    static boolean mayTeachStored(List<UsageEvent> staged) {
        for (UsageEvent e : staged) {
            if (e.source().rank() > tally.core.Source.GATEWAY.rank()
                    && (e.tokens().cacheWrite1h() > 0 || e.inferenceGeo() != null || e.fast())) return true;
        }
        return false;
    }

    /** Stored records that count over a staged lower copy (dropped next) take what it knows better. */
    static void intoStored(Connection c, long wlo, long whi, boolean aliased, UnaryOperator<UsageEvent> pricer, LocalDays local)
            throws SQLException {
        for (UsageEvent e : better(c, "usage_events", "usage_staging", "w", wlo, whi, aliased, pricer)) {
            Where one = new Where().and("ts_ms = ?", e.time().toEpochMilli()).and("id = ?", e.id());
            Rollups.add(c, "usage_events", one, -1, local);
            update(c, "usage_events", e);
            Rollups.add(c, "usage_events", one, 1, local);
        }
    }

    /**
     * Whether a record may replace a stored lower copy and take what that knows better in staging
     * ({@link #intoStaged}): one with a request id that outranks transcripts.
     */
    static boolean mayTakeDetail(UsageEvent e) {
        return e.requestId() != null && e.source().rank() < Source.TRANSCRIPT.rank();
    }

    /** Staged records that replace a stored lower copy (taken out next) take what it knows better. */
    static void intoStaged(Connection c, long wlo, long whi, boolean aliased, UnaryOperator<UsageEvent> pricer) throws SQLException {
        for (UsageEvent e : better(c, "usage_staging", "usage_events", "x", wlo, whi, aliased, pricer)) update(c, "usage_staging", e);
    }

    /** The counted copy {@code w}, with what the lower copy {@code x} of its request knew better; null when nothing. */
    static UsageEvent merged(UsageEvent w, UsageEvent x, UnaryOperator<UsageEvent> pricer) {
        return merged(w, x.tokens(), x.inferenceGeo(), x.fast(), pricer);
    }

    private static UsageEvent merged(UsageEvent w, TokenCounts x, String geo, boolean fast, UnaryOperator<UsageEvent> pricer) {
        TokenCounts t = w.tokens();
        boolean split = t.cacheWrite1h() == 0 && x.cacheWrite1h() > 0 && t.cacheWrite5m() == x.cacheWrite();
        TokenCounts tokens = split ? new TokenCounts(t.input(), x.cacheWrite5m(), x.cacheWrite1h(), t.cacheRead(), t.output()) : t;
        String inferenceGeo = w.inferenceGeo() != null ? w.inferenceGeo() : geo;
        boolean isFast = w.fast() || fast;
        if (!split && java.util.Objects.equals(inferenceGeo, w.inferenceGeo()) && isFast == w.fast()) return null;
        UsageEvent unpriced = new UsageEvent(w.id(), w.time(), w.source(), w.provider(), w.identity(), w.team(), w.project(),
                w.sessionId(), w.requestId(), w.model(), w.modelId(), tokens, w.webSearches(), w.batch(), isFast, null, null,
                w.latencyMs(), w.status(), w.counters(), w.region(), inferenceGeo);
        return pricer == null ? unpriced : pricer.apply(unpriced); // without a pricer it stays unpriced, and reports say so
    }

    /**
     * The counted copies in {@code winners} of requests with a lower copy in {@code losers} that knows
     * more, each merged once; the window bounds the stored side ({@code storedSide}: w or x).
     */
    private static List<UsageEvent> better(Connection c, String winners, String losers, String storedSide, long wlo, long whi,
                                           boolean aliased, UnaryOperator<UsageEvent> pricer) throws SQLException {
        StringJoiner columns = new StringJoiner(", ");
        for (String column : StagingColumns.LIST.split(", ")) columns.add("w." + column);
        String sql = "SELECT " + columns + ", x.cache_write_5m_tokens, x.cache_write_1h_tokens, x.inference_geo, x.is_fast"
                + " FROM " + winners + " w JOIN " + losers + " x ON x.request_id = w.request_id"
                + " WHERE " + storedSide + ".ts_ms BETWEEN ? AND ? AND w.source_rank < x.source_rank"
                + " AND " + Precedence.rank("w") + " <= " + Precedence.rank("x") + " AND " + Precedence.mayStandFor("w", "x", aliased)
                + " AND " + KNOWS_MORE + " ORDER BY w.id, x.source_rank, x.id";
        Set<String> seen = new HashSet<>();
        List<UsageEvent> out = new java.util.ArrayList<>();
        Jdbc.query(c, sql, List.of(wlo, whi), rs -> {
            UsageEvent w = LedgerQueries.event(rs);
            if (!seen.add(w.id())) return null;
            long x1h = rs.getLong(28);
            TokenCounts x = new TokenCounts(0, rs.getLong(27), x1h, 0, 0);
            UsageEvent m = merged(w, x, rs.getString(29), rs.getBoolean(30), pricer);
            if (m != null) out.add(m);
            return null;
        });
        return out;
    }

    private static void update(Connection c, String table, UsageEvent e) throws SQLException {
        Jdbc.update(c, "UPDATE " + table + " SET " + SET, e.tokens().cacheWrite5m(), e.tokens().cacheWrite1h(), Jdbc.text(e.inferenceGeo()),
                e.fast(), e.model(), e.costNanos(), Jdbc.text(e.catalogVersion()), e.id());
    }
}
