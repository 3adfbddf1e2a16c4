package tally.gateway;

import tally.budget.Budget;
import tally.budget.Budgets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.store.TestStores;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** Budgets hold under concurrency, count what the ledger already has, and say why they stop a request. */
class BudgetTest {
    @TempDir Path dir;

    static final String SONNET = "claude-sonnet-4-5-20250929";
    /** Each request really costs 10,000 × $3 + 6,000 × $15 per million = $0.12. */
    static final FakeAnthropic.Usage TWELVE_CENTS = new FakeAnthropic.Usage(10_000, 0, 0, 6_000, 0);
    static final long DOLLAR = 1_000_000_000L;

    static Budget hard(String name, Budget.Scope scope, String subject, long nanos) {
        return new Budget(name, scope, subject, Budget.Period.MONTHLY, Budget.Unit.USD, nanos, true, 100);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void fifty_parallel_requests_against_a_one_dollar_hard_budget_never_spend_beyond_the_limit_plus_one_reservation(TestStores.Kind kind) {
        try (GatewayHarness gw = new GatewayHarness(kind, dir)) {
            String key = gw.key("alice");
            gw.budget(hard("alice-monthly", Budget.Scope.PERSON, "alice", DOLLAR));
            gw.upstream.usage = s -> TWELVE_CENTS;
            gw.upstream.eventDelayMs = 3; // streams overlap

            String body = Http.messageBody(SONNET, 8_000, true);
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + "/v1/messages")).timeout(Duration.ofSeconds(20))
                        .POST(HttpRequest.BodyPublishers.ofString(body));
                Http.withKey(key).forEach(b::header);
                all.add(Http.CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()));
            }
            List<HttpResponse<String>> responses = all.stream().map(CompletableFuture::join).toList();

            long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
            List<HttpResponse<String>> blocked = responses.stream().filter(r -> r.statusCode() == 402).toList();
            assertThat(ok + blocked.size()).isEqualTo(50); // never a 429: clients would retry it
            assertThat(ok).isBetween(1L, 9L);
            assertThat(blocked).allSatisfy(r -> assertThat(r.body())
                    .contains("\"type\":\"billing_error\"").contains("budget 'alice-monthly'").contains("$1.00 per month")
                    .contains("spent of $1.00").contains("resets at"));

            long reservation = gw.catalog.quote(tally.pricing.PriceRequest.of(SONNET, Instant.now(),
                    new TokenCounts(body.length(), 0, 0, 0, 8_000))).costNanos();
            List<GatewayHarness.Rec> recs = gw.awaitRecords(50);
            long spent = recs.stream().filter(r -> r.status() == 200).mapToLong(GatewayHarness.Rec::costNanos).sum();
            assertThat(spent).isEqualTo(ok * 120_000_000L).isLessThanOrEqualTo(DOLLAR + reservation);
            assertThat(recs).filteredOn(r -> r.status() == 402).hasSize(blocked.size());

            HttpResponse<byte[]> after = Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 10, false));
            assertThat(after.statusCode()).isEqualTo(402);
        }
    }

    static final String HAIKU = "claude-haiku-4-5-20251001";
    static final String OPUS = "claude-opus-4-5-20251101";

    /** Sends {@code n} requests at once and waits for every answer. */
    static List<HttpResponse<String>> concurrently(GatewayHarness gw, String key, String body, int n) {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + "/v1/messages")).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            Http.withKey(key).forEach(b::header);
            all.add(Http.CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()));
        }
        return all.stream().map(CompletableFuture::join).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void usage_a_hundred_times_what_the_body_suggests_never_takes_a_hard_budget_past_its_limit_plus_one_request(TestStores.Kind kind) {
        try (GatewayHarness gw = new GatewayHarness(kind, dir)) {
            String key = gw.key("alice");
            long limit = 50_000_000L; // $0.05
            gw.budget(hard("alice-monthly", Budget.Scope.PERSON, "alice", limit));
            String body = Http.messageBody(HAIKU, 16, true);
            // The body suggests ~body.length() input tokens; the answer reports 100 times that (a file id, a PDF by URL, a big cache read…).
            gw.upstream.usage = s -> new FakeAnthropic.Usage(100L * body.length(), 0, 0, 16, 0);
            gw.upstream.eventDelayMs = 3; // streams overlap

            List<HttpResponse<String>> responses = concurrently(gw, key, body, 50);

            long ok = responses.stream().filter(r -> r.statusCode() == 200).count();
            List<HttpResponse<String>> refused = responses.stream().filter(r -> r.statusCode() != 200).toList();
            assertThat(ok + refused.size()).isEqualTo(50);
            assertThat(refused).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(402))
                    .allSatisfy(r -> assertThat(r.body()).contains("\"type\":\"billing_error\"").contains("budget 'alice-monthly'"));

            List<GatewayHarness.Rec> answered = gw.awaitRecords(50).stream().filter(r -> r.status() == 200).toList();
            assertThat(answered).hasSize((int) ok);
            long spent = answered.stream().mapToLong(GatewayHarness.Rec::costNanos).sum();
            long oneRequest = answered.stream().mapToLong(GatewayHarness.Rec::costNanos).max().orElseThrow();
            assertThat(oneRequest).isGreaterThan(50 * gw.catalog.quote(tally.pricing.PriceRequest.of(HAIKU, Instant.now(),
                    new TokenCounts(body.length(), 0, 0, 0, 16))).costNanos()); // far beyond what the body suggests
            // The stated bound: spend never exceeds the limit by more than one request's actual cost.
            assertThat(spent).as("spent %s of a $0.05 limit", tally.core.Nanos.toDollars(spent))
                    .isLessThanOrEqualTo(limit + oneRequest);
            assertThat(spent - oneRequest).isLessThan(limit); // and the budget was used, not refused early
        }
    }

    @Test
    void a_developer_with_five_dollars_left_still_gets_every_ordinary_request_through() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            String keyId = gw.keys.list().get(0).id();
            gw.writer.submit(spent("earlier-this-month", Instant.now().minusSeconds(60), keyId, 95 * DOLLAR));
            gw.budget(hard("alice-monthly", Budget.Scope.PERSON, "alice", 100 * DOLLAR));
            gw.upstream.eventDelayMs = 2;
            // A Claude Code turn on Opus: 32K max_tokens, whose worst case ($2.80) does not fit twice in what is left.
            List<HttpResponse<String>> responses = concurrently(gw, key, Http.messageBody(OPUS, 32_000, true), 10);
            assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
        }
    }

    @Test
    void a_request_that_waited_its_turn_too_long_is_told_what_is_left_after_the_one_in_flight() throws Exception {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.budget(hard("alice-monthly", Budget.Scope.PERSON, "alice", 30 * DOLLAR / 100)); // one Haiku worst case fits, not two
            gw.upstream.eventDelayMs = 900; // the first answer (~8 events) outlasts the harness's 5 s upstream timeout for the second
            String body = Http.messageBody(HAIKU, 16, true);
            CompletableFuture<Long> first = finishedAt(gw, key, body);
            Thread.sleep(300);
            HttpResponse<byte[]> second = Http.post(gw.url() + "/v1/messages", Http.withKey(key), body);
            assertThat(second.statusCode()).isEqualTo(429);
            String why = new String(second.body());
            assertThat(why).contains("left after the requests in flight").doesNotContain("has $0.30 left");
            first.join();
        }
    }

    @Test
    void under_a_comfortable_hard_budget_ordinary_requests_run_side_by_side() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.budget(hard("alice-monthly", Budget.Scope.PERSON, "alice", 1_000 * DOLLAR));
            gw.upstream.eventDelayMs = 20;
            List<HttpResponse<String>> responses = concurrently(gw, key, Http.messageBody(SONNET, 32_000, true), 20);
            assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
            assertThat(gw.upstream.peakStreams.get()).isGreaterThan(1);
        }
    }

    @Test
    void a_request_with_server_tools_that_nothing_bounds_goes_alone_on_a_hard_budget() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.budget(hard("alice-monthly", Budget.Scope.PERSON, "alice", 1_000 * DOLLAR));
            gw.upstream.eventDelayMs = 20;
            String body = "{\"model\":\"" + SONNET + "\",\"max_tokens\":1000,\"stream\":true,"
                    + "\"tools\":[{\"type\":\"web_fetch_20250910\",\"name\":\"web_fetch\"}],"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"read the docs\"}]}";
            List<HttpResponse<String>> responses = concurrently(gw, key, body, 4);
            assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
            assertThat(gw.upstream.peakStreams.get()).isEqualTo(1); // one at a time: each settles before the next
        }
    }

    @Test
    void one_person_going_one_at_a_time_does_not_hold_up_the_rest_of_the_organization() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String alice = gw.key("alice");
            String bob = gw.key("bob");
            gw.budget(hard("alice-monthly", Budget.Scope.PERSON, "alice", 50_000_000L)); // her requests go alone
            gw.budget(hard("everyone", Budget.Scope.ORG, null, 1_000 * DOLLAR));        // everyone's fit side by side
            gw.upstream.eventDelayMs = 40;
            String body = Http.messageBody(HAIKU, 16, true);
            List<CompletableFuture<Long>> alices = new ArrayList<>();
            List<CompletableFuture<Long>> bobs = new ArrayList<>();
            for (int i = 0; i < 3; i++) alices.add(finishedAt(gw, alice, body));
            for (int i = 0; i < 5; i++) bobs.add(finishedAt(gw, bob, body));
            List<Long> aliceDone = alices.stream().map(CompletableFuture::join).sorted().toList();
            long bobDone = bobs.stream().map(CompletableFuture::join).max(Long::compare).orElseThrow();
            // Bob's requests run beside Alice's first one, not after her queue.
            assertThat(bobDone).isLessThan(aliceDone.get(1));
        }
    }

    /** When the answer to one request arrived (nanoTime), after checking it was a 200. */
    static CompletableFuture<Long> finishedAt(GatewayHarness gw, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.url() + "/v1/messages")).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        Http.withKey(key).forEach(b::header);
        return Http.CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            assertThat(r.statusCode()).isEqualTo(200);
            return System.nanoTime();
        });
    }

    @Test
    void a_soft_budget_never_blocks_however_large_the_usage() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.budget(new Budget("alice-soft", Budget.Scope.PERSON, "alice", Budget.Period.MONTHLY, Budget.Unit.USD, 50_000_000L, false, 100));
            gw.upstream.usage = s -> new FakeAnthropic.Usage(1_000_000, 0, 0, 16, 0);
            gw.upstream.eventDelayMs = 10;
            List<HttpResponse<String>> responses = concurrently(gw, key, Http.messageBody(HAIKU, 16, true), 20);
            assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
            assertThat(gw.upstream.peakStreams.get()).isGreaterThan(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tally.store.TestStores#kinds")
    void spend_already_in_the_ledger_this_period_counts_and_last_periods_does_not(TestStores.Kind kind) {
        try (GatewayHarness gw = new GatewayHarness(kind, dir)) {
            String key = gw.key("alice");
            String keyId = gw.keys.list().get(0).id();
            Instant now = Instant.now();
            Instant lastMonth = Budget.Period.MONTHLY.start(now, GatewayHarness.ZONE).minus(Duration.ofDays(3));
            gw.writer.submit(spent("earlier-this-month", now.minusSeconds(60), keyId, 950_000_000L));
            gw.writer.submit(spent("last-month", lastMonth, keyId, 50 * DOLLAR));
            gw.budget(hard("alice-monthly", Budget.Scope.PERSON, "alice", DOLLAR));
            gw.upstream.usage = s -> TWELVE_CENTS;

            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 8_000, false)).statusCode()).isEqualTo(200);
            HttpResponse<byte[]> second = Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 8_000, false));
            assertThat(second.statusCode()).isEqualTo(402);
            assertThat(new String(second.body())).contains("$1.07 spent of $1.00");
        }
    }

    static UsageEvent spent(String id, Instant at, String identity, long nanos) {
        return UsageEvent.builder().id(id).time(at).source(Source.GATEWAY).identity(identity).modelId(SONNET)
                .tokens(TokenCounts.of(1, 1)).cost(nanos, "test").status(200).build();
    }

    @Test
    void a_token_budget_counts_every_token_class() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.team("platform"));
            gw.budget(new Budget("platform-daily", Budget.Scope.TEAM, "platform", Budget.Period.DAILY, Budget.Unit.TOKENS, 20_000, true, 100));
            // each request: 25 + 1,500 + 12,000 + 7 = 13,532 tokens
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                statuses.add(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 10, false)).statusCode());
            }
            assertThat(statuses).containsExactly(200, 200, 402);
        }
    }

    @Test
    void a_key_budget_stops_that_key_only_and_an_org_budget_stops_everyone() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String a = gw.key("alice");
            String b = gw.key("bob");
            String aId = gw.keys.list().stream().filter(k -> k.person().equals("alice")).findFirst().orElseThrow().id();
            gw.budget(hard("alice-key", Budget.Scope.KEY, aId, 1));
            gw.upstream.usage = s -> TWELVE_CENTS;
            String body = Http.messageBody(SONNET, 10, false);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(a), body).statusCode()).isEqualTo(200);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(a), body).statusCode()).isEqualTo(402);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(b), body).statusCode()).isEqualTo(200);
            gw.budget(hard("everyone", Budget.Scope.ORG, null, 200_000_000L));
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(b), body).statusCode()).isEqualTo(402);
        }
    }

    @Test
    void a_soft_budget_never_blocks_and_past_its_threshold_switches_a_key_to_its_downgrade_model() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.downgrade("claude-haiku-4-5-20251001"));
            gw.budget(new Budget("alice-soft", Budget.Scope.PERSON, "alice", Budget.Period.WEEKLY, Budget.Unit.USD, 200_000_000L, false, 50));
            gw.upstream.usage = s -> TWELVE_CENTS;
            List<String> models = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 10, false)).statusCode()).isEqualTo(200);
                models.add(gw.upstream.last().json().path("model").asText());
            }
            // $0.12 spent passes 50% of $0.20: from the second request on, the key's downgrade model is used
            assertThat(models).containsExactly(SONNET, "claude-haiku-4-5-20251001", "claude-haiku-4-5-20251001");
        }
    }

    static final String FUTURE = "claude-future-9"; // in no price catalog

    static Budget daily(String name, Budget.Unit unit, long amount, boolean hard) {
        return new Budget(name, Budget.Scope.PERSON, "alice", Budget.Period.DAILY, unit, amount, hard, 50);
    }

    @Test
    void a_model_the_catalog_cannot_price_is_refused_under_a_hard_dollar_budget_naming_the_model_and_the_price_file() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            gw.budget(daily("alice-daily", Budget.Unit.USD, 10_000_000L, true)); // $0.01, nothing spent
            for (int i = 0; i < 3; i++) {
                HttpResponse<byte[]> refused = Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(FUTURE, 10, false));
                assertThat(refused.statusCode()).isEqualTo(402);
                assertThat(new String(refused.body())).contains("\"type\":\"billing_error\"").contains("budget 'alice-daily'")
                        .contains("model '" + FUTURE + "'").contains("no price").contains("--prices");
            }
            assertThat(gw.upstream.seen).isEmpty();
            // the budget itself is not exhausted: a priced model still goes
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(HAIKU, 10, false)).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void a_model_the_catalog_cannot_price_still_goes_under_a_token_budget_a_soft_budget_or_none_and_is_recorded_unpriced() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice");
            String body = Http.messageBody(FUTURE, 10, false);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), body).statusCode()).isEqualTo(200);
            gw.budget(daily("alice-tokens", Budget.Unit.TOKENS, 1_000_000L, true));
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), body).statusCode()).isEqualTo(200);
            gw.budget(daily("alice-soft", Budget.Unit.USD, 10_000_000L, false));
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), body).statusCode()).isEqualTo(200);
            assertThat(gw.awaitRecords(3)).hasSize(3).allSatisfy(r -> assertThat(r.costNanos()).isNull());
        }
    }

    @Test
    void a_keys_downgrade_to_a_model_the_catalog_cannot_price_is_refused_under_a_hard_dollar_budget_and_says_it_is_the_downgrade() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            String key = gw.key("alice", s -> s.downgrade(FUTURE));
            gw.budget(new Budget("alice-soft", Budget.Scope.PERSON, "alice", Budget.Period.WEEKLY, Budget.Unit.USD, 200_000_000L, false, 50));
            gw.budget(hard("alice-monthly", Budget.Scope.PERSON, "alice", 100 * DOLLAR));
            gw.upstream.usage = s -> TWELVE_CENTS;
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 10, false)).statusCode()).isEqualTo(200);
            // $0.12 passes 50% of the soft $0.20: the key now downgrades to a model nobody can price
            HttpResponse<byte[]> refused = Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody(SONNET, 10, false));
            assertThat(refused.statusCode()).isEqualTo(402);
            assertThat(new String(refused.body())).contains("budget 'alice-monthly'").contains("model '" + FUTURE + "'")
                    .contains("--downgrade-to").contains("instead of '" + SONNET + "'").contains("--prices");
            assertThat(gw.upstream.seen).hasSize(1);
        }
    }

    @Test
    void a_person_budget_on_an_identity_that_is_an_alias_of_the_caller_blocks_the_caller() {
        try (GatewayHarness gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir)) {
            tally.identity.People people = new tally.identity.People(gw.store);
            people.add("carol", null);
            people.alias("carol", "carol@corp.com");
            String key = gw.key("carol");
            gw.budget(hard("carol-by-email", Budget.Scope.PERSON, "carol@corp.com", 1));
            String body = Http.messageBody(HAIKU, 10, false);
            assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), body).statusCode()).isEqualTo(200);
            gw.awaitRecords(1);
            gw.gateway.reload();
            HttpResponse<byte[]> second = Http.post(gw.url() + "/v1/messages", Http.withKey(key), body);
            assertThat(second.statusCode()).isEqualTo(402);
            assertThat(new String(second.body())).contains("budget 'carol-by-email'").contains("for person carol)");
        }
    }

    @Test
    void periods_are_calendar_days_weeks_and_months_in_the_configured_zone() {
        var zone = java.time.ZoneId.of("America/New_York");
        Instant t = Instant.parse("2026-03-01T03:00:00Z"); // still Feb 28, 22:00 in New York
        assertThat(Budget.Period.DAILY.start(t, zone)).isEqualTo(Instant.parse("2026-02-28T05:00:00Z"));
        assertThat(Budget.Period.MONTHLY.start(t, zone)).isEqualTo(Instant.parse("2026-02-01T05:00:00Z"));
        assertThat(Budget.Period.MONTHLY.end(t, zone)).isEqualTo(Instant.parse("2026-03-01T05:00:00Z"));
        assertThat(Budget.Period.WEEKLY.start(t, zone)).isEqualTo(Instant.parse("2026-02-23T05:00:00Z")); // Monday
        // across the DST change (Mar 8, 2026) a day is 23 hours
        Instant dst = Instant.parse("2026-03-08T12:00:00Z");
        assertThat(Duration.between(Budget.Period.DAILY.start(dst, zone), Budget.Period.DAILY.end(dst, zone))).isEqualTo(Duration.ofHours(23));
    }

}
