package tally.app;

import tally.pricing.PriceCatalog;
import tally.report.ReportRange;
import tally.store.Ledger;

import java.time.LocalDate;
import java.util.function.Supplier;

/** Prices the stored records of a range again with the current catalog. */
public final class Reprice {
    public record Request(ReportRange range) {}

    public record Repriced(LocalDate from, LocalDate to, String catalogVersion, long changed) {}

    private final Ledger ledger;
    private final Supplier<PriceCatalog> catalog;

    Reprice(Ledger ledger, Supplier<PriceCatalog> catalog) {
        this.ledger = ledger;
        this.catalog = catalog;
    }

    public Repriced reprice(Request r) {
        Fields.required("range", r.range());
        PriceCatalog prices = catalog.get();
        long changed = ledger.reprice(r.range().start(), r.range().end(), prices::price);
        return new Repriced(r.range().from(), r.range().to(), prices.version(), changed);
    }
}
