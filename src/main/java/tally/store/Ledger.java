package tally.store;

import tally.core.UsageEvent;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The ledger and its rollups, the same SQL on both stores. Writing ({@link LedgerWriter},
 * {@link Rollups}, {@link Repricer}) and querying ({@link LedgerQueries}) are separate parts; this
 * is the one door to them.
 */
public final class Ledger {
    /** Rollup bucket: 15 minutes, the finest step of any zone offset. */
    public static final long BUCKET_MS = 15 * 60 * 1000;
    static final long DAY_MS = 24 * 60 * 60 * 1000;
    static final long HOUR_MS = 60 * 60 * 1000;

    private final Store store;
    private final LedgerWriter writer;
    private final LedgerQueries queries;
    private final Repricer repricer;
    private final Retention retention;

    public Ledger(Store store) {
        this.store = store;
        this.writer = new LedgerWriter(store);
        this.queries = new LedgerQueries(store);
        this.repricer = new Repricer(store, writer, queries);
        this.retention = new Retention(store, writer);
    }

    public Store store() {
        return store;
    }

    /**
     * Keeps the sums by local day and person in a server's zone, for its day series (the embedded
     * store only; filled again when kept for another zone until now).
     */
    public void keepLocalDays(java.time.ZoneId zone) {
        store.keepLocalDays(zone, writer);
    }

    /**
     * Keeps the costliest records of the ended days of [from, to) that top pages read on the embedded
     * store ({@link TopDays}), every such day not kept yet; nothing on PostgreSQL. {@code tally serve}
     * runs it in the background, so its dashboard's pages do not fill them.
     */
    public void keepTopDays(Instant from, Instant to) {
        keepTopDays(from, to, TopDays.FILLED_FROM);
    }

    /** {@link #keepTopDays(Instant, Instant)}, keeping days of at least {@code filledFrom} records. */
    void keepTopDays(Instant from, Instant to, long filledFrom) {
        if (store.isPostgres()) return;
        try (java.sql.Connection c = store.connection()) {
            new TopDays(store, filledFrom).fill(c, from.toEpochMilli(), to.toEpochMilli(), System.currentTimeMillis(), Long.MAX_VALUE);
        } catch (java.sql.SQLException e) {
            throw store.unavailable(e);
        }
    }

    // ---------------------------------------------------------------- writes

    /** Writes a batch in one transaction; every record is either stored, or found already stored. */
    public WriteResult write(List<UsageEvent> batch) {
        return write(batch, null);
    }

    /**
     * Batches written as one: on DuckDB in one transaction, committed by {@link BulkWrite#commit} (and
     * every two million records);
     * elsewhere each batch in its own, as {@link #write} does. For an import, whose input stays on
     * disk until it is committed.
     */
    public BulkWrite bulk() {
        return new BulkWrite(store, writer, BulkWrite.COMMIT_EVERY);
    }

    /**
     * Like {@link #write(List)}; {@code pricer} prices a telemetry record again when the counter
     * points it carries had to be counted again against the saved series state ({@link CounterSeries}).
     */
    public WriteResult write(List<UsageEvent> batch, UnaryOperator<UsageEvent> pricer) {
        return writer.write(batch, pricer);
    }

    /**
     * Bulk-loads records straight into the ledger: no dedupe, no rollups. The floor that
     * {@link #write} is measured against in the benchmarks; nothing else should call it.
     */
    public void appendWithoutChecks(List<UsageEvent> events) {
        writer.appendWithoutChecks(events);
    }

    /**
     * Prices stored records again (after a price correction), one UTC day at a time: records whose
     * model, cost or catalog version change are taken out of the rollups, replaced, and put back.
     * Returns how many records changed.
     */
    public long reprice(Instant from, Instant to, UnaryOperator<UsageEvent> pricer) {
        return repricer.reprice(from, to, pricer);
    }

    /**
     * Deletes the raw records stored before {@code before} (or, dry, counts them), keeping both
     * rollups, so every report over that range reads the same after. Idempotent; safe beside
     * writers and on several replicas at once (it takes the writers' lock).
     */
    public PruneResult prune(Instant before, boolean dryRun) {
        return retention.prune(before, dryRun);
    }

    /** The retention cut: a record older than it is not stored (it reads as a duplicate); empty when nothing was pruned. */
    public java.util.Optional<Instant> retentionHorizon() {
        return retention.horizon();
    }

    // ---------------------------------------------------------------- reads

    /** Receives streamed records; may fail with what it writes to (an export's file, say). */
    public interface Sink {
        void accept(UsageEvent e) throws Exception;
    }

    /**
     * Streams the stored records of [from, to) in time order, as the events they were written as,
     * never holding more than one row; returns how many. A sink's own failure comes out as thrown.
     */
    public long scan(Instant from, Instant to, Sink sink) throws Exception {
        return queries.scan(from, to, sink);
    }

    /** As {@link #scan(Instant, Instant, Sink)}, only the records matching q's filters. */
    public long scan(UsageQuery q, Sink sink) throws Exception {
        return queries.scan(q, sink);
    }

    /**
     * As {@link #scan(UsageQuery, Sink)}, each record read as only what quoting it on another model
     * needs: no text column, so nothing is decoded per row (estimate --compare reads every record of its range).
     */
    public long scanForRequotes(UsageQuery q, Consumer<Requote> sink) throws Exception {
        return queries.scanForRequotes(q, sink);
    }

    /** The raw identities with records in [from, to), of one source (its label) or of all (null). */
    public List<String> identities(Instant from, Instant to, String source) {
        return queries.identities(from, to, source);
    }

    /**
     * The records of [from, to) in time order (ties by id), as time, model, tokens and cost: of one
     * source (its label) or all (null), of these raw identities or all (null). For blocks, which read
     * every record: fewer columns than {@link #scan(UsageQuery, Sink)}, and the model not decoded per row.
     */
    public long scanTimeline(Instant from, Instant to, String source, Collection<String> identities,
                             Consumer<TimedUsage> sink) throws Exception {
        return queries.scanTimeline(from, to, source, identities, sink);
    }

    /**
     * One client session's records in [from, to), as one row keyed by the session id. Reads raw
     * records, bounded by time: for a status line, where the session is recent.
     */
    public UsageRow session(String sessionId, Instant from, Instant to) {
        return queries.session(sessionId, from, to);
    }

    /** Usage grouped as asked, read from rollups only, sorted by cost (or by time for day and hour). */
    public List<UsageRow> usage(UsageQuery q) {
        return queries.usage(q);
    }

    /**
     * The cost of each key q groups by, as {@link #usage} would give it (the same rows, keys and
     * filters), for questions that need nothing else: the other nine sums are not computed.
     */
    public Map<String, Long> costs(UsageQuery q) {
        return queries.costs(q);
    }

    /** Everything in the range as one row. */
    public UsageRow totals(UsageQuery q) {
        return queries.totals(q);
    }

    /**
     * {@link #totals} of q, given its rows as {@link #usage} answered them: their exact sum when every
     * record is in exactly one (any grouping of the rollups: the key is a function of each row, and a
     * group left out holds no record), which spares reading the rollups a second time; read as
     * {@link #totals} for sessions, whose rows come from the raw records (retention may have pruned).
     * A sum beyond a long is refused, as the read total would be.
     */
    public UsageRow totalOf(UsageQuery q, List<UsageRow> rows) {
        if (q.by() == Dimension.SESSION) return totals(q);
        UsageRow total = UsageRow.empty("TOTAL");
        for (UsageRow r : rows) total = total.plus(r);
        return total;
    }

    /** Models with records that could not be priced, with how many. */
    public Map<String, Long> unpricedModels(UsageQuery q) {
        return queries.unpricedModels(q);
    }

    /**
     * As {@link #unpricedModels(UsageQuery)}, given the query's totals: none asked of the store when
     * the totals hold no unpriced request, as they mostly do (one statement less per report).
     */
    public Map<String, Long> unpricedModels(UsageQuery q, UsageRow totals) {
        return totals.unpriced() == 0 ? Map.of() : queries.unpricedModels(q);
    }

    /** The most expensive records in [from, to); unpriced ones come after every priced one. */
    public List<TopRequest> top(Instant from, Instant to, int limit) {
        return queries.top(from, to, limit);
    }

    /**
     * When the record with this id happened, if it is stored. A full scan of one column: for the
     * rare caller that knows an id but not its time (ids are time-stable everywhere else).
     */
    public Optional<Instant> timeOf(String id) {
        return queries.timeOf(id);
    }

    /** Raw record count; for tests and doctors, not for reports. */
    public long countRecords() {
        return queries.countRecords();
    }

    /** How many stored records carry this id; for tests of exactly-once. */
    public Map<String, Long> idCounts() {
        return queries.idCounts();
    }

    /** A local time's key when usage is grouped by an hour, day, week or month. */
    static String localKey(LocalDateTime local, Dimension by) {
        return LedgerQueries.localKey(local, by);
    }
}
