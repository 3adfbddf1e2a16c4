package tally.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * What the provider reports about our usage (Admin usage, cost and Claude Code reports), in tables of
 * their own: compared with the ledger, never added to it. An import replaces the days it fetched, so
 * importing a range again changes nothing and a later, fuller report of a day replaces the earlier one.
 */
public final class ProviderReports {

    public record UsageRow(long bucketStartMs, long bucketEndMs, String apiKeyId, String workspaceId, String model,
                           String serviceTier, String contextWindow, String inferenceGeo, long uncachedInput,
                           long cacheWrite5m, long cacheWrite1h, long cacheRead, long output, long webSearches) {}

    public record CostRow(long bucketStartMs, long bucketEndMs, String workspaceId, String description, String costType,
                          String model, String serviceTier, String tokenType, String contextWindow, String inferenceGeo,
                          String currency, long amountNanos) {}

    public record ClaudeCodeRow(long dayMs, String actorType, String actor, String terminalType, Boolean remote,
                                String model, long input, long output, long cacheRead, long cacheCreation,
                                Long estimatedCostNanos, Long sessions) {}

    /** One (UTC day, model) figure: a sum of nano-dollars and of the rows behind it. */
    public record DayModel(long dayMs, String model, long nanos, long rows) {}

    private final Store store;

    public ProviderReports(Store store) {
        this.store = store;
    }

    public void replaceUsage(long fromMs, long toMs, List<UsageRow> rows) {
        replace("provider_usage", "bucket_start_ms", fromMs, toMs, "INSERT INTO provider_usage (bucket_start_ms, bucket_end_ms,"
                + " api_key_id, workspace_id, model, service_tier, context_window, inference_geo, uncached_input_tokens,"
                + " cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, output_tokens, web_searches, imported_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows, (ps, r) -> {
            ps.setLong(1, r.bucketStartMs()); ps.setLong(2, r.bucketEndMs()); ps.setString(3, r.apiKeyId());
            ps.setString(4, r.workspaceId()); ps.setString(5, r.model()); ps.setString(6, r.serviceTier());
            ps.setString(7, r.contextWindow()); ps.setString(8, r.inferenceGeo()); ps.setLong(9, r.uncachedInput());
            ps.setLong(10, r.cacheWrite5m()); ps.setLong(11, r.cacheWrite1h()); ps.setLong(12, r.cacheRead());
            ps.setLong(13, r.output()); ps.setLong(14, r.webSearches());
        });
    }

    public void replaceCost(long fromMs, long toMs, List<CostRow> rows) {
        replace("provider_cost", "bucket_start_ms", fromMs, toMs, "INSERT INTO provider_cost (bucket_start_ms, bucket_end_ms,"
                + " workspace_id, description, cost_type, model, service_tier, token_type, context_window, inference_geo,"
                + " currency, amount_nanos, imported_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows, (ps, r) -> {
            ps.setLong(1, r.bucketStartMs()); ps.setLong(2, r.bucketEndMs()); ps.setString(3, r.workspaceId());
            ps.setString(4, r.description()); ps.setString(5, r.costType()); ps.setString(6, r.model());
            ps.setString(7, r.serviceTier()); ps.setString(8, r.tokenType()); ps.setString(9, r.contextWindow());
            ps.setString(10, r.inferenceGeo()); ps.setString(11, r.currency()); ps.setLong(12, r.amountNanos());
        });
    }

    public void replaceClaudeCode(long fromMs, long toMs, List<ClaudeCodeRow> rows) {
        replace("provider_claude_code", "day_ms", fromMs, toMs, "INSERT INTO provider_claude_code (day_ms, actor_type, actor,"
                + " terminal_type, is_remote, model, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,"
                + " estimated_cost_nanos, num_sessions, imported_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows, (ps, r) -> {
            ps.setLong(1, r.dayMs()); ps.setString(2, r.actorType()); ps.setString(3, r.actor()); ps.setString(4, r.terminalType());
            if (r.remote() == null) ps.setNull(5, Types.BOOLEAN); else ps.setBoolean(5, r.remote());
            ps.setString(6, r.model()); ps.setLong(7, r.input()); ps.setLong(8, r.output()); ps.setLong(9, r.cacheRead());
            ps.setLong(10, r.cacheCreation());
            if (r.estimatedCostNanos() == null) ps.setNull(11, Types.BIGINT); else ps.setLong(11, r.estimatedCostNanos());
            if (r.sessions() == null) ps.setNull(12, Types.BIGINT); else ps.setLong(12, r.sessions());
        });
    }

    /** The provider's billed cost per UTC day and model (as the cost report names it; null when not given). */
    public List<DayModel> costByDayModel(long fromMs, long toMs) {
        return dayModel("SELECT bucket_start_ms, model, sum(amount_nanos), count(*) FROM provider_cost"
                + " WHERE bucket_start_ms >= ? AND bucket_start_ms < ? GROUP BY bucket_start_ms, model", fromMs, toMs);
    }

    /** Claude Code's own estimate per UTC day and model. */
    public List<DayModel> claudeCodeEstimateByDayModel(long fromMs, long toMs) {
        return dayModel("SELECT day_ms, model, sum(coalesce(estimated_cost_nanos, 0)), count(*) FROM provider_claude_code"
                + " WHERE day_ms >= ? AND day_ms < ? GROUP BY day_ms, model", fromMs, toMs);
    }

    /**
     * A session's estimates, from Claude Code's telemetry: its api_request events' cost_usd, or,
     * for a session that sent no events, its cost metric (never both, as the ledger counts them).
     */
    private static final String ESTIMATES = "SELECT ts_ms, session_id, value FROM activity WHERE kind = 'estimated_cost_event'"
            + " UNION ALL SELECT ts_ms, session_id, value FROM activity WHERE kind = 'estimated_cost_metric' AND (session_id IS NULL"
            + " OR session_id NOT IN (SELECT session_id FROM activity WHERE kind = 'estimated_cost_event' AND session_id IS NOT NULL))";

    /** What Claude Code itself estimated per UTC day (model "(telemetry)"), from its OTel events and metrics. */
    public List<DayModel> telemetryEstimateByDay(long fromMs, long toMs) {
        // summed as the doubles they are stored as: a sum past a long is refused when read, not by a failing cast
        return dayModel("SELECT e.ts_ms - (e.ts_ms % 86400000), '(telemetry)', round(sum(e.value)), count(*)"
                + " FROM (" + ESTIMATES + ") e WHERE e.ts_ms >= ? AND e.ts_ms < ? GROUP BY e.ts_ms - (e.ts_ms % 86400000)", fromMs, toMs);
    }

    /** The ledger's cost per UTC day of the sessions Claude Code sent estimates for, whichever source recorded them. */
    public List<DayModel> ledgerCostOfEstimatedSessionsByDay(long fromMs, long toMs) {
        return dayModel("SELECT ts_ms - (ts_ms % 86400000), '(telemetry)', coalesce(sum(cost_nanos), 0), count(*) FROM usage_events"
                + " WHERE ts_ms >= ? AND ts_ms < ? AND session_id IN (SELECT session_id FROM activity"
                + " WHERE kind IN ('estimated_cost_event', 'estimated_cost_metric') AND session_id IS NOT NULL)"
                + " GROUP BY ts_ms - (ts_ms % 86400000)", fromMs, toMs);
    }

    /** The ledger's own cost of first-party (Anthropic API) records per UTC day and canonical model. */
    public List<DayModel> ledgerCostByDayModel(long fromMs, long toMs) {
        return dayModel("SELECT ts_ms - (ts_ms % 86400000), model, coalesce(sum(cost_nanos), 0), count(*) FROM usage_events"
                + " WHERE provider = 'anthropic' AND ts_ms >= ? AND ts_ms < ? GROUP BY ts_ms - (ts_ms % 86400000), model", fromMs, toMs);
    }

    /** Reported usage rows in a range, summed per bucket, key, model, service tier and context window. */
    public List<UsageRow> usageRows(long fromMs, long toMs) {
        List<UsageRow> out = new ArrayList<>();
        String sql = "SELECT bucket_start_ms, max(bucket_end_ms), api_key_id, model, service_tier, context_window,"
                + " sum(uncached_input_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),"
                + " sum(output_tokens), sum(web_searches) FROM provider_usage WHERE bucket_start_ms >= ? AND bucket_start_ms < ?"
                + " GROUP BY bucket_start_ms, api_key_id, model, service_tier, context_window";
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, fromMs);
            ps.setLong(2, toMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UsageRow(rs.getLong(1), rs.getLong(2), rs.getString(3), null, rs.getString(4), rs.getString(5),
                            rs.getString(6), null, Sums.read(rs, 7, "input tokens"), Sums.read(rs, 8, "cache write 5m tokens"),
                            Sums.read(rs, 9, "cache write 1h tokens"), Sums.read(rs, 10, "cache read tokens"),
                            Sums.read(rs, 11, "output tokens"), Sums.read(rs, 12, "web searches")));
                }
            }
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        return out;
    }

    public long count(String table) {
        if (!List.of("provider_usage", "provider_cost", "provider_claude_code").contains(table)) throw new IllegalArgumentException(table);
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    private List<DayModel> dayModel(String sql, long fromMs, long toMs) {
        List<DayModel> out = new ArrayList<>();
        try (Connection c = store.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, fromMs);
            ps.setLong(2, toMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new DayModel(rs.getLong(1), rs.getString(2), Sums.readWhole(rs, 3, "cost in nano-dollars"), rs.getLong(4)));
            }
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        return out;
    }

    private interface Binder<T> {
        void bind(PreparedStatement ps, T row) throws SQLException;
    }

    private <T> void replace(String table, String column, long fromMs, long toMs, String insert, List<T> rows, Binder<T> binder) {
        long now = System.currentTimeMillis();
        store.inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM " + table + " WHERE " + column + " >= ? AND " + column + " < ?")) {
                del.setLong(1, fromMs);
                del.setLong(2, toMs);
                del.executeUpdate();
            }
            if (!rows.isEmpty()) {
                int nowIndex = insert.chars().filter(ch -> ch == '?').map(x -> 1).sum();
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    for (T r : rows) {
                        binder.bind(ps, r);
                        ps.setLong(nowIndex, now);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            return null;
        });
    }
}
