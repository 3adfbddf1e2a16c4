package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/** A project on every record, mapped by rules when reading, grouped into cost centers. */
class ProjectsTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir Path dir;

    private static Map<String, Long> costBy(Ledger ledger, Dimension by, AnyOf filters) {
        return Events.costBy(ledger, FROM, TO, by, filters);
    }

    private static void writeTagged(Ledger ledger) {
        ledger.write(List.of(
                event("a", "2026-01-05T10:00:00Z", "alice").project("/home/alice/src/acme-web").cost(100L, "v").build(),
                event("b", "2026-01-05T10:05:00Z", "alice").project("/home/alice/src/acme-web/server").cost(20L, "v").build(),
                event("c", "2026-01-06T09:00:00Z", "bob").project("/home/bob/src/acme-web").cost(3L, "v").build(),
                event("d", "2026-01-06T09:00:00Z", "bob").project("billing").cost(4000L, "v").build(),
                event("e", "2026-01-07T09:00:00Z", "carol").cost(50_000L, "v").build()));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRuleAddedAfterImportReattributesHistoryAndTheLongestPatternWins(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            writeTagged(ledger);
            assertThat(costBy(ledger, Dimension.PROJECT, AnyOf.NONE)).containsExactly(
                    Map.entry("(none)", 50_000L), Map.entry("billing", 4000L),
                    Map.entry("/home/alice/src/acme-web", 100L), Map.entry("/home/alice/src/acme-web/server", 20L),
                    Map.entry("/home/bob/src/acme-web", 3L));

            ProjectStore projects = new ProjectStore(store);
            projects.map("/home/*/acme-web*", "acme", 0);
            projects.map("/home/*/src/acme-web/server*", "acme-api", 0);
            projects.map("billing", "billing", 0);

            assertThat(costBy(ledger, Dimension.PROJECT, AnyOf.NONE)).containsExactly(
                    Map.entry("(none)", 50_000L), Map.entry("billing", 4000L), Map.entry("acme", 103L), Map.entry("acme-api", 20L));
            assertThat(projects.rules()).first().isEqualTo(new ProjectStore.Rule("/home/*/src/acme-web/server*", "acme-api"));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void costCentersGroupProjectsAndBothFilterReportsAndRawRecords(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            writeTagged(ledger);
            ProjectStore projects = new ProjectStore(store);
            projects.map("/home/*/acme-web*", "acme", 0);
            projects.setCostCenter("acme", "CC-100", 0);
            projects.setCostCenter("billing", "CC-100", 0);

            assertThat(costBy(ledger, Dimension.COST_CENTER, AnyOf.NONE))
                    .containsExactly(Map.entry("(none)", 50_000L), Map.entry("CC-100", 4123L));
            AnyOf acme = AnyOf.NONE.withProjects(List.of("acme"), List.of());
            assertThat(costBy(ledger, Dimension.USER, acme)).containsExactly(Map.entry("alice", 120L), Map.entry("bob", 3L));
            assertThat(costBy(ledger, Dimension.USER, AnyOf.NONE.withProjects(List.of(), List.of("CC-100"))))
                    .containsExactly(Map.entry("bob", 4003L), Map.entry("alice", 120L));
            assertThat(new TopRequests(store).page(UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC).withAnyOf(acme), null, 10)
                    .rows()).extracting(r -> r.request().id()).containsExactly("a", "b", "c");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void reportsByKeyGroupByTheRawIdentity(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(event("a", "2026-01-05T10:00:00Z", "key_1").cost(5L, "v").build(),
                    event("b", "2026-01-05T10:00:00Z", "key_2").cost(7L, "v").build()));
            new tally.identity.People(store).add("alice", null);
            new tally.identity.People(store).alias("alice", "key_1");
            new tally.identity.People(store).alias("alice", "key_2");

            assertThat(costBy(ledger, Dimension.USER, AnyOf.NONE)).containsExactly(Map.entry("alice", 12L));
            assertThat(costBy(ledger, Dimension.KEY, AnyOf.NONE)).containsExactly(Map.entry("key_2", 7L), Map.entry("key_1", 5L));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theDayReportSplitsByProject(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            writeTagged(ledger);
            new ProjectStore(store).map("/home/*/acme-web*", "acme", 0);
            List<UsageSeries.Point> points = new UsageSeries(store)
                    .query(UsageQuery.of(FROM, TO, Dimension.DAY, ZoneOffset.UTC), Dimension.PROJECT);
            assertThat(points).extracting(p -> p.period().toLocalDate() + " " + p.split() + " " + p.usage().costNanos())
                    .containsExactly("2026-01-05 acme 120", "2026-01-06 billing 4000", "2026-01-06 acme 3",
                            "2026-01-07 (none) 50000");
        }
    }
}
