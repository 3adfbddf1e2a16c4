package tally.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tally.app.Export;
import tally.app.Ops;
import tally.core.Nanos;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.ingest.EventCodec;
import tally.report.ReportRange;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

@Command(name = "export", description = "The ledger, one row per usage record, as CSV or JSON Lines.")
final class ExportCommand implements Runnable {
    static final String CSV_HEADER = "id,time,source,provider,identity,team,project,session_id,request_id,model,model_id,"
            + "input_tokens,cache_write_5m_tokens,cache_write_1h_tokens,cache_read_tokens,output_tokens,web_searches,"
            + "batch,fast,cost_usd,catalog_version,latency_ms,status,cost_nanos," // cost_nanos: the exact cost, as in JSON Lines
            + "region,inference_geo"; // added last, so the columns before keep their places

    /** Records a call: the ledger is read a page at a time, here or from a running server. */
    private static final int PAGE = 20_000;

    @Spec CommandSpec spec;

    @Option(names = "--format", defaultValue = "csv", description = "csv or jsonl (default csv).")
    String format;

    @Option(names = "--from", paramLabel = "DATE", description = "First day, YYYY-MM-DD (default: the first record).")
    String from;

    @Option(names = "--to", paramLabel = "DATE", description = "Last day, YYYY-MM-DD, included (default: the last record).")
    String to;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of the terminal.")
    Path out;

    @Override
    public void run() {
        GlobalOptions g = GlobalOptions.of(spec);
        boolean csv = switch (format.toLowerCase()) {
            case "csv" -> true;
            case "jsonl", "json-lines", "ndjson" -> false;
            default -> throw new UserError("--format: expected csv or jsonl; got '" + format + "'");
        };
        Instant lo;
        Instant hi;
        if (from != null && to != null) { // at most 3660 days, refused as report, top and totals refuse it
            ReportRange range = ReportRange.parse(null, from, to, 1, g.zone(), Clock.systemUTC());
            lo = range.start();
            hi = range.end();
        } else {
            lo = from == null ? Instant.EPOCH : ReportRange.day("--from", from, g.zone()).start();
            hi = to == null ? Instant.ofEpochMilli(Long.MAX_VALUE / 2) : ReportRange.day("--to", to, g.zone()).end();
        }
        if (!hi.isAfter(lo)) throw new UserError("--from " + from + " is after --to " + to);
        try (Backend b = Backend.openForReading(g)) {
            Writer w = open();
            try {
                if (csv) w.write(CSV_HEADER + "\n");
                long n = 0;
                for (Instant next = lo; next != null; ) {
                    Export.Page page = b.call(Ops.EXPORT, new Export.Request(next, hi, PAGE));
                    for (UsageEvent e : page.records()) {
                        if (csv) csvRow(e, w);
                        else {
                            EventCodec.write(e, w, true);
                            w.write('\n');
                        }
                    }
                    n += page.records().size();
                    next = page.next();
                }
                w.flush();
                if (out != null) spec.commandLine().getOut().println("wrote " + n + " records to " + out);
            } finally {
                if (out != null) w.close();
            }
        } catch (UserError | IllegalArgumentException | tally.store.StoreException e) {
            throw e;
        } catch (Exception e) {
            throw new UserError("export failed: " + e.getMessage(), e);
        }
    }

    private Writer open() throws IOException {
        if (out == null) {
            PrintWriter pw = spec.commandLine().getOut();
            return pw;
        }
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(out), StandardCharsets.UTF_8), 1 << 16);
    }

    static void csvRow(UsageEvent e, Writer w) throws IOException {
        TokenCounts t = e.tokens();
        StringBuilder sb = new StringBuilder(256);
        sb.append(field(e.id())).append(',').append(e.time()).append(',').append(e.source().label()).append(',')
                .append(field(e.provider())).append(',').append(field(e.identity())).append(',').append(field(e.team())).append(',')
                .append(field(e.project())).append(',').append(field(e.sessionId())).append(',').append(field(e.requestId())).append(',')
                .append(field(e.model())).append(',').append(field(e.modelId())).append(',')
                .append(t.input()).append(',').append(t.cacheWrite5m()).append(',').append(t.cacheWrite1h()).append(',')
                .append(t.cacheRead()).append(',').append(t.output()).append(',').append(e.webSearches()).append(',')
                .append(e.batch()).append(',').append(e.fast()).append(',')
                .append(e.costNanos() == null ? "" : Nanos.toDecimal(e.costNanos())).append(',')
                .append(field(e.catalogVersion())).append(',').append(e.latencyMs() == null ? "" : e.latencyMs()).append(',')
                .append(e.status()).append(',').append(e.costNanos() == null ? "" : e.costNanos()).append(',')
                .append(field(e.region())).append(',').append(field(e.inferenceGeo())).append('\n');
        w.write(sb.toString());
    }

    /** RFC 4180 quoting and formula escaping, the same as every CSV the CLI writes. */
    static String field(String s) {
        return tally.report.CostReportWriter.csvField(s);
    }
}
