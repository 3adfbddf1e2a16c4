package tally.importers.anthropic;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.store.TestStores;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tally.importers.anthropic.AnthropicImportTest.DAY1;
import static tally.importers.anthropic.AnthropicImportTest.DAY2;

/**
 * {@code tally import anthropic} when the Admin API answers what it should not. What cannot be used ends
 * the import with one line naming where and what, and what was there is kept; nothing is read twice
 * or summed as something else.
 */
class AnthropicImportBadAnswersTest {
    static final String USAGE = "/v1/organizations/usage_report/messages";
    static final String COST = "/v1/organizations/cost_report";
    static final String CLAUDE_CODE = "/v1/organizations/usage_report/claude_code";

    @TempDir Path dir;
    FakeAdminApi api;

    @BeforeEach
    void start() throws Exception {
        System.setProperty("tally.anthropic.admin.key", FakeAdminApi.KEY);
        api = AnthropicImportTest.twoDays();
    }

    @AfterEach
    void stop() {
        api.close();
        System.clearProperty("tally.anthropic.admin.key");
    }

    private Tally.Result importDays(Tally tally, String since, String until) {
        return tally.run("import", "anthropic", "--since", since, "--until", until, "--base-url", api.baseUrl());
    }

    /** What the store holds of the two days: reported usage and the bill. */
    private static String kept(Tally tally) {
        return tally.run("report", "--reported", "--from", DAY1, "--to", DAY2, "--format", "json").ok().out()
                + tally.run("reconcile", "--month", "2026-11", "--format", "json").ok().out();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aCursorGivenAgainEndsTheImportNamingTheEndpointAndTheCursorAndKeepsWhatWasThere(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        importDays(tally, DAY1, DAY2).ok();
        String before = kept(tally);
        AtomicInteger served = new AtomicInteger();
        // has_more with the same cursor every time; this fake gives up after 50 pages, the real one might not
        api.route(USAGE, q -> AnthropicImportTest.usagePage(DAY1, served.incrementAndGet() < 50));
        Tally.Result r = importDays(tally, DAY1, DAY2);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("tally: Admin API GET " + USAGE + ": next_page \"page_MjAy\" again, a page already read;"
                + " nothing was imported\n");
        assertThat(served).hasValue(2);

        api.route(USAGE, q -> AnthropicImportTest.usagePage(DAY1, false).replace("\"has_more\":false", "\"has_more\":true"));
        r = importDays(tally, DAY1, DAY2);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("tally: Admin API GET " + USAGE + ": has_more is true but there is no next_page;"
                + " nothing was imported\n");
        assertThat(kept(tally)).isEqualTo(before);
    }

    /** A day's bucket of the usage report, as {@link AnthropicImportTest#usagePage} has it. */
    private static String usageBucket(String day) {
        String page = AnthropicImportTest.usagePage(day, false);
        return page.substring("{\"data\":[".length(), page.lastIndexOf("],\"has_more\""));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aBucketOutsideTheRequestedDaysIsRefusedNamingItSoNothingIsCountedTwice(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        importDays(tally, DAY1, DAY2).ok();
        String before = kept(tally);
        // asked for 2026-11-20 alone, the API also gives the 25th, which this import would not replace
        String page = "{\"data\":[" + usageBucket(DAY1).replace(DAY1, "2026-11-20").replace(DAY2, "2026-11-21") + ","
                + usageBucket(DAY2) + "],\"has_more\":false,\"next_page\":null}";
        api.route(USAGE, q -> page)
                .route(COST, q -> "{\"data\":[],\"has_more\":false,\"next_page\":null}");
        for (int run = 0; run < 2; run++) {
            Tally.Result r = importDays(tally, "2026-11-20", "2026-11-20");
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("tally: usage report, bucket " + DAY2 + "T00:00:00Z: outside the requested day 2026-11-20;"
                    + " nothing was imported\n");
        }
        assertThat(kept(tally)).isEqualTo(before);
    }

    @Test
    void daysToComeOrBefore2023AreRefusedBeforeAnythingIsAsked() {
        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        Tally.Result r = importDays(tally, DAY1, today.plusDays(1).toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("tally: --until " + today.plusDays(1) + " is after today (" + today
                + " UTC): the reports have no days to come\n");
        r = importDays(tally, "2022-12-31", "2023-01-02");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("tally: --since 2022-12-31 is before 2023-01-01, the earliest day Tally keeps\n");
        assertThat(api.requests).isEmpty();
        importDays(tally, DAY1, today.toString()).ok(); // today itself is a day the reports have
    }

    @Test
    void aCostBucketOrAClaudeCodeDayOutsideTheRequestIsRefusedToo() {
        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        api.route(USAGE, q -> AnthropicImportTest.usagePage(DAY1, false));
        Tally.Result r = importDays(tally, DAY1, DAY1); // the cost report's second page has an empty bucket of the 25th
        assertThat(r.err()).isEqualTo("tally: cost report, bucket " + DAY2 + "T00:00:00Z: outside the requested day " + DAY1
                + "; nothing was imported\n");
        api.route(COST, q -> AnthropicImportTest.costPage1().replace("true,\"next_page\":\"page_2\"", "false,\"next_page\":null"))
                .route(CLAUDE_CODE, q -> AnthropicImportTest.claudeCode(DAY1)); // the 24th, whichever day was asked for
        r = importDays(tally, "2026-11-23", DAY1);
        assertThat(r.err()).isEqualTo("tally: Claude Code report, " + DAY1 + "T00:00:00Z, alice@corp.com: outside the requested day"
                + " 2026-11-23; nothing was imported\n");
    }

    @Test
    void anAnswerThatIsNotJsonIsOneLineNamingTheEndpoint() {
        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        for (String[] bad : new String[][] {
                {"<!DOCTYPE html>\n<html><body><h1>502 Bad Gateway</h1></body></html>", "the answer is not JSON (starts with '<')"},
                {"  {\"data\":[{\"starting_at\":", "the answer is cut short or broken JSON (line 1, column 27)"},
                {"", "the answer is empty"}}) {
            api.route(USAGE, q -> bad[0]);
            Tally.Result r = importDays(tally, DAY1, DAY2);
            assertThat(r.code()).as(bad[0]).isEqualTo(2);
            assertThat(r.err()).as(bad[0]).isEqualTo("tally: Admin API GET " + USAGE + ": " + bad[1] + "; nothing was imported\n");
        }
    }

    @Test
    void aRetryAfterThatIsNegativeOrNotANumberIsTakenAsAbsent() throws Exception {
        for (String[] header : new String[][] {{"-5", "PT1S"}, {"soon", "PT1S"}, {"", "PT1S"}, {"2.5", "PT2.5S"}, {"0", "PT0S"}}) {
            List<Duration> waits = new ArrayList<>();
            api.rateLimitFirst(1, header[0]);
            new AdminApiClient(api.baseUrl(), FakeAdminApi.KEY, waits::add).pages(CLAUDE_CODE, AdminReports.params("starting_at", DAY1), d -> {});
            assertThat(waits).as(header[0]).containsExactly(Duration.parse(header[1]));
        }
        api.rateLimitFirst(1, "-5");
        Tally.Result r = importDays(new Tally(TestStores.Kind.DUCKDB, dir), DAY1, DAY2).ok(); // waits its own second
        assertThat(r.out()).contains("1 retries after 429/5xx");
    }

    @Test
    void noServerAtTheBaseUrlNamesWhy() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // nothing listens there once closed
        }
        List<Duration> waits = new ArrayList<>();
        AdminApiClient client = new AdminApiClient("http://127.0.0.1:" + port, FakeAdminApi.KEY, waits::add);
        assertThatThrownBy(() -> client.pages(USAGE, AdminReports.params("starting_at", DAY1), d -> {}))
                .hasMessage("Admin API GET " + USAGE + ": cannot reach http://127.0.0.1:" + port + " (connection refused);"
                        + " nothing was imported");
        assertThat(waits).hasSize(AdminApiClient.MAX_ATTEMPTS - 1);
    }

    @Test
    void aClaudeCodeEstimateInAnotherCurrencyOrBelowZeroIsRefusedNotKeptAsDollars() {
        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        String where = "tally: Claude Code report, " + DAY1 + "T00:00:00Z, alice@corp.com, claude-opus-4-8: ";
        for (String[] bad : new String[][] {
                {"\"currency\":\"EUR\"", "estimated_cost.currency \"EUR\", but Tally compares US dollars only"},
                {"\"amount\":-5", "estimated_cost.amount -5 is negative"}}) {
            String from = bad[0].startsWith("\"currency") ? "\"currency\":\"USD\"" : "\"amount\":1.5675";
            api.route(CLAUDE_CODE, q -> AnthropicImportTest.claudeCode(q.get("starting_at")).replace(from, bad[0]));
            Tally.Result r = importDays(tally, DAY1, DAY2);
            assertThat(r.code()).as(bad[0]).isEqualTo(2);
            assertThat(r.err()).as(bad[0]).isEqualTo(where + bad[1] + "; nothing was imported\n");
        }
        assertThat(tally.run("reconcile", "--month", "2026-11", "--format", "json").json().get("provider_total_usd").asText())
                .isEqualTo("0.00");
    }

    @Test
    void aCostInAnotherCurrencyIsRefusedNotSummedAsDollars() {
        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        api.route(COST, q -> q.containsKey("page") ? AnthropicImportTest.costPage2()
                : AnthropicImportTest.costPage1().replaceFirst("\"USD\"", "\"EUR\""));
        Tally.Result r = importDays(tally, DAY1, DAY2);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("tally: cost report, bucket " + DAY1 + "T00:00:00Z, result 1: currency \"EUR\","
                + " but the cost report is in US cents and Tally compares US dollars only; nothing was imported\n");
        assertThat(tally.run("reconcile", "--month", "2026-11", "--format", "json").json().get("provider_total_usd").asText())
                .isEqualTo("0.00");
    }
}
