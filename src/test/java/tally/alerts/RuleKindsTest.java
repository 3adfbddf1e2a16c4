package tally.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Activity;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.budget.Budget;
import tally.budget.Budgets;
import tally.store.Events;
import tally.store.StoreConfig;
import tally.store.TestStores;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each rule kind fires once for what it watches, names who, what, how much and the threshold,
 * stays quiet while it keeps firing, and resolves when the condition ends.
 */
class RuleKindsTest {
    @TempDir Path dir;

    private AlertHarness duck(String now, String... rules) throws Exception {
        return new AlertHarness(StoreConfig.embedded(dir), now, rules);
    }

    private static List<String> texts(List<Notification> ns) {
        return ns.stream().map(n -> n.type() + " " + n.text()).toList();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aTeamsDayOverTenDollarsFiresOnceToSlackAndASignedWebhookThenResolvesAtMidnight(TestStores.Kind kind) throws Exception {
        try (AlertHarness h = new AlertHarness(TestStores.config(kind, dir), "2026-03-10T10:00:00Z",
                "{\"name\":\"team-daily-cost\",\"kind\":\"threshold\",\"metric\":\"cost\",\"period\":\"day\",\"scope\":\"team\",\"above\":\"10\"}")) {
            h.write(Events.event("1", "2026-03-10T09:00:00Z", "alice").team("platform").cost(7_000_000_000L, "t").build(),
                    Events.event("2", "2026-03-10T09:30:00Z", "bob").team("platform").cost(5_340_000_000L, "t").build(),
                    Events.event("3", "2026-03-10T09:30:00Z", "carol").team("web").cost(2_000_000_000L, "t").build());

            List<Notification> first = h.tickAt("2026-03-10T10:00:00Z");
            assertThat(texts(first)).containsExactly("FIRING Team platform spent $12.34 today, above the $10.00 daily threshold.");
            assertThat(first.get(0).fields()).containsEntry("Who", "Team platform").containsEntry("Amount", "$12.34")
                    .containsEntry("Threshold", "$10.00");

            assertThat(h.slack.requests).hasSize(1);
            JsonNode slack = RuleJson.JSON.readTree(h.slack.requests.get(0).body());
            assertThat(slack.at("/blocks/0/type").asText()).isEqualTo("header");
            assertThat(slack.at("/blocks/1/text/text").asText()).contains("Team platform spent $12.34 today");
            assertThat(slack.at("/blocks/2/fields/3/text").asText()).isEqualTo("*Threshold*\n$10.00");

            assertThat(h.hook.requests).hasSize(1);
            Receiver.Request hook = h.hook.requests.get(0);
            assertThat(hook.header("X-Tally-Signature")).isEqualTo("sha256="
                    + WebhookChannel.sign(AlertHarness.SECRET, hook.body().getBytes(StandardCharsets.UTF_8)));
            JsonNode body = RuleJson.JSON.readTree(hook.body());
            assertThat(body.get("type").asText()).isEqualTo("alert.firing");
            assertThat(body.at("/fields/amount").asText()).isEqualTo("$12.34");

            assertThat(h.tickAt("2026-03-10T10:01:00Z")).as("still over: no second message").isEmpty();
            assertThat(texts(h.tickAt("2026-03-11T00:01:00Z"))).containsExactly("RESOLVED Team platform is back within rule team-daily-cost.");
            assertThat(h.alerts.history(10)).extracting(AlertStore.Entry::state).containsExactly("resolved", "firing");
        }
    }

    @Test
    void theDefaultTenDollarAlarmWatchesEveryoneEvenWhereNobodyHasATeam() throws Exception {
        String[] defaults = DefaultRules.all().stream().map(r -> RuleJson.write(r).toString()).toArray(String[]::new);
        try (AlertHarness h = duck("2026-03-10T10:00:00Z", defaults)) {
            h.write(Events.event("1", "2026-03-10T09:00:00Z", "alice").cost(4_000_000_000L, "t").build(),
                    Events.event("2", "2026-03-10T09:30:00Z", "bob").cost(4_000_000_000L, "t").build(),
                    Events.event("3", "2026-03-10T09:40:00Z", "carol").cost(3_000_000_000L, "t").build());
            // nobody over $5, together over $10
            assertThat(texts(h.tickAt("2026-03-10T10:00:00Z"))).singleElement().asString()
                    .startsWith("FIRING").contains("$11.00").contains("$10.00");
        }
    }

    @Test
    void aScopeThatFiresAgainWithinTheCooldownIsRecordedButNotSent() throws Exception {
        try (AlertHarness h = duck("2026-03-10T10:00:00Z",
                "{\"name\":\"hourly\",\"kind\":\"threshold\",\"metric\":\"tokens\",\"period\":\"hour\",\"scope\":\"person\",\"above\":1000,\"cooldown\":\"3h\"}")) {
            h.write(Events.event("1", "2026-03-10T10:00:00Z", "alice").tokens(TokenCounts.of(1500, 0)).build());
            assertThat(texts(h.tickAt("2026-03-10T10:05:00Z")))
                    .containsExactly("FIRING alice used 1,500 tokens in the last hour, above the 1,000 tokens hourly threshold.");
            assertThat(h.tickAt("2026-03-10T11:20:00Z")).extracting(Notification::type).containsExactly(Notification.Type.RESOLVED);
            h.write(Events.event("2", "2026-03-10T11:30:00Z", "alice").tokens(TokenCounts.of(2000, 0)).build());
            assertThat(h.tickAt("2026-03-10T11:35:00Z")).as("inside the 3h cooldown").isEmpty();
            assertThat(h.alerts.history(1).get(0).notified()).isFalse();
            assertThat(h.tickAt("2026-03-10T12:50:00Z")).as("a firing that was never sent resolves silently").isEmpty();
            h.write(Events.event("3", "2026-03-10T13:10:00Z", "alice").tokens(TokenCounts.of(3000, 0)).build());
            assertThat(h.tickAt("2026-03-10T13:15:00Z")).as("cooldown over").extracting(Notification::type)
                    .containsExactly(Notification.Type.FIRING);
        }
    }

    @Test
    void aBudgetWarnsOncePerCrossingWithTheHighestMarkPassedAndOncePerPeriod() throws Exception {
        try (AlertHarness h = duck("2026-03-10T10:00:00Z", "{\"name\":\"budgets\",\"kind\":\"budget\"}")) {
            new Budgets(h.store, h.ledger).set(new Budget("eng", Budget.Scope.ORG, null, Budget.Period.DAILY, Budget.Unit.USD,
                    10_000_000_000L, true, 100));
            // Spend from Bedrock invocation logs counts like the gateway's: past 50% and 80% at once.
            h.write(Events.event("b1", "2026-03-10T09:00:00Z", "alice").source(Source.PROVIDER_LOG).cost(8_500_000_000L, "t").build());
            List<Notification> n = h.tickAt("2026-03-10T10:00:00Z");
            assertThat(n).singleElement().satisfies(x -> assertThat(x.fields()).containsEntry("What", "80% of the daily budget"));
            assertThat(n.get(0).text()).contains("Budget 'eng' (organization, hard) is at 85%: $8.50 of $10.00 spent")
                    .contains("resets 2026-03-11 00:00");
            assertThat(h.slack.requests).hasSize(1);
            assertThat(h.tickAt("2026-03-10T10:05:00Z")).isEmpty();

            h.write(Events.event("g1", "2026-03-10T10:06:00Z", "alice").source(Source.GATEWAY).cost(1_000_000_000L, "t").build());
            assertThat(h.tickAt("2026-03-10T10:10:00Z")).extracting(x -> x.fields().get("What")).containsExactly("90% of the daily budget");
            assertThat(h.tickAt("2026-03-11T00:05:00Z")).as("a reset is not news").isEmpty();

            h.write(Events.event("b2", "2026-03-11T01:00:00Z", "alice").source(Source.PROVIDER_LOG).cost(5_500_000_000L, "t").build());
            assertThat(h.tickAt("2026-03-11T01:05:00Z")).as("a new period: the 50% mark again, inside the rule's cooldown")
                    .extracting(x -> x.fields().get("What")).containsExactly("50% of the daily budget");
        }
    }

    @Test
    void aSoftBudgetAlsoWarnsAtItsOwnThreshold() throws Exception {
        try (AlertHarness h = duck("2026-03-10T10:00:00Z", "{\"name\":\"budgets\",\"kind\":\"budget\"}")) {
            new Budgets(h.store, h.ledger).set(new Budget("eng", Budget.Scope.ORG, null, Budget.Period.DAILY, Budget.Unit.USD,
                    10_000_000_000L, false, 75));
            h.write(Events.event("a", "2026-03-10T09:00:00Z", "alice").cost(7_600_000_000L, "t").build());
            List<Notification> n = h.tickAt("2026-03-10T10:00:00Z");
            assertThat(n).extracting(x -> x.fields().get("What")).containsExactly("75% of the daily budget");
            assertThat(n.get(0).text()).contains("Budget 'eng' (organization, soft) is at 76%: $7.60 of $10.00 spent, past the 75% mark");
            assertThat(h.slack.requests).as("reaches the channels, not only the log").hasSize(1);

            h.write(Events.event("b", "2026-03-10T10:01:00Z", "alice").cost(500_000_000L, "t").build());
            assertThat(h.tickAt("2026-03-10T10:05:00Z")).extracting(x -> x.fields().get("What"))
                    .containsExactly("80% of the daily budget");
        }
    }

    @Test
    void aDayFarAboveThePersonsOwnMedianFires() throws Exception {
        try (AlertHarness h = duck("2026-03-10T10:00:00Z", "{\"name\":\"spike\",\"kind\":\"baseline\",\"factor\":3,\"days\":14,\"minimum\":\"1\"}")) {
            h.write(Events.priced("d1", "2026-03-05T10:00:00Z", "alice", 1_000_000_000L),
                    Events.priced("d2", "2026-03-07T10:00:00Z", "alice", 2_000_000_000L),
                    Events.priced("d3", "2026-03-09T10:00:00Z", "alice", 1_500_000_000L),
                    Events.priced("t", "2026-03-10T09:00:00Z", "alice", 6_000_000_000L),
                    Events.priced("b", "2026-03-10T09:00:00Z", "bob", 6_000_000_000L)); // bob has no history to judge by
            assertThat(texts(h.tickAt("2026-03-10T10:00:00Z")))
                    .containsExactly("FIRING alice spent $6.00 today, 4× their 14-day median of $1.50 (alert above 3×).");
            assertThat(h.tickAt("2026-03-10T11:00:00Z")).isEmpty();
            assertThat(h.tickAt("2026-03-11T08:00:00Z")).extracting(Notification::type).containsExactly(Notification.Type.RESOLVED);
        }
    }

    @Test
    void aSustainedRequestRateLooksLikeARunawayLoop() throws Exception {
        try (AlertHarness h = duck("2026-03-10T10:15:00Z", "{\"name\":\"loop\",\"kind\":\"runaway\",\"rpm\":20,\"minutes\":15}")) {
            List<tally.core.UsageEvent> burst = new ArrayList<>();
            for (int i = 0; i < 900; i++) {
                burst.add(Events.priced("r" + i, Instant.parse("2026-03-10T10:00:00Z").plusSeconds(i).toString(), "alice", 1_000_000L));
            }
            h.ledger.write(burst);
            h.write(Events.priced("calm", "2026-03-10T10:00:00Z", "bob", 1_000_000L));
            List<Notification> n = h.tickAt("2026-03-10T10:15:00Z");
            assertThat(texts(n)).singleElement().asString().startsWith("FIRING alice sent 900 requests ($0.90) in the last 15 minutes, 60.0 per minute")
                    .endsWith("runaway threshold. A loop?");
            assertThat(h.tickAt("2026-03-10T10:16:00Z")).isEmpty();
            assertThat(h.tickAt("2026-03-10T11:00:00Z")).extracting(Notification::type).containsExactly(Notification.Type.RESOLVED);
        }
    }

    @Test
    void usageOutsideWorkingHoursIsJudgedInTheTeamsZone() throws Exception {
        try (AlertHarness h = duck("2026-03-10T03:05:00Z", "{\"name\":\"night\",\"kind\":\"after-hours\",\"hours\":\"09:00-18:00\","
                + "\"days\":\"mon-fri\",\"zones\":{\"platform\":\"America/New_York\"}}")) {
            // 03:00 UTC: 23:00 in New York (after hours), 03:00 in UTC (also after hours for the zone-less team)
            h.write(Events.event("n1", "2026-03-10T03:00:00Z", "alice").team("platform").build());
            assertThat(texts(h.tickAt("2026-03-10T03:05:00Z"))).singleElement().asString()
                    .isEqualTo("FIRING alice (team platform) made 1 requests ($0.0000010) up to 23:05 America/New_York, outside working hours (mon,tue,wed,thu,fri 09:00-18:00).");
            assertThat(h.tickAt("2026-03-10T03:10:00Z")).isEmpty();
            h.write(Events.event("n2", "2026-03-10T14:00:00Z", "alice").team("platform").build()); // 10:00 in New York
            assertThat(h.tickAt("2026-03-10T14:05:00Z")).extracting(Notification::type).containsExactly(Notification.Type.RESOLVED);
        }
    }

    @Test
    void aVeryLongResponseIsReported() throws Exception {
        try (AlertHarness h = duck("2026-03-10T10:05:00Z", "{\"name\":\"long\",\"kind\":\"long-response\",\"outputTokens\":32000,\"minutes\":15}")) {
            h.write(Events.event("l", "2026-03-10T10:00:00Z", "alice").tokens(TokenCounts.of(10, 50_000)).build(),
                    Events.event("s", "2026-03-10T10:00:00Z", "bob").tokens(TokenCounts.of(10, 500)).build());
            assertThat(texts(h.tickAt("2026-03-10T10:05:00Z")))
                    .containsExactly("FIRING alice got a response of 50,000 tokens of output (1 response over 32,000 in the last 15 minutes).");
            assertThat(h.tickAt("2026-03-10T10:10:00Z")).isEmpty();
            assertThat(h.tickAt("2026-03-10T10:30:00Z")).extracting(Notification::type).containsExactly(Notification.Type.RESOLVED);
        }
    }

    @Test
    void anUnpricedModelIsLoud() throws Exception {
        try (AlertHarness h = duck("2026-03-10T10:05:00Z", "{\"name\":\"unpriced\",\"kind\":\"unpriced-model\",\"hours\":24}")) {
            h.write(Events.event("u", "2026-03-10T10:00:00Z", "alice").model("claude-mystery-9").modelId("claude-mystery-9").cost(null, null).build());
            assertThat(texts(h.tickAt("2026-03-10T10:05:00Z"))).singleElement().asString()
                    .startsWith("FIRING Model claude-mystery-9: 1 request in the last 24 hours could not be priced");
            assertThat(h.tickAt("2026-03-10T11:05:00Z")).isEmpty();
            assertThat(h.tickAt("2026-03-11T11:05:00Z")).extracting(Notification::type).containsExactly(Notification.Type.RESOLVED);
        }
    }

    @Test
    void aDeveloperWhoseTelemetryStoppedIsNoticed() throws Exception {
        try (AlertHarness h = duck("2026-03-10T10:00:00Z", "{\"name\":\"quiet\",\"kind\":\"telemetry-stopped\",\"after\":\"24h\",\"lookback\":\"7d\"}")) {
            h.activity.write(List.of(new Activity("a1", Instant.parse("2026-03-07T10:00:00Z"), "alice", null, "s1", Activity.Kind.PROMPT, 1),
                    new Activity("b1", Instant.parse("2026-03-10T09:00:00Z"), "bob", null, "s2", Activity.Kind.PROMPT, 1)));
            assertThat(texts(h.tickAt("2026-03-10T10:00:00Z")))
                    .containsExactly("FIRING alice has sent no Claude Code telemetry for 1 day, after sending some in the 7 days before.");
            assertThat(h.tickAt("2026-03-10T10:01:00Z")).isEmpty();
            h.activity.write(List.of(new Activity("a2", Instant.parse("2026-03-10T10:30:00Z"), "alice", null, "s3", Activity.Kind.PROMPT, 1)));
            assertThat(h.tickAt("2026-03-10T10:31:00Z")).extracting(Notification::type).containsExactly(Notification.Type.RESOLVED);
        }
    }
}
