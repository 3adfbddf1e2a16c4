package tally.app;

import tally.identity.People;
import tally.report.ActivityReport;
import tally.report.ReportRange;
import tally.store.ActivityLog;
import tally.store.Ledger;
import tally.store.Store;

/** Per developer: telemetry activity beside cost, over a range. */
public final class Activity {
    public record Request(ReportRange range) {}

    private final Store store;
    private final Ledger ledger;
    private final People people;

    Activity(Store store, Ledger ledger, People people) {
        this.store = store;
        this.ledger = ledger;
        this.people = people;
    }

    public ActivityReport report(Request r) {
        Fields.required("range", r.range());
        return ActivityReport.build(ledger, new ActivityLog(store), people, r.range(), null, null);
    }
}
