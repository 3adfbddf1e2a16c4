package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.pricing.PriceCatalog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.store.TestStores;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The everyday questions from the command line: filters, two-way tables, rolling windows, recent requests, what-ifs. */
class ReportsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.now();

    @TempDir Path dir;
    private String[] store;
    private StoreConfig config;

    private void use(TestStores.Kind kind) {
        if (kind == TestStores.Kind.DUCKDB) {
            store = new String[] {"--data", dir.toString()};
            config = StoreConfig.embedded(dir);
        } else {
            String url = TestStores.freshSchemaUrl();
            store = new String[] {"--data", dir.toString(), "--db", url};
            config = StoreConfig.postgres(dir, url);
        }
    }

    private Cli.Result tally(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(store));
        all.addAll(List.of("--tz", "UTC"));
        return Cli.run(all.toArray(String[]::new));
    }

    private static JsonNode json(Cli.Result r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        return JSON.readTree(r.out());
    }

    /** Records written straight to the ledger, priced by the bundled catalog, with the sources and sessions a CLI record has not. */
    private void seed(UsageEvent... events) {
        PriceCatalog catalog = PriceCatalog.bundled();
        try (Store s = Store.open(config)) {
            new Ledger(s).write(java.util.Arrays.stream(events).map(catalog::price).toList());
        }
    }

    private static UsageEvent event(String id, Instant at, String who, String model, Source source, long in, long out) {
        return UsageEvent.builder().id(id).time(at).source(source).identity(who).sessionId("s-" + who).modelId(model)
                .tokens(new TokenCounts(in, 0, 0, 0, out)).build();
    }

    /** alice on Sonnet 4.5 through the gateway and Haiku in transcripts; bob on Opus 4.5 through Bedrock's id. */
    private void team() {
        // an hour ago, but never before today's midnight: the statusline and by-day questions ask about today
        Instant midnight = NOW.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
        Instant t = NOW.minus(Duration.ofHours(1)).isBefore(midnight) ? midnight : NOW.minus(Duration.ofHours(1));
        seed(event("a1", t, "alice", "claude-sonnet-4-5-20250929", Source.GATEWAY, 200_000, 0),          // $0.60
                event("a2", t.plusSeconds(1), "alice", "claude-haiku-4-5", Source.TRANSCRIPT, 1_000_000, 0), // $1
                event("b1", t.plusSeconds(2), "bob", "us.anthropic.claude-opus-4-5-20251101-v1:0", Source.OTEL_EVENT, 1_000_000, 0)); // $5.50
    }

    private String total(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("report", "--format", "json"));
        all.addAll(List.of(args));
        return json(tally(all.toArray(String[]::new))).at("/total/cost_usd").asText();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void reportFiltersTakeAnySpellingOfAModelFamiliesListsAndSources(TestStores.Kind kind) throws Exception {
        use(kind);
        team();
        assertThat(total()).isEqualTo("7.10");
        assertThat(total("--user", "alice")).isEqualTo("1.60");
        assertThat(total("--user", "alice,bob")).isEqualTo("7.10");
        assertThat(total("--user", "alice", "--user", "bob")).isEqualTo("7.10");
        assertThat(total("--model", "sonnet-4-5")).isEqualTo("0.60");                   // a family
        assertThat(total("--model", "opus")).isEqualTo("5.50");
        assertThat(total("--model", "claude-opus-4-5")).isEqualTo("5.50");              // an alias
        assertThat(total("--model", "anthropic.claude-haiku-4-5-20251001-v1:0")).isEqualTo("1.00"); // a Bedrock id
        assertThat(total("--model", "haiku,opus")).isEqualTo("6.50");
        assertThat(total("--source", "otel")).isEqualTo("5.50");                        // otel covers events and metrics
        assertThat(total("--source", "gateway,transcript", "--user", "alice")).isEqualTo("1.60");
        JsonNode byModel = json(tally("report", "--by", "model", "--user", "alice", "--format", "json"));
        assertThat(byModel.get("rows")).hasSize(2);
        assertThat(byModel.at("/rows/0/cost_nanos").asLong()).isEqualTo(1_000_000_000L);

        assertThat(tally("people", "add", "alice", "--team", "platform", "--alias", "alice@corp.com").code()).isZero();
        assertThat(total("--user", "alice@corp.com")).isEqualTo("1.60");                // an alias names its person
        assertThat(total("--team", "platform")).isEqualTo("1.60");
        Cli.Result bad = tally("report", "--source", "carrier-pigeon");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--source: unknown source 'carrier-pigeon'");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void splitGivesATableWithAColumnPerValueAndOneRowPerPairInJsonAndCsv(TestStores.Kind kind) throws Exception {
        use(kind);
        team();
        Cli.Result table = tally("report", "--by", "model", "--split", "user");
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).contains("Cost (USD) by model and developer");
        String header = table.out().lines().filter(l -> l.startsWith("Model")).findFirst().orElseThrow();
        assertThat(header).containsSubsequence("bob", "alice", "Total");               // columns by cost
        assertThat(table.out()).containsPattern("claude-opus-4-5-20251101 +\\$5.50 +- +\\$5.50");
        assertThat(table.out()).containsPattern("TOTAL +\\$5.50 +\\$1.60 +\\$7.10");

        JsonNode pairs = json(tally("report", "--by", "model", "--split", "user", "--format", "json"));
        assertThat(pairs.get("split").asText()).isEqualTo("user");
        assertThat(pairs.get("rows")).hasSize(3);
        assertThat(pairs.at("/rows/0/key").asText()).isEqualTo("claude-opus-4-5-20251101");
        assertThat(pairs.at("/rows/0/split").asText()).isEqualTo("bob");
        assertThat(pairs.at("/total/cost_usd").asText()).isEqualTo("7.10");

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        JsonNode byDay = json(tally("report", "--by", "day", "--split", "user", "--days", "1", "--format", "json"));
        assertThat(byDay.get("rows")).hasSize(2);
        assertThat(byDay.at("/rows/0/key").asText()).isEqualTo(today);
        JsonNode userByDay = json(tally("report", "--by", "user", "--split", "day", "--days", "1", "--format", "json"));
        assertThat(userByDay.at("/rows/0/key").asText()).isEqualTo("bob");
        assertThat(userByDay.at("/rows/0/split").asText()).isEqualTo(today);
        JsonNode byHour = json(tally("report", "--by", "hour", "--split", "model", "--days", "1", "--format", "json"));
        long sum = 0;
        for (JsonNode r : byHour.get("rows")) sum += r.get("cost_nanos").asLong();
        assertThat(sum).isEqualTo(7_100_000_000L);

        List<String> csv = tally("report", "--by", "model", "--split", "user", "--format", "csv").out().lines().toList();
        assertThat(csv.get(0)).startsWith("model,user,requests,").contains("cost_usd").endsWith("cost_nanos");
        assertThat(csv).hasSize(5).contains("TOTAL,,3,2200000,0,0,0,2200000,7.10,0,7100000000");
        assertThat(tally("report", "--by", "day", "--split", "hour").err()).contains("--split: day by hour is two times");
        assertThat(tally("report", "--split", "colour").err()).contains("--split: expected one of");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aSubCentCostKeepsItsDigitsAndEveryFormatNamesItTheSameWay(TestStores.Kind kind) throws Exception {
        use(kind);
        // Haiku 4.5: 155 input at $1/M + 200 output at $5/M = $0.001155
        assertThat(tally("record", "--user", "alice", "--model", "claude-haiku-4-5", "--input", "155", "--output", "200",
                "--id", "tiny").code()).isZero();
        assertThat(tally("report").out()).containsPattern("alice .* \\$0\\.0012\\n").doesNotContain("$0.00\n");
        JsonNode report = json(tally("report", "--format", "json"));
        assertThat(report.at("/rows/0/cost_usd").asText()).isEqualTo("0.001155");
        assertThat(report.at("/rows/0/cost_nanos").asLong()).isEqualTo(1_155_000);
        assertThat(tally("recent").out()).contains("$0.0012");
        assertThat(tally("top").out()).contains("$0.0012");

        List<String> csv = tally("export", "--format", "csv").out().lines().toList();
        List<String> header = List.of(csv.get(0).split(","));
        List<String> row = List.of(csv.get(1).split(",", -1));
        assertThat(row.get(header.indexOf("cost_usd"))).isEqualTo("0.001155");
        assertThat(row.get(header.indexOf("cost_nanos"))).isEqualTo("1155000");
        JsonNode line = JSON.readTree(tally("export", "--format", "jsonl").out().lines().findFirst().orElseThrow());
        assertThat(line.get("cost_usd").asText()).isEqualTo("0.001155");
        assertThat(line.get("cost_nanos").asLong()).isEqualTo(1_155_000);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void csvExportKeepsRegionAndInferenceGeoAsJsonLinesDoes_inTheLastColumns(TestStores.Kind kind) throws Exception {
        use(kind);
        seed(UsageEvent.builder().id("geo").time(NOW.minusSeconds(60)).source(Source.GATEWAY).identity("alice")
                        .modelId("claude-opus-4-6").tokens(new TokenCounts(100, 0, 0, 0, 10)).inferenceGeo("us").build(),
                UsageEvent.builder().id("eu").time(NOW.minusSeconds(30)).source(Source.PROVIDER_LOG).identity("bob")
                        .modelId("eu.anthropic.claude-sonnet-4-5-20250929-v1:0").tokens(new TokenCounts(100, 0, 0, 0, 10))
                        .region("eu-west-1").build());
        List<String> csv = tally("export", "--format", "csv").out().lines().toList();
        assertThat(csv.get(0)).isEqualTo(ExportCommand.CSV_HEADER)
                .startsWith("id,time,source,provider,identity,team,project,session_id,request_id,model,model_id,")
                .endsWith(",latency_ms,status,cost_nanos,region,inference_geo");
        assertThat(csv.subList(1, csv.size())).hasSize(2).allSatisfy(row ->
                assertThat(row.split(",", -1)).hasSameSizeAs(csv.get(0).split(",")));
        assertThat(csv.get(1)).startsWith("geo,").endsWith(",,us");
        assertThat(csv.get(2)).startsWith("eu,").endsWith(",eu-west-1,");
        List<JsonNode> lines = new ArrayList<>();
        for (String l : tally("export", "--format", "jsonl").out().lines().toList()) lines.add(JSON.readTree(l));
        assertThat(lines.get(0).get("inference_geo").asText()).isEqualTo("us");
        assertThat(lines.get(1).get("region").asText()).isEqualTo("eu-west-1");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void topTotalsAndActivityPrintCsvWithTheNamesOfTheirJsonAndExactAmounts(TestStores.Kind kind) throws Exception {
        use(kind);
        team();
        List<String> top = tally("top", "--format", "csv").out().lines().toList();
        List<String> header = List.of(top.get(0).split(","));
        assertThat(header).contains("id", "user", "cost_usd", "cost_nanos").isSubsetOf(fieldNames(
                json(tally("top", "--format", "json")).at("/requests/0")));
        assertThat(top.get(0)).isEqualTo(tally("recent", "--format", "csv").out().lines().findFirst().orElseThrow());
        assertThat(top).hasSize(4);
        List<String> first = List.of(top.get(1).split(",", -1)); // the most expensive: bob's $5.50
        assertThat(first.get(header.indexOf("id"))).isEqualTo("b1");
        assertThat(first.get(header.indexOf("cost_usd"))).isEqualTo("5.50");
        assertThat(first.get(header.indexOf("cost_nanos"))).isEqualTo("5500000000");

        String today = LocalDate.now(ZoneOffset.UTC).toString();
        String from = LocalDate.now(ZoneOffset.UTC).minusDays(29).toString();
        List<String> totals = tally("totals", "--format", "csv").out().lines().toList();
        assertThat(totals.get(0)).isEqualTo(String.join(",", fieldNames(json(tally("totals", "--format", "json")))));
        // cost_nanos, the exact cost /api/totals gives too, comes last: the columns before keep their places
        assertThat(totals).containsExactly("requests,total_tokens,cost_usd,unpriced_requests,from,to,cost_nanos",
                "3,2200000,7.10,0," + from + "," + today + ",7100000000");
        assertThat(json(tally("totals", "--format", "json")).get("cost_nanos").asLong()).isEqualTo(7_100_000_000L);

        List<String> activity = tally("activity", "--format", "csv").out().lines().toList();
        assertThat(activity.get(0)).isEqualTo(String.join(",", fieldNames(json(tally("activity", "--format", "json")).at("/rows/0"))));
        // no telemetry: counts of zero, and empty cells where JSON has null (no edits, PRs or lines to divide by)
        assertThat(activity.subList(1, activity.size())).containsExactly("alice,0,0.0,0,0,0,0,0,1.60,,,", "bob,0,0.0,0,0,0,0,0,5.50,,,");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void topJsonNamesEveryFieldRecentDoes(TestStores.Kind kind) throws Exception {
        use(kind);
        seed(UsageEvent.builder().id("cw").time(NOW.minusSeconds(60)).source(Source.GATEWAY).identity("alice")
                .modelId("claude-haiku-4-5").tokens(new TokenCounts(10, 300, 700, 0, 5)).build());
        JsonNode top = json(tally("top", "--format", "json")).at("/requests/0");
        assertThat(fieldNames(top)).isEqualTo(fieldNames(json(tally("recent", "--format", "json")).at("/requests/0")));
        assertThat(top.get("cache_write_5m_tokens").asLong()).isEqualTo(300);
        assertThat(top.get("cache_write_1h_tokens").asLong()).isEqualTo(700);
        assertThat(top.get("cache_write_tokens").asLong()).isEqualTo(1000);
        assertThat(top.get("cost_nanos").asLong()).isPositive();
    }

    private static List<String> fieldNames(JsonNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void rollingWindowsAndNamedMonths(TestStores.Kind kind) throws Exception {
        use(kind);
        YearMonth thisMonth = YearMonth.now(ZoneOffset.UTC);
        Instant lastMonth = thisMonth.minusMonths(1).atDay(10).atStartOfDay().toInstant(ZoneOffset.UTC);
        seed(event("recent", NOW.minus(Duration.ofMinutes(30)), "alice", "claude-haiku-4-5", Source.GATEWAY, 1_000_000, 0),
                event("earlier", NOW.minus(Duration.ofHours(3)), "alice", "claude-haiku-4-5", Source.GATEWAY, 2_000_000, 0),
                event("old", lastMonth, "alice", "claude-haiku-4-5", Source.GATEWAY, 4_000_000, 0));
        assertThat(total("--last", "90m")).isEqualTo("1.00");
        assertThat(total("--last", "4h")).isEqualTo("3.00");
        JsonNode rolling = json(tally("report", "--last", "24h", "--format", "json"));
        assertThat(rolling.has("start")).isTrue();
        assertThat(tally("report", "--last", "24h").out()).contains("Usage by developer, " + LocalDate.now(ZoneOffset.UTC).minusDays(1));
        assertThat(total("--month", "last")).isEqualTo("4.00");
        assertThat(json(tally("report", "--month", "last", "--format", "json")).get("from").asText())
                .isEqualTo(thisMonth.minusMonths(1).atDay(1).toString());
        assertThat(json(tally("report", "--month", "this", "--format", "json")).get("to").asText())
                .isEqualTo(thisMonth.atEndOfMonth().toString());
        assertThat(total("--month", thisMonth.minusMonths(1).toString())).isEqualTo("4.00");
        assertThat(tally("report", "--last", "24h", "--days", "3").err()).contains("give one of --month, --last or --days/--from/--to");
        assertThat(tally("report", "--last", "soon").err()).contains("--last: expected a duration");
        assertThat(tally("report", "--month", "next").err()).contains("--month: expected YYYY-MM, 'this' or 'last'");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void recentListsTheLatestRequestsNewestFirstFiltered(TestStores.Kind kind) throws Exception {
        use(kind);
        team();
        JsonNode all = json(tally("recent", "--limit", "2", "--format", "json"));
        assertThat(all.get("requests")).hasSize(2);
        assertThat(all.at("/requests/0/id").asText()).isEqualTo("b1");
        assertThat(all.at("/requests/1/id").asText()).isEqualTo("a2");
        assertThat(all.at("/requests/0/cost_usd").asText()).isEqualTo("5.50");
        assertThat(all.at("/requests/0/cost_nanos").asLong()).isEqualTo(5_500_000_000L);
        assertThat(json(tally("recent", "--user", "alice", "--model", "sonnet", "--format", "json")).at("/requests/0/id").asText())
                .isEqualTo("a1");
        assertThat(json(tally("recent", "--source", "otel", "--format", "json")).get("requests")).hasSize(1);
        Cli.Result table = tally("recent");
        assertThat(table.out()).contains("Time", "Developer", "Model", "Input", "Output", "Cache read", "Cache write",
                "Cost (USD)", "Source", "Status").containsPattern("bob +claude-opus-4-5-20251101 .* \\$5\\.50 +otel-event +200");
        List<String> csv = tally("recent", "--format", "csv").out().lines().toList();
        assertThat(csv.get(0)).contains("cost_usd,cost_nanos");
        assertThat(csv).hasSize(4);
        JsonNode after = json(tally("recent", "--after", String.valueOf(NOW.minus(Duration.ofHours(2)).toEpochMilli()), "--format", "json"));
        assertThat(after.at("/requests/0/id").asText()).isEqualTo("a1"); // oldest first after a cursor
        assertThat(tally("recent", "--limit", "0").err()).contains("--limit must be between 1 and 10000");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void estimateCompareRepricesRecordedUsageOnOtherModels(TestStores.Kind kind) throws Exception {
        use(kind);
        team();
        JsonNode r = json(tally("estimate", "--compare", "claude-haiku-4-5,us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "--days", "30", "--user", "alice", "--format", "json"));
        assertThat(r.at("/actual/requests").asLong()).isEqualTo(2);
        assertThat(r.at("/actual/cost_usd").asText()).isEqualTo("1.60");
        assertThat(r.at("/compare/0/cost_usd").asText()).isEqualTo("1.20");         // 1.2M input on Haiku at $1/M
        assertThat(r.at("/compare/0/difference_usd").asText()).isEqualTo("-0.40");
        // Sonnet 4.5 through a regional profile (+10%): 200K at $3/M, and the 1M request whole at the long-context $6/M
        assertThat(r.at("/compare/1/cost_usd").asText()).isEqualTo("7.26");
        assertThat(r.at("/compare/1/difference_nanos").asLong()).isEqualTo(5_660_000_000L);
        Cli.Result table = tally("estimate", "--compare", "sonnet-4-5", "--model", "opus");
        assertThat(table.out()).as(table.err()).contains("as recorded").containsPattern("claude-sonnet-4-5-20250929 +\\$6\\.00 +\\+\\$0\\.50 +\\+9\\.1%");
        assertThat(tally("estimate", "--compare", "opus").err()).contains("'opus' could be any of");
        assertThat(tally("estimate", "--model", "claude-haiku-4-5").err()).contains("give --model, --input and --output");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aDailyDefaultForEachPersonIsListedPerPersonWithSpendBySourceAndAPersonsOwnBudgetReplacesIt(TestStores.Kind kind) throws Exception {
        use(kind);
        team();
        Cli.Result set = tally("budgets", "set", "--each-person", "--daily", "5");
        assertThat(set.out()).as(set.err()).isEqualTo("saved budget 'each-person:daily' (hard, $5.00 per day for each person)\n");
        assertThat(tally("budgets", "set", "--person", "alice", "--daily", "20").code()).isZero();
        assertThat(tally("budgets", "set", "--each-person", "--daily", "5", "--period", "weekly").err())
                .contains("--period: --daily already names the period; give one or the other");

        JsonNode list = json(tally("budgets", "list", "--format", "json"));
        assertThat(list).hasSize(2);
        JsonNode alice = list.get(0).get("name").asText().equals("person:alice:daily") ? list.get(0) : list.get(1);
        JsonNode bob = alice == list.get(0) ? list.get(1) : list.get(0);
        assertThat(alice.get("name").asText()).isEqualTo("person:alice:daily");
        assertThat(alice.get("spent_usd").asText()).isEqualTo("1.60");
        assertThat(alice.at("/spent_by_source/gateway").asText()).isEqualTo("0.60");
        assertThat(alice.at("/spent_by_source/transcript").asText()).isEqualTo("1.00");
        assertThat(bob.get("name").asText()).isEqualTo("each-person:daily");
        assertThat(bob.get("scope").asText()).isEqualTo("each-person");
        assertThat(bob.get("subject").asText()).isEqualTo("bob");
        assertThat(bob.get("spent_usd").asText()).isEqualTo("5.50");
        assertThat(bob.at("/spent_by_source/otel-event").asText()).isEqualTo("5.50");
        assertThat(tally("budgets", "list").out()).contains("person bob (each-person default)").contains("otel-event $5.50")
                .contains("gateway $0.60, transcript $1.00");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aBudgetNameIsOneBudgetsAndAnotherScopeCannotTakeItOver(TestStores.Kind kind) throws Exception {
        use(kind);
        team();
        assertThat(tally("budgets", "set", "--person", "alice", "--usd", "10", "--period", "monthly").code()).isZero();
        Cli.Result taken = tally("budgets", "set", "--org", "--usd", "1000", "--name", "person:alice:monthly");
        assertThat(taken.code()).isEqualTo(2);
        assertThat(taken.err()).contains("budget name 'person:alice:monthly' is person alice's");
        JsonNode list = json(tally("budgets", "list", "--format", "json"));
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("scope").asText()).isEqualTo("person");
        assertThat(tally("budgets", "set", "--person", "alice", "--usd", "20", "--period", "monthly").code())
                .as("the same budget under its own name is still replaced").isZero();
        Cli.Result noKey = tally("budgets", "set", "--key", "key_doesnotexist", "--usd", "5");
        assertThat(noKey.code()).isEqualTo(2);
        assertThat(noKey.err()).contains("--key key_doesnotexist: no such key");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aDefaultForEachPersonThatNobodyHasSpentAgainstYetIsStillListedOnceAtZero(TestStores.Kind kind) throws Exception {
        use(kind);
        assertThat(tally("budgets", "set", "--each-person", "--weekly", "25").code()).isZero();
        JsonNode list = json(tally("budgets", "list", "--format", "json"));
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asText()).isEqualTo("each-person:weekly");
        assertThat(list.get(0).get("subject").isNull()).isTrue();
        assertThat(list.get(0).get("spent_usd").asText()).isEqualTo("0.00");
        assertThat(tally("budgets", "list").out()).contains("each person").contains("$25.00");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void statuslineShowsTheSessionTodayAndTheNearestBudget(TestStores.Kind kind) throws Exception {
        use(kind);
        team();
        assertThat(tally("budgets", "set", "--person", "alice", "--usd", "10", "--period", "daily").code()).isZero();
        String status = "{\"session_id\":\"s-alice\",\"model\":{\"id\":\"claude-sonnet-4-5\",\"display_name\":\"Sonnet 4.5\"},"
                + "\"workspace\":{\"current_dir\":\"/src\"},\"cost\":{\"total_cost_usd\":3.9},\"extra\":[1,2]}";
        Cli.Result r = withStdin(status, () -> tally("statusline", "--user", "alice"));
        assertThat(r.code()).isZero();
        // the budget counts every source, as the day's total does: alice's $1.60 of $10
        assertThat(r.out()).isEqualTo("[Sonnet 4.5] | session $1.60 | alice today $1.60 | budget 16% of $10.00 daily (person alice)\n");

        Cli.Result unknown = withStdin("{\"session_id\":\"elsewhere\",\"cost\":{\"total_cost_usd\":0.001155}}",
                () -> tally("statusline", "--user", "bob"));
        assertThat(unknown.out()).isEqualTo("session ~$0.0012 (Claude Code's estimate) | bob today $5.50\n");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aPersonWithoutATeamGetsTheirStatuslineAndBudget(TestStores.Kind kind) throws Exception {
        use(kind);
        assertThat(tally("people", "add", "frank").code()).isZero();
        assertThat(tally("record", "--user", "frank", "--model", "claude-haiku-4-5", "--input", "1000", "--output", "100").code()).isZero();
        assertThat(tally("budgets", "set", "--person", "frank", "--daily", "0.002").code()).isZero();
        Cli.Result r = withStdin("{\"session_id\":\"elsewhere\"}", () -> tally("statusline", "--user", "frank"));
        // Haiku 4.5: 1,000 x $1 + 100 x $5 per million = $0.0015, 75% of a $0.002 budget
        assertThat(r.out()).isEqualTo("frank today $0.0015 | budget 75% of $0.0020 daily (person frank)\n");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aPersonsTeamCanBeTakenAwayAndTheirHistoryThenShowsUnderNoTeam(TestStores.Kind kind) throws Exception {
        use(kind);
        team();
        assertThat(tally("people", "add", "alice", "--team", "platform").code()).isZero();
        assertThat(json(tally("report", "--by", "team", "--user", "alice", "--format", "json")).at("/rows/0/key").asText())
                .isEqualTo("platform");

        Cli.Result cleared = tally("people", "add", "alice", "--no-team");
        assertThat(cleared.out()).isEqualTo("saved alice (no team)\n");
        assertThat(json(tally("report", "--by", "team", "--user", "alice", "--format", "json")).at("/rows/0/key").asText())
                .isEqualTo("(none)");
        assertThat(tally("people", "add", "alice", "--team", "data", "--no-team").err()).contains("not both");
    }

    @Test
    void statuslineNeverFailsThePrompt() throws Exception {
        Cli.Result noStore = withStdin("{\"model\":{\"display_name\":\"Opus\"},\"cost\":{\"total_cost_usd\":1.5}}",
                () -> Cli.run("statusline", "--data", dir.toString(), "--db", "postgresql://tally:x@127.0.0.1:1/nope"));
        assertThat(noStore.code()).isZero();
        assertThat(noStore.out()).isEqualTo("[Opus] session ~$1.50 (Claude Code's estimate) | tally: no data\n");
        Cli.Result garbage = withStdin("not json {", () -> Cli.run("statusline", "--data", dir.toString(), "--db",
                "postgresql://tally:x@127.0.0.1:1/nope"));
        assertThat(garbage.code()).isZero();
        assertThat(garbage.out()).isEqualTo("tally: no data\n");
    }

    @Test
    void clientConfigPrintsTheStatusLineBlock() throws Exception {
        store = new String[] {"--data", dir.toString()};
        JsonNode config = json(tally("client-config", "--user", "alice", "--no-telemetry"));
        assertThat(config.at("/statusLine/type").asText()).isEqualTo("command");
        assertThat(config.at("/statusLine/command").asText()).isEqualTo("tally statusline");
        assertThat(config.at("/env/ANTHROPIC_BASE_URL").asText()).isNotEmpty();
        assertThat(json(tally("client-config", "--user", "bob", "--no-telemetry", "--no-status-line")).has("statusLine")).isFalse();
    }

    private static Cli.Result withStdin(String text, java.util.function.Supplier<Cli.Result> run) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        try {
            return run.get();
        } finally {
            System.setIn(saved);
        }
    }

}
