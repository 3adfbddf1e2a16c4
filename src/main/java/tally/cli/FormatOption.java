package tally.cli;

import picocli.CommandLine.Option;
import tally.report.ReportFormat;

/** --format table|csv|json, shared by the commands whose JSON is rows a CSV can hold. */
final class FormatOption {
    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default table).")
    String format;

    ReportFormat parse() {
        return ReportFormat.parse(format);
    }
}
