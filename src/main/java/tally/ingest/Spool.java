package tally.ingest;

import tally.core.UsageEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Records accepted but not yet in the store, on disk: JSON-lines segments, forced to the device
 * before a batch counts as accepted (or, as {@link Sync} allows, soon after), deleted once the
 * store has them. A large batch gets a segment of its own ({@link #append}); small ones share a
 * preallocated segment ({@link SpoolLog}), whose unwritten tail is zero bytes: reading stops at the
 * first. Whatever is here at start-up is replayed; record ids make that replay exactly-once.
 */
public final class Spool {
    private static final String SUFFIX = ".jsonl";

    /**
     * When a batch in the shared segment counts as accepted. {@code ALWAYS}: once forced to the device,
     * so it survives a power loss too. {@code PERIODIC}: once written to the file, which survives the
     * process ({@code kill -9}, a restart) but not the machine; the file is forced every
     * {@link #PERIODIC_FORCE} in the background, so a power loss may cost that much of the latest
     * records. An answer held for the record then waits microseconds, not a disk flush.
     */
    public enum Sync { ALWAYS, PERIODIC }

    /** How often a {@link Sync#PERIODIC} spool forces what was written to it. */
    public static final java.time.Duration PERIODIC_FORCE = java.time.Duration.ofMillis(100);

    private final Path dir;
    private final Sync sync;
    private final String prefix;
    private final AtomicLong seq = new AtomicLong();

    public Spool(Path dir) {
        this(dir, Sync.ALWAYS);
    }

    public Spool(Path dir, Sync sync) {
        this.dir = dir;
        this.sync = sync;
        this.prefix = "-" + ProcessHandle.current().pid() + "-";
        try {
            tally.store.OwnerOnly.directories(dir);
            tally.store.OwnerOnly.restrict(dir); // records wait here: the owner's alone
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot create spool directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    Sync sync() {
        return sync;
    }

    /** A batch's place in a shared segment: {@code length} bytes from {@code offset}. */
    public record Extent(Path file, long offset, int length) {}

    /** Writes and forces one segment; returns its path. Names sort in write order. */
    public Path append(List<UsageEvent> events) throws IOException {
        Lines lines = new Lines();
        lines.encode(events);
        return append(lines);
    }

    /** Writes and forces one segment holding these encoded lines. */
    Path append(Lines lines) throws IOException {
        Path file = nextSegment();
        try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                tally.store.OwnerOnly.file())) {
            writeFully(ch, lines, 0);
            ch.force(false);
        }
        return file;
    }

    /** The next segment's name: names sort in write order. */
    Path nextSegment() {
        return dir.resolve(String.format("%013d%s%08d%s", System.currentTimeMillis(), prefix, seq.incrementAndGet(), SUFFIX));
    }

    /** A name for a preallocated segment not yet in use; it ends in {@link #SPARE}, so nothing replays it. */
    Path nextSpare() {
        return dir.resolve("spare" + prefix + seq.incrementAndGet() + SPARE);
    }

    static final String SPARE = ".spare";

    /** Spare segments left by processes that are gone: nothing in them, only their space to give back. */
    void deleteDeadSpares() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SPARE)) {
            for (Path p : ds) {
                long pid = writerPid(p);
                if (pid > 0 && pid != ProcessHandle.current().pid()
                        && !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) delete(p);
            }
        }
    }

    /** Forces the directory, so a segment's name survives a crash as its contents do. */
    void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /**
     * A batch's events as the spool's lines (one JSON object and a newline each), in a buffer its one
     * writer thread reuses for the next batch and written to the file from where they were encoded: no
     * array sized up front and no copy (those were 1.2 of the spooler's 3.2 CPU-s for a million
     * records in 50,000-record batches).
     */
    static final class Lines extends java.io.ByteArrayOutputStream {
        /** Replaces what it holds with these events' lines. */
        void encode(List<UsageEvent> events) throws IOException {
            reset();
            EventCodec.writeLines(events, this);
        }

        int length() {
            return count;
        }

        java.nio.ByteBuffer bytes() {
            return java.nio.ByteBuffer.wrap(buf, 0, count);
        }
    }

    static void writeFully(FileChannel ch, Lines lines, long at) throws IOException {
        java.nio.ByteBuffer b = lines.bytes();
        while (b.hasRemaining()) at += ch.write(b, at);
    }

    /** Segments present now, oldest first. */
    public List<Path> segments() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            ds.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    /**
     * Segments no live process is still holding: ours from a crashed run, or any left by a process
     * that is gone. A live writer's segment may be mid-write, and it will store that segment itself.
     */
    public List<Path> orphans() throws IOException {
        long self = ProcessHandle.current().pid();
        List<Path> out = new ArrayList<>();
        for (Path p : segments()) {
            long pid = writerPid(p);
            if (pid < 0 || pid == self || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
                out.add(p);
            }
        }
        return out;
    }

    private static long writerPid(Path segment) {
        String[] parts = segment.getFileName().toString().split("-");
        try {
            return parts.length >= 3 ? Long.parseLong(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Reads a segment, up to its first zero byte (a preallocated segment's unwritten tail). A line
     * cut short (a crash mid-write, before the batch was accepted) or otherwise unreadable is
     * reported to {@code skipped} with file and line, never thrown.
     */
    public List<UsageEvent> read(Path segment, Consumer<String> skipped) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(segment, StandardCharsets.UTF_8)) {
            return read(r, segment, skipped);
        } catch (NoSuchFileException gone) {
            return new ArrayList<>(); // replayed and deleted by another process meanwhile
        }
    }

    /** Reads one batch of a shared segment. */
    List<UsageEvent> read(Extent x, Consumer<String> skipped) throws IOException {
        byte[] bytes = new byte[x.length()];
        try (FileChannel ch = FileChannel.open(x.file(), StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(bytes);
            for (long at = x.offset(); b.hasRemaining(); ) {
                int n = ch.read(b, at);
                if (n < 0) break;
                at += n;
            }
        }
        return read(new BufferedReader(new java.io.StringReader(new String(bytes, StandardCharsets.UTF_8))), x.file(), skipped);
    }

    private static List<UsageEvent> read(BufferedReader r, Path segment, Consumer<String> skipped) throws IOException {
        List<UsageEvent> out = new ArrayList<>();
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            int zero = line.indexOf('\0');
            if (zero >= 0) line = line.substring(0, zero);
            if (!line.isBlank()) {
                try {
                    out.add(EventCodec.read(line));
                } catch (IllegalArgumentException e) {
                    skipped.accept(segment.getFileName() + ":" + n + ": " + e.getMessage());
                }
            }
            if (zero >= 0) break; // the rest was never written
        }
        return out;
    }

    public void delete(Path segment) {
        try {
            Files.deleteIfExists(segment);
        } catch (IOException ignored) {
            // a leftover segment is replayed next start; ids make that harmless
        }
    }

    /** Bytes of records waiting on disk (a preallocated segment's zero tail not counted); for the operator's gauges. */
    public long bytes() {
        long total = 0;
        try {
            for (Path p : segments()) total += written(p);
        } catch (IOException ignored) {
            // best effort gauge
        }
        return total;
    }

    /**
     * Where a segment's records end: its size, or the first byte of its zero tail, found by bisection
     * (records never contain a zero byte, and a tail is zeros to the end).
     */
    private static long written(Path segment) {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ)) {
            long lo = 0, hi = ch.size();
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            while (lo < hi) {
                long mid = (lo + hi) >>> 1;
                one.clear();
                boolean zero = ch.read(one, mid) == 1 && one.get(0) == 0;
                if (zero) hi = mid;
                else lo = mid + 1;
            }
            return lo;
        } catch (IOException gone) {
            return 0;
        }
    }
}
