package tally.app;

import tally.report.ReportRange;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.UsageQuery;
import tally.store.UsageRow;

/** Requests, tokens and cost over a range, in one row. */
public final class Totals {
    public record Request(ReportRange range) {}

    private final Ledger ledger;

    Totals(Ledger ledger) {
        this.ledger = ledger;
    }

    public UsageRow totals(Request r) {
        Fields.required("range", r.range());
        return ledger.totals(UsageQuery.of(r.range().start(), r.range().end(), Dimension.USER, r.range().zone()));
    }
}
