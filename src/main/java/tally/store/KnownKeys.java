package tally.store;

import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys (record ids and provider request ids) an import's {@link BulkWrite} has put in the ledger,
 * and the time span of the records stored before it began. A record whose keys are not among them,
 * in a batch clear of that span, can meet no stored copy by key: the ledger probes that join staging
 * with the ledger by id or request id would find nothing, and they are the costliest part of a bulk
 * write (each scans the ledger over the batch's whole time window). {@link #learn} sets such records
 * apart; the rest are probed as ever.
 *
 * <p>Keys are kept as 64-bit hashes in an open-addressed table (10 to 15 bytes a key): two keys that
 * collide only send a record the probing way, never past a copy. The table is capped at an eighth of
 * the heap (24 MB of an import's 192 MB: about 1.2M records; growing to it briefly holds 44 MB), so an
 * import's memory stays flat: once it is full, every later batch is probed whole.
 */
final class KnownKeys {
    private static final long ID = 0x6a09e667f3bcc909L;
    private static final long REQUEST = 0xbb67ae8584caa73bL;
    private static final double MAX_LOAD = 0.8;

    /** The stored records' time span when the bulk write began; none when {@code storedFrom > storedTo}. */
    private final long storedFrom;
    private final long storedTo;
    private final long storedAtStart;
    private final int maxSlots;
    private long[] table = new long[1 << 16]; // 0: free
    private int size;
    private boolean full; // a key was not kept: what is known is no longer all that was stored

    KnownKeys(long count, long storedFrom, long storedTo, int maxSlots) {
        this.maxSlots = Math.max(maxSlots, 1 << 16);
        this.storedAtStart = count;
        this.storedFrom = count == 0 ? 1 : storedFrom;
        this.storedTo = count == 0 ? 0 : storedTo;
    }

    /** No keys yet, for a bulk write whose transaction begins on {@code c}: the ledger's span as it sees it. */
    static KnownKeys of(Connection c) throws SQLException {
        return Jdbc.query(c, "SELECT count(*), coalesce(min(ts_ms), 0), coalesce(max(ts_ms), 0) FROM usage_events", List.of(),
                rs -> new KnownKeys(rs.getLong(1), rs.getLong(2), rs.getLong(3), slotsForHeap())).get(0);
    }

    /** The table's cap: an eighth of the heap. */
    private static int slotsForHeap() {
        return (int) Math.min(Integer.MAX_VALUE - 8, Runtime.getRuntime().maxMemory() / 8 / Long.BYTES);
    }

    /** How many records the ledger holds, as {@code c} sees it. */
    static long count(Connection c) throws SQLException {
        return Jdbc.query(c, "SELECT count(*) FROM usage_events", List.of(), rs -> rs.getLong(1)).get(0);
    }

    /** How many records the ledger held when the bulk write began. */
    long storedAtStart() {
        return storedAtStart;
    }

    /** A batch's records that may meet a stored copy by key, and those that cannot. */
    record Split(List<UsageEvent> mayMeet, List<UsageEvent> cannot) {}

    /**
     * Learns the keys of a batch (one record per id, times in {@code lo..hi}) about to be stored and,
     * when {@code splittable}, splits it: records with a key known before go to {@code mayMeet}, with
     * every record sharing a request id with one of them. Null when not splittable, when the batch's
     * window (widened as request ids are probed) reaches records stored before the bulk write, whose
     * keys are not known here, and once the table is full.
     */
    Split learn(List<UsageEvent> events, long lo, long hi, boolean splittable) {
        if (full) return null;
        boolean clear = storedFrom > storedTo || lo - LedgerWriter.REQUEST_ID_MARGIN_MS > storedTo
                || hi + LedgerWriter.REQUEST_ID_MARGIN_MS < storedFrom;
        Set<String> metRequests = new HashSet<>();
        boolean[] met = new boolean[events.size()];
        for (int i = 0; i < events.size(); i++) {
            UsageEvent e = events.get(i);
            boolean known = !add(hash(ID, e.id())); // one look-up learns a key and says if it was there
            if (e.requestId() != null) {
                known |= !add(hash(REQUEST, e.requestId())); // or the batch's own: a request of several people
                if (known) metRequests.add(e.requestId());
            }
            met[i] = known;
        }
        if (!splittable || !clear || full) return null;
        List<UsageEvent> mayMeet = new ArrayList<>();
        List<UsageEvent> cannot = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            UsageEvent e = events.get(i);
            boolean meets = met[i] || e.requestId() != null && metRequests.contains(e.requestId());
            (meets ? mayMeet : cannot).add(e);
        }
        return new Split(mayMeet, cannot);
    }

    /** How many keys are held. */
    int size() {
        return size;
    }

    /** Adds a key; false when it was there already (or the table is full: then nothing counts). */
    private boolean add(long h) {
        if (full || size + 1 > table.length * MAX_LOAD && !grow()) return false;
        if (!put(table, h)) return false;
        size++;
        return true;
    }

    /** Grows the table half as large again, up to its cap; false (and full) at the cap. */
    private boolean grow() {
        if (table.length >= maxSlots) {
            full = true;
            table = new long[0]; // of no use any more: its memory goes back
            return false;
        }
        long[] bigger = new long[(int) Math.min(maxSlots, table.length + (long) table.length / 2)];
        for (long h : table) if (h != 0) put(bigger, h);
        table = bigger;
        return true;
    }

    /** Whether a key could not be kept: no batch is split any more. */
    boolean full() {
        return full;
    }

    private static boolean put(long[] into, long h) {
        int i = home(h, into.length);
        while (into[i] != 0) {
            if (into[i] == h) return false;
            i = next(i, into.length);
        }
        into[i] = h;
        return true;
    }

    /** The hash's high half scaled onto the table: any length works, not only powers of two. */
    private static int home(long h, int length) {
        return (int) (((h >>> 32) * length) >>> 32);
    }

    private static int next(int i, int length) {
        return i + 1 == length ? 0 : i + 1;
    }

    /** A 64-bit hash of a key of one kind, never 0 (a free slot). */
    private static long hash(long kind, String key) {
        long a = kind;
        long b = ~kind;
        int n = key.length();
        int i = 0;
        for (; i + 1 < n; i += 2) { // two independent lanes: half the chain of dependent multiplies
            a = (a + key.charAt(i)) * 0x9e3779b97f4a7c15L;
            b = (b + key.charAt(i + 1)) * 0xc2b2ae3d27d4eb4fL;
        }
        if (i < n) a = (a + key.charAt(i)) * 0x9e3779b97f4a7c15L;
        long h = a ^ Long.rotateLeft(b, 29) ^ n;
        h ^= h >>> 31; // the SplitMix64 finaliser: every input bit reaches every output bit
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h == 0 ? 1 : h;
    }
}
