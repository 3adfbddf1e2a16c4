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

/**
 * The latest records, newest first, or those after a (time, id) cursor, oldest first; or those
 * stored after an (arrival, id) cursor, in the order they arrived (what tail polls).
 */
public final class Recent {
    /** Far enough ahead to take in any record, however its source's clock runs. */
    public static final Instant FAR_FUTURE = Instant.ofEpochMilli(Long.MAX_VALUE / 2);

    /** {@code after} null: the latest {@code limit}; else those after it. */
    public record Request(Filters filters, RecentRequests.Cursor after, int limit, String zone) {}

    /** The records stored after {@code after} (its time read as when stored), up to {@code limit}. */
    public record Arrivals(Filters filters, RecentRequests.Cursor after, int limit, String zone) {}

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
        UsageQuery q = query(r.filters(), r.zone());
        RecentRequests recent = new RecentRequests(store);
        return r.after() == null ? recent.latest(q, r.limit()) : recent.after(q, r.after(), r.limit());
    }

    public List<RecentRequests.Arrival> arrivals(Arrivals r) {
        if (r.limit() < 1 || r.limit() > 10_000) throw new IllegalArgumentException("limit must be between 1 and 10000 (got " + r.limit() + ")");
        RecentRequests.Cursor after = Fields.required("after", r.after());
        return new RecentRequests(store).arrivedAfter(query(r.filters(), r.zone()), after, r.limit());
    }

    private UsageQuery query(Filters filters, String zone) {
        Filters f = filters == null ? Filters.NONE : filters;
        return UsageQuery.of(Instant.EPOCH, FAR_FUTURE, Dimension.USER, Fields.zone("zone", zone))
                .withAnyOf(f.anyOf(people, catalog));
    }
}
