package tally.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.budget.Budget;
import tally.budget.Budgets;
import tally.core.Source;
import tally.core.UsageEvent;
import tally.store.Events;
import tally.store.StoreConfig;
import tally.store.TestStores;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Alerts stay readable: a channel gets at most one message per rule per evaluation, listing who
 * and how much; rules can count requests and look at one source, model or team; a channel's
 * cooldown holds back a rule's next message.
 */
class DigestTest {
    @TempDir Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void thirty_people_working_at_night_make_one_digest_per_channel_naming_each_of_them(TestStores.Kind kind) throws Exception {
        try (AlertHarness h = new AlertHarness(TestStores.config(kind, dir), "2026-03-10T03:05:00Z",
                "{\"name\":\"night\",\"kind\":\"after-hours\",\"hours\":\"09:00-18:00\",\"days\":\"mon-fri\"}")) {
            List<UsageEvent> night = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String who = String.format("dev%02d", i);
                for (int j = 0; j < 4; j++) night.add(Events.priced(who + "-" + j, "2026-03-10T03:0" + j + ":00Z", who, 250_000_000L));
            }
            h.ledger.write(night);

            List<Notification> sent = h.tickAt("2026-03-10T03:05:00Z");

            assertThat(sent).singleElement().satisfies(n -> {
                assertThat(n.type()).isEqualTo(Notification.Type.FIRING);
                assertThat(n.title()).isEqualTo("Alert: night, 30 out of bounds");
                assertThat(n.fields()).containsEntry("Rule", "night").containsEntry("Firing", "30");
                assertThat(n.text()).contains("dev00 made 4 requests ($1.00)").contains("… and 10 more");
                for (int i = 0; i < 30; i++) assertThat(n.preformatted()).contains(String.format("dev%02d | usage outside working hours | 4 requests, $1.00", i));
            });
            assertThat(h.slack.requests).hasSize(1);
            assertThat(h.hook.requests).hasSize(1);
            JsonNode hook = RuleJson.JSON.readTree(h.hook.requests.get(0).body());
            assertThat(hook.get("rule").asText()).isEqualTo("night");
            assertThat(hook.get("report").asText().lines()).hasSize(30);
            assertThat(h.alerts.history(100)).hasSize(30).allMatch(AlertStore.Entry::notified); // each one in the history

            // Work hours: every one of them resolves, again in one message.
            h.write(Events.priced("day", "2026-03-10T09:30:00Z", "dev00", 1L));
            List<Notification> morning = h.tickAt("2026-03-10T09:35:00Z");
            assertThat(morning).singleElement().satisfies(n -> {
                assertThat(n.type()).isEqualTo(Notification.Type.RESOLVED);
                assertThat(n.fields()).containsEntry("Resolved", "30");
            });
            assertThat(h.slack.requests).hasSize(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void a_request_count_rule_on_bedrock_invocations_counts_only_that_source(TestStores.Kind kind) throws Exception {
        String rule = "{\"name\":\"bedrock-invocations\",\"kind\":\"threshold\",\"metric\":\"requests\",\"period\":\"day\","
                + "\"scope\":\"organization\",\"source\":\"bedrock\",\"above\":1000}";
        assertThat(RuleJson.write(RuleJson.parse(RuleJson.JSON.readTree(rule))).toString())
                .contains("\"metric\":\"requests\"").contains("\"source\":\"provider-log\"").contains("\"above\":1000");
        try (AlertHarness h = new AlertHarness(TestStores.config(kind, dir), "2026-03-10T10:00:00Z", rule)) {
            List<UsageEvent> events = new ArrayList<>();
            Instant t = Instant.parse("2026-03-10T08:00:00Z");
            for (int i = 0; i < 1000; i++) events.add(Events.event("b" + i, t.plusSeconds(i).toString(), "alice").source(Source.PROVIDER_LOG).build());
            for (int i = 0; i < 500; i++) events.add(Events.event("g" + i, t.plusSeconds(i).toString(), "alice").source(Source.GATEWAY).build());
            h.ledger.write(events);
            assertThat(h.tickAt("2026-03-10T10:00:00Z")).as("1,000 invocations is not more than 1,000; gateway requests do not count").isEmpty();

            h.write(Events.event("b-last", "2026-03-10T10:01:00Z", "bob").source(Source.PROVIDER_LOG).build());
            List<Notification> n = h.tickAt("2026-03-10T10:05:00Z");
            assertThat(n).singleElement().satisfies(x -> assertThat(x.text())
                    .isEqualTo("The organization made 1,001 requests (provider-log) today, above the 1,000 requests daily threshold."));
        }
    }

    @Test
    void a_budget_crossing_several_marks_at_once_for_several_people_is_one_message_with_each_persons_highest_mark() throws Exception {
        try (AlertHarness h = new AlertHarness(StoreConfig.embedded(dir), "2026-03-10T10:00:00Z", "{\"name\":\"budgets\",\"kind\":\"budget\"}")) {
            new Budgets(h.store, h.ledger).set(new Budget("each-person:daily", Budget.Scope.EACH_PERSON, null, Budget.Period.DAILY,
                    Budget.Unit.USD, 5_000_000_000L, true, 100));
            h.write(Events.event("a", "2026-03-10T09:00:00Z", "alice").source(Source.TRANSCRIPT).cost(4_600_000_000L, "t").build(),
                    Events.event("b", "2026-03-10T09:00:00Z", "bob").source(Source.OTEL_EVENT).cost(5_100_000_000L, "t").build(),
                    Events.event("c", "2026-03-10T09:00:00Z", "carol").source(Source.PROVIDER_LOG).cost(1_000_000_000L, "t").build());
            List<Notification> n = h.tickAt("2026-03-10T10:00:00Z");
            assertThat(n).singleElement().satisfies(x -> {
                assertThat(x.fields()).containsEntry("Firing", "2");
                assertThat(x.preformatted()).contains("Budget 'each-person:daily' for alice | 90% of the daily budget | $4.60")
                        .contains("Budget 'each-person:daily' for bob | 100% of the daily budget | $5.10")
                        .doesNotContain("50%").doesNotContain("carol");
            });
            assertThat(h.slack.requests).hasSize(1);
            assertThat(h.hook.requests).hasSize(1);
        }
    }

    @Test
    void a_channels_cooldown_holds_back_the_rules_next_message_there_only() throws Exception {
        try (AlertHarness h = new AlertHarness(StoreConfig.embedded(dir), "2026-03-10T10:00:00Z", java.time.Duration.ofHours(1),
                "{\"name\":\"hourly\",\"kind\":\"threshold\",\"metric\":\"tokens\",\"period\":\"hour\",\"scope\":\"person\",\"above\":1000,\"cooldown\":\"0s\"}")) {
            h.write(Events.event("1", "2026-03-10T10:00:00Z", "alice").tokens(tally.core.TokenCounts.of(1500, 0)).build());
            assertThat(h.tickAt("2026-03-10T10:05:00Z")).hasSize(1);
            h.write(Events.event("2", "2026-03-10T10:06:00Z", "bob").tokens(tally.core.TokenCounts.of(1500, 0)).build());
            assertThat(h.tickAt("2026-03-10T10:10:00Z")).hasSize(1);
            assertThat(h.slack.requests).hasSize(2);
            assertThat(h.hook.requests).as("the webhook's 1h cooldown").hasSize(1);
            assertThat(h.alerts.history(10)).extracting(AlertStore.Entry::who).contains("alice", "bob");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void a_rule_scoped_by_project_counts_only_the_records_the_project_rules_give_that_project(TestStores.Kind kind) throws Exception {
        String rule = "{\"name\":\"apollo-daily\",\"kind\":\"threshold\",\"metric\":\"cost\",\"period\":\"day\","
                + "\"scope\":\"organization\",\"project\":\"apollo\",\"above\":\"2\"}";
        assertThat(RuleJson.write(RuleJson.parse(RuleJson.JSON.readTree(rule))).toString()).contains("\"project\":\"apollo\"");
        try (AlertHarness h = new AlertHarness(TestStores.config(kind, dir), "2026-03-10T10:00:00Z", rule)) {
            new tally.store.ProjectStore(h.store).map("/home/*/apollo*", "apollo", 0);
            h.write(Events.event("a1", "2026-03-10T08:00:00Z", "alice").project("/home/alice/apollo").cost(1_500_000_000L, "t").build(),
                    Events.event("z1", "2026-03-10T08:00:00Z", "alice").project("/home/alice/zeus").cost(9_000_000_000L, "t").build(),
                    Events.event("n1", "2026-03-10T08:00:00Z", "bob").cost(9_000_000_000L, "t").build());
            assertThat(h.tickAt("2026-03-10T10:00:00Z")).as("$1.50 on apollo; the rest is other projects' or none").isEmpty();

            h.write(Events.event("a2", "2026-03-10T10:01:00Z", "bob").source(Source.OTEL_EVENT).project("/home/bob/apollo-api")
                    .cost(1_000_000_000L, "t").build());
            List<Notification> n = h.tickAt("2026-03-10T10:05:00Z");
            assertThat(n).singleElement().satisfies(x -> assertThat(x.text())
                    .isEqualTo("The organization spent $2.50 (project apollo) today, above the $2.00 daily threshold."));
        }
    }

    @Test
    void a_rule_with_an_unknown_source_is_refused_with_a_reason() {
        assertThatThrownBy(() -> RuleJson.parse(RuleJson.JSON.readTree(
                "{\"name\":\"s\",\"kind\":\"threshold\",\"metric\":\"cost\",\"above\":\"1\",\"source\":\"carrier-pigeon\"}")))
                .hasMessageContaining("rule 's': source: expected one of");
    }
}
