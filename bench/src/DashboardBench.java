import io.vertx.core.Vertx;
import tally.pricing.PriceCatalog;
import tally.report.ReportRange;
import tally.server.TallyServer;
import tally.store.Ledger;
import tally.store.Store;
import tally.web.ApiRoutes;
import tally.web.WebData;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;

/**
 * Dashboard benchmark: N records (default 10 million, 200 developers, 30 days; StoreBench's
 * generator) through the real writer, then the p95 latency over HTTP on loopback of every API call
 * the dashboard's views make, against a baseline measured in the same run on the same data: the
 * per-developer question answered by a raw-row SQL group-by. On PostgreSQL the tables are analyzed
 * after the load, as autovacuum would (environment DASHBOARD_ANALYZE=noanalyze measures without).
 * Then the calls whose answers a browser gets gzipped, again with gzip accepted, with their sizes.
 * DASHBOARD_LOAD=skip measures the queries alone on a store loaded by an earlier run (to compare two
 * builds on the same data, back to back).
 *
 * Usage: DashboardBench duckdb|postgresql DATA_DIR [POSTGRES_URL] [RECORDS]
 */
public final class DashboardBench {
    static final int RUNS = 40;

    public static void main(String[] args) throws Exception {
        StoreBench.Run run = StoreBench.Run.parse(args);
        ZoneId zone = ZoneId.of("Europe/Berlin");
        System.out.printf("== %s: %,d records, %d developers, 30 days; p95 of %d calls each (after a warm round of every call), over HTTP on loopback%n",
                run.kind(), run.records(), StoreBench.DEVELOPERS, RUNS);
        try (Store store = Store.open(run.config())) {
            Ledger ledger = new Ledger(store);
            ledger.keepLocalDays(zone); // as `tally serve --tz Europe/Berlin` does before it listens
            boolean load = !"skip".equals(System.getenv("DASHBOARD_LOAD"));
            if (load) System.out.printf("ingested in %.0f s%n", run.ingestFresh(ledger, PriceCatalog.bundled()));
            else System.out.println("queries only, on the store as loaded before (DASHBOARD_LOAD=skip)");
            if (load && run.kind().equals("postgresql") && !"noanalyze".equals(System.getenv("DASHBOARD_ANALYZE"))) {
                // as a real store's autovacuum would soon after a load: plans from statistics, not guesses
                long t = System.nanoTime();
                StoreBench.exec(store, "ANALYZE");
                System.out.printf("ANALYZE after the load: %.1f s (DASHBOARD_ANALYZE=noanalyze skips it)%n", StoreBench.secondsSince(t));
            }

            Vertx vertx = Vertx.vertx();
            TallyServer server = TallyServer.start(vertx, "127.0.0.1", 0,
                    List.of(new ApiRoutes(vertx, WebData.of(store, ledger, zone, Clock.systemUTC()))));
            String base = "http://127.0.0.1:" + server.port() + "/api/";
            ReportRange range = ReportRange.lastDays(30, zone, Clock.systemUTC());
            double baseline = p95(() -> StoreBench.rawGroupBy(store, range));
            System.out.printf("%-52s %8.1f ms  (baseline)%n", "raw-row group-by per developer (SQL, no HTTP)", baseline);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String[] calls = {
                    "overview", "usage?by=day", "usage?by=day&split=person", "usage?by=day&split=model", "usage?by=day&split=team",
                    "usage?by=person", "usage?by=model", "usage?by=team", "usage?by=source", "usage?by=hour",
                    "usage?by=person&model=claude-opus-4-5-20251101", "usage?by=model&person=dev7", "usage?by=hour&person=dev7",
                    "top?limit=50", "top?limit=10&person=dev7", "top?limit=50&team=product", "totals", "people", "budgets",
                    "activity", "usage?by=day&team=platform",
            };
            // The server answers every call a few times before any is measured, as a dashboard server that has
            // been up a while has: otherwise the first calls measured also pay the JIT compiling the whole stack
            // (HTTP, JSON, the driver), shared by every call. DASHBOARD_WARM=call warms each call only before its own runs.
            if (!"call".equals(System.getenv("DASHBOARD_WARM"))) {
                for (int i = 0; i < 3; i++) for (String call : calls) get(http, base, call, false);
            }
            for (String call : calls) {
                double p = p95(() -> get(http, base, call, false));
                System.out.printf("GET /api/%-43s %8.1f ms  %5.2fx baseline%n", call, p, p / baseline);
            }
            // Again as a browser asks (gzip accepted), the calls whose answers then go gzipped: the server's
            // time for them, beside the bytes each would put on the wire plain and gzipped.
            for (String call : calls) {
                Sent gzipped = get(http, base, call, true);
                if (!gzipped.gzipped()) continue;
                long plain = get(http, base, call, false).bytes();
                double p = p95(() -> get(http, base, call, true));
                System.out.printf("GET /api/%-43s %8.1f ms  %5.2fx baseline  gzip: %,d -> %,d bytes%n", call, p, p / baseline, plain, gzipped.bytes());
            }
            server.close();
            vertx.close();
        }
    }

    /** An answer's body as it came over the wire: its bytes, and whether it came gzipped. */
    record Sent(long bytes, boolean gzipped) {}

    /** One call, as a browser asks when {@code gzip} (the answer is then taken as it came). */
    static Sent get(HttpClient http, String base, String call, boolean gzip) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + call));
            if (gzip) b.header("accept-encoding", "gzip, deflate, br");
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) throw new IllegalStateException(call + " → " + r.statusCode() + " " + new String(r.body()));
            return new Sent(r.body().length, r.headers().firstValue("content-encoding").filter("gzip"::equals).isPresent());
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static double p95(Runnable r) {
        for (int i = 0; i < 3; i++) r.run(); // warm
        double[] t = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[(int) Math.ceil(RUNS * 0.95) - 1];
    }
}
