package tally.cli;

import tally.app.Imports;
import tally.app.Ops;
import tally.core.UsageEvent;
import tally.ingest.IngestStats;
import tally.ingest.RecordSink;
import tally.store.ImportOffsets;
import tally.store.OffsetBook;
import tally.store.WriteResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A file import beside a running server: this process reads and parses the files, the server's
 * store takes the records (in batches, each written before the next is sent) and keeps where each
 * file was read up to, so a second run reads only the new bytes, as it does locally.
 */
final class ServerImport implements RecordSink, OffsetBook {
    /** Records a call: large enough to keep calls few, small enough to keep each request a few MB. */
    static final int BATCH = 5_000;

    private final Backend server;
    private final List<UsageEvent> pending = new ArrayList<>(BATCH);
    private long accepted;
    private WriteResult written = WriteResult.NONE;

    ServerImport(Backend server) {
        this.server = server;
    }

    @Override
    public CompletableFuture<Void> submit(UsageEvent e) {
        pending.add(e);
        accepted++;
        if (pending.size() >= BATCH) send();
        return CompletableFuture.completedFuture(null);
    }

    /** Everything sent is stored once its call returns; a refusal comes out as the server's reason. */
    @Override
    public boolean flush(Duration timeout) {
        send();
        return true;
    }

    @Override
    public IngestStats stats() {
        return new IngestStats(accepted, written.added(), written.duplicates(), written.superseded(), 0, pending.size(), 0, 0, null);
    }

    @Override
    public Map<String, ImportOffsets.Offset> load(String kind) {
        return server.call(Ops.IMPORT_OFFSETS, new Imports.OffsetsRequest(kind));
    }

    @Override
    public void save(String kind, Collection<ImportOffsets.Offset> offsets) {
        if (offsets.isEmpty()) return;
        server.call(Ops.IMPORT_SAVE_OFFSETS, new Imports.SaveOffsets(kind, List.copyOf(offsets)));
    }

    private void send() {
        if (pending.isEmpty()) return;
        written = written.plus(server.call(Ops.IMPORT_WRITE, new Imports.Batch(List.copyOf(pending))));
        pending.clear();
    }
}
