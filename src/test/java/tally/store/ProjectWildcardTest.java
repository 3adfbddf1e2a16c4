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

/**
 * A rule maps project tags, so a record without a tag stays "(none)" whatever the rules, even
 * {@code *}: reports (read from the rollups, where no tag is '') and the raw records (where it is
 * null) agree on it.
 */
class ProjectWildcardTest {
    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-02-01T00:00:00Z");

    @TempDir Path dir;

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aStarRuleTakesEveryTaggedRecordAndNoUntaggedOneInReportsAndRawRecordsAlike(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(
                    event("a", "2026-01-05T10:00:00Z", "alice").project("/home/alice/src/web").cost(100L, "v").build(),
                    event("b", "2026-01-06T09:00:00Z", "bob").project("billing").cost(20L, "v").build(),
                    event("c", "2026-01-07T09:00:00Z", "carol").cost(3L, "v").build()));
            new ProjectStore(store).map("*", "everything", 0);

            assertThat(Events.costBy(ledger, FROM, TO, Dimension.PROJECT, AnyOf.NONE))
                    .containsExactly(Map.entry("everything", 120L), Map.entry("(none)", 3L));
            for (String project : List.of("everything", "(none)")) {
                AnyOf only = AnyOf.NONE.withProjects(List.of(project), List.of());
                long reported = Events.costBy(ledger, FROM, TO, Dimension.PROJECT, only).values().stream().mapToLong(Long::longValue).sum();
                List<String> raw = new TopRequests(store).page(UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC).withAnyOf(only),
                        null, 10).rows().stream().map(r -> r.request().id()).sorted().toList();
                assertThat(raw).as("raw records of %s", project).isEqualTo(project.equals("(none)") ? List.of("c") : List.of("a", "b"));
                assertThat(reported).as("reported cost of %s", project).isEqualTo(project.equals("(none)") ? 3L : 120L);
            }
        }
    }
}
