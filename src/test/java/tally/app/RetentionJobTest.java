package tally.app;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.identity.People;
import tally.pricing.PriceCatalog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.TestStores;
import tally.store.UsageQuery;
import tally.store.Dimension;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.priced;

/** `serve --retention`: the job prunes at start, and only where its hook lets it run. */
class RetentionJobTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir Path dir;

    private static App app(Store store, Ledger ledger) {
        PriceCatalog catalog = PriceCatalog.bundled();
        return new App(store, ledger, new People(store), () -> catalog, () -> null, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theJobPrunesPastItsWindowAtStartAndOnlyWhereItMayRun(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(priced("old", "2025-09-01T10:00:00Z", "alice", 100),
                    priced("kept", "2026-10-01T10:00:00Z", "bob", 200)));
            long costBefore = ledger.totals(UsageQuery.of(Instant.parse("2025-01-01T00:00:00Z"), NOW, Dimension.USER,
                    ZoneOffset.UTC)).costNanos();
            App app = app(store, ledger);

            try (RetentionJob follower = new RetentionJob(app.pruning(), Duration.ofDays(300), () -> false).start()) {
                Thread.sleep(300);
                assertThat(ledger.countRecords()).isEqualTo(2);
            }
            try (RetentionJob leader = new RetentionJob(app.pruning(), Duration.ofDays(300), () -> true).start()) {
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (ledger.countRecords() > 1 && System.nanoTime() < deadline) Thread.sleep(20);
            }

            assertThat(ledger.countRecords()).isEqualTo(1);
            assertThat(ledger.totals(UsageQuery.of(Instant.parse("2025-01-01T00:00:00Z"), NOW, Dimension.USER,
                    ZoneOffset.UTC)).costNanos()).isEqualTo(costBefore);
        }
    }
}
