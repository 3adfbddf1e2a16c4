package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import tally.store.TestStores;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The REST API over real HTTP on loopback, on both stores, seeded with the demo month. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiTest {
    @TempDir Path dir;
    private final Map<TestStores.Kind, WebHarness> servers = new EnumMap<>(TestStores.Kind.class);

    private WebHarness on(TestStores.Kind kind) {
        return servers.computeIfAbsent(kind, k -> new WebHarness(k, dir.resolve(k.name())));
    }

    @AfterAll
    void close() {
        servers.values().forEach(WebHarness::close);
    }

    static BigDecimal usd(JsonNode n) {
        return new BigDecimal(n.asText());
    }

    static BigDecimal sum(JsonNode rows) {
        BigDecimal s = BigDecimal.ZERO;
        for (JsonNode r : rows) s = s.add(usd(r.path("cost_usd")));
        return s;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void usageByEveryGroupingAddsUpToTheTotal(TestStores.Kind kind) {
        WebHarness h = on(kind);
        BigDecimal total = usd(h.json("/api/totals?days=30").path("total").path("cost_usd"));
        assertThat(total).isPositive();
        for (String by : List.of("person", "team", "model", "source", "day", "hour", "week", "month")) {
            JsonNode u = h.json("/api/usage?days=30&by=" + by);
            assertThat(u.path("by").asText()).isEqualTo(by);
            assertThat(u.path("timezone").asText()).isEqualTo("Europe/Berlin");
            assertThat(sum(u.path("rows"))).as(by).isEqualByComparingTo(total);
            assertThat(usd(u.path("total").path("cost_usd"))).isEqualByComparingTo(total);
        }
        JsonNode people = h.json("/api/usage?by=person");
        assertThat(people.path("rows").get(0).path("key").asText()).isEqualTo("dev3"); // the heavy user, cost first
        JsonNode days = h.json("/api/usage?by=day&days=7");
        assertThat(days.path("rows").get(0).path("key").asText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(days.path("from").asText()).isEqualTo("2026-03-12");
        assertThat(h.json("/api/usage?by=hour&days=1").path("rows").get(0).path("key").asText()).matches("2026-03-18 \\d{2}:00");
        // money is an exact decimal string, never a float
        assertThat(people.path("rows").get(0).path("cost_usd").isTextual()).isTrue();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void stackedSeriesAgreesWithTheGroupings(TestStores.Kind kind) {
        WebHarness h = on(kind);
        for (String split : List.of("person", "team", "model", "source")) {
            JsonNode series = h.json("/api/usage?by=day&split=" + split + "&tz=America/New_York");
            Map<String, BigDecimal> bySplit = new HashMap<>();
            Map<String, BigDecimal> byDay = new HashMap<>();
            for (JsonNode r : series.path("rows")) {
                bySplit.merge(r.path("split").asText(), usd(r.path("cost_usd")), BigDecimal::add);
                byDay.merge(r.path("key").asText(), usd(r.path("cost_usd")), BigDecimal::add);
            }
            for (JsonNode r : h.json("/api/usage?tz=America/New_York&by=" + split).path("rows")) {
                assertThat(bySplit.get(r.path("key").asText())).as(split + " " + r.path("key")).isEqualByComparingTo(usd(r.path("cost_usd")));
            }
            for (JsonNode r : h.json("/api/usage?tz=America/New_York&by=day").path("rows")) {
                assertThat(byDay.get(r.path("key").asText())).as("day " + r.path("key")).isEqualByComparingTo(usd(r.path("cost_usd")));
            }
        }
        for (String filter : List.of("", "&team=platform", "&person=dev3", "&model=claude-opus-4-5-20251101", "&days=2")) {
            JsonNode total = h.json("/api/totals?tz=America/New_York" + filter).path("total");
            for (String split : List.of("person", "team", "model")) { // a series' total is the sum of its points
                assertThat(h.json("/api/usage?by=day&split=" + split + "&tz=America/New_York" + filter).path("total"))
                        .as(split + filter).isEqualTo(total);
            }
            assertThat(h.json("/api/usage?by=hour&split=person" + filter).path("total")).as("hour " + filter)
                    .isEqualTo(h.json("/api/totals?" + filter).path("total"));
        }
        JsonNode hours = h.json("/api/usage?by=hour&split=model&days=2");
        assertThat(hours.path("rows").get(0).path("key").asText()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:00");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void filtersNarrowEveryAnswer(TestStores.Kind kind) {
        WebHarness h = on(kind);
        Set<String> platform = new HashSet<>();
        h.json("/api/usage?by=person&team=platform").path("rows").forEach(r -> platform.add(r.path("key").asText()));
        assertThat(platform).containsExactlyInAnyOrder("dev1", "dev2", "dev3", "dev4");
        JsonNode opus = h.json("/api/usage?by=model&model=claude-opus-4-5-20251101");
        assertThat(opus.path("rows")).hasSize(1);
        // any spelling the CLI's --model takes: an undated alias, or a family word
        for (String spelling : List.of("claude-opus-4-5", "opus", "opus-4-5")) {
            assertThat(h.json("/api/usage?by=model&model=" + spelling).path("rows")).as(spelling).isEqualTo(opus.path("rows"));
        }
        assertThat(h.json("/api/usage?by=source&source=gateway").path("rows").get(0).path("requests").asLong()).isEqualTo(3);
        assertThat(h.json("/api/totals?person=dev9").path("total").path("unpriced_requests").asLong()).isEqualTo(1);
        // an alias means its person, as the CLI's --user reads it
        assertThat(h.json("/api/totals?person=key_dev9").path("total")).isEqualTo(h.json("/api/totals?person=dev9").path("total"));
        JsonNode dev3 = h.json("/api/totals?person=dev3");
        JsonNode all = h.json("/api/totals");
        assertThat(usd(dev3.path("total").path("cost_usd"))).isLessThan(usd(all.path("total").path("cost_usd")));
        assertThat(all.path("unpriced_models").get(0).path("model").asText()).isEqualTo("claude-mystery-9");
        // "otel" covers both telemetry sources: Claude Code's events and its metrics
        BigDecimal events = usd(h.json("/api/totals?days=30&source=otel-event").path("total").path("cost_usd"));
        BigDecimal metrics = usd(h.json("/api/totals?days=30&source=otel-metric").path("total").path("cost_usd"));
        assertThat(events.add(metrics)).isPositive()
                .isEqualByComparingTo(usd(h.json("/api/totals?days=30&source=otel").path("total").path("cost_usd")));
        assertThat(h.json("/api/top?days=30&source=otel&limit=500").path("requests")).allSatisfy(r ->
                assertThat(r.path("source").asText()).isIn("otel-event", "otel-metric"));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void topRequestsPageByKeysetWithoutGapsOrRepeats(TestStores.Kind kind) {
        WebHarness h = on(kind);
        List<String> ids = new ArrayList<>();
        List<JsonNode> rows = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 4; page++) {
            JsonNode p = h.json("/api/top?days=2&limit=100" + (cursor == null ? "" : "&cursor=" + cursor));
            p.path("requests").forEach(r -> { ids.add(r.path("id").asText()); rows.add(r); });
            cursor = p.path("next_cursor").isNull() ? null : p.path("next_cursor").asText();
            if (cursor == null) break;
        }
        assertThat(new HashSet<>(ids)).hasSameSizeAs(ids);
        for (int i = 1; i < rows.size(); i++) {
            JsonNode a = rows.get(i - 1);
            JsonNode b = rows.get(i);
            if (!b.path("cost_usd").isNull()) assertThat(usd(a.path("cost_usd"))).isGreaterThanOrEqualTo(usd(b.path("cost_usd")));
        }
        List<String> expected = h.ledger.top(WebHarness.NOW.minusSeconds(86_400 * 3), WebHarness.NOW.plusSeconds(86_400), ids.size())
                .stream().filter(t -> !t.time().isBefore(java.time.LocalDate.of(2026, 3, 17).atStartOfDay(WebHarness.ZONE).toInstant()))
                .map(tally.store.TopRequest::id).toList();
        assertThat(ids.subList(0, Math.min(50, ids.size()))).isEqualTo(expected.subList(0, Math.min(50, expected.size())));
        // the person filter resolves aliases; unpriced records come last, with a null cost
        JsonNode dev9 = h.json("/api/top?person=dev9");
        assertThat(dev9.path("requests")).hasSize(1);
        assertThat(dev9.path("requests").get(0).path("cost_usd").isNull()).isTrue();
        assertThat(dev9.path("next_cursor").isNull()).isTrue();
        JsonNode team = h.json("/api/top?team=product&limit=20");
        team.path("requests").forEach(r -> assertThat(r.path("person").asText()).isIn("dev5", "dev6", "dev7", "dev8"));
        // a full walk of today: every record once, the unpriced one last, then a null cursor
        List<JsonNode> today = new ArrayList<>();
        String c = null;
        do {
            JsonNode p = h.json("/api/top?days=1&limit=200" + (c == null ? "" : "&cursor=" + c));
            p.path("requests").forEach(today::add);
            c = p.path("next_cursor").isNull() ? null : p.path("next_cursor").asText();
        } while (c != null);
        assertThat((long) today.size()).isEqualTo(h.json("/api/totals?days=1").path("total").path("requests").asLong());
        assertThat(today.get(today.size() - 1).path("id").asText()).isEqualTo("mystery-1");
        JsonNode after = h.json("/api/top?days=1&cursor=" + TopApi.encode(cursorOf(today.get(today.size() - 1))));
        assertThat(after.path("requests")).isEmpty();
    }

    private static tally.store.TopRequests.Cursor cursorOf(JsonNode r) {
        Long cost = r.path("cost_usd").isNull() ? null : tally.core.Nanos.fromDollars(r.path("cost_usd").asText());
        return new tally.store.TopRequests.Cursor(cost, java.time.Instant.parse(r.path("time").asText()).toEpochMilli(), r.path("id").asText());
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void peopleKeysBudgetsActivityAndOverview(TestStores.Kind kind) {
        WebHarness h = on(kind);
        JsonNode people = h.json("/api/people").path("people");
        assertThat(people).hasSize(9);
        JsonNode dev9 = h.json("/api/people/dev9");
        assertThat(dev9.path("aliases").get(0).asText()).isEqualTo("key_dev9");
        JsonNode dev1 = h.json("/api/people/dev1");
        assertThat(dev1.path("team").asText()).isEqualTo("platform");
        assertThat(dev1.path("budgets").get(0).path("name").asText()).isEqualTo("platform-daily");

        JsonNode keys = h.json("/api/keys").path("keys");
        assertThat(keys).hasSize(1);
        assertThat(keys.get(0).path("person").asText()).isEqualTo("dev2");
        assertThat(keys.get(0).path("rpm").asLong()).isEqualTo(60);
        assertThat(keys.get(0).toString()).doesNotContain("sk-tally").doesNotContain("hash");

        JsonNode budgets = h.json("/api/budgets").path("budgets");
        JsonNode daily = budgets.get(0); // nearest its limit first
        assertThat(daily.path("name").asText()).isEqualTo("platform-daily");
        // every source counts: the gateway's $6.00 and the team's other usage today, each split out
        JsonNode bySource = daily.path("spent_by_source");
        assertThat(bySource.path("gateway").asText()).isEqualTo("6.00");
        java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
        for (JsonNode v : bySource) sum = sum.add(new java.math.BigDecimal(v.asText()));
        assertThat(new java.math.BigDecimal(daily.path("spent_usd").asText())).isEqualByComparingTo(sum)
                .isGreaterThan(new java.math.BigDecimal("6.00"));
        JsonNode teamToday = h.json("/api/usage?by=team&from=2026-03-18&to=2026-03-18");
        for (JsonNode r : teamToday.path("rows")) {
            if (r.path("key").asText().equals("platform")) assertThat(daily.path("spent_usd").asText()).isEqualTo(r.path("cost_usd").asText());
        }
        assertThat(daily.path("limit_usd").asText()).isEqualTo("5.00");
        assertThat(daily.path("percent").asDouble()).isEqualTo(sum.multiply(java.math.BigDecimal.valueOf(20))
                .setScale(1, java.math.RoundingMode.HALF_UP).doubleValue());
        assertThat(daily.path("resets_at").asText()).isEqualTo("2026-03-18T23:00:00Z");
        assertThat(budgets.get(1).path("limit_tokens").asLong()).isEqualTo(100_000_000L);

        JsonNode activity = h.json("/api/activity?days=30");
        JsonNode a1 = null;
        for (JsonNode r : activity.path("rows")) if (r.path("key").asText().equals("dev1")) a1 = r;
        assertThat(a1).isNotNull();
        assertThat(a1.path("pull_requests").asLong()).isEqualTo(8);
        assertThat(a1.path("lines_added").asLong()).isEqualTo(960);
        BigDecimal cost = usd(a1.path("cost_usd"));
        assertThat(usd(a1.path("cost_per_pr_usd")).subtract(cost.divide(BigDecimal.valueOf(8))).abs()).isLessThan(new BigDecimal("0.000000001"));
        assertThat(activity.path("daily_active_users")).isNotEmpty();
        assertThat(h.json("/api/activity?team=product").path("rows").toString()).doesNotContain("\"dev1\"");

        JsonNode o = h.json("/api/overview");
        assertThat(o.path("today").asText()).isEqualTo("2026-03-18");
        assertThat(usd(o.path("cost_today_usd"))).isEqualByComparingTo(usd(h.json("/api/totals?days=1").path("total").path("cost_usd")));
        assertThat(usd(o.path("cost_month_usd"))).isEqualByComparingTo(usd(h.json("/api/totals?from=2026-03-01").path("total").path("cost_usd")));
        assertThat(usd(o.path("projected_month_usd"))).isGreaterThan(usd(o.path("cost_month_usd")));
        assertThat(o.path("unpriced_requests_month").asLong()).isEqualTo(1);
        assertThat(o.path("budgets").get(0).path("name").asText()).isEqualTo("platform-daily");
        assertThat(usd(h.json("/api/overview?team=product").path("cost_month_usd"))).isLessThan(usd(o.path("cost_month_usd")));
    }

    @Test
    void openApiDocumentsEveryRoute() {
        WebHarness h = on(TestStores.Kind.DUCKDB);
        JsonNode doc = h.json("/api/openapi.json");
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        for (String p : List.of("/api/overview", "/api/usage", "/api/totals", "/api/top", "/api/people", "/api/people/{name}",
                "/api/keys", "/api/budgets", "/api/alerts", "/api/activity", "/api/me", "/api/login", "/api/logout")) {
            assertThat(doc.path("paths").has(p)).as(p).isTrue();
        }
    }

    @ParameterizedTest(name = "{0} → 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "/api/usage?by=nope                  | by",
            "/api/usage?by=person&split=model    | split",
            "/api/usage?by=day&split=day         | split",
            "/api/usage?days=0                   | days",
            "/api/usage?days=abc                 | days",
            "/api/usage?days=99999               | days",
            "/api/usage?days=1&days=2            | days",
            "/api/usage?days=7&from=2026-03-01   | days",
            "/api/usage?from=yesterday           | from",
            "/api/usage?to=2026-13-01            | to",
            "/api/usage?from=2026-03-10&to=2026-03-01 | from",
            "/api/usage?from=2000-01-01&to=2026-03-01 | from",
            "/api/usage?tz=Mars/Olympus          | tz",
            "/api/usage?source=carrier-pigeon    | source",
            "/api/usage?person=                  | person",
            "/api/usage?colour=blue              | colour",
            "/api/totals?by=person               | by",
            "/api/overview?days=3                | days",
            "/api/top?limit=0                    | limit",
            "/api/top?limit=501                  | limit",
            "/api/top?cursor=not-a-cursor        | cursor",
            "/api/top?cursor=LXwxfA              | cursor",
            "/api/people?team=x                  | team",
            "/api/people/dev1?days=3             | days",
            "/api/keys?all=1                     | all",
            "/api/budgets?tz=Nowhere             | tz",
            "/api/activity?model=x               | model",
            "/api/activity?days=-1               | days",
    })
    void everyParameterErrorIsA400ThatNamesIt(String url, String param) {
        WebHarness h = on(TestStores.Kind.DUCKDB);
        HttpResponse<String> r = h.get(url, Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode e = WebHarness.read(r.body()).path("error");
        assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(e.path("message").asText()).startsWith(param + ":");
    }

    @Test
    void unknownResourcesAndMethodsAreJsonErrors() {
        WebHarness h = on(TestStores.Kind.DUCKDB);
        HttpResponse<String> r = h.get("/api/nothing-here", Map.of());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(WebHarness.read(r.body()).path("error").path("type").asText()).isEqualTo("not_found_error");
        r = h.get("/api/people/nobody", Map.of());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(WebHarness.read(r.body()).path("error").path("message").asText()).contains("nobody");
        r = h.send("POST", "/api/usage", Map.of(), "{}");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(WebHarness.read(r.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }
}
