package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;
import static tally.store.TopPages.ORDER;

/**
 * The most-expensive pages over a month of records spread across days, walked to the end and
 * compared with a brute-force sort of the records themselves: no record is missed or repeated across
 * days, the unpriced boundary, ties of cost and time, person and team filters, and stays so after
 * prices, retention and aliases change what is stored and who it belongs to.
 */
class TopRequestsAcrossDaysTest {
    private static final Instant FROM = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-04-01T00:00:00Z");
    private static final long NOW = Instant.parse("2026-04-10T00:00:00Z").toEpochMilli();

    @TempDir Path dir;

    /** The page order, spelled out: cost descending with unpriced last, newest first, then id. */
    /**
     * Records from 5 days before the month to 5 days after it: few distinct costs and times (ties
     * within and across pages), some unpriced, some tagged with a team. The month's last two days
     * hold only two unpriced records, so the newest day cannot bound a page by itself.
     */
    private static List<UsageEvent> month() {
        SplittableRandom r = new SplittableRandom(42);
        String[] who = {"key-a1", "key-a2", "bob", "carol"};
        List<UsageEvent> out = new ArrayList<>();
        for (int day = -5; day < 36; day++) {
            boolean sparse = day == 29 || day == 30;
            for (int i = 0; i < (sparse ? 1 : 14); i++) {
                Instant t = FROM.plus(Duration.ofDays(day)).plus(Duration.ofHours(r.nextInt(3) * 8L));
                var b = event(String.format("d%02d-%02d", day + 5, i), t.toString(), who[r.nextInt(who.length)]);
                if (r.nextInt(5) == 0) b.team("red");
                out.add(sparse || r.nextInt(9) == 0 ? b.cost(null, null).build() : b.cost(1_000L * r.nextInt(12), "v").build());
            }
        }
        return out;
    }

    private static void people(Store store) {
        new PeopleStore(store).save("alice", "red", NOW);
        new PeopleStore(store).save("bob", "blue", NOW);
        new AliasStore(store).save("key-a1", "alice", NOW);
        new AliasStore(store).save("key-a2", "alice", NOW);
    }

    /** Every page of q, at several page sizes, equals the records matching {@code matches} in page order. */
    private static void assertPagesWalk(Store store, List<UsageEvent> stored, UsageQuery q, Predicate<UsageEvent> matches,
                                        int... limits) {
        List<String> expected = stored.stream()
                .filter(e -> !e.time().isBefore(q.from()) && e.time().isBefore(q.to()) && matches.test(e))
                .sorted(ORDER).map(UsageEvent::id).toList();
        assertThat(expected).hasSizeGreaterThan(20);
        TopRequests top = new TopRequests(store);
        for (int limit : limits) {
            List<String> walked = TopPages.walk(top, q, limit);
            assertThat(walked).as("%s, person %s, team %s, limit %d", q.from(), q.person(), q.team(), limit).isEqualTo(expected);
        }
    }

    private static UsageQuery monthOf(String person, String team) {
        UsageQuery q = UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC);
        if (person != null) q = q.withPerson(person);
        if (team != null) q = q.withTeam(team);
        return q;
    }

    private static void assertAllFilters(Store store, List<UsageEvent> stored, Set<String> alices, int... limits) {
        assertPagesWalk(store, stored, monthOf(null, null), e -> true, limits);
        assertPagesWalk(store, stored, monthOf("alice", null), e -> alices.contains(e.identity()), limits);
        // a record's team is its tag, else its person's
        assertPagesWalk(store, stored, monthOf(null, "red"),
                e -> e.team() != null ? e.team().equals("red") : alices.contains(e.identity()), limits);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void pagesOverAMonthMatchTheRecordsInOrderWithAndWithoutPersonAndTeam(TestStores.Kind kind) {
        List<UsageEvent> events = month();
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            people(store);
            new Ledger(store).write(events);
            assertAllFilters(store, events, Set.of("key-a1", "key-a2"), 3, 40, 2000);
            // a range starting and ending inside days
            UsageQuery partial = UsageQuery.of(FROM.plus(Duration.ofHours(20)), TO.minus(Duration.ofDays(9)).plus(Duration.ofHours(5)),
                    Dimension.USER, ZoneOffset.UTC);
            assertPagesWalk(store, events, partial, e -> true, 3, 2000);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void pagesStayInOrderAfterARepriceAPruneAndANewAlias(TestStores.Kind kind) {
        List<UsageEvent> events = month();
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            people(store);
            Ledger ledger = new Ledger(store);
            ledger.write(events);

            // reprice: every cost scrambled, the month's top now elsewhere
            Map<String, Long> newCost = new java.util.HashMap<>();
            SplittableRandom r = new SplittableRandom(7);
            for (UsageEvent e : events) newCost.put(e.id(), r.nextInt(6) == 0 ? null : 500L * r.nextInt(30));
            ledger.reprice(FROM.minus(Duration.ofDays(5)), TO.plus(Duration.ofDays(6)),
                    e -> e.withPrice(e.model(), newCost.get(e.id()), newCost.get(e.id()) == null ? null : "v2"));
            List<UsageEvent> repriced = events.stream()
                    .map(e -> e.withPrice(e.model(), newCost.get(e.id()), newCost.get(e.id()) == null ? null : "v2")).toList();
            assertAllFilters(store, repriced, Set.of("key-a1", "key-a2"), 20, 2000);

            // retention drops the first ten days of the month
            Instant cut = FROM.plus(Duration.ofDays(10));
            ledger.prune(cut, false);
            List<UsageEvent> kept = repriced.stream().filter(e -> !e.time().isBefore(cut)).toList();
            assertAllFilters(store, kept, Set.of("key-a1", "key-a2"), 20, 2000);

            // carol becomes one of alice's identities: her records join alice's and her team's pages
            new AliasStore(store).save("carol", "alice", NOW);
            assertAllFilters(store, kept, Set.of("key-a1", "key-a2", "carol"), 20, 2000);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theTopOfTheCommandLineIsThePagesFirst(TestStores.Kind kind) {
        List<UsageEvent> events = month();
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(events);
            List<String> expected = events.stream().filter(e -> !e.time().isBefore(FROM) && e.time().isBefore(TO))
                    .sorted(ORDER).map(UsageEvent::id).limit(25).toList();
            assertThat(ledger.top(FROM, TO, 25)).extracting(TopRequest::id).isEqualTo(expected);
            assertThat(ledger.top(FROM, TO, 0)).isEmpty();
        }
    }
}
