package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.core.UsageEvent;
import tally.demo.DemoData;
import tally.ingest.IngestWriter;
import tally.report.CostReport;
import tally.report.CostReportWriter;
import tally.report.ReportFormat;
import tally.report.ReportRange;
import tally.store.Dimension;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

// DemoHelp gives --data the default this command writes to (./tally-demo); the other commands keep the option's own
@Command(name = "demo", description = "Write a realistic month for eight developers and print the report.",
        resourceBundle = "tally.cli.DemoHelp")
final class DemoCommand implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--days", defaultValue = "30", description = "How many days of history (default 30).")
    int days;

    @Option(names = "--serve", negatable = true,
            description = "Then serve the dashboard on the demo data until Ctrl-C (default: only when run on a terminal).")
    Boolean serve;

    @Option(names = "--port", defaultValue = "4318", description = "Port for --serve (default 4318).")
    int port;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        if (days < 1 || days > 400) throw new UserError("--days must be between 1 and 400 (got " + days + ")");
        g.defaultDataTo(Path.of("tally-demo"));
        PrintWriter out = spec.commandLine().getOut();
        try (Session s = Session.open(g)) {
            DemoData demo = new DemoData(s.zone(), s.clock, days);
            demo.people().forEach((name, team) -> s.people.add(name, team));
            List<UsageEvent> events = demo.events();
            IngestWriter w = s.writer();
            events.forEach(w::submit);
            if (!w.flush(Duration.ofMinutes(2))) throw new UserError("the store did not take the demo records in time");
            long added = w.stats().added();
            out.printf("Demo: %,d records for %d developers over %d days in %s (%,d new)%n%n", events.size(),
                    demo.people().size(), days, s.store.config().describe(), added);
            ReportRange range = ReportRange.lastDays(days, s.zone(), s.clock);
            out.print(CostReportWriter.render(CostReport.build(s.ledger, range, Dimension.USER, s.clock), ReportFormat.TABLE));
            String where = g.dbUrl() != null ? "" : " --data " + g.dataDir();
            out.println();
            out.println("More: ./tally report" + where + " --by model | --by day | --by team | --format json;  ./tally top" + where);
        }
        if (serve != null ? serve : onTerminal()) serveDashboard(g, out);
    }

    /** Runs `tally serve` on the demo data (loopback only) after printing where the dashboard is. */
    private void serveDashboard(GlobalOptions g, PrintWriter out) {
        out.printf("%nDashboard: http://127.0.0.1:%d/  (Ctrl-C stops the server)%n", port);
        out.flush();
        List<String> args = new java.util.ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--port", String.valueOf(port),
                "--data", g.dataDir().toString()));
        if (g.db != null) args.addAll(List.of("--db", g.db));
        if (g.tz != null) args.addAll(List.of("--tz", g.tz));
        if (g.prices != null) args.addAll(List.of("--prices", g.prices.toString()));
        int code = Main.run(args.toArray(String[]::new), out, spec.commandLine().getErr());
        if (code != 0) throw new UserError("the dashboard server did not start (is port " + port + " taken? try --port)");
    }

    /** Both ends on a terminal: a person watching, not CI or a pipe, so blocking on a server is expected. */
    private static boolean onTerminal() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try { // from Java 22, console() exists even when redirected; isTerminal() tells
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
