package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.Source;
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
 * The embedded store keeps each ended UTC day's costliest records per identity and team, and a first
 * top page of up to 50 over whole kept days reads them instead of the ledger. A page is the same
 * either way: for every filter a kept day can serve, every page size it serves, ranges that cut days
 * at both ends, after records arrive in kept days, are superseded or pruned; a day is kept only once
 * it has ended, and never while a bulk write's uncommitted records could be missed.
 */
class TopDaysTest {
    private static final Instant DAY0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant FROM = DAY0.plus(Duration.ofHours(6));
    private static final Instant TO = DAY0.plus(Duration.ofDays(10)).plus(Duration.ofHours(18));
    private static final long NOW = Instant.parse("2026-04-10T00:00:00Z").toEpochMilli();
    private static final Set<String> ALICES = Set.of("key-a1", "key-a2");
    private static final int[] LIMITS = {1, 7, 50};

    @TempDir Path dir;

    /**
     * Eleven days: dense keys (alice's two keys, bob, carol; some records tagged "red") of up to a hundred
     * records a day each, far past the 51 kept, with few distinct costs and times (ties) and some
     * unpriced; and on odd days erin, with three, which leaves such a day's keys no common cost floor.
     */
    private static List<UsageEvent> days(String prefix, long costScale) {
        SplittableRandom r = new SplittableRandom(prefix.hashCode());
        String[] who = {"key-a1", "key-a2", "bob", "carol"};
        List<UsageEvent> out = new ArrayList<>();
        for (int day = 0; day < 11; day++) {
            for (int i = 0; i < 320 + (day % 2) * 3; i++) {
                String identity = i >= 320 ? "erin" : who[r.nextInt(who.length)];
                Instant t = DAY0.plus(Duration.ofDays(day)).plus(Duration.ofMinutes(r.nextInt(96) * 15L));
                var b = event(String.format("%s%02d-%03d", prefix, day, i), t.toString(), identity);
                if (r.nextInt(4) == 0) b.team("red");
                out.add(r.nextInt(9) == 0 ? b.cost(null, null).build() : b.cost(costScale * r.nextInt(40), "v").build());
            }
        }
        return out;
    }

    private static Store open(Path dir) {
        Store store = Store.open(TestStores.config(TestStores.Kind.DUCKDB, dir));
        new PeopleStore(store).save("alice", "red", NOW);
        new PeopleStore(store).save("bob", "blue", NOW);
        new AliasStore(store).save("key-a1", "alice", NOW);
        new AliasStore(store).save("key-a2", "alice", NOW);
        return store;
    }

    private static UsageQuery range() {
        return UsageQuery.of(FROM, TO, Dimension.USER, ZoneOffset.UTC);
    }

    /** Every filter the kept days serve, each page size they serve: the first page is the records sorted. */
    private static void assertFirstPages(TopRequests top, List<UsageEvent> stored) {
        Predicate<UsageEvent> red = e -> e.team() != null ? e.team().equals("red") : ALICES.contains(e.identity());
        Predicate<UsageEvent> none = e -> e.team() == null && !ALICES.contains(e.identity()) && !e.identity().equals("bob");
        assertFirstPages(top, stored, range(), e -> true);
        assertFirstPages(top, stored, range().withPerson("alice"), e -> ALICES.contains(e.identity()));
        assertFirstPages(top, stored, range().withPerson("erin"), e -> e.identity().equals("erin"));
        assertFirstPages(top, stored, range().withTeam("red"), red);
        assertFirstPages(top, stored, range().withTeam("(none)"), none);
        assertFirstPages(top, stored, range().withAnyOf(new AnyOf(List.of("bob", "carol"), List.of(), List.of(), List.of(), List.of())),
                e -> e.identity().equals("bob") || e.identity().equals("carol"));
    }

    private static void assertFirstPages(TopRequests top, List<UsageEvent> stored, UsageQuery q, Predicate<UsageEvent> matches) {
        List<UsageEvent> sorted = stored.stream()
                .filter(e -> !e.time().isBefore(q.from()) && e.time().isBefore(q.to()) && matches.test(e))
                .sorted(ORDER).toList();
        for (int limit : LIMITS) {
            TopRequests.Page page = top.page(q, null, limit);
            List<String> expected = sorted.stream().limit(limit).map(UsageEvent::id).toList();
            assertThat(page.rows()).extracting(row -> row.request().id())
                    .as("person %s, team %s, any of %s, limit %d", q.person(), q.team(), q.anyOf().people(), limit)
                    .isEqualTo(expected);
            if (sorted.size() > limit) {
                assertThat(page.next().id()).isEqualTo(expected.get(limit - 1)); // the walk goes on from the page's last row
            } else {
                assertThat(page.next()).isNull();
            }
        }
    }

    private static List<Long> kept(Store store) {
        return store.inTransaction(c -> TopDays.kept(c, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    private static long day(int n) {
        return DAY0.plus(Duration.ofDays(n)).toEpochMilli();
    }

    @Test
    void aFirstPageOverKeptDaysIsTheRecordsSortedForEveryFilterAndPageSize() {
        try (Store store = open(dir)) {
            List<UsageEvent> stored = days("a", 1_000L);
            new Ledger(store).write(stored);
            TopRequests top = new TopRequests(store, 1);
            assertFirstPages(top, stored);
            // the days wholly inside the range, and none at its edges
            assertThat(kept(store)).isNotEmpty().allSatisfy(d -> assertThat(d).isBetween(day(1), day(9)));
            assertFirstPages(top, stored); // read again from the kept days alone
        }
    }

    @Test
    void keptDaysHoldAtMostTheirDepthPerIdentityAndTeam() {
        try (Store store = open(dir)) {
            new Ledger(store).write(days("a", 1_000L));
            new TopRequests(store, 1).page(range(), null, 10);
            List<Long> perKey = store.inTransaction(c -> Jdbc.query(c, "SELECT count(*) FROM usage_top_day"
                    + " GROUP BY ts_ms // 86400000, identity, team", List.of(), rs -> rs.getLong(1)));
            assertThat(perKey).isNotEmpty().allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(TopDays.DEPTH));
            assertThat(perKey).contains((long) TopDays.DEPTH);
        }
    }

    @Test
    void aRecordWrittenIntoAKeptDayForgetsThatDayAloneAndShowsOnTheNextPage() {
        try (Store store = open(dir)) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> stored = new ArrayList<>(days("a", 1_000L));
            ledger.write(stored);
            TopRequests top = new TopRequests(store, 1);
            top.page(range(), null, 10);
            assertThat(kept(store)).contains(day(4), day(5), day(6));

            UsageEvent dear = event("dear", "2026-03-06T12:00:00Z", "bob").cost(1_000_000_000L, "v").build();
            ledger.write(List.of(dear));
            stored.add(dear);
            assertThat(kept(store)).doesNotContain(day(5)).contains(day(4), day(6));
            assertThat(top.page(range().withPerson("bob"), null, 1).rows()).extracting(row -> row.request().id())
                    .containsExactly("dear");
            assertFirstPages(top, stored);
        }
    }

    @Test
    void aRecordSupersededInAKeptDayIsGoneFromThePage() {
        try (Store store = open(dir)) {
            Ledger ledger = new Ledger(store);
            UsageEvent transcript = event("t1", "2026-03-05T10:00:00Z", "bob").source(Source.TRANSCRIPT).requestId("req_1")
                    .cost(900_000_000L, "v").build();
            List<UsageEvent> stored = new ArrayList<>(days("a", 1_000L));
            stored.add(transcript);
            ledger.write(stored);
            TopRequests top = new TopRequests(store, 1);
            assertThat(top.page(range(), null, 1).rows()).extracting(row -> row.request().id()).containsExactly("t1");

            // the gateway's copy of the same request outranks the transcript's, at another cost
            UsageEvent gateway = event("g1", "2026-03-05T10:00:01Z", "bob").source(Source.GATEWAY).requestId("req_1")
                    .cost(800_000_000L, "v").build();
            ledger.write(List.of(gateway));
            stored.remove(transcript);
            stored.add(gateway);
            assertThat(top.page(range(), null, 1).rows()).extracting(row -> row.request().id()).containsExactly("g1");
            assertFirstPages(top, stored);
        }
    }

    @Test
    void pruningDropsTheKeptRowsOfThePrunedDays() {
        try (Store store = open(dir)) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> stored = new ArrayList<>(days("a", 1_000L));
            ledger.write(stored);
            TopRequests top = new TopRequests(store, 1);
            top.page(range(), null, 10);
            Instant cut = DAY0.plus(Duration.ofDays(4)).plus(Duration.ofHours(12));
            ledger.prune(cut, false);
            stored.removeIf(e -> e.time().isBefore(cut));
            assertThat(kept(store)).allSatisfy(d -> assertThat(d).isGreaterThan(cut.toEpochMilli()));
            long before = store.inTransaction(c -> Jdbc.query(c, "SELECT count(*) FROM usage_top_day WHERE ts_ms < ?",
                    List.of(cut.toEpochMilli()), rs -> rs.getLong(1)).get(0));
            assertThat(before).isZero();
            assertFirstPages(top, stored);
        }
    }

    @Test
    void aDayThatHasNotEndedIsReadFromTheLedgerAndNeverKept() {
        try (Store store = open(dir)) {
            Ledger ledger = new Ledger(store);
            Instant now = Instant.now();
            List<UsageEvent> stored = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                stored.add(event("n" + i, now.minus(Duration.ofSeconds(i)).toString(), "bob").cost(1_000L * i, "v").build());
                stored.add(event("y" + i, now.minus(Duration.ofDays(1)).minus(Duration.ofSeconds(i)).toString(), "bob")
                        .cost(1_000L * i + 500, "v").build());
            }
            ledger.write(stored);
            TopRequests top = new TopRequests(store, 1);
            UsageQuery q = UsageQuery.of(now.minus(Duration.ofDays(3)), now.plus(Duration.ofDays(1)), Dimension.USER, ZoneOffset.UTC);
            List<String> expected = stored.stream().sorted(ORDER).limit(10).map(UsageEvent::id).toList();
            assertThat(top.page(q, null, 10).rows()).extracting(row -> row.request().id()).isEqualTo(expected);
            long today = TopDays.dayOf(now.toEpochMilli());
            assertThat(kept(store)).isNotEmpty().allSatisfy(d -> assertThat(d).isLessThan(today));
        }
    }

    @Test
    void noDayIsKeptWhileABulkWritesRecordsAreUncommitted() {
        try (Store store = open(dir)) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> stored = new ArrayList<>(days("a", 1_000L));
            TopRequests top = new TopRequests(store, 1);
            try (BulkWrite bulk = ledger.bulk()) {
                bulk.write(stored, null);
                assertThat(top.page(range(), null, 10).rows()).isEmpty(); // nothing committed yet
                assertThat(kept(store)).isEmpty();
                bulk.commit();
            }
            assertFirstPages(top, stored);
            assertThat(kept(store)).isNotEmpty();
        }
    }

    @Test
    void pagesThatKeptDaysCannotServeAreReadFromTheLedger() {
        try (Store store = open(dir)) {
            List<UsageEvent> stored = days("a", 1_000L);
            new Ledger(store).write(stored);
            TopRequests top = new TopRequests(store, 1);
            UsageQuery byModel = range().withAnyOf(new AnyOf(List.of(), List.of(), List.of("claude-sonnet-4-5-20250929"), List.of(), List.of()));
            assertThat(TopDays.serves(byModel, 10)).isFalse();
            assertThat(TopDays.serves(range(), TopDays.DEPTH)).isFalse();
            top.page(byModel, null, 10);
            top.page(range(), null, TopDays.DEPTH);
            assertThat(kept(store)).isEmpty();
            assertThat(TopPages.walk(top, range().withPerson("alice"), 30)).isEqualTo(stored.stream()
                    .filter(e -> !e.time().isBefore(FROM) && e.time().isBefore(TO) && ALICES.contains(e.identity()))
                    .sorted(ORDER).map(UsageEvent::id).toList());
        }
    }

    @Test
    void pagesStayExactAsPricesFallAndAnAliasMovesRecordsBetweenPeople() {
        try (Store store = open(dir)) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> stored = new ArrayList<>(days("a", 1_000L));
            ledger.write(stored);
            TopRequests top = new TopRequests(store, 1);
            assertFirstPages(top, stored);

            // the 4th falls a hundredfold, the others stay: a repriced day is forgotten and filled again
            Instant from = DAY0.plus(Duration.ofDays(4));
            Instant to = from.plus(Duration.ofDays(1));
            ledger.reprice(from, to, e -> e.costNanos() == null ? e : e.withPrice(e.model(), e.costNanos() / 100, "v2"));
            stored.replaceAll(e -> e.costNanos() == null || e.time().isBefore(from) || !e.time().isBefore(to) ? e
                    : e.withPrice(e.model(), e.costNanos() / 100, "v2"));
            assertFirstPages(top, stored);

            // carol becomes one of alice's identities: kept rows are by identity, so nothing is filled again
            new AliasStore(store).save("carol", "alice", NOW);
            Predicate<UsageEvent> alices = e -> ALICES.contains(e.identity()) || e.identity().equals("carol");
            assertFirstPages(top, stored, range().withPerson("alice"), alices);
        }
    }

    @Test
    void daysOfFewRecordsAreReadFromTheLedgerAndNeverKept() {
        try (Store store = open(dir)) {
            List<UsageEvent> stored = days("a", 1_000L);
            new Ledger(store).write(stored);
            TopRequests top = new TopRequests(store); // days of fewer than 50,000 records are not worth keeping
            assertFirstPages(top, stored);
            assertThat(kept(store)).isEmpty();
        }
    }

    @Test
    void pagesAskedWhileRecordsArriveInTheirDaysNeverLeaveADayKeptStale() throws Exception {
        try (Store store = open(dir)) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> stored = new ArrayList<>(days("a", 1_000L));
            ledger.write(stored);
            TopRequests top = new TopRequests(store, 1);
            List<UsageEvent> later = days("b", 3_000L); // dearer records into the same days, batch by batch
            Thread writer = new Thread(() -> {
                for (int i = 0; i < later.size(); i += 100) ledger.write(later.subList(i, Math.min(later.size(), i + 100)));
            });
            writer.start();
            while (writer.isAlive()) top.page(range(), null, 10); // fills days between the writer's batches
            writer.join();
            stored.addAll(later);

            // every day still marked kept holds exactly what filling it now would
            assertThat(kept(store)).isNotEmpty();
            for (long d : kept(store)) {
                List<String> now = store.inTransaction(c -> {
                    Where.Condition fill = TopDays.rowsToKeep(c, d);
                    return Jdbc.query(c, "SELECT id FROM (" + fill.sql() + ") ORDER BY id", fill.params(), rs -> rs.getString(1));
                });
                List<String> held = store.inTransaction(c -> Jdbc.query(c, "SELECT id FROM usage_top_day WHERE ts_ms >= ? AND ts_ms < ?"
                        + " ORDER BY id", List.of(d, d + 86_400_000L), rs -> rs.getString(1)));
                assertThat(held).as("day %s", Instant.ofEpochMilli(d)).isEqualTo(now);
            }
            assertFirstPages(top, stored);
        }
    }

    @Test
    void aServerKeepsEveryEndedDayOfItsRangeAtOnceAndNothingOnPostgresql() {
        try (Store store = open(dir)) {
            Ledger ledger = new Ledger(store);
            List<UsageEvent> stored = days("a", 1_000L);
            ledger.write(stored);
            ledger.keepTopDays(DAY0, DAY0.plus(Duration.ofDays(11)), 1);
            assertThat(kept(store)).hasSize(11).contains(day(0), day(10));
            assertFirstPages(new TopRequests(store, 1), stored);
        }
        try (Store store = Store.open(TestStores.config(TestStores.Kind.POSTGRESQL, dir.resolve("pg")))) {
            Ledger ledger = new Ledger(store);
            ledger.write(days("a", 1_000L));
            ledger.keepTopDays(DAY0, DAY0.plus(Duration.ofDays(11))); // no such table there: its index on cost serves the pages
        }
    }
}
