package tally.ingest;

import tally.core.UsageEvent;
import tally.store.BulkWrite;
import tally.store.Ledger;
import tally.store.StoreException;
import tally.store.WriteResult;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one writer between every source and the store. Sources {@link #submit} records. One thread
 * groups them into batches (by size or time), prices them and forces each batch to the spool: only
 * then is a record accepted. A second thread writes spooled batches to the ledger, oldest first, so
 * the two stages overlap. When the store is down the spool grows and is drained, in order, once it
 * is back. A full queue blocks submitters: that is the backpressure.
 */
public final class IngestWriter implements AutoCloseable, RecordSink {
    private static final Logger LOG = Logger.getLogger(IngestWriter.class.getName());

    /**
     * {@code spooled}: whether a batch is forced to the spool before it is accepted. An importer whose
     * input is itself durable (files it re-reads from its saved offsets) turns it off: its records are
     * then accepted in memory, one batch ahead of the one being stored.
     */
    public record Options(int batchSize, Duration maxDelay, int queueCapacity, boolean spooled) {
        /**
         * A server's: up to 50,000 records a store write. Much of a write's cost is the same for any
         * size (some seventeen statements), so under a gateway's full load fewer, larger writes leave
         * its event loops more of the CPU: 3.6-6.2% more requests a second at saturation than with
         * 10,000 (three alternating pairs on two cores).
         */
        public static final Options DEFAULT = new Options(50_000, Duration.ofMillis(200), 100_000);

        public Options(int batchSize, Duration maxDelay, int queueCapacity) {
            this(batchSize, maxDelay, queueCapacity, true);
        }
    }

    /**
     * A queued record, or a flush barrier (event == null) completed once everything before it is stored.
     * {@code awaited}: someone holds an answer until {@code done}, so its batch is forced without lingering.
     */
    private record Pending(UsageEvent event, CompletableFuture<Void> done, boolean awaited) {
        Pending(UsageEvent event, CompletableFuture<Void> done) {
            this(event, done, false);
        }
    }

    /**
     * A spooled batch waiting for the store: a segment of its own ({@code file}) or a place in the
     * shared one ({@code extent}). Its records stay in memory only while the backlog is short.
     */
    private static final class Segment {
        final Path file;
        final Spool.Extent extent;
        volatile List<UsageEvent> events;
        /** How many records it holds, kept when they are left to the spool: a write takes segments up to a batch by it. */
        final int records;
        final List<CompletableFuture<Void>> barriers = new ArrayList<>();

        Segment(Path file, List<UsageEvent> events) {
            this(file, null, events);
        }

        Segment(Path file, Spool.Extent extent, List<UsageEvent> events) {
            this.file = file;
            this.extent = extent;
            this.events = events;
            this.records = events == null ? 0 : events.size();
        }

        boolean onDisk() {
            return file != null || extent != null;
        }
    }

    /**
     * Put behind the last segment once the spooler has stopped: wakes the store thread from its idle
     * wait at once (a command's close otherwise waited the wait out, 25 ms on average). Holds nothing.
     */
    private final Segment endOfBacklog = new Segment(null, null, null);
    /** The store thread's idle wait: a segment, or {@link #endOfBacklog} at close, ends it at once. */
    static final long IDLE_WAIT_MS = 1_000;
    /** The spooler's buffer for a batch's encoded lines, reused batch after batch (the spooler's alone). */
    private final Spool.Lines lines = new Spool.Lines();
    /** Held by a {@link #spoolNow direct write} from its check of {@code closing} until its segment is queued. */
    private final Object directWrites = new Object();

    /**
     * Backlog records kept in memory, in batches of at most {@link #BATCH_KEPT_IN_MEMORY} (a server's
     * larger batches count as several): beyond that the store reads them back from the spool.
     */
    private static final int SEGMENTS_KEPT_IN_MEMORY = 8;
    private static final int BATCH_KEPT_IN_MEMORY = 10_000;
    /** Unspooled batches waiting for the store: the bound that keeps an import's memory flat (one: the
     * parsers still run a batch ahead, and each batch held is ~30 MB of heap). */
    private static final int UNSPOOLED_AHEAD = 1;
    /** Store failures in a row after which an unspooled writer gives up ({@link #giveUp}), where a batch can be tried again. */
    static final int UNSPOOLED_ATTEMPTS = 3;

    private final Ledger ledger;
    /** An unspooled writer's batches, written as one (see {@link BulkWrite}); null when spooled. */
    private final BulkWrite bulk;
    private final Spool spool;
    /** Small spooled batches go here; null for an unspooled writer. */
    private final SpoolLog log;
    /** Records of the backlog held in memory; bounded by {@link #SEGMENTS_KEPT_IN_MEMORY} batches. */
    private final AtomicLong inMemory = new AtomicLong();
    private final UnaryOperator<UsageEvent> normalize;
    private final Options options;
    private final BlockingQueue<Pending> queue;
    private final LinkedBlockingDeque<Segment> backlog = new LinkedBlockingDeque<>();
    private final Semaphore unspooledRoom = new Semaphore(UNSPOOLED_AHEAD);
    private final Thread spooler;
    private final Thread storer;
    private volatile boolean closing;
    private volatile boolean spoolerDone;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong added = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong superseded = new AtomicLong();
    private final AtomicLong backlogRecords = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    /** Store writes that held records. */
    private final AtomicLong storeWrites = new AtomicLong();
    private volatile String lastError;
    private volatile StoreException gaveUp;
    private int unspooledFailures; // the store thread's alone
    /** The store thread's Linux id once its priority was lowered ({@link ThreadNice}), else -1. */
    private volatile long storeThreadId = -1;

    public IngestWriter(Ledger ledger, Spool spool, UnaryOperator<UsageEvent> normalize, Options options) {
        this.ledger = ledger;
        this.bulk = options.spooled() ? null : ledger.bulk();
        this.spool = spool;
        this.normalize = normalize;
        this.options = options;
        this.lastWriteNanos = System.nanoTime() - options.maxDelay().toNanos();
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.log = options.spooled() ? new SpoolLog(spool) : null;
        adoptLeftovers();
        this.spooler = new Thread(this::spoolLoop, "tally-ingest-spool");
        this.storer = new Thread(this::storeLoop, "tally-ingest-store");
        spooler.setDaemon(true);
        storer.setDaemon(true);
        spooler.start();
        storer.start();
    }

    /**
     * Queues a record, blocking while the queue is full. The future completes when the record is
     * accepted: forced to the spool, so it survives a crash from then on.
     */
    public CompletableFuture<Void> submit(UsageEvent e) {
        if (closing) throw new IllegalStateException("writer is closed");
        if (gaveUp != null) return CompletableFuture.failedFuture(gaveUp);
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            queue.put(new Pending(e, f));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            f.completeExceptionally(ie);
        }
        return f;
    }

    /** Like {@link #submit} but never blocks: null when the queue is full (the caller sheds load). */
    public CompletableFuture<Void> offer(UsageEvent e) {
        if (closing) return null;
        CompletableFuture<Void> f = new CompletableFuture<>();
        return queue.offer(new Pending(e, f)) ? f : null;
    }

    /**
     * The durable acknowledgement, for a caller that holds its answer until the record is on disk
     * (the gateway keeps a response's last bytes back). Never blocks: null when the queue is full.
     * Its batch is forced as soon as the queue is momentarily empty instead of lingering for more;
     * records arriving meanwhile share the next force (group commit).
     */
    public CompletableFuture<Void> offerDurable(UsageEvent e) {
        if (closing) return null;
        if (log != null && log.forcesLater()) {
            CompletableFuture<Void> now = spoolNow(e);
            if (now != null) return now;
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        return queue.offer(new Pending(e, f, true)) ? f : null;
    }

    /**
     * A periodic spool's acknowledgement without a hop to the spooler thread and back (each a wake-up
     * that a busy machine can delay by milliseconds): the record is written to the spool file on the
     * caller's thread, a few microseconds with nothing waiting for the device, and queued for the
     * store. Null when it takes the queue instead: the next segment is not ready yet, or the backlog
     * held in memory is full (records read back from the spool are best stored in batches).
     */
    private CompletableFuture<Void> spoolNow(UsageEvent e) {
        UsageEvent priced;
        Spool.Lines one = new Spool.Lines();
        try {
            priced = e.catalogVersion() == null ? normalize.apply(e) : e;
            one.encode(List.of(priced));
        } catch (IOException | RuntimeException x) {
            return CompletableFuture.failedFuture(x);
        }
        synchronized (directWrites) {
            if (closing || !roomInMemory(1)) return null;
            Spool.Extent x;
            try {
                x = log.append(one, false); // an event loop: never waits for the next segment
            } catch (IOException io) {
                lastError = "cannot write spool " + spool.dir() + ": " + io.getMessage();
                return CompletableFuture.failedFuture(io);
            }
            if (x == null) return null;
            accepted.incrementAndGet();
            backlogRecords.incrementAndGet();
            inMemory.incrementAndGet();
            backlog.add(new Segment(null, x, List.of(priced)));
        }
        return CompletableFuture.completedFuture(null);
    }

    /** {@link #offerDurable}, blocking while the queue is full (call it off the event loop). */
    public CompletableFuture<Void> submitDurable(UsageEvent e) {
        if (closing) throw new IllegalStateException("writer is closed");
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            queue.put(new Pending(e, f, true));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            f.completeExceptionally(ie);
        }
        return f;
    }

    /** Completes once every record submitted before this call is in the store. */
    public CompletableFuture<Void> flushAsync() {
        CompletableFuture<Void> f = new CompletableFuture<>();
        try {
            queue.put(new Pending(null, f));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            f.completeExceptionally(ie);
        }
        return f;
    }

    /** Waits until everything submitted so far is stored; false if the store did not take it in time. */
    public boolean flush(Duration timeout) {
        try {
            flushAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        }
    }

    /** How many store writes held records so far. */
    long storeWrites() {
        return storeWrites.get();
    }

    /** The store thread's Linux thread id when its CPU priority was lowered, else -1. */
    long storeThreadId() {
        return storeThreadId;
    }

    public IngestStats stats() {
        return new IngestStats(accepted.get(), added.get(), duplicates.get(), superseded.get(),
                backlogRecords.get(), queue.size(), replayed.get(), skipped.get(), lastError);
    }

    /**
     * Stops taking records, spools what is queued, and gives the store one last try at the backlog;
     * whatever it does not take stays in the spool for the next start.
     */
    @Override
    public void close() {
        synchronized (directWrites) { // a direct write under way lands in the backlog before the end marker
            closing = true;
        }
        queue.offer(new Pending(null, new CompletableFuture<>())); // wakes the spooler now, not after maxDelay
        try {
            spooler.join(30_000);
            backlog.offer(endOfBacklog); // behind everything the spooler added: the store thread takes it last
            storer.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (log != null) log.close();
    }

    // ---------------------------------------------------------------- spool stage

    /** Spool segments left by an earlier run (or a crash) go first, before anything new. */
    private void adoptLeftovers() {
        try {
            spool.deleteDeadSpares();
            for (Path p : spool.orphans()) {
                List<UsageEvent> events = spool.read(p, this::skip);
                backlogRecords.addAndGet(events.size());
                replayed.addAndGet(events.size());
                Segment s = new Segment(p, events);
                keepInMemoryIfRoom(s);
                backlog.add(s);
            }
        } catch (IOException e) {
            lastError = "cannot read spool " + spool.dir() + ": " + e.getMessage();
            LOG.warning(lastError);
        }
    }

    private void skip(String where) {
        skipped.incrementAndGet();
        LOG.warning("spool: skipped unreadable record at " + where);
    }

    private void spoolLoop() {
        List<Pending> batch = new ArrayList<>(options.batchSize());
        try {
            while (!(closing && queue.isEmpty())) {
                try {
                    batch.clear();
                    // Unspooled, room is taken before collecting: records wait in the queue, not in a
                    // batch held here, so an import holds two batches (stored, parsed), not three.
                    boolean room = !options.spooled();
                    if (room) unspooledRoom.acquire();
                    try {
                        collect(batch);
                        if (!batch.isEmpty()) room = !spoolBatch(batch);
                    } finally {
                        if (room) unspooledRoom.release();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (RuntimeException e) { // the writer must outlive any single bad batch
                    lastError = e.toString();
                    LOG.log(Level.SEVERE, "ingest writer error", e);
                    batch.forEach(p -> p.done().completeExceptionally(e));
                }
            }
        } finally {
            spoolerDone = true;
        }
    }

    /**
     * Waits up to maxDelay for the first item, then takes what is there, up to the batch size. A batch
     * holding an awaited record closes as soon as the queue is empty: its waiter is answering a client.
     * An unspooled (bulk) writer instead fills its batch until maxDelay or a flush: a batch of at least
     * one DuckDB row group is written straight to the table, a smaller one through the write-ahead log
     * and again at the checkpoint, and a producer busy sorting its next run leaves gaps of milliseconds.
     */
    private void collect(List<Pending> batch) throws InterruptedException {
        Pending first = queue.poll(options.maxDelay().toNanos(), TimeUnit.NANOSECONDS);
        if (first == null) return;
        batch.add(first);
        long deadline = System.nanoTime() + options.maxDelay().toNanos();
        boolean awaited = first.awaited();
        boolean bulk = !options.spooled();
        while (batch.size() < options.batchSize() && !(bulk && flushes(batch.get(batch.size() - 1)))) {
            int from = batch.size();
            if (queue.drainTo(batch, options.batchSize() - batch.size()) > 0) {
                for (int i = from; i < batch.size() && !awaited; i++) awaited = batch.get(i).awaited();
                continue;
            }
            if (awaited) break;
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            Pending p = queue.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(2)), TimeUnit.NANOSECONDS);
            if (p == null && bulk) continue;
            if (p == null) break; // nothing more is coming right now: do not sit on a ready batch
            batch.add(p);
            awaited = p.awaited();
        }
    }

    /** A flush barrier: everything before it is all there is for now. */
    private static boolean flushes(Pending p) {
        return p.event() == null;
    }

    /** Returns whether it queued a segment holding records (an unspooled one then holds the room taken for it). */
    private boolean spoolBatch(List<Pending> batch) {
        List<UsageEvent> events = new ArrayList<>(batch.size());
        List<CompletableFuture<Void>> acks = new ArrayList<>(batch.size());
        List<CompletableFuture<Void>> barriers = new ArrayList<>();
        for (Pending p : batch) {
            if (p.event() == null) {
                barriers.add(p.done());
                continue;
            }
            try {
                events.add(p.event().catalogVersion() == null ? normalize.apply(p.event()) : p.event());
                acks.add(p.done());
            } catch (RuntimeException e) {
                p.done().completeExceptionally(e);
            }
        }
        Segment seg = new Segment(null, List.of());
        if (!events.isEmpty()) {
            if (options.spooled()) {
                try {
                    seg = spooled(events);
                } catch (IOException e) {
                    lastError = "cannot write spool " + spool.dir() + ": " + e.getMessage();
                    acks.forEach(f -> f.completeExceptionally(e));
                    barriers.forEach(f -> f.completeExceptionally(e));
                    return false;
                }
            } else {
                seg = new Segment(null, events);
            }
            accepted.addAndGet(events.size());
            backlogRecords.addAndGet(events.size());
            acks.forEach(f -> f.complete(null));
        }
        seg.barriers.addAll(barriers);
        boolean holdsRoom = !seg.onDisk() && !seg.events.isEmpty();
        if (seg.onDisk()) keepInMemoryIfRoom(seg);
        backlog.add(seg);
        return holdsRoom;
    }

    /** Forces a batch to the spool: a small one into the shared segment, a large one into its own. */
    private Segment spooled(List<UsageEvent> events) throws IOException {
        lines.encode(events);
        Spool.Extent x = SpoolLog.fits(lines) ? log.append(lines) : null;
        return x != null ? new Segment(null, x, events) : new Segment(spool.append(lines), events);
    }

    /** Keeps a spooled segment's records in memory while the backlog held there is short; else the store reads them back. */
    private void keepInMemoryIfRoom(Segment s) {
        if (!roomInMemory(s.events.size())) s.events = null;
        else inMemory.addAndGet(s.events.size());
    }

    /** Whether the backlog held in memory has room for this many more records ({@link #SEGMENTS_KEPT_IN_MEMORY} batches). */
    private boolean roomInMemory(int records) {
        return inMemory.get() + records <= (long) SEGMENTS_KEPT_IN_MEMORY * Math.min(options.batchSize(), BATCH_KEPT_IN_MEMORY);
    }

    // ---------------------------------------------------------------- store stage

    /** Writes spooled segments oldest first; on a store failure backs off and retries the same one. */
    private void storeLoop() {
        // A spooled writer serves a server: its records are safe in the spool, so its store writes (tens
        // of ms of CPU each) may wait for the event loops on a busy machine. An import wants all it can get.
        if (options.spooled()) storeThreadId = ThreadNice.lowerCallingThread(ThreadNice.storeIncrement());
        try {
            storeUntilDone();
        } finally {
            if (bulk != null) bulk.close(); // what no flush committed is dropped; its input is read again
        }
    }

    private void storeUntilDone() {
        long backoffMs = 0;
        while (true) {
            if (spoolerDone && backlog.isEmpty()) return; // also where a give-up dropped the end marker
            Segment s;
            try {
                s = backlog.poll(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (s == endOfBacklog) return;
            if (s == null) continue; // the loop's first line ends it once the spooler is done
            if (gaveUp != null) { // an unspooled writer that gave up drops what still comes, failing its waiters
                drop(s);
                continue;
            }
            List<Segment> run = withFollowers(s);
            try {
                store(run);
                backoffMs = 0;
                unspooledFailures = 0;
            } catch (IOException | RuntimeException e) { // StoreException, or anything a bad batch throws
                for (int i = run.size() - 1; i >= 0; i--) backlog.addFirst(run.get(i));
                lastError = e.getMessage();
                // unspooled: a store that keeps refusing would refuse forever, and a failed one-transaction
                // bulk write took the batches before it along (nothing to try again)
                if (bulk != null && ++unspooledFailures >= (bulk.retriable() ? UNSPOOLED_ATTEMPTS : 1)) {
                    giveUp(e, unspooledFailures);
                    continue;
                }
                if (spoolerDone) { // closing: the spool keeps the rest for the next start
                    failBarriers();
                    return;
                }
                backoffMs = backoffMs == 0 ? 100 : Math.min(backoffMs * 2, 5_000);
                LOG.warning("store unavailable, " + backlogRecords.get() + " records kept in the spool, retry in "
                        + backoffMs + " ms: " + e.getMessage());
                sleepQuietly(backoffMs);
            }
        }
    }

    /**
     * The segment and the ones queued right behind it, up to a batch by their records (those left to
     * the spool are read back for the write): small batches forced one by one for waiting clients
     * reach the store as one write, and so do segments the memory could not hold. (Each such segment
     * once made a write of its own: a periodic gateway under full load spilled its spooler's small
     * batches, and its store then fell behind by hundreds of thousands of records, draining tens a
     * second.) A spooled writer (its records are safe on disk meanwhile) writes at most once per
     * {@link #gapNanos gap}: a store write costs about as much for one record as for thousands (some
     * seventeen statements; on DuckDB 50-70 ms of CPU for 200 records into a 10M-record ledger, about
     * 80 ms for 1,000, measured), and writes back to back took a core at 1,000 requests a second and
     * delayed the gateway's answers. A record after a quiet spell is written at once; a flush, or closing, ends the
     * wait.
     */
    private List<Segment> withFollowers(Segment first) {
        List<Segment> run = new ArrayList<>();
        run.add(first);
        long records = first.records;
        long deadline = lastWriteNanos + gapNanos();
        boolean barrier = !first.barriers.isEmpty();
        while (records < options.batchSize() && !barrier) {
            Segment next = backlog.peekFirst();
            if (next == endOfBacklog) break; // left for the store loop, which ends on it
            if (next == null) {
                long left = deadline - System.nanoTime();
                if (!options.spooled() || closing || left <= 0) break;
                next = waitForSegment(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)));
                if (next == endOfBacklog) {
                    backlog.addFirst(next);
                    break;
                }
                if (next == null) {
                    if (Thread.currentThread().isInterrupted()) break;
                    continue;
                }
            } else if (backlog.pollFirst() != next) { // only this thread takes, but stay safe
                break;
            }
            if (records + next.records > options.batchSize()) {
                backlog.addFirst(next); // for the next write
                break;
            }
            run.add(next);
            records += next.records;
            barrier = !next.barriers.isEmpty();
        }
        return run;
    }

    /** When the last store write ended, and how long it took; the store thread's alone. */
    private long lastWriteNanos;
    private long lastWriteTookNanos;

    /**
     * While records keep coming the store waits this many times its last write's length: it writes a
     * thirtieth of the time at most. A tenth (nine times) still slowed one gateway answer in a hundred
     * by about half a millisecond at 1,000 requests a second on two cores: nine in ten of those over
     * 1 ms were answered while the store or DuckDB's worker was running (scheduler traces).
     */
    static final int WAITS_PER_WRITE = 29;
    private static final long LONGEST_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * The wait between two writes while records keep coming: maxDelay, or longer where the store is
     * slow (a large ledger, a loaded machine): 29 times its last write, up to 1 s, so the store's
     * share of the CPU stays a thirtieth and the gateway's event loops keep the rest. The records
     * are safe in the spool meanwhile; a flush (a budget's refresh, a report beside the server) ends
     * the wait.
     */
    private long gapNanos() {
        long adaptive = Math.min(WAITS_PER_WRITE * lastWriteTookNanos, LONGEST_GAP_NANOS);
        return Math.max(options.maxDelay().toNanos(), adaptive);
    }

    private Segment waitForSegment(long nanos) {
        try {
            return backlog.poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Writes a run of segments in one ledger write, then retires their files and completes their barriers. */
    private void store(List<Segment> run) throws IOException {
        List<UsageEvent> events = new ArrayList<>();
        long fromMemory = 0;
        for (Segment s : run) {
            List<UsageEvent> held = s.events;
            if (held != null) {
                events.addAll(held);
                if (s.onDisk()) fromMemory += held.size();
            } else if (s.extent != null) {
                events.addAll(spool.read(s.extent, this::skip));
            } else {
                events.addAll(spool.read(s.file, this::skip));
            }
        }
        boolean barrier = false;
        for (Segment s : run) barrier |= !s.barriers.isEmpty();
        // the pricer prices again a telemetry record recounted against its saved counter series
        long began = System.nanoTime();
        WriteResult r = events.isEmpty() ? null
                : bulk != null ? bulk.write(events, normalize) : ledger.write(events, normalize);
        if (barrier && bulk != null) bulk.commit(); // a flush: what was written is kept (before it is counted)
        if (r != null) {
            storeWrites.incrementAndGet();
            added.addAndGet(r.added());
            duplicates.addAndGet(r.duplicates());
            superseded.addAndGet(r.superseded());
            backlogRecords.addAndGet(-events.size());
            lastError = null;
            lastWriteNanos = System.nanoTime();
            lastWriteTookNanos = lastWriteNanos - began;
        }
        inMemory.addAndGet(-fromMemory);
        for (Segment s : run) {
            if (s.extent != null) log.stored(s.extent);
            else if (s.file != null) spool.delete(s.file);
            else if (!s.events.isEmpty()) unspooledRoom.release();
        }
        // a flush leaves an empty spool behind when nothing more has come in
        if (barrier && log != null && backlog.isEmpty()) log.retireIfIdle();
        for (Segment s : run) s.barriers.forEach(f -> f.complete(null));
    }

    /**
     * An unspooled writer's input is durable elsewhere (an import re-reads its files from the saved
     * offsets), and a store that failed it several times in a row (a memory cap too small for the
     * batch, a full disk) would fail it forever: it stops, and every waiter learns why.
     */
    private void giveUp(Exception e, int attempts) {
        gaveUp = new StoreException("the store refused a batch" + (attempts > 1 ? " " + attempts + " times" : "")
                + ", giving up: " + e.getMessage(), e);
        LOG.warning(gaveUp.getMessage());
        for (Segment s; (s = backlog.pollFirst()) != null; ) drop(s);
    }

    private void drop(Segment s) {
        if (s == endOfBacklog) return;
        if (s.events != null && !s.events.isEmpty()) {
            backlogRecords.addAndGet(-s.events.size());
            unspooledRoom.release();
        }
        s.barriers.forEach(f -> f.completeExceptionally(gaveUp));
    }

    private void failBarriers() {
        StoreException e = new StoreException(
                "store unavailable; " + backlogRecords.get() + " records stay in the spool for the next start");
        for (Segment s : backlog) s.barriers.forEach(f -> f.completeExceptionally(e));
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
