package tally.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Bounds;
import tally.core.UsageEvent;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tally.store.Events.event;

/**
 * Who a series split by person names, as the aliases say at the moment it is asked (on DuckDB each
 * identity is resolved outside the database, {@link PersonOf}): two identities of one person make one
 * point a day, an identity with no alias is its own person (an assumed-role ARN by its session name),
 * an alias added or moved between two questions re-attributes the days already stored, and a
 * person's day beyond a long is refused with the same message even when each identity's day fits.
 */
class SeriesPersonResolutionTest {
    @TempDir Path dir;

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final String DAVE = "arn:aws:sts::1:assumed-role/Dev/dave";

    private static UsageQuery days(int from, int to) {
        return UsageQuery.of(LocalDate.of(2026, 1, from).atStartOfDay(BERLIN).toInstant(),
                LocalDate.of(2026, 1, to).atStartOfDay(BERLIN).toInstant(), Dimension.DAY, BERLIN);
    }

    /** Each point as "day person requests cost", in the series' order. */
    private static List<String> points(UsageSeries series, UsageQuery q) {
        return series.query(q, Dimension.USER).stream()
                .map(p -> p.period().toLocalDate() + " " + p.split() + " " + p.usage().requests() + " " + p.usage().costNanos())
                .toList();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void eachPointIsThePersonTheAliasesNameAtTheTimeOfAsking(TestStores.Kind kind) {
        List<UsageEvent> events = List.of(
                event("a1", "2026-01-10T09:00:00Z", "alice").cost(100L, "test").build(),
                event("a2", "2026-01-10T23:30:00Z", "alice").cost(200L, "test").build(), // Jan 11 in Berlin
                event("a3", "2026-01-10T11:00:00Z", "alice@corp.com").cost(40L, "test").build(),
                event("c1", "2026-01-10T12:00:00Z", "carol").cost(7L, "test").build(),
                event("c2", "2026-01-11T12:00:00Z", "carol").cost(8L, "test").build(),
                event("d1", "2026-01-10T13:00:00Z", DAVE).cost(5L, "test").build());
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(events);
            AliasStore aliases = new AliasStore(store);
            aliases.save("alice@corp.com", "alice", 0);
            UsageSeries series = new UsageSeries(ledger);
            UsageQuery q = days(9, 13);

            assertThat(points(series, q)).as("two identities of alice on Jan 10, carol and dave unaliased").containsExactly(
                    "2026-01-10 alice 2 140", "2026-01-10 carol 1 7", "2026-01-10 dave 1 5",
                    "2026-01-11 alice 1 200", "2026-01-11 carol 1 8");

            aliases.save("carol", "alice", 1);
            aliases.save("dev", "bob", 1); // the role's session name is dave, not dev: no change
            assertThat(points(series, q)).as("carol aliased to alice since the last question").containsExactly(
                    "2026-01-10 alice 3 147", "2026-01-10 dave 1 5", "2026-01-11 alice 2 208");

            aliases.save("alice@corp.com", "bob", 2);
            aliases.save("arn:aws:sts::1:assumed-role/Dev", "devs", 2);
            assertThat(points(series, q)).as("alice@corp.com moved to bob, dave's role aliased").containsExactly(
                    "2026-01-10 alice 2 107", "2026-01-10 bob 1 40", "2026-01-10 devs 1 5", "2026-01-11 alice 2 208");
            assertThat(points(series, q.withModel("no-such-model"))).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aPersonsDayBeyondALongIsRefusedThoughEachOfTheirIdentitiesDayFits(TestStores.Kind kind) {
        long big = 5_000_000_000_000_000_000L;
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Ledger ledger = new Ledger(store);
            ledger.write(List.of(event("w1", "2026-01-10T10:00:00Z", "whale").cost(big, "test").build(),
                    event("w2", "2026-01-10T11:00:00Z", "whale@corp.com").cost(big, "test").build(),
                    event("m1", "2026-01-11T11:00:00Z", "whale@corp.com").cost(3L, "test").build()));
            UsageSeries series = new UsageSeries(ledger);
            assertThat(points(series, days(9, 13))).as("apart, each fits").containsExactlyInAnyOrder(
                    "2026-01-10 whale 1 " + big, "2026-01-10 whale@corp.com 1 " + big, "2026-01-11 whale@corp.com 1 3");

            new AliasStore(store).save("whale@corp.com", "whale", 0);
            assertThatThrownBy(() -> series.query(days(9, 13), Dimension.USER)).isInstanceOf(Bounds.OutOfRange.class)
                    .hasMessage("the sum of cost in nano-dollars (10000000000000000000) exceeds " + Long.MAX_VALUE
                            + "; narrow the range or filter");
            assertThat(points(series, days(11, 13))).containsExactly("2026-01-11 whale 1 3");
        }
    }

    /** The identities PersonOf resolves by the rule the SQL joins follow, ARNs included. */
    @Test
    void personOfFollowsTheAliasRuleOfTheJoins() {
        PersonOf of = new PersonOf(Map.of("alice@corp.com", "alice", "erin", "alice",
                "arn:aws:sts::1:assumed-role/Ops", "ops", "arn:aws:iam::2:role/Admin", "admins"));
        assertThat(of.resolve("alice@corp.com")).isEqualTo("alice");
        assertThat(of.resolve("carol")).isEqualTo("carol");
        assertThat(of.resolve("arn:aws:sts::1:assumed-role/Dev/erin")).as("session alias").isEqualTo("alice");
        assertThat(of.resolve("arn:aws:sts::1:assumed-role/Ops/frank")).as("role alias").isEqualTo("ops");
        assertThat(of.resolve("arn:aws:sts::2:assumed-role/Admin/gus")).as("IAM role alias").isEqualTo("admins");
        assertThat(of.resolve("arn:aws:sts::1:assumed-role/Dev/dave")).as("unaliased: its session").isEqualTo("dave");
        assertThat(of.resolve("arn:aws:sts::1:assumed-role/Dev/")).as("no session: not an assumed role")
                .isEqualTo("arn:aws:sts::1:assumed-role/Dev/");
        assertThat(of.resolve("arn:aws:sts::1:assumed-role/Dev")).as("a role is no session").isEqualTo("arn:aws:sts::1:assumed-role/Dev");
        assertThat(of.resolve("arn:aws:sts::1:assumed-role/Dev/s/x")).as("a session of more parts: its third").isEqualTo("s");
        of.of("alice");
        assertThat(of.shared()).isFalse();
        of.of("alice@corp.com");
        assertThat(of.shared()).as("a second identity of alice").isTrue();
    }
}
