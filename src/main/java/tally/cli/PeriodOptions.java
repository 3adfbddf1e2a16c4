package tally.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tally.report.ReportRange;

import java.time.Clock;
import java.time.ZoneId;

/** --month, --last, or --days/--from/--to: one of them, for the commands that take any of these periods. */
final class PeriodOptions {
    @Mixin RangeOptions when;

    @Option(names = "--month", paramLabel = "YYYY-MM|this|last",
            description = "One calendar month: YYYY-MM, 'this' (the current month) or 'last' (the previous one).")
    String month;

    @Option(names = "--last", paramLabel = "DURATION",
            description = "A rolling window that ends now, e.g. 90m, 24h or 7d (cut at 15-minute boundaries), instead of whole days.")
    String last;

    ReportRange range(ZoneId zone, Clock clock) {
        int given = (month != null ? 1 : 0) + (last != null ? 1 : 0) + (when.given() ? 1 : 0);
        if (given > 1) throw new UserError("give one of --month, --last or --days/--from/--to");
        if (month != null) return ReportRange.month(month, zone, clock);
        if (last != null) return ReportRange.rolling(Durations.parse("--last", last), zone, clock);
        return when.range(zone, clock);
    }
}
