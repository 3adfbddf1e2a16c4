package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.UsageEvent;
import tally.identity.People;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * The hourly rollups answer the questions that ask nothing of who (by what) or nothing of what (by
 * who, for the hours near midnight and a range's edges): each answer equals the same question
 * summed over the raw records, on both stores, after a reprice, a prune and an alias change, and
 * in a store made before the rollups existed.
 */
class HourlyRollupTest {
    private static final Instant START = Instant.parse("2026-03-25T00:00:00Z");
    /** Whole-hour zones (read from the hourly rollup), one across a daylight-saving change, and a half-hour one (not). */
    private static final List<String> ZONES = List.of("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata");
    private static final String[] MODELS = {"claude-sonnet-4-5-20250929", "claude-opus-4-5-20251101", "claude-haiku-4-5-20251001"};

    @TempDir Path dir;

    /** Every 7 minutes for 6 days: three developers, three models, two sources, two regions, some records team-tagged. */
    private static List<UsageEvent> history() {
        List<UsageEvent> out = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            out.add(event("h-" + i, START.plus(7L * i, ChronoUnit.MINUTES).toString(), "dev" + (i % 3))
                    .modelId(MODELS[i % MODELS.length]).model(MODELS[i % MODELS.length])
                    .source(i % 4 == 0 ? Source.GATEWAY : Source.MANUAL).region(i % 5 == 0 ? "us-east-1" : null)
                    .team(i % 6 == 1 ? "tagged" : null)
                    .cost(1_000L + 17L * i, "v1").build());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void questionsAboutNoOneEqualTheRawRecordsAfterRepriceAndPrune(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(history());
            assertAnswersEqualRaw(store, ledger, raw(ledger), e -> e.identity(), e -> "(none)");

            // reprice the middle days (every record's cost changes): taken out of the rollup and put back
            ledger.reprice(Instant.parse("2026-03-26T00:00:00Z"), Instant.parse("2026-03-28T00:00:00Z"),
                    e -> e.withPrice(e.model(), e.costNanos() * 3 + 1, "v2"));
            List<UsageEvent> repriced = raw(ledger);
            assertThat(repriced.stream().mapToLong(UsageEvent::costNanos).sum())
                    .isNotEqualTo(history().stream().mapToLong(UsageEvent::costNanos).sum());
            assertAnswersEqualRaw(store, ledger, repriced, e -> e.identity(), e -> "(none)");

            // pruning raw records leaves the rollups, so the answers are those of the records before the prune
            ledger.prune(Instant.parse("2026-03-27T00:00:00Z"), false);
            assertAnswersEqualRaw(store, ledger, repriced, e -> e.identity(), e -> "(none)");

            // an alias made afterwards re-attributes dev0's history to alice
            People people = new People(store);
            people.add("alice", "platform");
            people.alias("alice", "dev0");
            assertAnswersEqualRaw(store, ledger, repriced, e -> e.identity().equals("dev0") ? "alice" : e.identity(),
                    e -> e.identity().equals("dev0") ? "platform" : "(none)");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aStoreMadeBeforeTheHourlyRollupGetsItFilledWhenOpened(TestStores.Kind kind) throws Exception {
        StoreConfig config = TestStores.config(kind, dir);
        try (Store store = Store.open(config)) {
            new Ledger(store).write(history());
            // as the store was before: no hourly rollup, its migrations not applied
            exec(store, "DROP TABLE " + Rollups.HOURLY);
            exec(store, "DROP TABLE IF EXISTS " + Rollups.HOURLY_WHO);
            exec(store, "DROP TABLE IF EXISTS " + Rollups.DAILY_WHO);
            exec(store, "DELETE FROM schema_migrations WHERE version IN (90, 91, 92, 93, 94)");
        }
        try (Store store = Store.open(config)) {
            Ledger ledger = new Ledger(store);
            assertAnswersEqualRaw(store, ledger, raw(ledger), e -> e.identity(), e -> "(none)");
        }
    }

    private static List<UsageEvent> raw(Ledger ledger) throws Exception {
        List<UsageEvent> out = new ArrayList<>();
        ledger.scan(START.minus(1, ChronoUnit.DAYS), START.plus(8, ChronoUnit.DAYS), out::add);
        return out;
    }

    /**
     * Per zone, over whole local days: by hour, by day split by model, by model, source and region,
     * the total; by person, by day split by person and by team, the people active each day, one
     * person's hours and models (and those of someone aliased away, and of no one). {@code person} is who a record's identity maps to, {@code peopleTeam} the team
     * of that person (a record's own team tag comes first).
     */
    private static void assertAnswersEqualRaw(Store store, Ledger ledger, List<UsageEvent> events,
            Function<UsageEvent, String> person, Function<UsageEvent, String> peopleTeam) throws Exception {
        Function<UsageEvent, String> team = e -> e.team() != null ? e.team() : peopleTeam.apply(e);
        assertThat(hourlyRows(store, Rollups.HOURLY, "model")).as("hourly rollup by what = records per UTC hour and model")
                .isEqualTo(sum(events, e -> e.time().truncatedTo(ChronoUnit.HOURS).toEpochMilli() + " " + e.model()));
        assertThat(hourlyRows(store, Rollups.HOURLY_WHO, "identity")).as("hourly rollup by who = records per UTC hour and identity")
                .isEqualTo(sum(events, e -> e.time().truncatedTo(ChronoUnit.HOURS).toEpochMilli() + " " + e.identity()));
        assertThat(hourlyRows(store, Rollups.DAILY_WHO, "identity || '/' || team")).as("daily rollup by who = records per UTC day, identity and team tag")
                .isEqualTo(sum(events, e -> e.time().truncatedTo(ChronoUnit.DAYS).toEpochMilli() + " " + e.identity()
                        + "/" + (e.team() == null ? "" : e.team())));
        for (String z : ZONES) {
            ZoneId zone = ZoneId.of(z);
            Instant from = LocalDateTime.parse("2026-03-25T00:00").atZone(zone).toInstant();
            Instant to = LocalDateTime.parse("2026-03-30T00:00").atZone(zone).toInstant();
            List<UsageEvent> in = events.stream().filter(e -> !e.time().isBefore(from) && e.time().isBefore(to)).toList();
            Function<UsageEvent, LocalDateTime> local = e -> LocalDateTime.ofInstant(e.time(), zone);

            assertThat(costs(ledger.usage(UsageQuery.of(from, to, Dimension.HOUR, zone)))).as(z + " by hour")
                    .isEqualTo(sum(in, e -> Ledger.localKey(local.apply(e), Dimension.HOUR)));
            for (Dimension by : List.of(Dimension.MODEL, Dimension.SOURCE, Dimension.REGION)) {
                assertThat(costs(ledger.usage(UsageQuery.of(from, to, by, zone)))).as(z + " by " + by)
                        .isEqualTo(sum(in, e -> by == Dimension.MODEL ? e.model()
                                : by == Dimension.SOURCE ? e.source().label() : e.region() == null ? "(none)" : e.region()));
            }
            Map<String, Long> split = new TreeMap<>();
            for (UsageSeries.Point p : new UsageSeries(ledger).query(UsageQuery.of(from, to, Dimension.DAY, zone), Dimension.MODEL)) {
                split.merge(p.period().toLocalDate() + " " + p.split(), p.usage().costNanos(), Long::sum);
            }
            assertThat(split).as(z + " by day split by model")
                    .isEqualTo(sum(in, e -> local.apply(e).toLocalDate() + " " + e.model()));
            assertThat(ledger.totals(UsageQuery.of(from, to, Dimension.USER, zone)).costNanos()).as(z + " total")
                    .isEqualTo(in.stream().mapToLong(UsageEvent::costNanos).sum());
            assertThat(ledger.totals(UsageQuery.of(from, to, Dimension.USER, zone)).requests()).isEqualTo(in.size());
            for (String t : List.of("tagged", "platform", "(none)")) {
                assertThat(ledger.totals(UsageQuery.of(from, to, Dimension.MODEL, zone).withTeam(t)).costNanos()).as(z + " total of team " + t)
                        .isEqualTo(in.stream().filter(e -> team.apply(e).equals(t)).mapToLong(UsageEvent::costNanos).sum());
            }
            String first = person.apply(in.get(0));
            assertThat(ledger.totals(UsageQuery.of(from, to, Dimension.MODEL, zone).withPerson(first)).costNanos()).as(z + " total of " + first)
                    .isEqualTo(in.stream().filter(e -> person.apply(e).equals(first)).mapToLong(UsageEvent::costNanos).sum());

            assertThat(costs(ledger.usage(UsageQuery.of(from, to, Dimension.USER, zone)))).as(z + " by person")
                    .isEqualTo(sum(in, person));
            Map<String, Long> byPerson = new TreeMap<>();
            for (UsageSeries.Point p : new UsageSeries(ledger).query(UsageQuery.of(from, to, Dimension.DAY, zone), Dimension.USER)) {
                byPerson.merge(p.period().toLocalDate() + " " + p.split(), p.usage().costNanos(), Long::sum);
            }
            assertThat(byPerson).as(z + " by day split by person")
                    .isEqualTo(sum(in, e -> local.apply(e).toLocalDate() + " " + person.apply(e)));
            Map<String, Long> byTeam = new TreeMap<>();
            for (UsageSeries.Point p : new UsageSeries(ledger).query(UsageQuery.of(from, to, Dimension.DAY, zone), Dimension.TEAM)) {
                byTeam.merge(p.period().toLocalDate() + " " + p.split(), p.usage().costNanos(), Long::sum);
            }
            assertThat(byTeam).as(z + " by day split by team")
                    .isEqualTo(sum(in, e -> local.apply(e).toLocalDate() + " " + team.apply(e)));
            Map<LocalDate, Set<String>> active = new TreeMap<>();
            for (UsageEvent e : in) active.computeIfAbsent(local.apply(e).toLocalDate(), d -> new TreeSet<>()).add(person.apply(e));
            assertThat(new UsageSeries(ledger).activePeople(from, to, zone)).as(z + " people active each day").isEqualTo(active);
            String someone = person.apply(in.get(0));
            assertThat(costs(ledger.usage(UsageQuery.of(from, to, Dimension.HOUR, zone).withPerson(someone))))
                    .as(z + " " + someone + "'s hours")
                    .isEqualTo(sum(in.stream().filter(e -> person.apply(e).equals(someone)).toList(),
                            e -> Ledger.localKey(local.apply(e), Dimension.HOUR)));
            // a person filter reads only the rows of the identities that resolve to them: dev0 is nobody once aliased to alice
            for (String who : List.of(someone, "dev0", "nobody")) {
                assertThat(costs(ledger.usage(UsageQuery.of(from, to, Dimension.MODEL, zone).withPerson(who))))
                        .as(z + " " + who + "'s models")
                        .isEqualTo(sum(in.stream().filter(e -> person.apply(e).equals(who)).toList(), UsageEvent::model));
            }
        }
    }

    private static Map<String, Long> sum(List<UsageEvent> events, Function<UsageEvent, String> key) {
        Map<String, Long> out = new TreeMap<>();
        for (UsageEvent e : events) out.merge(key.apply(e), e.costNanos(), Long::sum);
        return out;
    }

    private static Map<String, Long> costs(List<UsageRow> rows) {
        Map<String, Long> out = new TreeMap<>();
        for (UsageRow r : rows) out.put(r.key(), r.costNanos());
        return out;
    }

    /** A rollup's cost per bucket and one column (an expression), as "bucket-ms column". */
    private static Map<String, Long> hourlyRows(Store store, String rollup, String column) {
        Map<String, Long> out = new TreeMap<>();
        Jdbc.query(store, "SELECT bucket_ms, " + column + ", sum(cost_nanos) FROM " + rollup
                + " GROUP BY bucket_ms, " + column + " HAVING sum(requests) <> 0", List.of(),
                rs -> out.put(rs.getLong(1) + " " + rs.getString(2), rs.getLong(3)), store::unavailable);
        return out;
    }

    private static void exec(Store store, String sql) throws Exception {
        try (Connection c = store.connection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
