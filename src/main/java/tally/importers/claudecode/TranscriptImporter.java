package tally.importers.claudecode;

import tally.core.Figures;
import tally.core.UsageEvent;
import tally.importers.Fingerprint;
import tally.importers.ImportSummary;
import tally.importers.Progress;
import tally.importers.SkipLog;
import tally.importers.Skips;
import tally.ingest.IngestStats;
import tally.ingest.RecordSink;
import tally.ingest.ThreadNice;
import tally.pricing.PriceCatalog;
import tally.store.ImportOffsets;
import tally.store.OffsetBook;
import tally.store.StoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code tally import claude-code}: reads transcript files, only the bytes added since the last
 * import, and hands their records to the ingest writer.
 *
 * <p>Files are parsed in parallel but their records reach the writer in path order, so the first
 * copy of a response seen (a fork repeats its parent's lines) is always the same one, as in ccusage.
 * Each file's records pass through a small bounded queue: memory stays constant however large the
 * files. Offsets are saved only once the writer has stored everything read before them.
 */
public final class TranscriptImporter {
    public static final String KIND = "claude-code";
    /** A file written to this recently may still be finishing its last answer. */
    static final Duration STILL_WRITING = Duration.ofMinutes(10);
    private static final int QUEUE = 16;
    /** Records cross from a parser thread in chunks: one queue hand-off (a lock, maybe a wake-up) per chunk, not per record. */
    private static final int CHUNK = 256;
    /**
     * Records are handed to the writer in time-sorted runs of this many: the ledger probes for
     * earlier copies only within the time span of a batch, and files of scattered sessions would
     * otherwise make every batch span the whole history. Bounded, so memory stays constant.
     */
    static final int SORT_RUN = 125_000; // one bulk write's worth (the CLI's writer batch)

    /**
     * The parser threads run at a nice value 5 above the store thread's: the store thread is the
     * import's bottleneck (it writes every record; the parsers wait on it most of the time), and at
     * equal priority it lost the CPU to them on a busy machine. Measured on two cores, 1.5M lines: a
     * cold import 11.4-11.8 s at equal priority, 10.5 s with this (10 gained nothing more).
     * {@code -Dtally.import.parserNice=0} turns it off.
     */
    static final int PARSER_NICE = 5;
    static final String PARSER_NICE_PROPERTY = "tally.import.parserNice";

    private final OffsetBook offsets;
    private final RecordSink writer;
    private final Supplier<PriceCatalog> catalog;
    private final String identity;
    private final Clock clock;
    private final int threads;
    private final SkipLog skipLog;

    public TranscriptImporter(OffsetBook offsets, RecordSink writer, PriceCatalog catalog, String identity, Clock clock) {
        this(offsets, writer, () -> catalog, identity, clock, null);
    }

    /**
     * @param catalog the prices, asked for only once there is something to read: an import with nothing
     *                new (a hook's, run after every session) never reads the catalog
     * @param skipLog where every skipped line goes as it is found, or null (the summary keeps the first few)
     */
    public TranscriptImporter(OffsetBook offsets, RecordSink writer, Supplier<PriceCatalog> catalog, String identity,
                              Clock clock, SkipLog skipLog) {
        this.skipLog = skipLog;
        this.offsets = offsets;
        this.writer = writer;
        this.catalog = catalog;
        this.identity = identity;
        this.clock = clock;
        this.threads = Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    /** What to read of one file: from where, up to which size, and how it looked (for next time). */
    private record Plan(TranscriptFiles.TranscriptFile file, String key, long size, long modifiedNanos, long from,
                        long fromLine, boolean recent, TranscriptFileReader.ReadBefore before) {}

    /** A file's records in chunks, then its result (or failure) as the last item. */
    private static final class Job {
        final Plan plan;
        final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);

        Job(Plan plan) {
            this.plan = plan;
        }
    }

    private record Done(TranscriptFileReader.Result result, String error) {}

    /** What the files read so far add up to, and how far each was read (saved once the store has it all). */
    private static final class Totals {
        long unchanged;
        long lines;
        long folded;
        long ignored;
        /** Files whose last answer waits for its final usage (next run). */
        long held;
        final Skips skips;
        final Map<String, Long> unpriced = new HashMap<>();
        final List<ImportOffsets.Offset> reached = new ArrayList<>();

        Totals(Skips skips) {
            this.skips = skips;
        }

        void add(Plan plan, Done done) {
            if (done.error != null) {
                skips.add(plan.file().path().toString(), plan.fromLine(), done.error);
                return;
            }
            TranscriptFileReader.Result r = done.result;
            lines += r.lines;
            folded += r.folded - r.seenAgain; // read and counted by an earlier import: neither duplicates nor news
            ignored += r.ignored;
            if (r.held) held++;
            skips.addAll(r.skips);
            r.unpriced.forEach((m, n) -> unpriced.merge(m, n, Long::sum));
            try {
                String fp = Fingerprint.stamped(Fingerprint.of(plan.file().path(), plan.size()), plan.modifiedNanos(),
                        r.held);
                reached.add(new ImportOffsets.Offset(plan.key(), plan.size(), r.resumeOffset, r.resumeLine, fp));
            } catch (IOException e) {
                // the file went away after it was read: its records stand, the next import starts over
            }
        }
    }

    /** Plans what to read → reads the files and hands their records on → waits for the store → saves the offsets. */
    public ImportSummary run(List<Path> roots, Progress progress) throws IOException {
        Skips skipped = new Skips(skipLog);
        return importFiles(TranscriptFiles.find(roots, skipped), skipped, progress);
    }

    /** As {@link #run(List, Progress)}, on files already found ({@link TranscriptFiles#startFinding}, with this import's skip log). */
    public ImportSummary run(TranscriptFiles.Search search, Progress progress) throws IOException {
        return importFiles(search.files(), search.skipped(), progress);
    }

    private ImportSummary importFiles(List<TranscriptFiles.TranscriptFile> files, Skips notWalked, Progress progress) {
        Totals totals = new Totals(notWalked.sibling());
        totals.skips.addAll(notWalked);
        List<Plan> plans = plans(files, totals);
        progress.total(plans.size());
        IngestStats before = writer.stats();
        readAll(plans, progress, totals);
        store(totals.reached);
        IngestStats after = writer.stats();
        long added = after.added() - before.added();
        long storeDuplicates = after.duplicates() - before.duplicates();
        // Capped: a session's metric records taken back are superseded too, but no record of ours replaced them one for one.
        long replaced = Math.min(added, after.superseded() - before.superseded());
        return new ImportSummary("Claude Code transcripts", files.size(), totals.unchanged, totals.lines, added,
                totals.folded + storeDuplicates, totals.ignored, totals.skips.count(), totals.skips.first(), totals.unpriced,
                replaced, totals.held);
    }

    /** What to read of each file that changed since the last import; the others are counted as unchanged. */
    private List<Plan> plans(List<TranscriptFiles.TranscriptFile> files, Totals totals) {
        Map<String, ImportOffsets.Offset> known = offsets.load(KIND);
        List<Plan> plans = new ArrayList<>();
        for (TranscriptFiles.TranscriptFile f : files) {
            Plan p = plan(f, known.get(f.path().toString()), totals.skips);
            if (p == null) totals.unchanged++;
            else plans.add(p);
        }
        return plans;
    }

    /** Reads files in parallel, a few ahead of the one being handed on, and hands their records to the writer in path order. */
    private void readAll(List<Plan> plans, Progress progress, Totals totals) {
        if (plans.isEmpty()) return;
        PriceCatalog prices = catalog.get();
        List<UsageEvent> run = new ArrayList<>(SORT_RUN);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(() -> {
                ThreadNice.lowerCallingThread(ThreadNice.increment(PARSER_NICE_PROPERTY, PARSER_NICE));
                r.run();
            }, "tally-import-claude-code");
            t.setDaemon(true);
            return t;
        });
        try {
            // A job (and its queue) exists only from its start until it is drained: 2,000 files
            // otherwise hold 16 MB of empty queues all import long.
            Job[] jobs = new Job[plans.size()];
            int started = 0;
            int ahead = threads * 2;
            for (int i = 0; i < jobs.length; i++) {
                while (started < jobs.length && started <= i + ahead) {
                    Job j = new Job(plans.get(started));
                    jobs[started++] = j;
                    pool.execute(() -> readFile(j, prices));
                }
                Job job = jobs[i];
                jobs[i] = null;
                Done done = drain(job, run);
                progress.update(i + 1, Figures.grouped(totals.lines) + " lines");
                totals.add(job.plan, done);
            }
            submitSorted(run);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Marks the files read up to where they were read, once the store has everything read before that. */
    private void store(List<ImportOffsets.Offset> reached) {
        if (!writer.flush(Duration.ofHours(6))) {
            String why = writer.stats().lastError();
            throw new StoreException("the store did not take the imported records" + (why == null ? "" : ": " + why)
                    + "; nothing was marked as read, so the next import reads them again");
        }
        offsets.save(KIND, reached);
    }

    /**
     * Null when the file has not changed since the last import: the same size and modification time
     * (as the search found them, or one stat; the file is not opened), or the same size and content
     * where it was read.
     */
    private Plan plan(TranscriptFiles.TranscriptFile f, ImportOffsets.Offset last, Skips skips) {
        Path path = f.path();
        String key = path.toString();
        try {
            BasicFileAttributes attrs = f.found() != null ? f.found() : Files.readAttributes(path, BasicFileAttributes.class);
            long size = attrs.size();
            Instant modified = attrs.lastModifiedTime().toInstant();
            long modifiedNanos = modified.getEpochSecond() * 1_000_000_000L + modified.getNano();
            boolean recent = modified.isAfter(clock.instant().minus(STILL_WRITING));
            // A file last read while still being written may end in a held answer (its resume point is
            // before the end): once the file is quiet, that answer is read, though the file never grew.
            boolean settled = last == null || !Fingerprint.held(last.fingerprint()) || recent;
            if (last != null && size == last.size() && settled
                    && Fingerprint.modifiedAt(last.fingerprint(), modifiedNanos)) return null;
            if (last != null && size >= last.size()) {
                String fp = Fingerprint.of(path, last.size());
                if (fp.equals(Fingerprint.content(last.fingerprint()))) {
                    if (size == last.size() && settled) return null;
                    return new Plan(f, key, size, modifiedNanos, last.resumeOffset(), last.resumeLine(), recent,
                            new TranscriptFileReader.ReadBefore(last.size(), Fingerprint.held(last.fingerprint())));
                }
            }
            return new Plan(f, key, size, modifiedNanos, 0, 1, recent, TranscriptFileReader.ReadBefore.NOTHING); // new, truncated or rewritten
        } catch (IOException e) {
            skips.add(key, 0, "cannot read: " + e.getMessage());
            return null;
        }
    }

    private void readFile(Job job, PriceCatalog prices) {
        Plan p = job.plan;
        TranscriptFileReader.FileContext ctx = new TranscriptFileReader.FileContext(p.file().path().toString(), identity,
                p.file().project(), p.file().session(), p.recent(), prices, new Skips(skipLog), p.before());
        Chunks chunks = new Chunks(job);
        Done done;
        try {
            TranscriptFileReader.Result r = TranscriptFileReader.read(p.file().path(), p.from(), p.fromLine(), p.size(), ctx,
                    chunks);
            done = new Done(r, null);
        } catch (IOException | RuntimeException e) {
            done = new Done(null, "cannot read: " + e.getMessage());
        }
        chunks.handOn();
        put(job, done);
    }

    /** Hands a file's records on to its job's queue {@link #CHUNK} at a time. */
    private static final class Chunks implements java.util.function.Consumer<UsageEvent> {
        private final Job job;
        private List<UsageEvent> chunk = new ArrayList<>(CHUNK);

        Chunks(Job job) {
            this.job = job;
        }

        @Override
        public void accept(UsageEvent e) {
            chunk.add(e);
            if (chunk.size() == CHUNK) handOn();
        }

        void handOn() {
            if (chunk.isEmpty()) return;
            put(job, chunk);
            chunk = new ArrayList<>(CHUNK);
        }
    }

    /** A stable sort: copies of one response (same time) keep file order, so the first file's copy wins. */
    private void submitSorted(List<UsageEvent> run) {
        run.sort(java.util.Comparator.comparing(UsageEvent::time));
        for (UsageEvent e : run) writer.submit(e);
        run.clear();
    }

    private static void put(Job job, Object item) {
        try {
            job.queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("import interrupted");
        }
    }

    private Done drain(Job job, List<UsageEvent> run) {
        try {
            while (true) {
                Object o = job.queue.take();
                if (o instanceof Done d) return d;
                for (Object e : (List<?>) o) {
                    run.add((UsageEvent) e);
                    if (run.size() >= SORT_RUN) submitSorted(run);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("import interrupted");
        }
    }
}
