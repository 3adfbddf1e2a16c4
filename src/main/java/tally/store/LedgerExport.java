package tally.store;

import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** Streams the ledger's raw records in time order, for export; never holds more than one row. */
public final class LedgerExport {

    public interface Sink {
        void accept(UsageEvent e) throws Exception;
    }

    private final Store store;

    public LedgerExport(Store store) {
        this.store = store;
    }

    /** Every record in [from, to), oldest first; returns how many. */
    public long forEach(Instant from, Instant to, Sink sink) throws Exception {
        String sql = "SELECT " + StagingColumns.LIST + " FROM usage_events WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms, id";
        long n = 0;
        try (Connection c = store.connection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(10_000);
                ps.setLong(1, from.toEpochMilli());
                ps.setLong(2, to.toEpochMilli());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(event(rs));
                        n++;
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
        return n;
    }

    private static UsageEvent event(ResultSet rs) throws SQLException {
        Long cost = rs.getObject(21) == null ? null : rs.getLong(21);
        Long latency = rs.getObject(23) == null ? null : rs.getLong(23);
        return UsageEvent.builder()
                .id(rs.getString(1))
                .time(Instant.ofEpochMilli(rs.getLong(2)))
                .source(Source.fromLabel(rs.getString(3)))
                .provider(rs.getString(5))
                .identity(rs.getString(6))
                .team(rs.getString(7))
                .project(rs.getString(8))
                .sessionId(rs.getString(9))
                .requestId(rs.getString(10))
                .model(rs.getString(11))
                .modelId(rs.getString(12))
                .tokens(new TokenCounts(rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16), rs.getLong(17)))
                .webSearches(rs.getLong(18))
                .batch(rs.getBoolean(19))
                .fast(rs.getBoolean(20))
                .cost(cost, rs.getString(22))
                .latencyMs(latency)
                .status(rs.getInt(24))
                .build();
    }
}
