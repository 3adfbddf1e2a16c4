package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;
import static tally.store.TopPages.ORDER;

/**
 * A process asks the same top-requests questions again and again (a dashboard): the cost of the row
 * just past each page is kept and the next ask of the question cuts its rows with it. A kept floor
 * only ever speeds a page up: after records arrive, prices fall, retention drops the dearest records
 * and an alias moves records between people, every page asked again through the same TopRequests
 * still equals a brute-force sort of the records themselves.
 */
class TopRequestsFloorHintTest {
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-04-01T00:00:00Z");
    private static final long NOW = Instant.parse("2026-04-10T00:00:00Z").toEpochMilli();
    private static final int[] LIMITS = {7, 60};

    @TempDir Path dir;

    /** 6 records a day over the month, few distinct costs and times (ties), some unpriced, some tagged "red". */
    private static List<UsageEvent> month(String prefix, long costScale) {
        SplittableRandom r = new SplittableRandom(prefix.hashCode());
        String[] who = {"key-a1", "bob", "carol"};
        List<UsageEvent> out = new ArrayList<>();
        for (int day = 0; day < 31; day++) {
            for (int i = 0; i < 6; i++) {
                Instant t = FROM.plus(Duration.ofDays(day)).plus(Duration.ofHours(r.nextInt(3) * 8L));
                var b = event(String.format("%s%02d-%02d", prefix, day, i), t.toString(), who[r.nextInt(who.length)]);
                if (r.nextInt(4) == 0) b.team("red");
                out.add(r.nextInt(9) == 0 ? b.cost(null, null).build() : b.cost(costScale * r.nextInt(20), "v").build());
            }
        }
        return out;
    }

    private static UsageQuery query(String person, String team) {
        UsageQuery q = UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC);
        if (person != null) q = q.withPerson(person);
        return team == null ? q : q.withTeam(team);
    }

    /** Each question's first page and the walk through all its pages, asked twice of the same TopRequests, match the records. */
    private static void assertAsked(TopRequests top, List<UsageEvent> stored, Set<String> alices) {
        assertWalks(top, stored, query(null, null), e -> true);
        assertWalks(top, stored, query("alice", null), e -> alices.contains(e.identity()));
        assertWalks(top, stored, query(null, "red"), e -> e.team() != null ? e.team().equals("red") : alices.contains(e.identity()));
    }

    private static void assertWalks(TopRequests top, List<UsageEvent> stored, UsageQuery q, Predicate<UsageEvent> matches) {
        List<String> expected = stored.stream()
                .filter(e -> !e.time().isBefore(q.from()) && e.time().isBefore(q.to()) && matches.test(e))
                .sorted(ORDER).map(UsageEvent::id).toList();
        for (int limit : LIMITS) {
            for (int ask = 0; ask < 2; ask++) {
                List<String> walked = TopPages.walk(top, q, limit);
                assertThat(walked).as("person %s, team %s, limit %d, ask %d", q.person(), q.team(), limit, ask).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theFloorKeptForAQuestionIsTheCostJustPastItsPage(TestStores.Kind kind) throws Exception {
        List<UsageEvent> events = month("a", 1_000L);
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            new Ledger(store).write(events);
            TopRequests top = new TopRequests(store);
            UsageQuery q = query(null, null);
            List<Long> costs = events.stream().sorted(ORDER).map(UsageEvent::costNanos).toList();
            int limit = TopDays.DEPTH; // longer than the embedded store's kept top days serve: read from the ledger there too
            top.page(q, null, limit);
            try (Connection c = store.connection()) {
                Where where = RawFilters.addTo(c, q, new Where()).and("ts_ms >= ? AND ts_ms < ?", FROM.toEpochMilli(), TO.toEpochMilli());
                assertThat(top.hint(where, limit)).isEqualTo(costs.get(limit));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void pagesAskedAgainStayExactAsRecordsArrivePricesFallRetentionPrunesAndAliasesMove(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            new PeopleStore(store).save("alice", "red", NOW);
            new AliasStore(store).save("key-a1", "alice", NOW);
            Ledger ledger = new Ledger(store);
            TopRequests top = new TopRequests(store);
            List<UsageEvent> stored = new ArrayList<>(month("a", 1_000L));
            ledger.write(stored);
            assertAsked(top, stored, Set.of("key-a1"));

            // dearer records arrive: the kept floors are now below the pages
            List<UsageEvent> dearer = month("b", 3_000L);
            ledger.write(dearer);
            stored.addAll(dearer);
            assertAsked(top, stored, Set.of("key-a1"));

            // every price falls a hundredfold: the kept floors are above every record
            ledger.reprice(FROM, TO, e -> e.costNanos() == null ? e : e.withPrice(e.model(), e.costNanos() / 100, "v2"));
            stored.replaceAll(e -> e.costNanos() == null ? e : e.withPrice(e.model(), e.costNanos() / 100, "v2"));
            assertAsked(top, stored, Set.of("key-a1"));

            // retention drops the first twenty days, where half the dearest records were
            Instant cut = FROM.plus(Duration.ofDays(20));
            ledger.prune(cut, false);
            stored.removeIf(e -> e.time().isBefore(cut));
            assertAsked(top, stored, Set.of("key-a1"));

            // carol becomes one of alice's identities
            new AliasStore(store).save("carol", "alice", NOW);
            assertAsked(top, stored, Set.of("key-a1", "carol"));
        }
    }
}
