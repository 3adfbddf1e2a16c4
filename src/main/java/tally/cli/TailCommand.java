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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tally tail}: prints records as they are stored, polling the store by an (arrival, id)
 * cursor: a record's own time comes from its source (a client's clock, a retried export, an import
 * of last week), so it says nothing about when the record lands. A write can commit a little after
 * it was stamped stored (and writers' clocks differ a little), so each poll looks back {@link #LATE}
 * before the cursor and skips what it has printed. PostgreSQL is read directly; an embedded store
 * owned by {@code tally serve} is read through the server's REST API (one call per poll); an
 * embedded store nobody owns is opened for each poll only, so other commands can still write to it
 * in between.
 */
@Command(name = "tail", description = "Follow new requests as they are recorded (like 'aws logs tail --follow'); Ctrl-C stops.")
final class TailCommand implements Runnable {
    /** How far before the cursor each poll looks for records stored before it but committed after. */
    static final Duration LATE = Duration.ofMinutes(2);
    private static final int PAGE = 1000;

    @Spec CommandSpec spec;

    @Mixin FilterOptions filters;

    @Option(names = "--since", paramLabel = "DURATION",
            description = "Start with the records stored this far back, e.g. 10m or 2h, instead of with the next new record.")
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
            follow(poller, floor, every, jsonl, g, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopped: what was printed stands
        }
    }

    /** Polls until stopped, printing each record stored from {@code floor} on once (again if it is stored again). */
    private void follow(Poller poller, long floor, Duration every, boolean jsonl, GlobalOptions g, PrintWriter out) throws InterruptedException {
        Map<String, Long> printed = new HashMap<>(); // id and arrival → arrival
        long cursor = floor;
        boolean first = true;
        boolean failing = false;
        while (!Thread.currentThread().isInterrupted() && !out.checkError()) {
            List<RecentRequests.Arrival> rows;
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
            for (RecentRequests.Arrival a : inPrintOrder(rows)) {
                if (printed.putIfAbsent(a.request().id() + "@" + a.storedMs(), a.storedMs()) != null) continue;
                TopRequest r = a.request();
                out.println(jsonl ? RequestList.jsonLine(r) : RequestList.line(r, g.zone()));
                cursor = Math.max(cursor, a.storedMs());
            }
            out.flush();
            long keep = cursor - LATE.toMillis();
            printed.values().removeIf(t -> t < keep);
            Thread.sleep(every.toMillis());
        }
    }

    /** Records stored together (one batch shares its arrival) in their own time order. */
    private static List<RecentRequests.Arrival> inPrintOrder(List<RecentRequests.Arrival> rows) {
        List<RecentRequests.Arrival> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(RecentRequests.Arrival::storedMs)
                .thenComparing(a -> a.request().time()).thenComparing(a -> a.request().id()));
        return sorted;
    }

    /** How far back --since starts: as long as --last may be, so that a typo is not read as the year 1753 (or an overflow). */
    private static Duration back(String since) {
        Duration d = Durations.parse("--since", since);
        if (d.compareTo(Duration.ofDays(ReportRange.MAX_DAYS)) > 0) {
            throw new UserError("--since must be at most " + ReportRange.MAX_DAYS + "d, got " + d.toDays() + " days");
        }
        return d;
    }

    /** Reads the records stored from a time on, in arrival order, wherever the store is. */
    private static final class Poller implements AutoCloseable {
        private final GlobalOptions g;
        private final FilterOptions filters;
        private Backend open; // PostgreSQL only: shared by nature, kept open between polls

        Poller(GlobalOptions g, FilterOptions filters) {
            this.g = g;
            this.filters = filters;
        }

        List<RecentRequests.Arrival> since(long fromMs) {
            List<RecentRequests.Arrival> all = new ArrayList<>();
            RecentRequests.Cursor at = new RecentRequests.Cursor(fromMs, null);
            while (true) {
                List<RecentRequests.Arrival> page = page(at);
                all.addAll(page);
                if (page.size() < PAGE) return all;
                RecentRequests.Arrival last = page.get(page.size() - 1);
                at = new RecentRequests.Cursor(last.storedMs(), last.request().id());
            }
        }

        private List<RecentRequests.Arrival> page(RecentRequests.Cursor at) {
            Recent.Arrivals r = new Recent.Arrivals(filters.spec(), at, PAGE, g.zone().getId());
            if (g.dbUrl() != null) {
                if (open == null) open = Backend.openForReading(g);
                return open.call(Ops.ARRIVALS, r);
            }
            // An embedded store: through the server that owns it, or opened for this poll only.
            try (Backend b = Backend.openForReading(g)) {
                return b.call(Ops.ARRIVALS, r);
            }
        }

        @Override
        public void close() {
            if (open != null) open.close();
        }
    }
}
