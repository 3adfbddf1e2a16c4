package tally.store;

import tally.core.Source;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * A later, fuller copy of a stored record replaces it. Claude Code writes one response as several
 * transcript lines, some first with a provisional usage, and copies them into other files (forks,
 * resumed sessions): the copy with the most tokens is the response's usage, as ccusage counts it.
 * An import may meet the copies in any order, in different files or runs, so the ledger keeps the
 * largest: a staged copy of a stored record (same id, or same request id from the same source)
 * with more tokens takes the stored one's place; an equal or smaller one stays a duplicate.
 */
final class Growth {
    private Growth() {}

    /** The source whose copies of one record can differ. */
    static final Source SOURCE = Source.TRANSCRIPT;

    private static String total(String row) {
        return "(" + row + ".input_tokens + " + row + ".cache_write_5m_tokens + " + row + ".cache_write_1h_tokens + "
                + row + ".cache_read_tokens + " + row + ".output_tokens)";
    }

    /** A staged copy with more tokens, of the same person's record (a transcript can name anyone's request id). */
    private static String outgrown(boolean aliased) {
        return " AND s.source = ? AND " + total("s") + " > " + total("l")
                + " AND " + Identities.samePerson("s.identity", "l.identity", aliased);
    }

    /** Whether {@code a} is a fuller copy of the record {@code b} is: more tokens in all. */
    static boolean outgrows(UsageEvent a, UsageEvent b) {
        return a.source() == SOURCE && b.source() == SOURCE && a.tokens().total() > b.tokens().total();
    }

    /** How a batch's records that may be fuller copies are found stored: by request id, by id (those without one). */
    record Keys(boolean byRequest, boolean byId) {
        static final Keys NONE = new Keys(false, false);
    }

    /** The probes a batch needs: none unless it holds records of {@link #SOURCE}. */
    static Keys of(List<UsageEvent> events) {
        boolean byRequest = false, byId = false;
        for (UsageEvent e : events) {
            if (e.source() != SOURCE) continue;
            if (e.requestId() != null) byRequest = true;
            else byId = true;
        }
        return byRequest || byId ? new Keys(byRequest, byId) : Keys.NONE;
    }

    /**
     * Takes out of the ledger (and its rollups) the stored records a staged copy outgrows, and returns
     * how many; the staged copies then go in as new. A record's id holds its request id when it has
     * one, so one probe by request id (in the wider window request ids are probed in: copies may
     * carry the times of different lines) finds copies with either; by id only those without.
     */
    static long makeWay(Connection c, long lo, long hi, Keys keys, boolean aliased, LocalDays local) throws SQLException {
        String source = SOURCE.label();
        long removed = 0;
        if (keys.byRequest()) {
            removed += LedgerWriter.removeFound(c, "SELECT l.id, l.ts_ms FROM usage_events l JOIN usage_staging s"
                    + " ON l.request_id = s.request_id AND l.source_rank = s.source_rank WHERE l.ts_ms BETWEEN ? AND ?"
                    + outgrown(aliased), List.of(lo - LedgerWriter.REQUEST_ID_MARGIN_MS, hi + LedgerWriter.REQUEST_ID_MARGIN_MS, source), local);
        }
        if (keys.byId()) {
            removed += LedgerWriter.removeFound(c, "SELECT l.id, l.ts_ms FROM usage_events l JOIN usage_staging s ON l.id = s.id"
                    + " WHERE l.ts_ms BETWEEN ? AND ? AND s.request_id IS NULL" + outgrown(aliased), List.of(lo, hi, source), local);
        }
        return removed;
    }
}
