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
 * An import's shortcut past the dedupe probes, within one {@link BulkWrite} transaction on DuckDB.
 * A batch of transcript records whose time window, widened by {@link LedgerWriter#REQUEST_ID_MARGIN_MS},
 * holds no stored record but this transaction's own earlier batches written here can neither
 * duplicate nor supersede anything else: the probes would find only those. So it is checked
 * against them in memory, and staged, moved into the ledger and folded into the rollups as
 * before. What the probes would have found is found, only cheaper (they scan every id of the
 * window, and an import's time-sorted runs each span its whole history, so each batch's probe
 * read all the batches before it):
 * <ul>
 * <li>whether the window holds anything else: one count over ts_ms (DuckDB's zone maps), compared
 * with how many of the records written here fall in it (their times are kept, sorted);</li>
 * <li>copies of one response in two batches: 64-bit hashes of every id and request id written here,
 * kept sorted; a batch record whose hash is there is looked up in the ledger (the probes' own
 * queries, asked for those few ids) and dropped only if the ledger has it, never on a hash alone;</li>
 * <li>records before the retention horizon: dropped and counted, as the old path drops them.</li>
 * </ul>
 * A batch written the old way keeps its window (widened by the margin, the farthest it may
 * delete) out of the shortcut: the times kept say nothing of what it stored or took out. A commit
 * or a rollback ends what is known ({@link #reset}); starting empty is always sound, a window
 * then has to be empty. About 24 bytes of heap per record written here. One thread uses it.
 */
final class FreshWindowWrite {
    private static final long ID_SEED = 0x9E3779B97F4A7C15L;
    private static final long REQUEST_SEED = 0xC2B2AE3D27D4EB4FL;
    private static final int CHUNK = 500;

    private long[] hashes = new long[0]; // sorted: ids and request ids of the batches written here, dropped ones too
    private long[] times = new long[0]; // sorted: ts_ms of every record stored here
    private final List<long[]> oldPathWindows = new ArrayList<>();
    private long unfolded; // records written here not yet in the rollups
    private long foldFrom; // the largest rowid before them
    private long batches; // written here, ever: for tests
    private final Dialect dialect;

    FreshWindowWrite(Dialect dialect) {
        this.dialect = dialect;
    }

    /**
     * Folds the records written here since the last fold into the rollups, at once: one fold of the
     * whole import instead of one per batch, each of which updated rollup rows across the import's
     * whole history. They are the rows past the largest rowid before the first of them (DuckDB numbers
     * a transaction's new rows on from there), checked to be exactly as many as were written. Before
     * a commit, and before a batch goes the old way.
     */
    void fold(Connection c) throws SQLException {
        if (unfolded == 0) return;
        Where written = new Where().and("rowid > ?", foldFrom);
        long rows = Jdbc.query(c, "SELECT count(*) FROM usage_events" + written.sql(), written.params(),
                rs -> rs.getLong(1)).get(0);
        if (rows != unfolded) { // the rollups would not match the ledger: fail, and the import's transaction with it
            throw new StoreException("wrote " + unfolded + " records to usage_events but found " + rows
                    + " rows past rowid " + foldFrom + "; nothing of this import is kept");
        }
        Rollups.add(c, "usage_events", written, 1);
        unfolded = 0;
    }

    /** How many batches were written here (not reset): for tests. */
    long batches() {
        return batches;
    }

    /** Forgets what was written here: after a commit or a rollback. */
    void reset() {
        unfolded = 0;
        hashes = new long[0];
        times = new long[0];
        oldPathWindows.clear();
    }

    /**
     * Writes a batch (one record per id and request id already, times within [lo, hi]) without the
     * probes if it may; null when it must go the old way (its window is then kept out).
     */
    WriteResult tryWrite(Connection c, List<UsageEvent> events, long lo, long hi) throws SQLException {
        long wlo = lo - LedgerWriter.REQUEST_ID_MARGIN_MS;
        long whi = hi + LedgerWriter.REQUEST_ID_MARGIN_MS;
        if (!transcriptsOnly(events) || touchesOldPath(wlo, whi) || !onlyOwnRecordsIn(c, wlo, whi)) {
            oldPathWindows.add(new long[] {wlo, whi});
            fold(c); // before the old path takes any of them out again
            return null;
        }
        long horizon = Jdbc.query(c, "SELECT coalesce(max(before_ms), 0) FROM retention_horizon", List.of(),
                rs -> rs.getLong(1)).get(0);
        long[] idHashes = new long[events.size()];
        long[] requestHashes = new long[events.size()];
        long[] probe = new long[events.size() * 2];
        int n = 0;
        for (int i = 0; i < events.size(); i++) {
            UsageEvent e = events.get(i);
            probe[n++] = idHashes[i] = hash(e.id(), ID_SEED);
            if (e.requestId() != null) probe[n++] = requestHashes[i] = hash(e.requestId(), REQUEST_SEED);
        }
        probe = Arrays.copyOf(probe, n);
        Arrays.sort(probe);
        Set<Long> hits = hits(probe);
        Set<String> storedIds = new HashSet<>();
        Set<String> storedRequests = new HashSet<>();
        if (!hits.isEmpty()) storedCopies(c, events, idHashes, requestHashes, hits, lo, hi, storedIds, storedRequests);
        List<UsageEvent> kept = new ArrayList<>(events.size());
        for (UsageEvent e : events) {
            boolean stored = !hits.isEmpty() && (storedIds.contains(e.id())
                    || e.requestId() != null && storedRequests.contains(e.requestId()));
            if (!stored && e.time().toEpochMilli() >= horizon) kept.add(e);
        }
        if (!kept.isEmpty()) {
            if (unfolded == 0) foldFrom = Jdbc.query(c, "SELECT coalesce(max(rowid), -1) FROM usage_events", List.of(),
                    rs -> rs.getLong(1)).get(0);
            dialect.load(c, "usage_staging", kept);
            unfolded += Jdbc.update(c, "INSERT INTO usage_events (" + StagingColumns.LIST + ") SELECT "
                    + StagingColumns.LIST + " FROM usage_staging");
        }
        batches++;
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

    /** Whether every record stored in [wlo, whi] is one written here. */
    private boolean onlyOwnRecordsIn(Connection c, long wlo, long whi) throws SQLException {
        long inLedger = Jdbc.query(c, "SELECT count(*) FROM usage_events WHERE ts_ms BETWEEN ? AND ?",
                List.of(wlo, whi), rs -> rs.getLong(1)).get(0);
        return inLedger == countBetween(times, wlo, whi);
    }

    /** The batch's hashes already among those written here. */
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
     * Of the records whose hash was a hit, which the ledger holds: the probes' own questions, asked
     * only for them. Ids in [lo, hi]; request ids in the widened window from a source of no lower
     * precedence (every record there is a transcript record written here).
     */
    private static void storedCopies(Connection c, List<UsageEvent> events, long[] idHashes, long[] requestHashes,
                                     Set<Long> hits, long lo, long hi, Set<String> storedIds, Set<String> storedRequests)
            throws SQLException {
        List<String> ids = new ArrayList<>();
        List<String> requests = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            if (hits.contains(idHashes[i])) ids.add(events.get(i).id());
            if (events.get(i).requestId() != null && hits.contains(requestHashes[i])) requests.add(events.get(i).requestId());
        }
        for (int i = 0; i < ids.size(); i += CHUNK) {
            Where w = new Where().and("ts_ms BETWEEN ? AND ?", lo, hi).in("id", ids.subList(i, Math.min(ids.size(), i + CHUNK)));
            Jdbc.query(c, "SELECT id FROM usage_events" + w.sql(), w.params(), rs -> storedIds.add(rs.getString(1)));
        }
        long margin = LedgerWriter.REQUEST_ID_MARGIN_MS;
        for (int i = 0; i < requests.size(); i += CHUNK) {
            Where w = new Where().and("ts_ms BETWEEN ? AND ?", lo - margin, hi + margin)
                    .and("source_rank <= ?", Source.TRANSCRIPT.rank())
                    .in("request_id", requests.subList(i, Math.min(requests.size(), i + CHUNK)));
            Jdbc.query(c, "SELECT request_id FROM usage_events" + w.sql(), w.params(), rs -> storedRequests.add(rs.getString(1)));
        }
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

    /**
     * 64 bits of a text: its String hash (computed once per string and kept by it: the within-batch
     * dedupe computed it already) and a hash of its last 16 chars, where ids and request ids carry
     * their random part, mixed by MurmurHash3's finaliser. A collision costs a lookup, never a record.
     */
    static long hash(String s, long seed) {
        long tail = 0;
        for (int i = Math.max(0, s.length() - 16); i < s.length(); i++) tail = tail * 0x100000001B3L + s.charAt(i);
        long h = seed ^ ((long) s.hashCode() << 32) ^ tail;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB93FE1A85D79L;
        return h ^ (h >>> 33);
    }
}
