package tally.alerts;

import tally.app.Reports;
import tally.report.CostReport;
import tally.report.CostReportWriter;
import tally.report.ReportFormat;
import tally.report.ReportRange;
import tally.store.Ledger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends each schedule's report once its period is over: the per-developer table, top spenders and
 * the projection, as {@code tally report} prints them. Sent periods are recorded, so a restart
 * neither repeats one nor, within a day of the period's end, misses one; a fresh install does not
 * send old reports.
 */
public final class ScheduledReports {
    private final List<ReportSchedule> schedules;
    private final Reports reports;
    private final AlertStore store;
    private final Channels channels;
    private final Clock clock;
    private final ZoneId zone;

    /** @param reports the report use case the CLI and the REST API call too */
    public ScheduledReports(List<ReportSchedule> schedules, Reports reports, AlertStore store, Channels channels, Clock clock, ZoneId zone) {
        this.schedules = schedules;
        this.reports = reports;
        this.store = store;
        this.channels = channels;
        this.clock = clock;
        this.zone = zone;
    }

    /** On a ledger alone (the report use case built on it). */
    public ScheduledReports(List<ReportSchedule> schedules, Ledger ledger, AlertStore store, Channels channels, Clock clock, ZoneId zone) {
        this(schedules, Reports.onLedger(ledger, clock), store, channels, clock, zone);
    }

    public synchronized List<CompletableFuture<Void>> tick() {
        Instant now = clock.instant();
        List<CompletableFuture<Void>> out = new java.util.ArrayList<>();
        for (ReportSchedule s : schedules) {
            ReportRange range = s.lastComplete(now, zone);
            String period = range.from().toString();
            if (Duration.between(range.end(), now).compareTo(Duration.ofDays(1)) > 0) continue;
            if (store.reportSent(s.id(), period)) continue;
            store.markReportSent(s.id(), period, now.toEpochMilli());
            out.add(channels.deliver(report(s, range, clock), s.channels()));
        }
        return out;
    }

    static Notification report(ReportSchedule s, ReportRange range, Reports reports, Clock clock) {
        CostReport r = reports.byDeveloper(range);
        String title = "Tally " + s.label(range);
        String text = "Spent " + Wording.dollars(r.total().costNanos()) + " over " + Wording.count(r.total().requests())
                + " requests by " + r.rows().size() + (r.rows().size() == 1 ? " developer" : " developers") + ".";
        return new Notification(Notification.Type.REPORT, "report:" + s.every().name().toLowerCase(), title, text, Map.of(),
                clock.instant(), CostReportWriter.render(r, ReportFormat.TABLE));
    }

    private Notification report(ReportSchedule s, ReportRange range, Clock clock) {
        return report(s, range, reports, clock);
    }
}
