package tally.report;

/** How a report is printed. */
public enum ReportFormat {
    TABLE, CSV, JSON;

    public static ReportFormat parse(String s) {
        for (ReportFormat f : values()) {
            if (f.name().equalsIgnoreCase(s)) return f;
        }
        throw new IllegalArgumentException("--format: expected table, csv or json; got '" + s + "'");
    }
}
