package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An import's batches: kept together on DuckDB until a commit (or enough of them), one by one on PostgreSQL. */
class BulkWriteTest {
    @TempDir Path dir;

    private static List<UsageEvent> batch(int from, int count) {
        List<UsageEvent> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(Events.priced("b-" + i, "2026-11-02T10:00:00Z", "dev" + (i % 3), 1_000));
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void batchesBecomeVisibleTogetherAtACommitOrOnceEnoughAreWritten(TestStores.Kind kind) {
        boolean together = kind == TestStores.Kind.DUCKDB;
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            try (BulkWrite bulk = new BulkWrite(store, new LedgerWriter(store), 250)) {
                assertThat(bulk.write(batch(0, 100), null).added()).isEqualTo(100);
                bulk.write(batch(100, 100), null);
                assertThat(ledger.countRecords()).isEqualTo(together ? 0 : 200);
                bulk.write(batch(200, 100), null); // 300 written: past 250, committed
                assertThat(ledger.countRecords()).isEqualTo(300);
                assertThat(bulk.write(batch(250, 100), null).duplicates()).as("the committed ones are known").isEqualTo(50);
                assertThat(ledger.countRecords()).isEqualTo(together ? 300 : 350);
                bulk.commit();
                assertThat(ledger.countRecords()).isEqualTo(350);
                bulk.write(batch(350, 10), null);
            } // closed without a commit: on DuckDB, the last batch is dropped (its input is read again)
            assertThat(ledger.countRecords()).isEqualTo(together ? 350 : 360);
            assertThat(ledger.usage(UsageQuery.of(java.time.Instant.parse("2026-11-02T00:00:00Z"),
                    java.time.Instant.parse("2026-11-03T00:00:00Z"), Dimension.USER, java.time.ZoneOffset.UTC)))
                    .as("the rollups hold what the ledger holds").extracting(UsageRow::requests)
                    .containsExactlyInAnyOrder(together ? new Long[] {117L, 117L, 116L} : new Long[] {120L, 120L, 120L});
        }
    }
}
