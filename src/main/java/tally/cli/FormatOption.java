package tally.cli;

import picocli.CommandLine.Option;
import tally.report.ReportFormat;

/** --format table|json, shared by the commands that print a table or its JSON. */
final class FormatOption {
    @Option(names = "--format", defaultValue = "table", description = "table or json (default table).")
    String format;

    ReportFormat parse() {
        return ReportFormat.parse(format);
    }

    /** For commands with no CSV form. */
    ReportFormat tableOrJson() {
        ReportFormat f = parse();
        if (f == ReportFormat.CSV) throw new UserError("--format: expected table or json");
        return f;
    }
}
