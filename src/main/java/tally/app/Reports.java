package tally.app;

import tally.identity.People;
import tally.pricing.PriceCatalog;
import tally.report.CostReport;
import tally.report.CostReportWriter;
import tally.report.ReportFormat;
import tally.report.ReportRange;
import tally.report.ReportedUsage;
import tally.report.SplitReport;
import tally.report.SplitReportWriter;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.ProviderReports;
import tally.store.Store;

import java.time.Clock;
import java.util.function.Supplier;

/** The cost report: by one dimension, optionally split a second way, or Anthropic's own report; rendered as asked. */
public final class Reports {
    /** {@code split} null for a one-way report; {@code reported} for the provider-reported view. */
    public record Request(ReportRange range, String by, String split, String format, Filters filters, boolean reported) {}

    public record Rendered(String text) {}

    private final Store store;
    private final Ledger ledger;
    private final People people;
    private final Supplier<PriceCatalog> catalog;
    private final Clock clock;

    Reports(Store store, Ledger ledger, People people, Supplier<PriceCatalog> catalog, Clock clock) {
        this.store = store;
        this.ledger = ledger;
        this.people = people;
        this.catalog = catalog;
        this.clock = clock;
    }

    /**
     * The use case on a ledger alone, with the bundled prices, for a part built without the whole
     * {@link App} (an embedding process, a test).
     */
    public static Reports onLedger(Ledger ledger, Clock clock) {
        return new Reports(ledger.store(), ledger, new People(ledger.store()), PriceCatalog::bundled, clock);
    }

    /** Cost per developer over a range, with top spenders and the projection (what a scheduled report sends). */
    public CostReport byDeveloper(ReportRange range) {
        return CostReport.build(ledger, range, Dimension.USER, clock);
    }

    public Rendered report(Request r) {
        Fields.required("range", r.range());
        Fields.required("by", r.by());
        Fields.required("format", r.format());
        Dimension dimension = Dimension.parse(r.by());
        ReportFormat fmt = ReportFormat.parse(r.format());
        Dimension second = r.split() == null ? null : splitDimension(r.split());
        Filters filters = r.filters() == null ? Filters.NONE : r.filters();
        if (r.reported() && (second != null || filters.given())) {
            throw new IllegalArgumentException("--reported: Anthropic's report is by user, team, model or day only; no --split or filters");
        }
        if (second != null) {
            return new Rendered(SplitReportWriter.render(SplitReport.build(ledger, r.range(), dimension, second,
                    filters.anyOf(people, catalog)), fmt));
        }
        if (r.reported()) return new Rendered(reported(r.range(), dimension, fmt));
        return new Rendered(CostReportWriter.render(CostReport.build(ledger, r.range(), dimension,
                filters.anyOf(people, catalog), clock), fmt));
    }

    private String reported(ReportRange range, Dimension dimension, ReportFormat fmt) {
        CostReport r = ReportedUsage.build(new ProviderReports(store), people, catalog.get(), range, dimension, clock);
        String text = CostReportWriter.render(r, fmt);
        if (fmt != ReportFormat.TABLE) return text;
        return "As Anthropic reports it (Admin usage report, API keys mapped to people); cost at list price,"
                + " requests not reported.\n" + (r.rows().isEmpty()
                ? "(nothing imported for this range: run 'tally import anthropic --since …')\n" : "") + text;
    }

    private static Dimension splitDimension(String split) {
        try {
            return Dimension.parse(split);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--split: expected one of user, team, model, source, day, hour, week, month; got '"
                    + split + "'");
        }
    }
}
