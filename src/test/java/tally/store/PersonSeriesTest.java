package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * A series split by person (summed per identity and then per person outside the database) equals
 * every figure of the raw records summed per local period and the person each identity maps to:
 * two identities aliased to one person, assumed-role ARNs by session name, by session alias and by
 * role alias, unaliased identities, team tags, failed and unpriced requests; by day and by hour, in
 * zones east and west, of half and three-quarter hours, over ranges that cross daylight-saving changes.
 */
class PersonSeriesTest {
    @TempDir Path dir;

    private static final Map<String, String> PERSON_OF = Map.of(
            "alice", "alice", "alice@corp.com", "alice", "key:9f3a", "bob", "bob", "bob",
            "arn:aws:sts::1:assumed-role/Dev/dave", "dave", "arn:aws:sts::1:assumed-role/Dev/erin", "alice",
            "arn:aws:sts::1:assumed-role/Ops/frank", "ops", "gina", "gina");
    private static final List<String> IDENTITIES = List.copyOf(new TreeMap<>(PERSON_OF).keySet());
    private static final List<String> MODELS = List.of("claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101");

    /**
     * Berlin and Chatham change offset inside the range (March 29, April 5), St John's and Kathmandu are off the hour;
     * London's first piece (to 01:00 UTC on March 29) ends an hour into a UTC day at offset 0.
     */
    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham",
            "Europe/London");

    private static List<UsageEvent> month() {
        Random rnd = new Random(16);
        List<UsageEvent> out = new ArrayList<>();
        Instant t = Instant.parse("2026-03-22T00:00:00Z");
        for (int i = 0; t.isBefore(Instant.parse("2026-04-10T00:00:00Z")); i++, t = t.plusSeconds(60 + rnd.nextInt(900))) {
            String model = MODELS.get(rnd.nextInt(2));
            out.add(event("r-" + i, t.toString(), IDENTITIES.get(rnd.nextInt(IDENTITIES.size())))
                    .team(rnd.nextInt(3) == 0 ? "tagged" : null).modelId(model).model(model)
                    .tokens(new TokenCounts(rnd.nextInt(5_000), rnd.nextInt(300), rnd.nextInt(200), rnd.nextInt(9_000), rnd.nextInt(900)))
                    .webSearches(rnd.nextInt(4) == 0 ? 1 : 0).status(rnd.nextInt(10) == 0 ? 529 : 200)
                    .cost(rnd.nextInt(15) == 0 ? null : 1_000L + rnd.nextInt(5_000_000), "test").build());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void everyFigureOfEveryPersonsLocalDayAndHourEqualsTheirRawRecords(TestStores.Kind kind) {
        List<UsageEvent> events = month();
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(events);
            aliasesAndPeople(store);
            UsageSeries series = new UsageSeries(ledger);
            for (String z : ZONES) {
                ZoneId zone = ZoneId.of(z);
                Instant from = LocalDate.of(2026, 3, 24).atStartOfDay(zone).toInstant();
                Instant to = LocalDate.of(2026, 4, 8).atStartOfDay(zone).toInstant();
                for (Dimension step : List.of(Dimension.DAY, Dimension.HOUR)) {
                    UsageQuery q = UsageQuery.of(from, to, step, zone);
                    assertSeriesEqualsRaw(series.query(q, Dimension.USER), events, q, e -> true, z + " by " + step);
                }
                UsageQuery opus = UsageQuery.of(from, to, Dimension.DAY, zone).withModel(MODELS.get(1));
                assertSeriesEqualsRaw(series.query(opus, Dimension.USER), events, opus, e -> e.model().equals(MODELS.get(1)),
                        z + " by day, one model");
            }
        }
    }

    /**
     * A developer's UTC day beyond a long in the rollup by who (two records of 5e18 nano-dollars, of
     * two models, which each fit the rollups by model), whose two local days each fit: answered
     * exactly, never wrapped, never refused.
     */
    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRollupRowBeyondALongWhoseLocalDaysEachFitIsAnsweredExactly(TestStores.Kind kind) {
        long big = 5_000_000_000_000_000_000L;
        List<UsageEvent> events = List.of(
                event("a", "2026-01-10T10:00:00Z", "whale").modelId(MODELS.get(0)).model(MODELS.get(0)).cost(big, "test").build(),
                event("b", "2026-01-10T23:30:00Z", "whale").modelId(MODELS.get(1)).model(MODELS.get(1)).cost(big, "test").build(), // Jan 11 in Berlin
                event("c", "2026-01-10T12:00:00Z", "minnow").cost(7L, "test").build());
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(events);
            ZoneId berlin = ZoneId.of("Europe/Berlin");
            UsageQuery q = UsageQuery.of(LocalDate.of(2026, 1, 9).atStartOfDay(berlin).toInstant(),
                    LocalDate.of(2026, 1, 13).atStartOfDay(berlin).toInstant(), Dimension.DAY, berlin);
            assertThat(new UsageSeries(ledger).query(q, Dimension.USER))
                    .extracting(p -> p.period().toLocalDate() + " " + p.split() + " " + p.usage().costNanos())
                    .containsExactly("2026-01-10 whale " + big, "2026-01-10 minnow 7", "2026-01-11 whale " + big);
        }
    }

    private static void aliasesAndPeople(Store store) {
        AliasStore aliases = new AliasStore(store);
        aliases.save("alice@corp.com", "alice", 0);
        aliases.save("key:9f3a", "bob", 0);
        aliases.save("erin", "alice", 0); // a session name
        aliases.save("arn:aws:sts::1:assumed-role/Ops", "ops", 0); // a role
        PeopleStore people = new PeopleStore(store);
        people.save("alice", "platform", 0);
        people.save("bob", "product", 0);
    }

    /** Every figure per local period and person, and the order: period, then cost (highest first), then person. */
    private static void assertSeriesEqualsRaw(List<UsageSeries.Point> series, List<UsageEvent> events, UsageQuery q,
                                              Predicate<UsageEvent> filter, String as) {
        Map<String, String> expected = new TreeMap<>();
        Map<String, UsageRow> sums = new TreeMap<>();
        for (UsageEvent e : events) {
            if (e.time().isBefore(q.from()) || !e.time().isBefore(q.to()) || !filter.test(e)) continue;
            LocalDateTime local = LocalDateTime.ofInstant(e.time(), q.zone());
            LocalDateTime period = q.by() == Dimension.DAY ? local.truncatedTo(ChronoUnit.DAYS) : local.truncatedTo(ChronoUnit.HOURS);
            String person = PERSON_OF.get(e.identity());
            UsageRow one = new UsageRow(person, 1, e.failed() ? 1 : 0, e.tokens(), e.webSearches(),
                    e.costNanos() == null ? 0 : e.costNanos(), e.costNanos() == null ? 1 : 0);
            sums.merge(period + " " + person, one, UsageRow::plus);
        }
        sums.forEach((k, r) -> expected.put(k, r.toString()));
        Map<String, String> actual = new TreeMap<>();
        for (UsageSeries.Point p : series) actual.put(p.period() + " " + p.split(), p.usage().toString());
        assertThat(actual).as(as).isEqualTo(expected);
        assertThat(series).as(as + ", in order").isSortedAccordingTo(Comparator.comparing(UsageSeries.Point::period)
                .thenComparing(p -> -p.usage().costNanos()).thenComparing(UsageSeries.Point::split));
    }
}
