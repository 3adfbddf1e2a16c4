package tally.app;

import tally.core.Bounds;
import tally.core.UsageEvent;
import tally.pricing.PriceCatalog;
import tally.store.ImportOffsets;
import tally.store.Ledger;
import tally.store.WriteResult;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The store's side of a file import run elsewhere (the CLI reads and parses the files beside a
 * running server): batches of records written as the import's own writer writes them, and where
 * each file was read up to, saved only after its records are stored.
 */
public final class Imports {
    public static final int MAX_BATCH = 20_000;

    public record Batch(List<UsageEvent> records) {}

    public record OffsetsRequest(String kind) {}

    public record SaveOffsets(String kind, List<ImportOffsets.Offset> offsets) {}

    public record Saved(int files) {}

    private final Ledger ledger;
    private final ImportOffsets offsets;
    private final Supplier<PriceCatalog> catalog;
    private final Clock clock;

    Imports(Ledger ledger, ImportOffsets offsets, Supplier<PriceCatalog> catalog, Clock clock) {
        this.ledger = ledger;
        this.offsets = offsets;
        this.catalog = catalog;
        this.clock = clock;
    }

    /** Stores a batch in one write; a record out of the ledger's bounds refuses the whole batch, naming it. */
    public WriteResult write(Batch b) {
        if (b.records() == null || b.records().isEmpty()) return WriteResult.NONE;
        if (b.records().size() > MAX_BATCH) throw new IllegalArgumentException("at most " + MAX_BATCH + " records a batch (got " + b.records().size() + ")");
        PriceCatalog prices = catalog.get();
        List<UsageEvent> events = new ArrayList<>(b.records().size());
        for (UsageEvent e : b.records()) {
            String why = Bounds.check(e, clock.instant());
            if (why != null) throw new IllegalArgumentException("record " + e.id() + ": " + why);
            events.add(e.catalogVersion() == null ? prices.price(e) : e); // as the ingest writer does
        }
        return ledger.write(events, prices::price);
    }

    public Map<String, ImportOffsets.Offset> offsets(OffsetsRequest r) {
        return offsets.load(kind(r.kind()));
    }

    public Saved save(SaveOffsets r) {
        String kind = kind(r.kind());
        if (r.offsets() == null) return new Saved(0);
        for (int i = 0; i < r.offsets().size(); i++) {
            ImportOffsets.Offset o = Fields.required("offsets[" + i + "]", r.offsets().get(i));
            Fields.required("offsets[" + i + "].path", o.path());
        }
        offsets.save(kind, r.offsets());
        return new Saved(r.offsets() == null ? 0 : r.offsets().size());
    }

    private static String kind(String kind) {
        if (kind == null || kind.isBlank()) throw new IllegalArgumentException("kind is required (claude-code, bedrock)");
        return kind;
    }
}
