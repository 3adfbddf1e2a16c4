package tally.importers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tally import anthropic} and {@code tally reconcile} against a local fake of the Admin API:
 * several pages, a 429 with retry-after, the three reports; then the fixture transcripts (whose
 * Tally cost is known to the nano-dollar) compared with a bill that is right on two models and off
 * on the third.
 */
class AnthropicImportTest {
    static final String DAY1 = "2026-11-24";
    static final String DAY2 = "2026-11-25";

    @TempDir Path dir;
    FakeAdminApi api;

    @BeforeEach
    void start() throws Exception {
        System.setProperty("tally.anthropic.admin.key", FakeAdminApi.KEY);
        api = twoDays();
    }

    /** The fake answering the two days: usage and cost on two pages each, and the Claude Code report. */
    static FakeAdminApi twoDays() throws Exception {
        return new FakeAdminApi()
                .route("/v1/organizations/usage_report/messages", q -> q.containsKey("page") ? usagePage(DAY2, false) : usagePage(DAY1, true))
                .route("/v1/organizations/cost_report", q -> q.containsKey("page") ? costPage2() : costPage1())
                .route("/v1/organizations/usage_report/claude_code", q -> claudeCode(q.get("starting_at")));
    }

    @AfterEach
    void stop() {
        api.close();
        System.clearProperty("tally.anthropic.admin.key");
    }

    static String usagePage(String day, boolean more) {
        String next = day.equals(DAY1) ? "2026-11-25" : "2026-11-26";
        return "{\"data\":[{\"starting_at\":\"" + day + "T00:00:00Z\",\"ending_at\":\"" + next + "T00:00:00Z\",\"results\":["
                + "{\"uncached_input_tokens\":1500,\"cache_read_input_tokens\":200,\"cache_creation\":{\"ephemeral_5m_input_tokens\":500,"
                + "\"ephemeral_1h_input_tokens\":1000},\"output_tokens\":500,\"server_tool_use\":{\"web_search_requests\":10},"
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"service_tier\":\"standard\",\"context_window\":\"0-200k\","
                + "\"workspace_id\":null,\"api_key_id\":\"apikey_01Alice\",\"inference_geo\":null},"
                + "{\"uncached_input_tokens\":10,\"cache_read_input_tokens\":0,\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,"
                + "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":5,\"server_tool_use\":{\"web_search_requests\":0},"
                + "\"model\":\"claude-haiku-4-5-20251001\",\"service_tier\":\"standard\",\"context_window\":\"0-200k\","
                + "\"workspace_id\":\"wrkspc_01\",\"api_key_id\":null,\"inference_geo\":null}]}],"
                + "\"has_more\":" + more + ",\"next_page\":" + (more ? "\"page_MjAy\"" : "null") + "}";
    }

    static String cost(String model, String amount) {
        return "{\"amount\":\"" + amount + "\",\"currency\":\"USD\",\"cost_type\":\"tokens\",\"description\":\"" + model
                + " Usage - Input Tokens\",\"model\":\"" + model + "\",\"service_tier\":\"standard\",\"token_type\":\"uncached_input_tokens\","
                + "\"context_window\":\"0-200k\",\"inference_geo\":null,\"workspace_id\":null}";
    }

    /** The bill for the fixtures' day: Opus 4.8 and Sonnet 4.5 exactly, in two lines each; Haiku 4.5 10% high. */
    static String costPage1() {
        return "{\"data\":[{\"starting_at\":\"" + DAY1 + "T00:00:00Z\",\"ending_at\":\"" + DAY2 + "T00:00:00Z\",\"results\":["
                + cost("claude-opus-4-8", "1.0000") + "," + cost("claude-opus-4-8", "0.5675") + ","
                + cost("claude-sonnet-4-5-20250929", "1.4565") + "]}],\"has_more\":true,\"next_page\":\"page_2\"}";
    }

    static String costPage2() {
        return "{\"data\":[{\"starting_at\":\"" + DAY1 + "T00:00:00Z\",\"ending_at\":\"" + DAY2 + "T00:00:00Z\",\"results\":["
                + cost("claude-haiku-4-5-20251001", "0.53405") + "]},{\"starting_at\":\"" + DAY2 + "T00:00:00Z\",\"ending_at\":"
                + "\"2026-11-26T00:00:00Z\",\"results\":[]}],\"has_more\":false,\"next_page\":null}";
    }

    static String claudeCode(String day) {
        if (!day.equals(DAY1)) return "{\"data\":[],\"has_more\":false,\"next_page\":null}";
        return "{\"data\":[{\"date\":\"" + day + "T00:00:00Z\",\"actor\":{\"type\":\"user_actor\",\"email_address\":\"alice@corp.com\"},"
                + "\"organization_id\":\"org\",\"customer_type\":\"api\",\"terminal_type\":\"vscode\",\"is_remote\":false,"
                + "\"core_metrics\":{\"num_sessions\":3,\"lines_of_code\":{\"added\":10,\"removed\":2},\"commits_by_claude_code\":1,"
                + "\"pull_requests_by_claude_code\":0},\"tool_actions\":{},\"model_breakdown\":[{\"model\":\"claude-opus-4-8\","
                + "\"tokens\":{\"input\":25,\"output\":7,\"cache_read\":12000,\"cache_creation\":1500},"
                + "\"estimated_cost\":{\"amount\":1.5675,\"currency\":\"USD\"}}]}],\"has_more\":false,\"next_page\":null}";
    }

    private Tally.Result importReports(Tally tally) {
        return tally.run("import", "anthropic", "--since", DAY1, "--until", DAY2, "--base-url", api.baseUrl());
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void fetchesEveryPageOfTheThreeReportsBacksOffOn429AndMapsKeysToPeople(TestStores.Kind kind) {
        api.rateLimitFirst(2);
        Tally tally = new Tally(kind, dir);
        tally.run("people", "add", "alice").ok();
        tally.run("people", "alias", "alice", "apikey_01Alice").ok();
        String out = importReports(tally).ok().out();
        assertThat(out).contains("2 days, 6 pages, 2 retries after 429/5xx")
                .containsPattern("usage report rows: +4\n").containsPattern("cost report rows: +4\n")
                .containsPattern("Claude Code report rows: +1\n");
        assertThat(out).containsPattern("alice +3,000 +1,000 +3,400 +7,400\n"); // two days of the per-key row
        assertThat(api.requests).anySatisfy(r -> assertThat(r).startsWith("/v1/organizations/usage_report/messages?")
                .contains("group_by[]=api_key_id").contains("group_by[]=workspace_id").contains("group_by[]=model")
                .contains("group_by[]=service_tier").contains("group_by[]=context_window").contains("bucket_width=1d"));
        assertThat(api.requests).anySatisfy(r -> assertThat(r).contains("page=page_MjAy"));
        assertThat(api.requests).anySatisfy(r -> assertThat(r).startsWith("/v1/organizations/usage_report/claude_code?starting_at=2026-11-25"));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void oneKeyPerDeveloperTeamsGetThePerDeveloperTableFromTheReportAloneWithNoProxy(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        tally.run("people", "add", "alice", "--team", "platform").ok();
        tally.run("people", "alias", "alice", "apikey_01Alice").ok();
        importReports(tally).ok();
        JsonNode byUser = tally.run("report", "--reported", "--from", DAY1, "--to", DAY2, "--format", "json").json();
        // per day, Sonnet 4.5 at list price: 1,500 in $0.0045 + 500 5m writes $0.001875 + 1,000 1h writes $0.006
        // + 200 reads $0.00006 + 500 out $0.0075 + 10 searches $0.10 = $0.119935; two days
        assertThat(byUser.at("/rows/0/key").asText()).isEqualTo("alice");
        assertThat(byUser.at("/rows/0/cost_usd").asText()).isEqualTo("0.23987");
        assertThat(byUser.at("/rows/0/input_tokens").asLong()).isEqualTo(3_000);
        assertThat(byUser.at("/rows/1/key").asText()).isEqualTo("(console)"); // no API key: Console or Workbench
        assertThat(byUser.at("/rows/1/cost_usd").asText()).isEqualTo("0.00007");
        assertThat(byUser.at("/total/cost_usd").asText()).isEqualTo("0.23994");
        JsonNode byTeam = tally.run("report", "--reported", "--by", "team", "--from", DAY1, "--to", DAY2,
                "--format", "json").json();
        assertThat(byTeam.at("/rows/0/key").asText()).isEqualTo("platform");
        String table = tally.run("report", "--provider-reported", "--from", DAY1, "--to", DAY2).ok().out();
        assertThat(table).startsWith("As Anthropic reports it").containsPattern("alice .*\\$0\\.24");
        // still apart from the ledger
        assertThat(tally.run("report", "--from", DAY1, "--to", DAY2, "--format", "json").json().at("/total/requests").asLong()).isZero();
        assertThat(tally.run("report", "--reported", "--by", "hour", "--from", DAY1, "--to", DAY2).err())
                .contains("--reported groups by user, team, model or day");
    }

    /** A usage report page: on DAY1, one row of alice's key in the 0-200k tier; DAY2 empty. */
    private static String oneKeysDay(String model, long uncachedInput, long write5m, long write1h, long output) {
        return "{\"data\":[{\"starting_at\":\"" + DAY1 + "T00:00:00Z\","
                + "\"ending_at\":\"" + DAY2 + "T00:00:00Z\",\"results\":[{\"uncached_input_tokens\":" + uncachedInput
                + ",\"cache_read_input_tokens\":0,\"cache_creation\":{\"ephemeral_5m_input_tokens\":" + write5m
                + ",\"ephemeral_1h_input_tokens\":" + write1h + "},\"output_tokens\":" + output
                + ",\"server_tool_use\":{\"web_search_requests\":0},\"model\":\"" + model + "\",\"service_tier\":\"standard\","
                + "\"context_window\":\"0-200k\",\"workspace_id\":null,\"api_key_id\":\"apikey_01Alice\",\"inference_geo\":null}]},"
                + "{\"starting_at\":\"" + DAY2 + "T00:00:00Z\",\"ending_at\":\"2026-11-26T00:00:00Z\",\"results\":[]}],"
                + "\"has_more\":false,\"next_page\":null}";
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRowTheReportPutsInTheZeroTo200kTierIsPricedAtTheBaseRatesWhateverItsSize(TestStores.Kind kind) {
        // 1.2M prompt tokens: six requests of 200,000 at most, never one of 200,001
        api.route("/v1/organizations/usage_report/messages", q -> oneKeysDay("claude-sonnet-4-5", 1_000_000, 100_000, 100_000, 0));
        Tally tally = new Tally(kind, dir);
        importReports(tally).ok();
        JsonNode total = tally.run("report", "--reported", "--from", DAY1, "--to", DAY2, "--format", "json").json().get("total");
        // 1M × $3 + 100K × $3.75 + 100K × $6 per million, at base rates
        assertThat(total.get("cost_nanos").asLong()).isEqualTo(3_975_000_000L);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aReportRowOnAModelWithoutAPriceIsCountedAsARowNotARequest(TestStores.Kind kind) {
        api.route("/v1/organizations/usage_report/messages", q -> oneKeysDay("claude-future-9", 1_000, 0, 0, 10));
        Tally tally = new Tally(kind, dir);
        importReports(tally).ok();
        String table = tally.run("report", "--reported", "--from", DAY1, "--to", DAY2).ok().out();
        assertThat(table).contains("UNPRICED: 1 report row on model claude-future-9").doesNotContain("1 request")
                .containsPattern("TOTAL +1,000 +10 +0 +1,010 +- +unpriced\n");
        JsonNode json = tally.run("report", "--reported", "--from", DAY1, "--to", DAY2, "--format", "json").json();
        assertThat(json.get("requests_reported").asBoolean(true)).isFalse();
        assertThat(json.at("/unpriced_models/claude-future-9").asLong()).isEqualTo(1);
        String csv = tally.run("report", "--reported", "--from", DAY1, "--to", DAY2, "--format", "csv").ok().out();
        assertThat(csv).contains("\nTOTAL,,1000,10,").as("no request counts: empty, not 0");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void reportsAreKeptApartFromTheLedgerAndImportingAgainReplacesNotAdds(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        importReports(tally).ok();
        importReports(tally).ok();
        JsonNode ledger = tally.run("report", "--from", DAY1, "--to", DAY2, "--format", "json").json();
        assertThat(ledger.at("/total/requests").asLong()).isZero(); // provider numbers never enter the ledger
        JsonNode rec = tally.run("reconcile", "--month", "2026-11", "--format", "json").json();
        assertThat(rec.get("provider_total_usd").asText()).isEqualTo("0.0355805"); // 3.55805 cents, once, not twice
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void reconcileComparesTallysCostWithTheBillPerDayAndModelAndFlagsADayOffByMoreThanOnePercent(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        tally.run("import", "claude-code", Tally.FIXTURES.resolve("transcripts").toString(), "--user", "alice").ok();
        importReports(tally).ok();
        JsonNode rec = tally.run("reconcile", "--month", "2026-11", "--format", "json").json();
        Map<String, JsonNode> byModel = new java.util.HashMap<>();
        rec.get("lines").forEach(l -> byModel.put(l.get("model").asText(), l));
        assertThat(byModel.get("claude-opus-4-8").get("tally_usd").asText()).isEqualTo("0.015675");
        assertThat(byModel.get("claude-opus-4-8").get("provider_usd").asText()).isEqualTo("0.015675");
        assertThat(byModel.get("claude-opus-4-8").get("claude_code_estimate_usd").asText()).isEqualTo("0.015675");
        assertThat(byModel.get("claude-opus-4-8").get("off").asBoolean()).isFalse();
        assertThat(byModel.get("claude-sonnet-4-5-20250929").get("diff_usd").asText()).isEqualTo("0.00");
        JsonNode haiku = byModel.get("claude-haiku-4-5-20251001");
        assertThat(haiku.get("diff_usd").asText()).isEqualTo("-0.0004855");
        assertThat(haiku.get("diff_pct").asText()).isEqualTo("-9.09");
        assertThat(haiku.get("off").asBoolean()).isTrue();
        assertThat(rec.get("days_off")).hasSize(1);
        assertThat(rec.at("/days_off/0").asText()).isEqualTo(DAY1);

        String table = tally.run("reconcile", "--month", "2026-11").ok().out();
        assertThat(table).contains("Days off by more than 1%: 2026-11-24").contains("OFF");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aWrongKeyOrAMissingOneIsOneLineAndExitCodeTwo(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        System.setProperty("tally.anthropic.admin.key", "sk-ant-admin01-wrong");
        Tally.Result r = importReports(tally);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("HTTP 401").contains("invalid x-api-key").doesNotContain("sk-ant-admin01-wrong");
    }

    @Test
    void costAmountsInCentsBecomeExactNanoDollars() {
        com.fasterxml.jackson.databind.node.JsonNodeFactory f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        assertThat(AdminReports.centsToNanos(f.textNode("123.45"), "here")).isEqualTo(1_234_500_000L);
        assertThat(AdminReports.centsToNanos(f.textNode("0.0000001"), "here")).isEqualTo(1L);
        assertThat(AdminReports.centsToNanos(f.numberNode(new java.math.BigDecimal("1.5675")), "here")).isEqualTo(15_675_000L);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminReports.centsToNanos(f.textNode("12,5"), "cost report, result 3: amount"))
                .hasMessage("cost report, result 3: amount: \"12,5\" is not a decimal number of cents; nothing was imported");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminReports.centsToNanos(f.textNode("1e30"), "here"))
                .hasMessage("here: \"1e30\" cents is beyond what Tally can hold in nano-dollars; nothing was imported");
    }

    /** The usage page of {@link #usagePage} for the first day, with one count of its first result replaced. */
    private static String usagePageWith(String count) {
        return usagePage(DAY1, false).replace("\"output_tokens\":500", "\"output_tokens\":" + count);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aReportCountTallyCannotHoldStopsTheImportNamingWhereAndKeepsWhatWasThere(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        importReports(tally).ok();
        String before = tally.run("reconcile", "--month", "2026-11", "--format", "json").ok().out();
        for (String[] bad : new String[][] {
                {"-3", "output_tokens=-3 out of range [0, 1e10]"},
                {"2.5", "output_tokens=2.5 is not a whole number"},
                {"99999999999999999999", "output_tokens=99999999999999999999 out of range [0, 1e10]"},
                {"\"500\"", "output_tokens=\"500\" is not a number"},
                {"null", "output_tokens is null"}}) {
            api.route("/v1/organizations/usage_report/messages", q -> usagePageWith(bad[0]));
            Tally.Result r = importReports(tally);
            assertThat(r.code()).as(bad[0]).isEqualTo(2);
            assertThat(r.err()).as(bad[0]).isEqualTo("tally: usage report, bucket " + DAY1 + "T00:00:00Z, result 1: " + bad[1]
                    + "; nothing was imported\n");
        }
        assertThat(tally.run("reconcile", "--month", "2026-11", "--format", "json").ok().out()).isEqualTo(before);
        api.route("/v1/organizations/usage_report/messages", q -> usagePageWith("500.0")); // a whole number all the same
        assertThat(importReports(tally).ok().out()).containsPattern("usage report rows: +2\n");
    }
}
