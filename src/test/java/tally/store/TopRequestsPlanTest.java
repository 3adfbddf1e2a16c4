package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * How DuckDB plans the two scans of a page of the most expensive records: neither is
 * late-materialized (a top-N of row ids joined back to the table by rowid), which DuckDB 1.5 does for
 * a top-N of 50 rows or fewer and which scans every row group of the ledger once more to fetch a
 * handful of rows, a tenth to a third of a statement's CPU at 10M records. Small pages, whose top-N
 * is smallest, are the ones it would pick.
 */
class TopRequestsPlanTest {
    @TempDir Path dir;

    @Test
    void neitherTheFloorNorThePageOfAPersonsTopTenJoinsRowsBackByRowId() throws Exception {
        try (Store store = Store.open(StoreConfig.embedded(dir))) {
            List<tally.core.UsageEvent> records = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                records.add(event("r" + i, "2026-03-0" + (1 + i % 9) + "T10:00:00Z", i % 2 == 0 ? "dev7" : "dev8")
                        .cost(1_000L * i, "v").build());
            }
            new Ledger(store).write(records);
            UsageQuery q = UsageQuery.of(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-04-01T00:00:00Z"),
                    Dimension.USER, ZoneOffset.UTC).withPerson("dev7");
            int limit = 10;
            try (Connection c = store.connection()) {
                Where where = RawFilters.addTo(c, q, new Where().and("ts_ms >= ? AND ts_ms < ?",
                        q.from().toEpochMilli(), q.to().toEpochMilli()));
                assertThat(Plans.explain(c, TopRequests.floorSql(where, limit), where.params()))
                        .as("the floor's plan").doesNotContainIgnoringCase("rowid");
                List<Object> params = where.params();
                params.add(Math.max(limit + 1, TopRequests.EAGER_ROWS));
                params.add(limit + 1);
                assertThat(Plans.explain(c, TopRequests.pageSql(where), params))
                        .as("the page's plan").doesNotContainIgnoringCase("rowid");
            }
        }
    }
}
