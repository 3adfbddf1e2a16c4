package tally.alerts;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.pricing.PriceCatalog;
import tally.store.Dimension;
import tally.store.TestStores;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request that failed before naming a model billed nothing: it is a failed request costing $0,
 * not an "unpriced" one, and the unpriced-model alert stays quiet. A real unknown model still fires.
 */
class FailedWithoutModelTest {
    @TempDir Path dir;

    private static UsageEvent failed(String id, String modelId) {
        return PriceCatalog.bundled().price(UsageEvent.builder().id(id).time(Instant.parse("2026-03-10T10:00:00Z"))
                .identity("alice").source(Source.GATEWAY).modelId(modelId).status(529).build());
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aFailedRequestWithoutAModelIsNotUnpriced(TestStores.Kind kind) throws Exception {
        try (AlertHarness h = new AlertHarness(TestStores.config(kind, dir), "2026-03-10T10:05:00Z",
                "{\"name\":\"unpriced\",\"kind\":\"unpriced-model\",\"hours\":24}")) {
            h.write(failed("f1", "unknown"), failed("f2", ""), failed("f3", "  "));
            UsageQuery day = UsageQuery.of(Instant.parse("2026-03-10T00:00:00Z"), Instant.parse("2026-03-11T00:00:00Z"),
                    Dimension.MODEL, ZoneOffset.UTC);
            UsageRow total = h.ledger.totals(day);
            assertThat(total.requests()).isEqualTo(3);
            assertThat(total.failed()).isEqualTo(3);
            assertThat(total.unpriced()).isZero();
            assertThat(total.costNanos()).isZero();
            assertThat(h.ledger.unpricedModels(day)).isEmpty();
            assertThat(h.tickAt("2026-03-10T10:05:00Z")).isEmpty();

            // an answered request of a model the catalog lacks is still loud
            h.write(PriceCatalog.bundled().price(UsageEvent.builder().id("m1").time(Instant.parse("2026-03-10T10:01:00Z"))
                    .identity("alice").modelId("claude-mystery-9").tokens(TokenCounts.of(10, 10)).build()));
            assertThat(h.ledger.unpricedModels(day)).containsOnlyKeys("claude-mystery-9");
            assertThat(h.tickAt("2026-03-10T10:06:00Z")).hasSize(1);
        }
    }
}
