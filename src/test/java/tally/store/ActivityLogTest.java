package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Activity;
import tally.identity.People;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.store.Events.priced;

class ActivityLogTest {
    @TempDir Path dir;

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void dailyActiveUsersCountPeopleWithUsageOrActivityPerLocalDay(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            // Kolkata is UTC+05:30: 18:29 UTC is 23:59 on the 5th there, 18:30 UTC is midnight of the 6th
            ledger.write(List.of(priced("a", "2026-01-05T18:29:00Z", "alice@corp", 1),
                    priced("b", "2026-01-05T18:30:00Z", "bob", 1),
                    priced("c", "2026-01-05T20:00:00Z", "alice", 1)));
            ActivityLog log = new ActivityLog(store);
            log.write(List.of(new Activity("x", Instant.parse("2026-01-06T02:00:00Z"), "carol", null, "s", Activity.Kind.PROMPT, 1)));
            People people = new People(store);
            people.add("alice", null);
            people.alias("alice", "alice@corp");

            Map<LocalDate, Integer> dau = log.dailyActiveUsers(Instant.parse("2026-01-01T00:00:00Z"),
                    Instant.parse("2026-02-01T00:00:00Z"), ZoneId.of("Asia/Kolkata"));
            assertThat(dau).containsExactly(Map.entry(LocalDate.parse("2026-01-05"), 1), // alice
                    Map.entry(LocalDate.parse("2026-01-06"), 3)); // bob, alice (as herself), carol
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void activityByPersonFollowsTheFirstAliasSavedOnTheSameStore(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            ActivityLog log = new ActivityLog(store);
            Instant at = Instant.parse("2026-01-06T02:00:00Z");
            log.write(List.of(new Activity("p1", at, "alice@corp", null, "s", Activity.Kind.PROMPT, 2),
                    new Activity("p2", at.plusSeconds(60), "alice", null, "s", Activity.Kind.PROMPT, 3)));
            Instant from = Instant.parse("2026-01-01T00:00:00Z");
            Instant to = Instant.parse("2026-02-01T00:00:00Z");
            assertThat(log.totalsByPerson(from, to)).containsOnlyKeys("alice", "alice@corp");
            assertThat(log.dailyActiveUsers(from, to, ZoneId.of("UTC"))).containsExactly(Map.entry(LocalDate.parse("2026-01-06"), 2));

            People people = new People(store);
            people.add("alice", null);
            people.alias("alice", "alice@corp");
            assertThat(log.totalsByPerson(from, to)).containsOnlyKeys("alice");
            assertThat(log.totalsByPerson(from, to).get("alice")).containsEntry(Activity.Kind.PROMPT, 5.0);
            assertThat(log.dailyActiveUsers(from, to, ZoneId.of("UTC"))).containsExactly(Map.entry(LocalDate.parse("2026-01-06"), 1));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void rowsAreStoredAsWrittenTextsNullsAndFractions(TestStores.Kind kind) throws Exception {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Instant at = Instant.parse("2026-01-06T02:00:00Z");
            new ActivityLog(store).write(List.of(
                    new Activity("q", at, "o\"brien, é ✓", "plat,form", "", Activity.Kind.LINES_ADDED, 1.0 / 3),
                    new Activity("n", at.plusMillis(1), "carol", null, null, Activity.Kind.ESTIMATED_COST_EVENT, 123_456_789_012L)));
            List<String> rows = new ArrayList<>();
            try (Connection c = store.connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id, ts_ms, identity, team, session_id, kind, value FROM activity ORDER BY id")) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + "|" + rs.getLong(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|"
                            + rs.getString(5) + "|" + rs.getString(6) + "|" + rs.getDouble(7));
                }
            }
            assertThat(rows).containsExactly(
                    "n|" + (at.toEpochMilli() + 1) + "|carol|null|null|" + Activity.Kind.ESTIMATED_COST_EVENT.label() + "|" + 123_456_789_012.0,
                    "q|" + at.toEpochMilli() + "|o\"brien, é ✓|plat,form||" + Activity.Kind.LINES_ADDED.label() + "|" + 1.0 / 3);
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void costEstimatesSummingPastALongAreAClearErrorNotAStoreFailure(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Instant at = Instant.parse("2026-12-06T02:00:00Z");
            // stored before such points were refused: $1e30 in nano-dollars, and an estimate the store sums fine
            new ActivityLog(store).write(List.of(
                    new Activity("big", at, "carol", null, "s1", Activity.Kind.ESTIMATED_COST_METRIC, 1e39),
                    new Activity("ok", at.minusSeconds(86_400), "carol", null, "s2", Activity.Kind.ESTIMATED_COST_METRIC, 1_500_000_000)));
            ProviderReports reports = new ProviderReports(store);
            long dec1 = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

            assertThat(reports.telemetryEstimateByDay(dec1, at.minusSeconds(3_600).toEpochMilli()))
                    .extracting(ProviderReports.DayModel::nanos).containsExactly(1_500_000_000L);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> reports.telemetryEstimateByDay(dec1, at.plusSeconds(1).toEpochMilli()))
                    .isInstanceOf(tally.core.Bounds.OutOfRange.class).hasMessageContaining("cost in nano-dollars");
        }
    }
}
