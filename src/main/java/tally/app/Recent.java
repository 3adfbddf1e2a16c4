package tally.app;

import tally.identity.People;
import tally.pricing.PriceCatalog;
import tally.store.Dimension;
import tally.store.RecentRequests;
import tally.store.Store;
import tally.store.TopRequest;
import tally.store.UsageQuery;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Supplier;

/** The latest records, newest first, or those after a (time, id) cursor, oldest first (what tail polls). */
public final class Recent {
    /** Far enough ahead to take in any record, however its source's clock runs. */
    public static final Instant FAR_FUTURE = Instant.ofEpochMilli(Long.MAX_VALUE / 2);

    /** {@code after} null: the latest {@code limit}; else those after it. */
    public record Request(Filters filters, RecentRequests.Cursor after, int limit, String zone) {}

    private final Store store;
    private final People people;
    private final Supplier<PriceCatalog> catalog;

    Recent(Store store, People people, Supplier<PriceCatalog> catalog) {
        this.store = store;
        this.people = people;
        this.catalog = catalog;
    }

    public List<TopRequest> list(Request r) {
        if (r.limit() < 1 || r.limit() > 10_000) throw new IllegalArgumentException("--limit must be between 1 and 10000 (got " + r.limit() + ")");
        Filters f = r.filters() == null ? Filters.NONE : r.filters();
        UsageQuery q = UsageQuery.of(Instant.EPOCH, FAR_FUTURE, Dimension.USER, Fields.zone("zone", r.zone()))
                .withAnyOf(f.anyOf(people, catalog));
        RecentRequests recent = new RecentRequests(store);
        return r.after() == null ? recent.latest(q, r.limit()) : recent.after(q, r.after(), r.limit());
    }
}
