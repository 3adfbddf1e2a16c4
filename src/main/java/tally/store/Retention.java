package tally.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * Drops raw ledger records past a retention window. Both rollups (15-minute and daily) are kept
 * whole: they are what every report reads, in any zone and over any range, and they are small next
 * to the raw rows. What goes is what only raw rows serve: top requests, recent, export, sessions,
 * repricing. The horizon is remembered so a pruned record that arrives again is not counted twice.
 */
final class Retention {
    /** The cut of the latest prune, in epoch milliseconds; 0 when nothing was pruned. */
    private static final String HORIZON = "SELECT coalesce(max(before_ms), 0) FROM retention_horizon";

    private final LedgerWriter writer;
    private final Store store;

    Retention(Store store, LedgerWriter writer) {
        this.store = store;
        this.writer = writer;
    }

    /** See {@link Ledger#prune}. */
    PruneResult prune(Instant before, boolean dryRun) {
        long cut = before.toEpochMilli();
        if (dryRun) {
            long n = Jdbc.query(store, "SELECT count(*) FROM usage_events WHERE ts_ms < ?", List.of(cut),
                    rs -> rs.getLong(1), store::unavailable).get(0);
            return new PruneResult(before, n, true);
        }
        long n = writer.inWriteTransaction(c -> {
            raiseHorizon(c, cut);
            TopDays.prune(c, cut);
            return Jdbc.update(c, "DELETE FROM usage_events WHERE ts_ms < ?", cut);
        });
        return new PruneResult(before, n, false);
    }

    /** The cut of the latest prune: records older than it are not stored; empty when nothing was pruned. */
    java.util.Optional<Instant> horizon() {
        long ms = Jdbc.query(store, HORIZON, List.of(),
                rs -> rs.getLong(1), store::unavailable).get(0);
        return ms == 0 ? java.util.Optional.empty() : java.util.Optional.of(Instant.ofEpochMilli(ms));
    }

    /** The horizon only moves forward: a shorter window later must not readmit pruned history. */
    private static void raiseHorizon(Connection c, long cut) throws SQLException {
        long current = Jdbc.query(c, HORIZON, List.of(),
                rs -> rs.getLong(1)).get(0);
        if (cut <= current) return;
        Jdbc.update(c, "DELETE FROM retention_horizon");
        Jdbc.update(c, "INSERT INTO retention_horizon (before_ms) VALUES (?)", cut);
    }

    /**
     * Drops staged records older than the horizon, inside the write transaction; returns how many.
     * Their days are closed: the rollups hold them already (or, for a record never seen, the
     * operator chose not to keep that history).
     */
    static long dropPastHorizon(Connection c) throws SQLException {
        return Jdbc.update(c, "DELETE FROM usage_staging WHERE ts_ms < (" + HORIZON + ")");
    }
}
