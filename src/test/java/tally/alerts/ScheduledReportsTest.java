package tally.alerts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.app.Filters;
import tally.app.Reports;
import tally.report.ReportRange;
import tally.store.StoreConfig;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.priced;

class ScheduledReportsTest {
    @TempDir Path dir;

    private static void await(List<CompletableFuture<Void>> sent) throws Exception {
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    }

    @Test
    void aWeeklyReportIsPostedOnceAfterTheWeekEndsWithTheDeveloperTable() throws Exception {
        try (AlertHarness h = new AlertHarness(StoreConfig.embedded(dir), "2026-03-09T00:05:00Z")) {
            h.write(priced("a", "2026-03-03T10:00:00Z", "alice", 4_000_000_000L),
                    priced("b", "2026-03-05T10:00:00Z", "bob", 1_500_000_000L),
                    priced("c", "2026-03-09T00:01:00Z", "carol", 9_000_000_000L)); // next week: not in this report
            ScheduledReports reports = new ScheduledReports(
                    List.of(new ReportSchedule(ReportSchedule.Every.WEEKLY, List.of("slack"))),
                    h.ledger, h.alerts, h.channels, h.clock, ZoneOffset.UTC);

            await(reports.tick());
            assertThat(h.slack.requests).hasSize(1);
            String body = h.slack.requests.get(0).body();
            assertThat(body).contains("2026-03-02", "alice", "bob", "TOTAL", "$5.50", "Projected").doesNotContain("carol");

            h.clock.set("2026-03-09T12:00:00Z");
            await(reports.tick());
            assertThat(h.slack.requests).as("once per period, however often it ticks").hasSize(1);
        }
    }

    @Test
    void aFreshInstallDoesNotSendReportsForPeriodsLongOver() throws Exception {
        try (AlertHarness h = new AlertHarness(StoreConfig.embedded(dir), "2026-03-12T09:00:00Z")) {
            ScheduledReports reports = new ScheduledReports(
                    List.of(new ReportSchedule(ReportSchedule.Every.WEEKLY, List.of("slack"))),
                    h.ledger, h.alerts, h.channels, h.clock, ZoneOffset.UTC);
            await(reports.tick());
            assertThat(h.slack.requests).isEmpty();
        }
    }

    @Test
    void theScheduledReportIsTheReportUseCasesTableForThePeriod() throws Exception {
        try (AlertHarness h = new AlertHarness(StoreConfig.embedded(dir), "2026-03-09T00:05:00Z")) {
            h.write(priced("a", "2026-03-03T10:00:00Z", "alice", 4_000_000_000L),
                    priced("b", "2026-03-05T10:00:00Z", "bob", 1_500_000_000L));
            Reports useCase = Reports.onLedger(h.ledger, h.clock);
            ReportSchedule weekly = new ReportSchedule(ReportSchedule.Every.WEEKLY, List.of("slack"));
            ReportRange week = weekly.lastComplete(h.clock.instant(), ZoneOffset.UTC);
            Notification n = ScheduledReports.report(weekly, week, useCase, h.clock);
            assertThat(n.preformatted())
                    .isEqualTo(useCase.report(new Reports.Request(week, "user", null, "table", Filters.NONE, false)).text())
                    .contains("alice", "bob");
            assertThat(n.text()).isEqualTo("Spent $5.50 over 2 requests by 2 developers.");
        }
    }
}
