package tally.ingest;

import tally.core.UsageEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
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
 * Records accepted but not yet in the store, on disk: one JSON-lines segment per batch, forced to
 * the device before the batch counts as accepted, deleted once the store has it. Whatever is here
 * at start-up is replayed; record ids make that replay exactly-once.
 */
public final class Spool {
    private static final String SUFFIX = ".jsonl";

    private final Path dir;
    private final String prefix;
    private final AtomicLong seq = new AtomicLong();

    public Spool(Path dir) {
        this.dir = dir;
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

    /** Writes and forces one segment; returns its path. Names sort in write order. */
    public Path append(List<UsageEvent> events) throws IOException {
        Path file = dir.resolve(String.format("%013d%s%08d%s", System.currentTimeMillis(), prefix, seq.incrementAndGet(), SUFFIX));
        try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                tally.store.OwnerOnly.file())) {
            Writer w = Channels.newWriter(ch, StandardCharsets.UTF_8);
            for (UsageEvent e : events) {
                EventCodec.write(e, w);
                w.write('\n');
            }
            w.flush();
            ch.force(false);
        }
        return file;
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
     * Reads a segment. A line cut short (a crash mid-write, before the batch was accepted) or
     * otherwise unreadable is reported to {@code skipped} with file and line, never thrown.
     */
    public List<UsageEvent> read(Path segment, Consumer<String> skipped) throws IOException {
        List<UsageEvent> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(segment, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                try {
                    out.add(EventCodec.read(line));
                } catch (IllegalArgumentException e) {
                    skipped.accept(segment.getFileName() + ":" + n + ": " + e.getMessage());
                }
            }
        } catch (NoSuchFileException gone) {
            // replayed and deleted by another process meanwhile
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

    /** Records waiting on disk, counted by lines; for the operator's gauges. */
    public long bytes() {
        long total = 0;
        try {
            for (Path p : segments()) total += Files.size(p);
        } catch (IOException ignored) {
            // best effort gauge
        }
        return total;
    }
}
