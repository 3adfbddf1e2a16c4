package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tally.store.Events.event;

/** A batch whose sums would pass a long is refused whole, in words: each rollup cell is one 64-bit count. */
class OverflowTest {
    @TempDir Path dir;

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aBatchWhoseQuarterHourCostWouldPassALongIsRefusedWholeAndSaidSo(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) { // each within a long; their sum is not
                batch.add(event("r" + i, "2026-01-05T10:0" + i + ":00Z", "alice").cost(4_000_000_000_000_000_000L, "v").build());
            }
            assertThatThrownBy(() -> ledger.write(batch))
                    .isInstanceOf(StoreException.class)
                    .hasMessageStartingWith("a sum of these records would pass a 64-bit count")
                    .hasMessageNotContaining("LINE 1").hasMessageNotContaining("MERGE");
            assertThat(ledger.countRecords()).as("nothing of the batch stored").isZero();
            ledger.write(List.of(batch.get(0)));
            assertThat(ledger.countRecords()).as("the store still takes what fits").isEqualTo(1);
            assertThat(ledger.totals(UsageQuery.of(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"),
                    Dimension.USER, ZoneOffset.UTC)).costNanos()).isEqualTo(4_000_000_000_000_000_000L);
        }
    }
}
