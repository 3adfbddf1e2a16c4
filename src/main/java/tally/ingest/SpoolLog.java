package tally.ingest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Small batches appended to one shared, preallocated spool segment. Forcing a batch written over
 * blocks the file already has is a plain data flush; a new file per batch costs a journal commit
 * for its creation, its size and later its deletion, many times slower on a busy disk. So the next
 * segment is zero-filled ahead of time on a thread of its own, and taken into use by a rename when
 * the current one is full. A segment is deleted once the store has every batch in it and nothing
 * more will be written to it.
 */
final class SpoolLog implements AutoCloseable {
    /** Segment size; a batch of more than a quarter of it gets a segment of its own instead. */
    static final int SEGMENT_BYTES = 4 << 20;

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(SpoolLog.class.getName());

    private final Spool spool;
    private final ExecutorService preparer;
    /** A {@link Spool.Sync#PERIODIC} spool's background flush; null when every batch is forced as written. */
    private final java.util.concurrent.ScheduledExecutorService forcer;
    /** Whether the active segment holds bytes written since it was last forced (periodic only). */
    private final java.util.concurrent.atomic.AtomicBoolean unforced = new java.util.concurrent.atomic.AtomicBoolean();
    private Future<Path> spare;
    private volatile FileChannel active; // read by the forcer
    private Path activePath;
    private long position;
    /** Batches not yet in the store, by segment; a segment leaves the map when it is deleted. */
    private final Map<Path, Integer> unstored = new HashMap<>();
    /** Segments nothing more will be written to. */
    private final Set<Path> sealed = new HashSet<>();

    SpoolLog(Spool spool) {
        this.spool = spool;
        this.preparer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tally-spool-prepare");
            t.setDaemon(true);
            return t;
        });
        this.forcer = spool.sync() == Spool.Sync.ALWAYS ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-spool-force");
            t.setDaemon(true);
            return t;
        });
        if (forcer != null) {
            long every = Spool.PERIODIC_FORCE.toMillis();
            forcer.scheduleWithFixedDelay(this::forceWritten, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** Whether a batch is forced in the background after {@link #append} returns, not before. */
    boolean forcesLater() {
        return forcer != null;
    }

    static boolean fits(Spool.Lines lines) {
        return lines.length() <= SEGMENT_BYTES / 4;
    }

    /**
     * Appends and forces a batch's lines; once this returns they survive a crash (of the process only,
     * for a {@link Spool.Sync#PERIODIC} spool, until its next background force). Null while the
     * first segment is still being prepared (the caller writes a segment of its own meanwhile): a
     * one-off command never waits for, nor leaves behind, a preallocated segment.
     */
    Spool.Extent append(Spool.Lines lines) throws IOException {
        return append(lines, true);
    }

    /**
     * {@link #append(Spool.Lines)}; with {@code mayWait} false (an event loop writing its own record)
     * also null where the next segment is not prepared yet, instead of waiting for it.
     */
    synchronized Spool.Extent append(Spool.Lines lines, boolean mayWait) throws IOException {
        if (active == null || position + lines.length() > SEGMENT_BYTES) {
            if (spare == null) spare = preparer.submit(this::preallocate);
            if ((active == null || !mayWait) && !spare.isDone()) return null;
            rotate();
        }
        Spool.writeFully(active, lines, position);
        if (forcer == null) active.force(false);
        else unforced.set(true);
        Spool.Extent x = new Spool.Extent(activePath, position, lines.length());
        position += lines.length();
        unstored.merge(activePath, 1, Integer::sum);
        return x;
    }

    /** The store has this batch: its segment goes once it is sealed and holds nothing else. */
    synchronized void stored(Spool.Extent x) {
        Integer left = unstored.computeIfPresent(x.file(), (p, n) -> n - 1);
        if (left != null && left == 0 && sealed.contains(x.file())) drop(x.file());
    }

    /**
     * Everything written is stored: the current segment is deleted now rather than at the next
     * rotation, so an idle spool is an empty directory (the next batch takes the spare).
     */
    synchronized void retireIfIdle() {
        if (active == null || unstored.getOrDefault(activePath, 0) > 0) return;
        closeActive(false);
        drop(activePath);
        active = null;
        activePath = null;
    }

    private void rotate() throws IOException {
        if (active != null) {
            boolean kept = unstored.getOrDefault(activePath, 0) > 0;
            closeActive(kept);
            sealed.add(activePath);
            if (!kept) drop(activePath);
        }
        Path fresh = takeSpare();
        Path named = spool.nextSegment();
        Files.move(fresh, named, StandardCopyOption.ATOMIC_MOVE);
        // the name must survive a power loss as the records in it will: periodic, as they will (soon after)
        if (forcer == null) spool.forceDirectory();
        else forcer.execute(() -> forced(spool::forceDirectory));
        active = FileChannel.open(named, StandardOpenOption.WRITE);
        activePath = named;
        position = 0;
        unstored.put(named, 0);
        spare = preparer.submit(this::preallocate);
    }

    /** The spare prepared in the background, or one made now if that failed. */
    private Path takeSpare() throws IOException {
        try {
            return spare.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while preparing a spool segment", e);
        } catch (java.util.concurrent.ExecutionException e) {
            return preallocate();
        }
    }

    /** A segment-sized file of zeros, forced, so writes into it never change its size or blocks. */
    private Path preallocate() throws IOException {
        Path p = spool.nextSpare();
        try (FileChannel ch = FileChannel.open(p, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                tally.store.OwnerOnly.file())) {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 16);
            for (long at = 0; at < SEGMENT_BYTES; ) {
                zeros.clear();
                at += ch.write(zeros, at);
            }
            ch.force(true);
        }
        return p;
    }

    /** The periodic force: whatever was written since the last one goes to the device. */
    private void forceWritten() {
        if (!unforced.getAndSet(false)) return;
        FileChannel ch = active;
        if (ch != null && !forced(() -> ch.force(false))) unforced.set(true); // the next time, then
    }

    /** A force of the forcer's; the device's or the file system's part that may fail. */
    private interface DeviceWork {
        void run() throws IOException;
    }

    /**
     * Runs a force on the forcer's thread; false if it failed. A failure is logged once until a force
     * succeeds (a failing device would otherwise be logged ten times a second). A channel closed
     * meanwhile is no failure: a rotation forced it as it closed.
     */
    private boolean forced(DeviceWork work) {
        try {
            work.run();
            forceFailing = false;
            return true;
        } catch (java.nio.channels.ClosedChannelException e) {
            return false;
        } catch (IOException e) {
            if (!forceFailing) LOG.warning("spool: cannot force " + spool.dir() + " (logged once until it can): " + e.getMessage());
            forceFailing = true;
            return false;
        }
    }

    /** The forcer's alone: whether its last force failed. */
    private boolean forceFailing;

    /**
     * Closes the current segment. One whose records a periodic spool still needs ({@code kept}) is
     * forced first, on the forcer's thread: the caller may be an event loop, which must not wait for
     * the device.
     */
    private void closeActive(boolean kept) {
        FileChannel ch = active;
        if (forcer != null && kept) {
            forcer.execute(() -> {
                forced(() -> ch.force(false));
                closeQuietly(ch);
            });
        } else {
            closeQuietly(ch); // everything in it was forced already, or nothing in it is needed
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more will be written to it
        }
    }

    private void drop(Path segment) {
        unstored.remove(segment);
        sealed.remove(segment);
        spool.delete(segment);
    }

    /** Stops preparing; removes the spare, and the current segment if the store has all of it. */
    @Override
    public synchronized void close() {
        retireIfIdle();
        if (active != null) closeActive(true);
        if (forcer != null) { // runs the forces queued, not the periodic one; not interrupted: that would close a channel under its force
            forcer.shutdown();
            try {
                forcer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        preparer.shutdown();
        try {
            preparer.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            if (spare != null && spare.isDone()) spool.delete(spare.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException ignored) {
            // no spare was made
        }
    }
}
