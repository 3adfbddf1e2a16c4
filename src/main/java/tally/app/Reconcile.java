package tally.app;

import tally.importers.anthropic.Reconciliation;
import tally.pricing.PriceCatalog;
import tally.report.ReportRange;
import tally.store.AwsCosts;
import tally.store.ProviderReports;
import tally.store.Store;

import java.time.YearMonth;
import java.util.function.Supplier;

/** Tally's cost against the provider's billed cost of one month. */
public final class Reconcile {
    public record Request(YearMonth month) {}

    private final Store store;
    private final Supplier<PriceCatalog> catalog;

    Reconcile(Store store, Supplier<PriceCatalog> catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    public Reconciliation month(Request r) {
        return Reconciliation.of(new ProviderReports(store), catalog.get(), monthOf(r));
    }

    /** Tally's cost of Bedrock records against the AWS bill (imported with 'tally import aws-costs'). */
    private static YearMonth monthOf(Request r) {
        ReportRange.year("month", Fields.required("month", r.month()).getYear());
        return r.month();
    }

    public Reconciliation aws(Request r) {
        AwsCosts costs = new AwsCosts(store);
        return Reconciliation.between(monthOf(r), costs::ledgerCostByDayModel, costs::costByDayModel, catalog.get());
    }
}
