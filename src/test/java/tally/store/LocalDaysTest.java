package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.event;

/**
 * The sums by local day and identity in a server's zone, on both stores: equal to the ledger
 * summed by local day after every kind of write, filled again for another zone, folded by a
 * process that did not choose the zone, and read by the day series split by person with the same
 * answer as from the rollups by UTC bucket; on PostgreSQL kept right while replicas in two zones
 * take turns keeping them.
 */
class LocalDaysTest {
    @TempDir Path dir;

    /** Around a daylight-saving change both ways, half and three-quarter hours east, and UTC. */
    private static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Asia/Kolkata",
            "Asia/Kathmandu", "Pacific/Chatham", "UTC");

    /** Every 13 minutes from 2026-03-20 00:20 UTC for about 27 days (across Europe's change on 29 March), three developers. */
    private static List<UsageEvent> records(String prefix, int from, int count) {
        Instant start = Instant.parse("2026-03-20T00:20:00Z"); // not on an hour: the first hour row starts before the first bucket
        List<UsageEvent> out = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            out.add(event(prefix + i, start.plus(13L * i, ChronoUnit.MINUTES).toString(), "dev" + (i % 3))
                    .team(i % 5 == 1 ? "platform" : null).status(i % 9 == 4 ? 500 : 200)
                    .tokens(new TokenCounts(100 + i, i % 4, i % 5 * 2, i * 3L, 10 + i)).webSearches(i % 3)
                    .cost(i % 8 == 3 ? null : 1_000L + 13L * i, "v1").build());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void keptDaysEqualTheLedgerSummedByLocalDayAfterEveryKindOfWrite(TestStores.Kind kind) {
        StoreConfig config = TestStores.config(kind, dir);
        try (Store store = Store.open(config)) {
            Ledger ledger = new Ledger(store);
            ledger.write(records("a-", 0, 1_500));
            ledger.keepLocalDays(ZoneId.of("Europe/Berlin")); // filled from what is stored
            assertKeptDaysEqualTheLedger(store, "Europe/Berlin");

            ledger.write(records("b-", 1_000, 1_500)); // meets kept days, makes new ones
            assertKeptDaysEqualTheLedger(store, "Europe/Berlin");

            store.inTransaction(c -> { // records taken out, as a superseding source or a reprice does
                store.dialect().prepareStaging(c);
                return LedgerWriter.remove(c, new Where().and("identity = ?", "dev1"), store.localDays());
            });
            assertKeptDaysEqualTheLedger(store, "Europe/Berlin");

            ledger.keepLocalDays(ZoneId.of("Asia/Kolkata")); // another zone: filled again, from the 15-minute rollup
            assertKeptDaysEqualTheLedger(store, "Asia/Kolkata");
        }
        try (Store store = Store.open(config)) { // a later command in any zone keeps them
            new Ledger(store).write(records("c-", 2_000, 800));
            assertKeptDaysEqualTheLedger(store, "Asia/Kolkata");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void daysCutUnderOtherTimeZoneRulesAreForgottenAndFilledAgainByTheNextServer(TestStores.Kind kind) {
        StoreConfig config = TestStores.config(kind, dir);
        try (Store store = Store.open(config)) {
            Ledger ledger = new Ledger(store);
            ledger.write(records("a-", 0, 1_000));
            ledger.keepLocalDays(ZoneId.of("Europe/Berlin"));
            // as a JDK with other time-zone data would have cut them
            Jdbc.update(store, store::unavailable, "UPDATE usage_rollup_local_zone SET rules = '1999z'");
        }
        try (Store store = Store.open(config)) { // this JDK's rules: not read, not kept
            assertThat(store.localDays().kept()).isFalse();
            assertThat(Jdbc.query(store, "SELECT zone FROM usage_rollup_local_zone", List.of(), rs -> rs.getString(1), store::unavailable)).isEmpty();
            Ledger ledger = new Ledger(store);
            ledger.write(records("b-", 900, 500)); // not folded into the forgotten days
            ledger.keepLocalDays(ZoneId.of("Europe/Berlin")); // a server in the same zone fills them again
            assertThat(store.localDays().covers(ZoneId.of("Europe/Berlin"))).isTrue();
            assertKeptDaysEqualTheLedger(store, "Europe/Berlin");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aDaySplitByPersonAndTheActivePeopleReadTheSameFromKeptDaysInEveryZone(TestStores.Kind kind) {
        List<UsageEvent> events = records("e-", 0, 3_000);
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(events);
            UsageSeries series = new UsageSeries(ledger);
            for (String z : ZONES) {
                ZoneId zone = ZoneId.of(z);
                ledger.keepLocalDays(zone);
                List<Instant[]> ranges = List.of(
                        new Instant[] {LocalDate.of(2026, 3, 22).atStartOfDay(zone).toInstant(), LocalDate.of(2026, 4, 12).atStartOfDay(zone).toInstant()},
                        new Instant[] {Instant.parse("2026-03-21T05:15:00Z"), Instant.parse("2026-04-10T19:45:00Z")}, // partial days at both edges
                        new Instant[] {Instant.parse("2026-03-28T21:30:00Z"), Instant.parse("2026-03-30T02:15:00Z")}, // edges across Europe's change
                        new Instant[] {Instant.parse("2026-03-24T03:00:00Z"), Instant.parse("2026-03-24T20:00:00Z")}); // no whole day
                for (Instant[] range : ranges) assertSeriesAndActivePeopleAsRecorded(series, events, range, zone, z);
            }
        }
    }

    /**
     * Two PostgreSQL replicas in two zones: each server keeps its own zone's days as it starts, and the
     * other's writes and questions stay right. A replica's writes fold into whichever zone is kept when
     * they commit; its questions read kept days only when they are kept in its zone, checked in the
     * snapshot they read, and from the rollups by UTC bucket otherwise.
     */
    @Test
    void replicasInTwoZonesTakeTurnsKeepingTheDaysAndEachStaysRight() {
        StoreConfig config = TestStores.config(TestStores.Kind.POSTGRESQL, dir);
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        ZoneId newYork = ZoneId.of("America/New_York");
        Instant[] month = {Instant.parse("2026-03-21T05:15:00Z"), Instant.parse("2026-04-10T19:45:00Z")};
        List<UsageEvent> events = new ArrayList<>(records("a-", 0, 1_200));
        try (Store inBerlin = Store.open(config); Store inNewYork = Store.open(config)) {
            Ledger berlinLedger = new Ledger(inBerlin);
            Ledger newYorkLedger = new Ledger(inNewYork);
            berlinLedger.write(events);
            berlinLedger.keepLocalDays(berlin);
            UsageSeries berlinSeries = new UsageSeries(berlinLedger);
            assertSeriesAndActivePeopleAsRecorded(berlinSeries, events, month, berlin, "Berlin, kept");

            newYorkLedger.keepLocalDays(newYork); // the other replica starts: its zone's days from now on
            assertKeptDaysEqualTheLedger(inBerlin, "America/New_York");
            // Berlin's replica still believes its days are kept: its questions find out as they read
            assertSeriesAndActivePeopleAsRecorded(berlinSeries, events, month, berlin, "Berlin, after New York kept");

            List<UsageEvent> more = records("b-", 1_000, 1_000);
            berlinLedger.write(more); // folded into New York's days, which Berlin's replica learns under the lock
            events.addAll(more);
            assertKeptDaysEqualTheLedger(inBerlin, "America/New_York");
            assertSeriesAndActivePeopleAsRecorded(new UsageSeries(newYorkLedger), events, month, newYork, "New York, kept");
            assertSeriesAndActivePeopleAsRecorded(berlinSeries, events, month, berlin, "Berlin, from UTC rollups");

            berlinLedger.keepLocalDays(berlin); // Berlin's replica restarts: its zone again
            assertKeptDaysEqualTheLedger(inBerlin, "Europe/Berlin");
            assertSeriesAndActivePeopleAsRecorded(berlinSeries, events, month, berlin, "Berlin, kept again");
            assertSeriesAndActivePeopleAsRecorded(new UsageSeries(newYorkLedger), events, month, newYork, "New York, from UTC rollups");
        }
    }

    /**
     * A PostgreSQL fleet upgraded replica by replica: replicas of an older version keep writing
     * meanwhile and fold nothing into the local days. Each server refills them as it starts, so the
     * last one started sums in what the older ones wrote.
     */
    @Test
    void aServerStartOnPostgresqlSumsInWhatReplicasThatKeepNoLocalDaysWrote() {
        StoreConfig config = TestStores.config(TestStores.Kind.POSTGRESQL, dir);
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        try (Store store = Store.open(config)) {
            Ledger ledger = new Ledger(store);
            ledger.write(records("a-", 0, 1_000));
            ledger.keepLocalDays(berlin);
            List<String[]> kept = Jdbc.query(store, "SELECT zone, rules FROM usage_rollup_local_zone", List.of(),
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, store::unavailable);
            // as an older replica writes: into the ledger and the rollups by UTC bucket, not the local days
            Jdbc.update(store, store::unavailable, "DELETE FROM usage_rollup_local_zone");
            ledger.write(records("b-", 900, 800));
            Jdbc.update(store, store::unavailable, "INSERT INTO usage_rollup_local_zone (zone, rules) VALUES (?, ?)",
                    kept.get(0)[0], kept.get(0)[1]);

            ledger.keepLocalDays(berlin); // the next server in the same zone
            assertKeptDaysEqualTheLedger(store, "Europe/Berlin");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aDaySplitByTeamAndOneTeamsDaysReadTheSameFromKeptDaysInEveryZone(TestStores.Kind kind) {
        List<UsageEvent> events = records("t-", 0, 3_000); // a fifth carry their own team, "platform"
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(events);
            new PeopleStore(store).save("dev0", "red", 0); // the rest of dev0's records are red's; dev1's and dev2's are no team's
            Map<String, String> teams = Map.of("dev0", "red");
            UsageSeries series = new UsageSeries(ledger);
            for (String z : ZONES) {
                ZoneId zone = ZoneId.of(z);
                ledger.keepLocalDays(zone);
                Instant[] month = {Instant.parse("2026-03-21T05:15:00Z"), Instant.parse("2026-04-10T19:45:00Z")};
                Map<String, Long> byTeam = new TreeMap<>();
                for (UsageSeries.Point p : series.query(UsageQuery.of(month[0], month[1], Dimension.DAY, zone), Dimension.TEAM)) {
                    byTeam.merge(p.period() + " " + p.split(), p.usage().costNanos() * 1_000_000 + p.usage().requests(), Long::sum);
                }
                assertThat(byTeam).as("by team in " + z).isEqualTo(expected(events, month, zone, e -> teamOf(e, teams)));
                Map<String, Long> red = new TreeMap<>();
                for (UsageSeries.Point p : series.query(UsageQuery.of(month[0], month[1], Dimension.DAY, zone).withTeam("red"), null)) {
                    red.merge(p.period() + " red", p.usage().costNanos() * 1_000_000 + p.usage().requests(), Long::sum);
                }
                Map<String, Long> expectedRed = new TreeMap<>(expected(events, month, zone, e -> teamOf(e, teams)));
                expectedRed.keySet().removeIf(k -> !k.endsWith(" red"));
                assertThat(red).as("red's days in " + z).isEqualTo(expectedRed);
            }
        }
    }

    /** A record's team as the reports group it: its own, else its person's, else none. */
    private static String teamOf(UsageEvent e, Map<String, String> teams) {
        return e.team() != null && !e.team().isEmpty() ? e.team() : teams.getOrDefault(e.identity(), "(none)");
    }

    /** The day series split by person and the active people over {@code range} in {@code zone} are the records' own. */
    private static void assertSeriesAndActivePeopleAsRecorded(UsageSeries series, List<UsageEvent> events, Instant[] range,
                                                              ZoneId zone, String as) {
        Map<String, Long> actual = new TreeMap<>();
        for (UsageSeries.Point p : series.query(UsageQuery.of(range[0], range[1], Dimension.DAY, zone), Dimension.USER)) {
            actual.merge(p.period() + " " + p.split(), p.usage().costNanos() * 1_000_000 + p.usage().requests(), Long::sum);
        }
        assertThat(actual).as(as + " " + Arrays.toString(range)).isEqualTo(expected(events, range, zone));
        Map<String, Set<String>> active = new TreeMap<>();
        expected(events, range, zone).keySet().forEach(k -> active.computeIfAbsent(k.substring(0, 10), d -> new TreeSet<>()).add(k.substring(17)));
        Map<String, Set<String>> read = new TreeMap<>();
        series.activePeople(range[0], range[1], zone).forEach((d, people) -> read.put(d.toString(), new TreeSet<>(people)));
        assertThat(read).as("active " + as + " " + Arrays.toString(range)).isEqualTo(active);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theDaySeriesReadsKeptDaysOnlyInTheirZone(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(records("e-", 0, 3_000));
            ZoneId berlin = ZoneId.of("Europe/Berlin");
            ledger.keepLocalDays(berlin);
            // a mark only the kept days carry: a series that shows it read them
            Jdbc.update(store, store::unavailable, "UPDATE " + LocalDays.TABLE + " SET cost_nanos = cost_nanos + 7 WHERE bucket_ms = ?",
                    LocalDate.of(2026, 3, 25).toEpochDay() * Ledger.DAY_MS);
            UsageSeries series = new UsageSeries(ledger);
            Instant from = LocalDate.of(2026, 3, 22).atStartOfDay(berlin).toInstant();
            Instant to = LocalDate.of(2026, 4, 1).atStartOfDay(berlin).toInstant();

            long marked = Jdbc.query(store, "SELECT count(*) FROM " + LocalDays.TABLE + " WHERE bucket_ms = ?",
                    List.of(LocalDate.of(2026, 3, 25).toEpochDay() * Ledger.DAY_MS), rs -> rs.getLong(1), store::unavailable).get(0);
            assertThat(marked).as("a row per developer and team").isEqualTo(6);
            for (Dimension split : new Dimension[] {Dimension.USER, Dimension.TEAM, null}) {
                long fromKeptDays = costOn(series.query(UsageQuery.of(from, to, Dimension.DAY, berlin), split), "2026-03-25");
                // Paris: the same local days, summed from the rollups by UTC bucket
                long fromRollups = costOn(series.query(UsageQuery.of(from, to, Dimension.DAY, ZoneId.of("Europe/Paris")), split), "2026-03-25");
                assertThat(fromKeptDays).as("split by " + split).isEqualTo(split == null ? fromRollups : fromRollups + marked * 7);
            }
        }
    }

    private static long costOn(List<UsageSeries.Point> points, String day) {
        return points.stream().filter(p -> p.period().toLocalDate().toString().equals(day))
                .mapToLong(p -> p.usage().costNanos()).sum();
    }

    /** Per local day and developer in [from, to): cost * 10^6 + requests. */
    private static Map<String, Long> expected(List<UsageEvent> events, Instant[] range, ZoneId zone) {
        return expected(events, range, zone, UsageEvent::identity);
    }

    /** Per local day and {@code key} of a record in [from, to): cost * 10^6 + requests. */
    private static Map<String, Long> expected(List<UsageEvent> events, Instant[] range, ZoneId zone,
                                              java.util.function.Function<UsageEvent, String> key) {
        Map<String, Long> out = new TreeMap<>();
        for (UsageEvent e : events) {
            if (e.time().isBefore(range[0]) || !e.time().isBefore(range[1])) continue;
            LocalDateTime day = LocalDateTime.ofInstant(e.time(), zone).toLocalDate().atStartOfDay();
            out.merge(day + " " + key.apply(e), (e.costNanos() == null ? 0 : e.costNanos()) * 1_000_000 + 1, Long::sum);
        }
        return out;
    }

    /** The kept rows (those with records) equal the ledger's records summed per local day in {@code zone}, identity and team. */
    private static void assertKeptDaysEqualTheLedger(Store store, String zone) {
        assertThat(Jdbc.query(store, "SELECT zone FROM usage_rollup_local_zone", List.of(), rs -> rs.getString(1), store::unavailable))
                .containsExactly(zone);
        ZoneId z = ZoneId.of(zone);
        Map<String, List<Long>> ledger = new TreeMap<>();
        Jdbc.query(store, "SELECT ts_ms, identity, coalesce(team, ''), CASE WHEN status >= 400 THEN 1 ELSE 0 END, input_tokens,"
                + " cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, output_tokens, web_searches, coalesce(cost_nanos, 0),"
                + " CASE WHEN cost_nanos IS NULL THEN 1 ELSE 0 END FROM usage_events", List.of(), rs -> {
            long day = LocalDateTime.ofInstant(Instant.ofEpochMilli(rs.getLong(1)), z).toLocalDate().toEpochDay() * Ledger.DAY_MS;
            List<Long> sums = ledger.computeIfAbsent(day + " " + rs.getString(2) + " " + rs.getString(3),
                    k -> new ArrayList<>(List.of(0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L)));
            sums.set(0, sums.get(0) + 1);
            for (int i = 1; i < 10; i++) sums.set(i, sums.get(i) + rs.getLong(i + 3));
            return null;
        }, store::unavailable);
        Map<String, List<Long>> kept = new TreeMap<>();
        Jdbc.query(store, "SELECT bucket_ms, identity, team, model, source, project, region, " + String.join(", ", Rollups.SUMS)
                + " FROM " + LocalDays.TABLE + " WHERE requests <> 0", List.of(), rs -> {
            assertThat(List.of(rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7))).containsOnly("");
            List<Long> sums = new ArrayList<>();
            for (int i = 0; i < 10; i++) sums.add(rs.getLong(i + 8));
            return kept.put(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3), sums);
        }, store::unavailable);
        assertThat(ledger).hasSizeGreaterThan(20);
        assertThat(kept).as("kept days in " + zone).isEqualTo(ledger);
    }
}
