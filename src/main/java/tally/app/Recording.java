package tally.app;

import tally.core.Bounds;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.ingest.IngestWriter;
import tally.pricing.PriceCatalog;
import tally.store.Ledger;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Supplier;

/** One usage recorded by hand: priced, written through the ingest writer, stored before the answer. */
public final class Recording {
    /** A manual record; a null {@code id} gets a new one, a known id is stored once. */
    public record Request(String id, Instant time, String user, String team, String requestId, String model,
                          TokenCounts tokens, long webSearches, boolean batch) {}

    /** {@code already}: the id was recorded before and nothing was added. Cost null: the model is unpriced. */
    public record Recorded(boolean already, String id, String model, Long costNanos) {}

    private final Ledger ledger;
    private final Supplier<PriceCatalog> catalog;
    private final Supplier<IngestWriter> writer;
    private final String store;

    Recording(Ledger ledger, Supplier<PriceCatalog> catalog, Supplier<IngestWriter> writer, String store) {
        this.ledger = ledger;
        this.catalog = catalog;
        this.writer = writer;
        this.store = store;
    }

    public Recorded record(Request r) {
        String missing = missing(r);
        if (missing != null) throw new IllegalArgumentException(missing); // whoever calls: never a NullPointerException
        if (r.id() != null && ledger.timeOf(r.id()).isPresent()) return new Recorded(true, r.id(), null, null);
        UsageEvent event = UsageEvent.builder()
                .id(r.id() == null ? "manual-" + UUID.randomUUID() : r.id())
                .time(r.time() == null ? Instant.now() : r.time())
                .source(Source.MANUAL)
                .identity(r.user().trim())
                .team(r.team())
                .requestId(r.requestId())
                .modelId(r.model().trim())
                .tokens(r.tokens())
                .webSearches(r.webSearches())
                .batch(r.batch())
                .build();
        String refused = Bounds.check(event, Instant.now());
        if (refused != null) throw new IllegalArgumentException(refused); // the ledger's bounds, whoever calls
        java.util.Optional<Instant> cut = ledger.retentionHorizon();
        if (cut.isPresent() && event.time().isBefore(cut.get())) { // it would be dropped as pruned history: say so
            throw new IllegalArgumentException("time " + event.time() + " is before the retention cut " + cut.get()
                    + " (tally prune): records older than it are not kept");
        }
        UsageEvent priced = catalog.get().price(event);
        writer.get().submit(event).join();
        if (!writer.get().flush(Duration.ofSeconds(30))) {
            throw new IllegalArgumentException("accepted " + event.id() + " but " + store
                    + " did not take it; it stays in the spool and is written on the next run");
        }
        return new Recorded(false, event.id(), priced.model(), priced.costNanos());
    }

    /** Why the request lacks what every record needs (who, which model, how many tokens), or null. */
    private static String missing(Request r) {
        if (r.user() == null || r.user().isBlank()) return "user must not be empty";
        if (r.model() == null || r.model().isBlank()) return "model must not be empty";
        return r.tokens() == null ? "tokens: required" : null;
    }
}
