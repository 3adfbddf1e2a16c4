package tally.store;

import tally.core.Source;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An import's shortcut past the staging table, within one {@link BulkWrite} transaction on DuckDB.
 * A batch of transcript records whose time window, widened by {@link LedgerWriter#REQUEST_ID_MARGIN_MS},
 * holds no stored record but this transaction's own direct appends can neither duplicate nor
 * supersede anything else: the dedupe probes would find only those appends. So it is checked
 * against them in memory and appended straight into the ledger, its rollups folded from exactly
 * the rows appended. What the old path would have done is done, only cheaper:
 * <ul>
 * <li>whether the window holds anything else: one count over ts_ms (DuckDB's zone maps), compared
 * with how many of this transaction's appends fall in it (their times are kept, sorted);</li>
 * <li>copies of one response in two batches: 64-bit hashes of every appended id and request id,
 * kept sorted; a batch record whose hash is there is looked up in the ledger, the same probe as
 * the old path's for those few, and dropped only if the ledger has it;</li>
 * <li>records before the retention horizon: dropped, as the old path drops them;</li>
 * <li>the rollups: {@link Rollups#add} over the rows whose rowid is past the table's largest before
 * the append (DuckDB numbers a transaction's appended rows on from there), checked to be exactly
 * the rows appended.</li>
 * </ul>
 * A batch written the old way keeps its window (widened by the margin, the farthest it may delete)
 * out of the shortcut: the times kept say nothing of what it stored or took out. A commit or a
 * rollback ends what the state knows ({@link #reset}): starting empty is always sound, a window
 * then has to be empty. About 24 bytes of heap per record appended. One thread uses it.
 */
final class DirectAppend {
    private static final long ID_SEED = 0x9E3779B97F4A7C15L;
    private static final long REQUEST_SEED = 0xC2B2AE3D27D4EB4FL;
    private static final int CHUNK = 500;

    private long[] hashes = new long[0]; // sorted: ids and request ids appended here (and of their batches' drops)
    private long[] times = new long[0]; // sorted: ts_ms of every row appended here
    private final List<long[]> oldPathWindows = new ArrayList<>();
    private final Dialect dialect;

    DirectAppend(Dialect dialect) {
        this.dialect = dialect;
    }

    /** Forgets the transaction's appends: after a commit or a rollback. */
    void reset() {
        hashes = new long[0];
        times = new long[0];
        oldPathWindows.clear();
    }

    /**
     * Writes a batch (one record per id and request id already, times within [lo, hi]) straight into
     * the ledger if it may; null when it must go the old way (its window is then kept out).
     */
    WriteResult tryWrite(Connection c, List<UsageEvent> events, long lo, long hi) throws SQLException {
        long wlo = lo - LedgerWriter.REQUEST_ID_MARGIN_MS;
        long whi = hi + LedgerWriter.REQUEST_ID_MARGIN_MS;
        if (!transcriptsOnly(events) || touchesOldPath(wlo, whi) || !onlyOwnAppendsIn(c, wlo, whi)) {
            oldPathWindows.add(new long[] {wlo, whi});
            return null;
        }
        long horizon = Jdbc.query(c, "SELECT coalesce(max(before_ms), 0) FROM retention_horizon", List.of(),
                rs -> rs.getLong(1)).get(0);
        long[] probe = new long[events.size() * 2];
        int n = 0;
        for (UsageEvent e : events) {
            probe[n++] = hash(e.id(), ID_SEED);
            if (e.requestId() != null) probe[n++] = hash(e.requestId(), REQUEST_SEED);
        }
        probe = Arrays.copyOf(probe, n);
        Arrays.sort(probe);
        Set<String> stored = storedCopies(c, events, hits(probe), lo, hi, wlo, whi);
        List<UsageEvent> kept = new ArrayList<>(events.size());
        for (UsageEvent e : events) {
            if (e.time().toEpochMilli() < horizon || stored.contains("i" + e.id())
                    || (e.requestId() != null && stored.contains("r" + e.requestId()))) continue;
            kept.add(e);
        }
        append(c, kept);
        hashes = merge(hashes, probe);
        long[] keptTimes = new long[kept.size()];
        for (int i = 0; i < keptTimes.length; i++) keptTimes[i] = kept.get(i).time().toEpochMilli();
        Arrays.sort(keptTimes);
        times = merge(times, keptTimes);
        return new WriteResult(kept.size(), events.size() - kept.size(), 0);
    }

    /** No counter series, no telemetry sessions, nothing {@link SameCall} rewrites: transcript records alone. */
    private static boolean transcriptsOnly(List<UsageEvent> events) {
        for (UsageEvent e : events) if (e.source() != Source.TRANSCRIPT || !e.counters().isEmpty()) return false;
        return true;
    }

    private boolean touchesOldPath(long wlo, long whi) {
        for (long[] w : oldPathWindows) if (wlo <= w[1] && w[0] <= whi) return true;
        return false;
    }

    /** Whether every record stored in [wlo, whi] is one this transaction appended here. */
    private boolean onlyOwnAppendsIn(Connection c, long wlo, long whi) throws SQLException {
        long inLedger = Jdbc.query(c, "SELECT count(*) FROM usage_events WHERE ts_ms BETWEEN ? AND ?",
                List.of(wlo, whi), rs -> rs.getLong(1)).get(0);
        return inLedger == countBetween(times, wlo, whi);
    }

    /** The batch's hashes already among the appended ones. */
    private Set<Long> hits(long[] sortedProbe) {
        Set<Long> hits = new HashSet<>();
        int i = 0;
        int j = 0;
        while (i < sortedProbe.length && j < hashes.length) {
            long a = sortedProbe[i];
            long b = hashes[j];
            if (a < b) i++;
            else if (a > b) j++;
            else {
                hits.add(a);
                i++;
            }
        }
        return hits;
    }

    /**
     * Of the records whose hash was a hit, which the ledger holds: the old path's probes, asked only
     * for them. Ids in [lo, hi]; request ids in the widened window from a source of no lower
     * precedence (every record there is a transcript record appended here). Keys "i"+id, "r"+request id.
     */
    private static Set<String> storedCopies(Connection c, List<UsageEvent> events, Set<Long> hits, long lo, long hi,
                                            long wlo, long whi) throws SQLException {
        Set<String> found = new HashSet<>();
        if (hits.isEmpty()) return found;
        List<String> ids = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        for (UsageEvent e : events) {
            if (hits.contains(hash(e.id(), ID_SEED))) ids.add(e.id());
            if (e.requestId() != null && hits.contains(hash(e.requestId(), REQUEST_SEED))) requests.add(e.requestId());
        }
        for (int i = 0; i < ids.size(); i += CHUNK) {
            Where w = new Where().and("ts_ms BETWEEN ? AND ?", lo, hi).in("id", ids.subList(i, Math.min(ids.size(), i + CHUNK)));
            Jdbc.query(c, "SELECT id FROM usage_events" + w.sql(), w.params(), rs -> found.add("i" + rs.getString(1)));
        }
        for (int i = 0; i < requests.size(); i += CHUNK) {
            Where w = new Where().and("ts_ms BETWEEN ? AND ?", wlo, whi).and("source_rank <= ?", Source.TRANSCRIPT.rank())
                    .in("request_id", requests.subList(i, Math.min(requests.size(), i + CHUNK)));
            Jdbc.query(c, "SELECT request_id FROM usage_events" + w.sql(), w.params(), rs -> found.add("r" + rs.getString(1)));
        }
        return found;
    }

    /** Appends the records to the ledger and folds exactly those rows into the rollups. */
    private void append(Connection c, List<UsageEvent> kept) throws SQLException {
        if (kept.isEmpty()) return;
        long before = Jdbc.query(c, "SELECT coalesce(max(rowid), -1) FROM usage_events", List.of(), rs -> rs.getLong(1)).get(0);
        dialect.load(c, "usage_events", kept);
        Where appended = new Where().and("rowid > ?", before);
        long rows = Jdbc.query(c, "SELECT count(*) FROM usage_events" + appended.sql(), appended.params(),
                rs -> rs.getLong(1)).get(0);
        if (rows != kept.size()) { // the rollups would not match the ledger: fail the batch, and the import with it
            throw new StoreException("appended " + kept.size() + " records but found " + rows
                    + " new rows past rowid " + before + " in usage_events");
        }
        Rollups.add(c, "usage_events", appended, 1);
    }

    /** How many values of the sorted array lie in [from, to]. */
    static int countBetween(long[] sorted, long from, long to) {
        return lowerBound(sorted, to + 1) - lowerBound(sorted, from);
    }

    /** The first index whose value is at least {@code v}. */
    private static int lowerBound(long[] sorted, long v) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private static long[] merge(long[] a, long[] b) {
        long[] out = new long[a.length + b.length];
        int i = 0;
        int j = 0;
        int k = 0;
        while (i < a.length && j < b.length) out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
        while (i < a.length) out[k++] = a[i++];
        while (j < b.length) out[k++] = b[j++];
        return out;
    }

    /** 64-bit FNV-1a over the chars, then MurmurHash3's finaliser. */
    static long hash(String s, long seed) {
        long h = seed;
        for (int i = 0; i < s.length(); i++) h = (h ^ s.charAt(i)) * 0x100000001B3L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB93FE1A85D79L;
        return h ^ (h >>> 33);
    }
}
