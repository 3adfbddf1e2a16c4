package tally.cli;

import picocli.CommandLine.Option;
import tally.report.ReportRange;

import java.time.Clock;
import java.time.ZoneId;

/** --days N, or --from/--to: whole local days, shared by the commands that read a range. */
final class RangeOptions {
    @Option(names = "--days", description = "The last N days, today included (default 30).")
    Integer days;

    @Option(names = "--from", paramLabel = "DATE", description = "First day, YYYY-MM-DD.")
    String from;

    @Option(names = "--to", paramLabel = "DATE", description = "Last day, YYYY-MM-DD, included (default today).")
    String to;

    boolean given() {
        return days != null || from != null || to != null;
    }

    ReportRange range(ZoneId zone, Clock clock) {
        return ReportRange.parse(days, from, to, 30, zone, clock);
    }
}
