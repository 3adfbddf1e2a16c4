package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Ops;
import tally.app.Recent;
import tally.report.ReportRange;
import tally.report.RequestList;
import tally.store.RecentRequests;
import tally.store.TopRequest;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tally tail}: prints records as they land, polling the store by a (time, id) cursor. A
 * record can land stamped a little earlier than one already printed (a long stream is stamped when
 * it started), so each poll looks back {@link #LATE} before the cursor and skips ids it has printed.
 * PostgreSQL is read directly; an embedded store owned by {@code tally serve} is read through the
 * server's REST API (the same use case as {@code tally recent --after}, one call per poll); an embedded store nobody owns
 * is opened for each poll only, so other commands can still write to it in between.
 */
@Command(name = "tail", description = "Follow new requests as they are recorded (like 'aws logs tail --follow'); Ctrl-C stops.")
final class TailCommand implements Runnable {
    /** How far before the cursor each poll looks for records that landed late. */
    static final Duration LATE = Duration.ofMinutes(2);
    private static final int PAGE = 1000;

    @Spec CommandSpec spec;

    @Mixin FilterOptions filters;

    @Option(names = "--since", paramLabel = "DURATION",
            description = "Start this far back, e.g. 10m or 2h, instead of with the next new record.")
    String since;

    /** Longer between polls is not following: `recent` answers that question. */
    static final Duration MAX_INTERVAL = Duration.ofHours(1);

    @Option(names = "--interval", defaultValue = "1s", paramLabel = "DURATION",
            description = "How often to look for new records (default 1s).")
    String interval;

    @Option(names = "--format", defaultValue = "table", description = "table (aligned lines under one header) or jsonl (one JSON object per line).")
    String format;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        boolean jsonl = switch (format.toLowerCase()) {
            case "table" -> false;
            case "jsonl", "json" -> true;
            default -> throw new UserError("--format: expected table or jsonl; got '" + format + "'");
        };
        Duration every = Durations.parse("--interval", interval);
        if (every.compareTo(MAX_INTERVAL) > 0) throw new UserError("--interval must be at most 1h, got " + interval.trim());
        long floor = System.currentTimeMillis() - (since == null ? 0 : back(since).toMillis());
        PrintWriter out = spec.commandLine().getOut();
        if (!jsonl) out.println(RequestList.lineHeader());
        out.flush();
        try (Poller poller = new Poller(g, filters)) {
            Map<String, Long> printed = new HashMap<>();
            long cursor = floor;
            boolean first = true;
            boolean failing = false;
            while (!Thread.currentThread().isInterrupted() && !out.checkError()) {
                List<TopRequest> rows;
                try {
                    rows = poller.since(Math.max(floor, cursor - LATE.toMillis()));
                    if (failing) spec.commandLine().getErr().println("tally: tail: the store answers again");
                    failing = false;
                } catch (tally.store.StoreException | UserError e) {
                    if (first) throw e; // a store that never answered is a mistake in the options, not an outage
                    if (!failing) spec.commandLine().getErr().println("tally: tail: " + e.getMessage() + "; retrying");
                    spec.commandLine().getErr().flush();
                    failing = true;
                    rows = List.of();
                }
                first = false;
                for (TopRequest r : rows) {
                    if (r.time().toEpochMilli() < floor || printed.putIfAbsent(r.id(), r.time().toEpochMilli()) != null) continue;
                    out.println(jsonl ? RequestList.jsonLine(r) : RequestList.line(r, g.zone()));
                    cursor = Math.max(cursor, r.time().toEpochMilli());
                }
                out.flush();
                long keep = cursor - LATE.toMillis();
                printed.values().removeIf(t -> t < keep);
                Thread.sleep(every.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopped: what was printed stands
        }
    }

    /** How far back --since starts: as long as --last may be, so that a typo is not read as the year 1753 (or an overflow). */
    private static Duration back(String since) {
        Duration d = Durations.parse("--since", since);
        if (d.compareTo(Duration.ofDays(ReportRange.MAX_DAYS)) > 0) {
            throw new UserError("--since must be at most " + ReportRange.MAX_DAYS + "d, got " + d.toDays() + " days");
        }
        return d;
    }

    /** Reads the records from a time on, oldest first, wherever the store is. */
    private static final class Poller implements AutoCloseable {
        private final GlobalOptions g;
        private final FilterOptions filters;
        private Backend open; // PostgreSQL only: shared by nature, kept open between polls

        Poller(GlobalOptions g, FilterOptions filters) {
            this.g = g;
            this.filters = filters;
        }

        List<TopRequest> since(long fromMs) {
            List<TopRequest> all = new ArrayList<>();
            RecentRequests.Cursor at = new RecentRequests.Cursor(fromMs, null);
            while (true) {
                List<TopRequest> page = page(at);
                all.addAll(page);
                if (page.size() < PAGE) return all;
                TopRequest last = page.get(page.size() - 1);
                at = new RecentRequests.Cursor(last.time().toEpochMilli(), last.id());
            }
        }

        private List<TopRequest> page(RecentRequests.Cursor at) {
            Recent.Request r = new Recent.Request(filters.spec(), at, PAGE, g.zone().getId());
            if (g.dbUrl() != null) {
                if (open == null) open = Backend.openForReading(g);
                return open.call(Ops.RECENT, r);
            }
            // An embedded store: through the server that owns it, or opened for this poll only.
            try (Backend b = Backend.openForReading(g)) {
                return b.call(Ops.RECENT, r);
            }
        }

        @Override
        public void close() {
            if (open != null) open.close();
        }
    }
}
