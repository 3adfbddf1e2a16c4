package tally.store;

import tally.core.Source;
import tally.core.UsageEvent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Stores records in the ledger, exactly once. Writes are idempotent by record id, and one provider
 * request id is stored once whichever source reports it: a batch is bulk-loaded into staging, then
 * probed against only the time window it covers (plus a margin for request ids, since sources stamp
 * the same request slightly apart), so dedupe cost does not grow with the ledger.
 */
final class LedgerWriter {
    /** How far apart two sources may stamp the same provider request. */
    static final long REQUEST_ID_MARGIN_MS = 2 * 60 * 60 * 1000;

    private final Store store;
    private final Object writeLock;

    LedgerWriter(Store store) {
        this.store = store;
        this.writeLock = store.writeTurn();
    }

    /** See {@link Ledger#write(List, UnaryOperator)}. */
    WriteResult write(List<UsageEvent> batch, UnaryOperator<UsageEvent> pricer) {
        return write(batch, pricer, this::inWriteTransaction, null);
    }

    /**
     * Writes a batch, its work run by {@code tx}: in a transaction of its own, or in a {@link BulkWrite}'s.
     * With {@code known}, which learns the batch's keys, the records that can meet no stored copy by key
     * skip the probes by key ({@link KnownKeys}).
     */
    WriteResult write(List<UsageEvent> batch, UnaryOperator<UsageEvent> pricer,
                      Function<Store.Work<WriteResult>, WriteResult> tx, KnownKeys known) {
        if (batch.isEmpty()) return WriteResult.NONE;
        List<UsageEvent> events = dedupeWithinBatch(batch, pricer);
        long dropped = batch.size() - events.size();
        List<MeteredSessions.Mark> marks = MeteredSessions.droppedMarks(batch, events);
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (UsageEvent e : events) {
            lo = Math.min(lo, e.time().toEpochMilli());
            hi = Math.max(hi, e.time().toEpochMilli());
        }
        long from = lo;
        long to = hi; // the batch's window, for both parts of a split one: the probes see what they would whole
        KnownKeys.Split split = known == null ? null : known.learn(events, from, to, splittable(events));
        WriteResult r = tx.apply(c -> {
            if (split == null) return part(c, events, from, to, marks, true, pricer);
            if (split.mayMeet().isEmpty()) return part(c, split.cannot(), from, to, marks, false, pricer);
            WriteResult probed = part(c, split.mayMeet(), from, to, marks, true, pricer); // the dropped copies' marks go first
            store.dialect().prepareStaging(c); // staging afresh for the second part
            return probed.plus(part(c, split.cannot(), from, to, List.of(), false, pricer));
        });
        return new WriteResult(r.added(), r.duplicates() + dropped, r.superseded());
    }

    /**
     * Whether a batch may be written in two parts, those that may meet a stored copy by key and those
     * that cannot, as it would be whole: its records come from one source (its sessions are marked
     * metered by the same source either way, {@link MeteredSessions}), and none carries counter points,
     * is a token metric, a provider log or a telemetry event, which other probes tie to records by
     * session, time and model ({@link CounterSeries}, {@link SessionlessMetrics}, {@link SameCall}).
     */
    static boolean splittable(List<UsageEvent> events) {
        Source source = events.get(0).source();
        for (UsageEvent e : events) {
            if (e.source() != source || !e.counters().isEmpty() || e.source() == Source.OTEL_METRIC) return false;
        }
        return !mayReportTheSameCall(events);
    }

    /**
     * Writes records (one per id) with the probes they need over the window {@code lo..hi}; {@code byKey}:
     * with those by id and request id.
     */
    private WriteResult part(Connection c, List<UsageEvent> events, long lo, long hi, List<MeteredSessions.Mark> marks,
                             boolean byKey, UnaryOperator<UsageEvent> pricer) throws SQLException {
        if (events.isEmpty()) return WriteResult.NONE;
        boolean anyRequestId = false;
        boolean outranksTranscripts = false;
        for (UsageEvent e : events) {
            outranksTranscripts |= KeptDetail.mayTakeDetail(e);
            anyRequestId |= e.requestId() != null;
        }
        Probes probes = byKey ? new Probes(true, anyRequestId, Growth.of(events), marks, outranksTranscripts)
                : new Probes(false, false, Growth.Keys.NONE, marks, false);
        return writeInTransaction(c, events, lo, hi, probes, pricer);
    }

    /**
     * Runs ledger-changing work in one transaction, one writer at a time (this process's lock, and
     * the dialect's lock across processes), with staging tables ready and empty.
     */
    <T> T inWriteTransaction(Store.Work<T> work) {
        synchronized (writeLock) {
            return store.inTransaction(c -> {
                store.dialect().lockWriters(c);
                store.refreshLocalDays(c);
                store.dialect().prepareStaging(c);
                return work.run(c);
            });
        }
    }

    /** Runs ledger-changing work in an open transaction the caller commits, with staging tables ready and empty. */
    <T> T inOpenTransaction(Connection c, Store.Work<T> work) throws SQLException {
        synchronized (writeLock) {
            store.dialect().prepareStaging(c);
            return work.run(c);
        }
    }

    /**
     * Which probes a batch needs: by id; by provider request id; for outgrown copies; the sessions of
     * the copies it dropped as duplicates, which still meter them by request; and whether a record
     * outranks transcripts (only such a record can replace a copy that knew more, {@link KeptDetail}).
     */
    private record Probes(boolean byId, boolean requests, Growth.Keys growth, List<MeteredSessions.Mark> droppedSessions,
                          boolean outranksTranscripts) {}

    private WriteResult writeInTransaction(Connection c, List<UsageEvent> batch, long lo, long hi,
                                           Probes probes, UnaryOperator<UsageEvent> pricer) throws SQLException {
        List<UsageEvent> events = CounterSeries.apply(c, batch, pricer);
        long counted = batch.size() - events.size(); // counter points applied already: nothing new
        if (events.isEmpty()) return new WriteResult(0, counted, 0);
        store.dialect().stage(c, events);
        // Whose reports may stand for whose, asked once a batch: where no alias is stored (most one-developer
        // ledgers) identities are compared as they are, without the alias look-ups' joins.
        boolean aliased = Identities.anyAlias(c);
        long metered = MeteredSessions.takeBack(c, events, probes.droppedSessions(),
                lo - REQUEST_ID_MARGIN_MS, hi + REQUEST_ID_MARGIN_MS, aliased, store.localDays());
        counted += Retention.dropPastHorizon(c); // pruned history arriving again: its rollups hold it

        long grown = Growth.makeWay(c, lo, hi, probes.growth(), aliased, store.localDays());
        long duplicates = counted + (!probes.byId() ? 0 : Jdbc.update(c, "DELETE FROM usage_staging WHERE id IN (SELECT l.id"
                + " FROM usage_events l WHERE l.ts_ms BETWEEN ? AND ? AND l.id IN (SELECT id FROM usage_staging))", lo, hi));
        long superseded = grown;
        long wlo = lo - REQUEST_ID_MARGIN_MS;
        long whi = hi + REQUEST_ID_MARGIN_MS;
        if (probes.requests() && anyStoredRequest(c, wlo, whi)) {
            if (KeptDetail.mayTeachStored(events)) KeptDetail.intoStored(c, wlo, whi, aliased, pricer, store.localDays());
            duplicates += Jdbc.update(c, "DELETE FROM usage_staging WHERE id IN (SELECT s.id"
                    + " FROM usage_events l JOIN usage_staging s ON l.request_id = s.request_id"
                    + " WHERE l.ts_ms BETWEEN ? AND ? AND " + Precedence.rank("l") + " <= " + Precedence.rank("s")
                    + " AND " + Precedence.mayStandFor("l", "s", aliased) + ")", wlo, whi);
            if (probes.outranksTranscripts()) KeptDetail.intoStaged(c, wlo, whi, aliased, pricer);
            superseded += supersede(c, wlo, whi, aliased, store.localDays());
        }
        superseded += metered;
        duplicates += MeteredSessions.skipStaged(c, events, aliased);
        long[] sessionless = SessionlessMetrics.apply(c, events, lo, hi, aliased, store.localDays());
        duplicates += sessionless[0];
        superseded += sessionless[1];
        if (mayReportTheSameCall(events)) {
            long[] sameCall = SameCall.apply(c, lo, hi, store.localDays());
            duplicates += sameCall[0];
            superseded += sameCall[1];
        }
        long added = insertStaged(c, store.localDays());
        return new WriteResult(added, duplicates, superseded);
    }

    /**
     * Whether a stored record in {@code wlo..whi} shares a provider request id with a staged one: the
     * probes by request id below each join staging with the ledger's window, and usually find nothing
     * (one source per request), so where this one finds nothing it stands for all of them.
     */
    private static boolean anyStoredRequest(Connection c, long wlo, long whi) throws SQLException {
        // counted, not LIMIT 1: PostgreSQL plans a LIMIT as if a match came early, and walked the ledger's window
        // for a batch that had none (1.2 s a batch, 8 s at worst, against 40 ms)
        return Jdbc.query(c, "SELECT count(*) FROM usage_staging s JOIN usage_events l ON l.request_id = s.request_id"
                + " WHERE l.ts_ms BETWEEN ? AND ?", List.of(wlo, whi), rs -> rs.getLong(1)).get(0) > 0;
    }

    /** Whether a provider's log and telemetry may both report one call here ({@link SameCall}). */
    static boolean mayReportTheSameCall(List<UsageEvent> events) {
        for (UsageEvent e : events) if (e.source() == Source.PROVIDER_LOG || e.source() == Source.OTEL_EVENT) return true;
        return false;
    }

    /**
     * Moves the staged records into the ledger and the rollups; returns how many. Each is stamped as
     * stored now (under the writers' lock), unless staging carries its arrival already (a reprice).
     */
    static long insertStaged(Connection c, LocalDays local) throws SQLException {
        long added = Jdbc.update(c, "INSERT INTO usage_events (" + StagingColumns.LIST + ", " + StagingColumns.STORED
                + ") SELECT " + StagingColumns.LIST + ", COALESCE(" + StagingColumns.STORED + ", ?) FROM usage_staging",
                System.currentTimeMillis());
        Rollups.add(c, "usage_staging", new Where(), 1, local);
        return added;
    }

    /** Takes matching ledger records out of the rollups, then out of the ledger; returns how many. */
    static long remove(Connection c, Where where, LocalDays local) throws SQLException {
        Rollups.add(c, "usage_events", where, -1, local);
        return Jdbc.update(c, "DELETE FROM usage_events" + where.sql(), where.params().toArray());
    }

    /** Stored records of a request now reported by a higher-precedence source: out of rollups, then out. */
    private static long supersede(Connection c, long wlo, long whi, boolean aliased, LocalDays local) throws SQLException {
        return removeFound(c, "SELECT l.id, l.ts_ms FROM usage_events l JOIN usage_staging s ON l.request_id = s.request_id"
                + " WHERE l.ts_ms BETWEEN ? AND ? AND " + Precedence.rank("l") + " > " + Precedence.rank("s")
                + " AND " + Precedence.mayStandFor("s", "l", aliased), List.of(wlo, whi), local);
    }

    /** Removes the stored records a query finds (its columns: id, ts_ms), from the rollups and the ledger; returns how many. */
    static long removeFound(Connection c, String sql, List<Object> params, LocalDays local) throws SQLException {
        List<String> ids = new ArrayList<>();
        long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
        Jdbc.query(c, sql, params, rs -> {
            ids.add(rs.getString(1));
            range[0] = Math.min(range[0], rs.getLong(2));
            range[1] = Math.max(range[1], rs.getLong(2));
            return null;
        });
        if (ids.isEmpty()) return 0;
        return remove(c, new Where().and("ts_ms BETWEEN ? AND ?", range[0], range[1]).in("id", ids), local);
    }

    /** See {@link Ledger#appendWithoutChecks}. */
    void appendWithoutChecks(List<UsageEvent> events) {
        try (Connection c = store.connection()) {
            store.dialect().load(c, "usage_events", events);
        } catch (SQLException e) {
            throw store.unavailable(e);
        }
    }

    /**
     * One record per id, and one per provider request id and person: the highest-precedence copy wins
     * ({@link Precedence}), and between copies from one source the one with more tokens ({@link Growth#outgrows}).
     */
    static List<UsageEvent> dedupeWithinBatch(List<UsageEvent> batch, UnaryOperator<UsageEvent> pricer) {
        int capacity = batch.size() * 4 / 3 + 1; // no rehashing: this runs on the store's one thread, per batch
        Map<String, Integer> at = new HashMap<>(capacity);
        List<UsageEvent> unique = new ArrayList<>(batch.size());
        for (UsageEvent e : batch) {
            Integer i = at.putIfAbsent(e.id(), unique.size());
            if (i == null) unique.add(e);
            else if (Growth.outgrows(e, unique.get(i))) unique.set(i, e); // a later, fuller copy of one record
        }
        Map<String, UsageEvent> firstOf = new HashMap<>(capacity);
        Map<String, List<UsageEvent>> byRequest = new HashMap<>();
        for (UsageEvent e : unique) {
            if (e.requestId() == null) continue;
            UsageEvent first = firstOf.putIfAbsent(e.requestId(), e);
            if (first != null) byRequest.computeIfAbsent(e.requestId(), k -> new ArrayList<>(List.of(first))).add(e);
        }
        if (byRequest.isEmpty()) return unique; // the usual batch: every request id once
        Map<UsageEvent, UsageEvent> counted = new java.util.IdentityHashMap<>(); // as found → as counted
        for (List<UsageEvent> copies : byRequest.values()) counted.putAll(counted(copies, pricer));
        List<UsageEvent> out = new ArrayList<>(unique.size());
        for (UsageEvent e : unique) {
            if (e.requestId() == null || !byRequest.containsKey(e.requestId())) out.add(e); // its request's one copy
            else if (counted.containsKey(e)) out.add(counted.get(e));
        }
        return out;
    }

    /**
     * The copies of one request that count (each as found, and as counted: with what a copy it stands
     * for knew better, {@link KeptDetail}): best first, each unless a better one may stand for it.
     */
    private static Map<UsageEvent, UsageEvent> counted(List<UsageEvent> copies, UnaryOperator<UsageEvent> pricer) {
        Map<UsageEvent, UsageEvent> kept = new java.util.LinkedHashMap<>(); // ids differ: no two copies are equal
        if (copies.size() == 1) {
            kept.put(copies.get(0), copies.get(0));
            return kept;
        }
        List<UsageEvent> best = new ArrayList<>(copies);
        best.sort(Comparator.<UsageEvent>comparingInt(e -> Precedence.rank(e)) // stable: between equals the first wins
                .thenComparingLong(e -> e.source() == Growth.SOURCE ? -e.tokens().total() : 0));
        for (UsageEvent e : best) {
            UsageEvent standIn = null;
            for (UsageEvent k : kept.keySet()) {
                if (Precedence.mayStandFor(k, e)) {
                    standIn = k;
                    break;
                }
            }
            if (standIn == null) {
                kept.put(e, e);
                continue;
            }
            UsageEvent counted = kept.get(standIn);
            UsageEvent merged = counted.source().rank() < e.source().rank() ? KeptDetail.merged(counted, e, pricer) : null;
            if (merged != null) kept.put(standIn, merged);
        }
        return kept;
    }
}
