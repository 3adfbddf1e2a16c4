package tally.importers.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import tally.importers.Tally;
import tally.pricing.PriceCatalog;
import tally.store.TestStores;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tally import aws-costs} reads Cost Explorer's daily Bedrock bill (every page) into a table of
 * its own, and {@code tally reconcile --provider aws} puts Tally's Bedrock cost beside it per day and
 * model, flagging days off by more than 1%.
 */
class AwsCostsTest {
    static final String DAY1 = "2026-03-02";
    static final String DAY2 = "2026-03-03";
    static final String SONNET = "global.anthropic.claude-sonnet-4-5-20250929-v1:0";
    static final String ALICE = "arn:aws:sts::123456789012:assumed-role/Dev/alice@corp.com";

    @TempDir Path dir;
    private final FakeAws aws = fake();

    static FakeAws fake() {
        try {
            return new FakeAws();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void close() {
        aws.close();
    }

    /** 100K input and 1K output on Sonnet 4.5 at list price: $0.30 + $0.015. */
    static String record(String id, String time) {
        return "{\"schemaType\":\"ModelInvocationLog\",\"timestamp\":\"" + time + "\",\"requestId\":\"" + id + "\",\"region\":\"us-east-1\","
                + "\"modelId\":\"" + SONNET + "\",\"identity\":{\"arn\":\"" + ALICE + "\"},"
                + "\"input\":{\"inputTokenCount\":100000},\"output\":{\"outputTokenCount\":1000}}";
    }

    static String group(String service, String usageType, String amount) {
        return "{\"Keys\":[\"" + service + "\",\"" + usageType + "\"],\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"" + amount + "\",\"Unit\":\"USD\"}}}";
    }

    static String day(String day, boolean estimated, String... groups) {
        return "{\"TimePeriod\":{\"Start\":\"" + day + "\",\"End\":\"" + LocalDate.parse(day).plusDays(1) + "\"},\"Total\":{},\"Groups\":["
                + String.join(",", groups) + "],\"Estimated\":" + estimated + "}";
    }

    private void ledger(Tally tally) throws Exception {
        Path file = dir.resolve("logs/a.json.gz");
        Files.createDirectories(file.getParent());
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            for (String r : List.of(record("r-1", DAY1 + "T10:00:00Z"), record("r-2", DAY2 + "T10:00:00Z"), record("r-3", DAY2 + "T11:00:00Z"))) {
                o.write((r + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        tally.run("import", "bedrock", file.toString()).ok();
    }

    private String[] importCosts() {
        return new String[] {"import", "aws-costs", "--since", DAY1, "--until", DAY2, "--region", "us-east-1",
                "--endpoint", aws.endpoint().toString(), "--no-sign-request"};
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theBillIsReadPageByPageAndReconciledPerDayAndModel(TestStores.Kind kind) throws Exception {
        // Day 1 matches Tally exactly ($0.315, split by usage type); day 2 is billed 5% above Tally's $0.63.
        aws.costPages.add("{\"ResultsByTime\":[" + day(DAY1, false,
                group("Claude Sonnet 4.5 (Amazon Bedrock Edition)", "USE1-MP:USE1_InputTokenCount-Units", "0.3"),
                group("Claude Sonnet 4.5 (Amazon Bedrock Edition)", "USE1-MP:USE1_OutputTokenCount-Units", "0.015")) + "],\"NextPageToken\":\"p2\"}");
        aws.costPages.add("{\"ResultsByTime\":[" + day(DAY2, true,
                group("Amazon Bedrock", "USE1-Claude4.5Sonnet-input-tokens", "0.6615"),
                group("Amazon Bedrock", "USE1-TitanEmbedText-tokens", "0.0000000004")) + "]}");
        Tally tally = new Tally(kind, dir);
        ledger(tally);

        String out = tally.run(importCosts()).ok().out();
        assertThat(out).contains("2026-03-02 to 2026-03-03 (UTC): 2 pages, 4 rows, $0.9765")
                .containsPattern("claude-sonnet-4-5-20250929 +\\$0\\.9765").contains("1 days still estimated");
        List<String> calls = aws.calls("AWSInsightsIndexService.GetCostAndUsage");
        JsonNode first = FakeAws.JSON.readTree(calls.get(0).substring(calls.get(0).indexOf(' ') + 1));
        assertThat(first.get("TimePeriod").toString()).isEqualTo("{\"Start\":\"2026-03-02\",\"End\":\"2026-03-04\"}");
        assertThat(first.get("Granularity").asText()).isEqualTo("DAILY");
        assertThat(first.at("/Filter/Dimensions/Values/0").asText()).isEqualTo("Amazon Bedrock");
        assertThat(first.at("/GroupBy/1/Key").asText()).isEqualTo("USAGE_TYPE");
        assertThat(calls.get(1)).contains("\"NextPageToken\":\"p2\"");

        JsonNode r = tally.run("reconcile", "--provider", "aws", "--month", "2026-03", "--format", "json").json();
        assertThat(r.get("days_off").toString()).isEqualTo("[\"2026-03-03\"]");
        JsonNode day1 = r.get("lines").get(0);
        assertThat(day1.get("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(day1.get("tally_usd").asText()).isEqualTo(day1.get("provider_usd").asText()).isEqualTo("0.315");
        JsonNode day2 = null;
        for (JsonNode l : r.get("lines")) if (l.get("day").asText().equals(DAY2) && l.get("model").asText().startsWith("claude")) day2 = l;
        assertThat(day2.get("diff_pct").asText()).isEqualTo("-4.76");
        assertThat(day2.get("off").asBoolean()).isTrue();
        assertThat(r.get("tally_total_usd").asText()).isEqualTo("0.945");
        String table = tally.run("reconcile", "--provider", "aws", "--month", "2026-03").ok().out();
        assertThat(table).containsPattern("2026-03-03 +claude-sonnet-4-5-20250929 .*OFF");

        // Importing again replaces the days: nothing counted twice, the final figure replaces the estimate.
        aws.costPages.add("{\"ResultsByTime\":[" + day(DAY1, false, group("Amazon Bedrock", "USE1-Claude4.5Sonnet-input-tokens", "0.315"))
                + "," + day(DAY2, false, group("Amazon Bedrock", "USE1-Claude4.5Sonnet-input-tokens", "0.63")) + "]}");
        tally.run(importCosts()).ok();
        JsonNode again = tally.run("reconcile", "--provider", "aws", "--month", "2026-03", "--format", "json").json();
        assertThat(again.get("days_off").size()).isZero();
        assertThat(again.get("provider_total_usd").asText()).isEqualTo("0.945");
        // The Anthropic reconciliation is untouched by the AWS bill.
        assertThat(tally.run("reconcile", "--month", "2026-03", "--format", "json").json().get("provider_total_usd").asText()).isEqualTo("0.00");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aBillInAnotherCurrencyOrAnUnreadableAmountIsRefusedAndNothingIsStored(TestStores.Kind kind) {
        aws.costPages.add("{\"ResultsByTime\":[" + day(DAY1, false, group("Amazon Bedrock", "USE1-Claude4.5Sonnet-input-tokens", "1e")) + "]}");
        Tally tally = new Tally(kind, dir);
        Tally.Result bad = tally.run(importCosts());
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("Cost Explorer: 2026-03-02 USE1-Claude4.5Sonnet-input-tokens amount '1e' is not a number");
        aws.costPages.add("{\"ResultsByTime\":[" + day(DAY1, false, group("Amazon Bedrock", "x", "1").replace("USD", "EUR")) + "]}");
        assertThat(tally.run(importCosts()).err()).contains("is in EUR; Tally compares US dollars only");
        tally.run("record", "--user", "a", "--model", "claude-sonnet-4-5", "--input", "1", "--output", "1",
                "--at", "2026-02-01T00:00:00Z").ok(); // a store that exists, with nothing of March in it
        assertThat(tally.run("reconcile", "--provider", "aws", "--month", "2026-03").ok().out()).contains("nothing to compare");
    }

    @Test
    void aCreditIsPrintedWithItsSignBeforeTheDollarAsReportsWriteIt() {
        aws.costPages.add("{\"ResultsByTime\":[" + day(DAY1, false, group("Amazon Bedrock", "USE1-Claude4.5Sonnet-input-tokens", "-10"))
                + "]}");
        String out = new Tally(TestStores.Kind.DUCKDB, dir).run(importCosts()).ok().out();
        assertThat(out).contains("1 pages, 1 rows, -$10.00\n").containsPattern("claude-sonnet-4-5-20250929 +-\\$10\\.00\n")
                .doesNotContain("$-");
    }

    @Test
    void aPageTokenGivenAgainEndsTheImportAtOnceNotAThousandBilledCallsLater() {
        aws.costPages.add("{\"ResultsByTime\":[" + day(DAY1, false, group("Amazon Bedrock", "USE1-Claude4.5Sonnet-input-tokens", "0.3"))
                + "],\"NextPageToken\":\"tok\"}"); // every later call gets this page again, with the same token
        Tally tally = new Tally(TestStores.Kind.DUCKDB, dir);
        Tally.Result r = tally.run(importCosts());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("tally: Cost Explorer: NextPageToken \"tok\" again, a page already read; nothing was imported\n");
        assertThat(aws.calls("AWSInsightsIndexService.GetCostAndUsage")).hasSize(2);
    }

    @Test
    void callsAreSignedForCostExplorerInItsHomeRegionAndErrorsNameTheAwsReason() throws Exception {
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
        aws.costPages.add("{\"ResultsByTime\":[" + day(DAY1, false, "{\"Keys\":[\"USE1-Claude4.5Sonnet-input-tokens\",\"user:Principal$alice@corp.com\"],"
                + "\"Metrics\":{\"UnblendedCost\":{\"Amount\":\"0.315\",\"Unit\":\"USD\"}}}") + "]}");
        CostExplorerPull.Result r;
        try (CostExplorerClient client = new AwsAccess("eu-west-1", aws.endpoint(), creds).costExplorer()) {
            r = new CostExplorerPull(client, PriceCatalog.bundled()).run(LocalDate.parse(DAY1), LocalDate.parse(DAY2), List.of("Amazon Bedrock"), "user:Principal");
        }
        assertThat(r.rows()).singleElement().satisfies(row -> {
            assertThat(row.principal()).isEqualTo("alice@corp.com");
            assertThat(row.usageType()).isEqualTo("USE1-Claude4.5Sonnet-input-tokens");
            assertThat(row.model()).isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(row.amountNanos()).isEqualTo(315_000_000L);
        });
        assertThat(aws.authorizations.get(0)).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").contains("/us-east-1/ce/aws4_request");
        JsonNode sent = FakeAws.JSON.readTree(aws.calls.get(0).substring(aws.calls.get(0).indexOf(' ') + 1));
        assertThat(sent.at("/GroupBy/1").toString()).isEqualTo("{\"Type\":\"TAG\",\"Key\":\"user:Principal\"}");
    }

    @Test
    void theModelIsReadFromTheServiceNameOrTheUsageType() {
        PriceCatalog c = PriceCatalog.bundled();
        assertThat(BilledModel.of("Claude Sonnet 4.5 (Amazon Bedrock Edition)", "USE1-MP:USE1_InputTokenCount-Units", c)).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(BilledModel.of("Amazon Bedrock", "USE1-Claude3.5Sonnet-input-tokens", c)).startsWith("claude-3-5-sonnet");
        assertThat(BilledModel.of("Claude Opus 4 (Amazon Bedrock Edition)", "x", c)).startsWith("claude-opus-4");
        assertThat(BilledModel.of("Amazon Bedrock", "USE1-TitanEmbedText-tokens", c)).isNull();
        assertThat(CostExplorerPull.tagValue("user:Principal$arn:aws:iam::1:user/alice")).isEqualTo("arn:aws:iam::1:user/alice");
        assertThat(CostExplorerPull.tagValue("user:Principal$")).isNull();
    }
}
