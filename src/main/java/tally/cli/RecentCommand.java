package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Recent;
import tally.report.RequestList;
import tally.store.RecentRequests;
import tally.store.TopRequest;

import java.util.List;

@Command(name = "recent", description = "The latest requests, newest first, from every source.")
final class RecentCommand implements Runnable {
    @Spec CommandSpec spec;

    @Mixin FilterOptions filters;

    @Option(names = "--limit", defaultValue = "20", paramLabel = "N", description = "How many requests (default 20, at most 10000).")
    int limit;

    @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default table).")
    String format;

    @Option(names = "--after", paramLabel = "MS[:ID]",
            description = "Only records after this point, oldest first: epoch milliseconds, inclusive, or MS:ID, strictly after "
                    + "that record (what 'tally tail' polls with).")
    String after;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        if (limit < 1 || limit > 10_000) throw new UserError("--limit must be between 1 and 10000 (got " + limit + ")");
        String fmt = format.toLowerCase();
        if (!List.of("table", "json", "csv").contains(fmt)) throw new UserError("--format: expected table, json or csv; got '" + format + "'");
        RecentRequests.Cursor cursor = after == null ? null : cursor(after);
        try (Backend b = Backend.openForReading(g)) {
            List<TopRequest> rows = b.call(Ops.RECENT, new Recent.Request(filters.spec(), cursor, limit, g.zone().getId()));
            spec.commandLine().getOut().print(switch (fmt) {
                case "json" -> RequestList.json(rows);
                case "csv" -> RequestList.csv(rows);
                default -> RequestList.table(rows, g.zone());
            });
        }
    }

    static RecentRequests.Cursor cursor(String s) {
        int colon = s.indexOf(':');
        try {
            long ms = Long.parseLong(colon < 0 ? s : s.substring(0, colon));
            return new RecentRequests.Cursor(ms, colon < 0 ? null : s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new UserError("--after: expected epoch milliseconds, optionally :ID; got '" + s + "'");
        }
    }
}
