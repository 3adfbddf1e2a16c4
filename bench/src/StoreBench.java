import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.pricing.PriceCatalog;
import tally.report.CostReport;
import tally.report.ReportRange;
import tally.store.Dimension;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Store benchmark: ingest N records (default 10 million, 200 developers, 30 days) through the real
 * writer (pricing, spool with fsync, dedupe, rollups) into a store; then re-ingest batches half of
 * which are already stored; then time the default report and top. Baselines, same run, same data:
 * a plain bulk load with no dedupe and no rollups, and the report computed by scanning raw rows.
 *
 * Usage: StoreBench duckdb|postgresql DATA_DIR [POSTGRES_URL] [RECORDS]
 */
public final class StoreBench {
    static final String[] MODELS = {"claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101", "claude-haiku-4-5-20251001",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-opus-4-8", "claude-sonnet-4-6"};
    static final int DEVELOPERS = 200;
    static final double[] FRESH = new double[1];

    /** A bench's arguments: duckdb|postgresql DATA_DIR [POSTGRES_URL] [RECORDS]; records spread over the last 30 days. */
    record Run(String kind, Path data, String url, long records, StoreConfig config, Instant start, long step) {
        static Run parse(String[] args) {
            String kind = args[0];
            Path data = Path.of(args[1]);
            String url = args.length > 2 && !args[2].isEmpty() ? args[2] : null;
            long n = args.length > 3 ? Long.parseLong(args[3]) : 10_000_000L;
            StoreConfig config = kind.equals("duckdb") ? StoreConfig.embedded(data) : StoreConfig.postgres(data, url);
            Instant end = Instant.now();
            Instant start = end.minus(Duration.ofDays(30));
            return new Run(kind, data, url, n, config, start, Math.max(1, Duration.between(start, end).toMillis() / n));
        }

        /** Writes the run's records, fresh, through the real writer; returns the seconds it took. */
        double ingestFresh(Ledger ledger, PriceCatalog catalog) {
            long t0 = System.nanoTime();
            try (IngestWriter w = new IngestWriter(ledger, new Spool(config.spoolDir()), catalog::price,
                    new IngestWriter.Options(50_000, Duration.ofMillis(200), 200_000))) {
                for (long i = 0; i < records; i++) w.submit(event("r", i, start.toEpochMilli() + i * step));
                if (!w.flush(Duration.ofHours(2))) throw new IllegalStateException("flush timed out");
            }
            return secondsSince(t0);
        }
    }

    public static void main(String[] args) throws Exception {
        StoreBench.Run run = StoreBench.Run.parse(args);
        String kind = run.kind();
        Path data = run.data();
        String url = run.url();
        long n = run.records();
        StoreConfig config = run.config();
        Instant start = run.start();
        long step = run.step();

        System.out.printf("== %s: %,d records, %d developers, 30 days%n", kind, n, DEVELOPERS);
        PriceCatalog catalog = PriceCatalog.bundled();
        try (Store store = Store.open(config)) {
            Ledger ledger = new Ledger(store);
            ledger.keepLocalDays(ZoneId.of("Europe/Berlin")); // as a server in that zone would: its writes keep those days too
            if (store.isPostgres()) System.out.println("database collation: " + collation(store)
                    + " (Tally's own tables compare text in byte order, whatever it is)");

            double fresh = n / run.ingestFresh(ledger, catalog);
            FRESH[0] = fresh;
            System.out.printf("fresh ingest:       %,12.0f records/s  (%,d records in %.1f s)%n", fresh, n, n / fresh);

            long m = Math.min(n, 2_000_000L);
            long t1 = System.nanoTime();
            try (IngestWriter w = new IngestWriter(ledger, new Spool(config.spoolDir()), catalog::price,
                    new IngestWriter.Options(50_000, Duration.ofMillis(200), 200_000))) {
                long stride = n / m; // spread over the whole month
                for (long j = 0; j < m; j++) {
                    long i = j * stride;
                    long t = start.toEpochMilli() + i * step;
                    w.submit(j % 2 == 0 ? event("r", i, t) : event("x", i, t)); // half already stored
                }
                if (!w.flush(Duration.ofHours(2))) throw new IllegalStateException("flush timed out");
                System.out.printf("idempotent ingest:  %,12.0f records/s  (%,d records, %,d added, %,d duplicates)%n",
                        m / secondsSince(t1), m, w.stats().added(), w.stats().duplicates());
            }

            ZoneId zone = ZoneId.of("Europe/Berlin");
            ReportRange range = ReportRange.lastDays(30, zone, Clock.systemUTC());
            double report = medianMs(() -> CostReport.build(ledger, range, Dimension.USER, Clock.systemUTC()));
            double top = medianMs(() -> ledger.top(range.start(), range.end(), 10));
            double rawReport = medianMs(() -> rawGroupBy(store, range));
            System.out.printf("report (by user):   %8.1f ms median; raw-row group-by baseline %.1f ms (%.1fx faster)%n",
                    report, rawReport, rawReport / report);
            System.out.printf("top 10:             %8.1f ms median%n", top);
            System.out.printf("rollup rows:        %,d for %,d records%n", count(store, "usage_rollup"), count(store, "usage_events"));
        }

        // Baseline: the same records bulk-loaded with no dedupe, no rollups, no spool, into an empty ledger
        // without its indexes; on PostgreSQL also with them (the floor its indexes set).
        double raw = bulkLoad(run, catalog, "base", true);
        System.out.printf("baseline bulk load: %,12.0f records/s  (no dedupe, no rollups, no spool)%n", raw);
        System.out.printf("ratio fresh ingest / baseline: %.2f%n", FRESH[0] / raw);
        if (url != null) {
            double indexed = bulkLoad(run, catalog, "indexed", false);
            System.out.printf("bulk load, indexed: %,12.0f records/s  (the same into the ledger with its indexes)%n", indexed);
            System.out.printf("ratio fresh ingest / indexed bulk load: %.2f%n", FRESH[0] / indexed);
        }
        Files.writeString(data.resolve("done"), "ok");
    }

    /**
     * Appends the run's records with no checks into an empty ledger of its own (on PostgreSQL a schema
     * beside the run's, NAME its suffix), without its indexes when {@code bare}; returns records a second.
     */
    static double bulkLoad(Run run, PriceCatalog catalog, String name, boolean bare) throws Exception {
        String url = run.url();
        Path dir = run.data().resolveSibling(run.data().getFileName() + "-" + name);
        String own = url == null ? null : url.replaceFirst("currentSchema=([A-Za-z0-9_]+)", "currentSchema=$1_" + name);
        String server = own == null ? null : own.substring(0, own.indexOf('?'));
        String schema = own == null ? null : own.replaceFirst(".*currentSchema=([A-Za-z0-9_]+).*", "$1");
        if (own != null) BenchSchema.main(new String[] {server, schema});
        try (Store base = Store.open(own == null ? StoreConfig.embedded(dir) : StoreConfig.postgres(dir, own))) {
            if (own != null && bare) dropIndexes(base, "usage_events");
            long t = System.nanoTime();
            Ledger ledger = new Ledger(base);
            List<UsageEvent> batch = new ArrayList<>(50_000);
            for (long i = 0; i < run.records(); i++) {
                batch.add(catalog.price(event("r", i, run.start().toEpochMilli() + i * run.step())));
                if (batch.size() == 50_000 || i == run.records() - 1) {
                    ledger.appendWithoutChecks(batch);
                    batch.clear();
                }
            }
            return run.records() / secondsSince(t);
        } finally {
            if (own != null) BenchSchema.main(new String[] {server, schema, "drop"});
        }
    }

    static UsageEvent event(String prefix, long i, long ts) {
        SplittableRandom r = new SplittableRandom(i * 0x9E3779B97F4A7C15L + prefix.hashCode());
        int dev = (int) (i % DEVELOPERS);
        boolean first = r.nextInt(4) == 0;
        return UsageEvent.builder()
                .id(prefix + i)
                .time(Instant.ofEpochMilli(ts))
                .source(Source.GATEWAY)
                .identity("dev" + dev)
                .team(dev < 100 ? "platform" : "product")
                .sessionId("s" + dev + "-" + ts / 3_600_000L)
                .requestId("req_" + prefix + i)
                .modelId(MODELS[r.nextInt(MODELS.length)])
                .tokens(new TokenCounts(3 + r.nextInt(60), first ? 8_000 + r.nextInt(20_000) : r.nextInt(3_000), 0,
                        first ? 0 : 12_000 + r.nextInt(90_000), 40 + r.nextInt(900)))
                .latencyMs(800L + r.nextInt(20_000))
                .build();
    }

    static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static double medianMs(Runnable r) {
        r.run(); // warm
        double[] t = new double[9];
        for (int i = 0; i < t.length; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    static void rawGroupBy(Store store, ReportRange range) {
        try (Connection c = store.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT identity, count(*), sum(input_tokens), sum(output_tokens), sum(cost_nanos)"
                     + " FROM usage_events WHERE ts_ms >= " + range.start().toEpochMilli() + " AND ts_ms < "
                     + range.end().toEpochMilli() + " GROUP BY identity")) {
            while (rs.next()) { /* drain */ }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    static long count(Store store, String table) throws Exception {
        try (Connection c = store.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Drops every index of a PostgreSQL table in the store's schema, as the catalog lists them, whatever migrations added. */
    static void dropIndexes(Store store, String table) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection c = store.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                     + " AND tablename = '" + table + "'")) {
            while (rs.next()) names.add(rs.getString(1));
        }
        if (!names.isEmpty()) exec(store, "DROP INDEX " + String.join(", ", names));
    }

    /** The PostgreSQL database's own collation (lc_collate). */
    static String collation(Store store) throws Exception {
        try (Connection c = store.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW lc_collate")) {
            return rs.next() ? rs.getString(1) : "unknown";
        }
    }

    static void exec(Store store, String sql) throws Exception {
        try (Connection c = store.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
