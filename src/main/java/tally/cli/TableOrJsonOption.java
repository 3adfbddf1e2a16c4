package tally.cli;

import picocli.CommandLine.Option;
import tally.report.ReportFormat;

/** --format table|json, for the commands with no CSV form (their JSON is nested, not rows). */
final class TableOrJsonOption {
    @Option(names = "--format", defaultValue = "table", description = "table or json (default table).")
    String format;

    ReportFormat parse() {
        return switch (format.trim().toLowerCase()) {
            case "table" -> ReportFormat.TABLE;
            case "json" -> ReportFormat.JSON;
            default -> throw new UserError("--format: expected table or json; got '" + format + "'");
        };
    }
}
