package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tally.store.Events.event;

/**
 * The cost per person or team alone (what the activity report reads) equals the raw records' cost
 * summed per the person each identity maps to: aliases, an assumed-role ARN by its session name
 * and by its role's alias, team tags over people's teams, unpriced records; over ranges cut at local
 * midnights, at quarter hours and within a day, with person and team filters; and what {@link
 * Ledger#usage} says of any range, odd minutes too. A cost beyond a long is refused.
 */
class LedgerCostsTest {
    @TempDir Path dir;

    private static final Map<String, String> PERSON_OF = Map.of(
            "alice", "alice", "alice@corp.com", "alice", "key:9f3a", "bob", "bob", "bob",
            "arn:aws:sts::1:assumed-role/Dev/dave", "dave", "arn:aws:sts::1:assumed-role/Ops/frank", "ops", "gina", "gina");
    private static final Map<String, String> TEAM_OF = Map.of("alice", "platform", "bob", "product");
    private static final List<String> IDENTITIES = List.copyOf(new TreeMap<>(PERSON_OF).keySet());

    private static List<UsageEvent> records() {
        Random rnd = new Random(96);
        List<UsageEvent> out = new ArrayList<>();
        Instant t = Instant.parse("2026-03-01T00:00:00Z");
        for (int i = 0; t.isBefore(Instant.parse("2026-03-12T00:00:00Z")); i++, t = t.plusSeconds(60 + rnd.nextInt(1800))) {
            out.add(event("r-" + i, t.toString(), IDENTITIES.get(rnd.nextInt(IDENTITIES.size())))
                    .team(rnd.nextInt(4) == 0 ? "tagged" : null)
                    .cost(rnd.nextInt(12) == 0 ? null : 1_000L + rnd.nextInt(9_000_000), "test").build());
        }
        return out;
    }

    private static String teamOf(UsageEvent e) {
        if (e.team() != null && !e.team().isEmpty()) return e.team();
        return TEAM_OF.getOrDefault(PERSON_OF.get(e.identity()), "(none)");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theCostOfEachPersonAndTeamEqualsTheirRawRecords(TestStores.Kind kind) {
        List<UsageEvent> events = records();
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(events);
            new AliasStore(store).save("alice@corp.com", "alice", 0);
            new AliasStore(store).save("key:9f3a", "bob", 0);
            new AliasStore(store).save("arn:aws:sts::1:assumed-role/Ops", "ops", 0); // a role
            TEAM_OF.forEach((person, team) -> new PeopleStore(store).save(person, team, 0));
            ZoneId berlin = ZoneId.of("Europe/Berlin");
            Instant[][] ranges = {
                    {LocalDate.of(2026, 3, 2).atStartOfDay(berlin).toInstant(), LocalDate.of(2026, 3, 10).atStartOfDay(berlin).toInstant()},
                    {Instant.parse("2026-03-02T07:15:00Z"), Instant.parse("2026-03-09T19:45:00Z")}, // the rollups' finest: 15 minutes
                    {Instant.parse("2026-03-04T10:00:00Z"), Instant.parse("2026-03-04T13:00:00Z")}};
            for (Instant[] r : ranges) {
                UsageQuery q = UsageQuery.of(r[0], r[1], Dimension.USER, berlin);
                String as = r[0] + " to " + r[1];
                assertThat(ledger.costs(q)).as(as).isEqualTo(raw(events, q, e -> true, e -> PERSON_OF.get(e.identity())));
                assertThat(ledger.costs(q.withBy(Dimension.TEAM))).as(as + " by team").isEqualTo(raw(events, q, e -> true, LedgerCostsTest::teamOf));
                assertThat(ledger.costs(q.withTeam("platform"))).as(as + ", team platform")
                        .isEqualTo(raw(events, q, e -> teamOf(e).equals("platform"), e -> PERSON_OF.get(e.identity())));
                assertThat(ledger.costs(q.withPerson("bob"))).as(as + ", bob")
                        .isEqualTo(raw(events, q, e -> PERSON_OF.get(e.identity()).equals("bob"), e -> "bob"));
            }
            UsageQuery odd = UsageQuery.of(Instant.parse("2026-03-02T07:13:00Z"), Instant.parse("2026-03-09T19:47:00Z"), Dimension.USER, berlin);
            Map<String, Long> usage = new TreeMap<>();
            ledger.usage(odd.withTeam("product")).forEach(row -> usage.put(row.key(), row.costNanos()));
            assertThat(ledger.costs(odd.withTeam("product"))).isEqualTo(usage).isNotEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aCostBeyondALongIsRefusedNeverWrapped(TestStores.Kind kind) {
        long big = 5_000_000_000_000_000_000L;
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(event("a", "2026-01-10T10:00:00Z", "whale").cost(big, "test").build(),
                    event("b", "2026-01-11T10:00:00Z", "whale").cost(big, "test").build()));
            UsageQuery q = UsageQuery.of(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-02-01T00:00:00Z"),
                    Dimension.USER, ZoneId.of("UTC"));
            assertThatThrownBy(() -> ledger.costs(q)).hasMessageContaining("cost in nano-dollars").hasMessageContaining("10000000000000000000");
        }
    }

    /** Cost per key of the raw records in q's range that pass {@code filter}; unpriced ones count as 0. */
    private static Map<String, Long> raw(List<UsageEvent> events, UsageQuery q, Predicate<UsageEvent> filter,
                                         Function<UsageEvent, String> key) {
        Map<String, Long> out = new TreeMap<>();
        for (UsageEvent e : events) {
            if (e.time().isBefore(q.from()) || !e.time().isBefore(q.to()) || !filter.test(e)) continue;
            out.merge(key.apply(e), e.costNanos() == null ? 0L : e.costNanos(), Long::sum);
        }
        return out;
    }
}
