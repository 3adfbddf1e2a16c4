package tally.ingest;

import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A child JVM for the crash test: submits records as fast as it can and prints the id of each one
 * the moment it is accepted. The test kills it with SIGKILL mid-stream.
 */
public final class CrashingWriter {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args[0]);
        String url = args.length > 1 ? args[1] : null;
        StoreConfig config = url == null ? StoreConfig.embedded(data) : StoreConfig.postgres(data, url);
        Store store = Store.open(config);
        IngestWriter w = new IngestWriter(new Ledger(store), new Spool(config.spoolDir()), e -> e.withPrice(e.model(), 1L, "t"),
                new IngestWriter.Options(500, java.time.Duration.ofMillis(20), 5_000));
        Instant base = Instant.parse("2026-01-05T10:00:00Z");
        for (int i = 0; ; i++) {
            String id = "crash-" + i;
            UsageEvent e = UsageEvent.builder().id(id).time(base.plusMillis(i)).source(Source.GATEWAY)
                    .identity("dev" + (i % 7)).modelId("claude-haiku-4-5-20251001")
                    .tokens(TokenCounts.of(10, 1)).requestId("req_crash_" + i).build();
            w.submit(e).thenRun(() -> {
                synchronized (System.out) {
                    System.out.println(id);
                    System.out.flush();
                }
            });
        }
    }
}
