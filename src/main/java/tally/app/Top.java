package tally.app;

import tally.report.ReportRange;
import tally.store.Ledger;
import tally.store.TopRequest;

import java.util.List;

/** The most expensive requests of a range. */
public final class Top {
    public record Request(ReportRange range, int limit) {}

    private final Ledger ledger;

    Top(Ledger ledger) {
        this.ledger = ledger;
    }

    public List<TopRequest> top(Request r) {
        Fields.required("range", r.range());
        if (r.limit() < 1 || r.limit() > 10_000) throw new IllegalArgumentException("--limit must be between 1 and 10000 (got " + r.limit() + ")");
        return ledger.top(r.range().start(), r.range().end(), r.limit());
    }
}
