package tally.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tally estimate}: price a request from the command line. */
class EstimateCommandTest {

    private static JsonNode json(CliRun run) throws Exception {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return new ObjectMapper().readTree(run.out());
    }

    @Test
    void printsOneLinePerClassAndTheTotal() {
        CliRun run = CliRun.of("estimate", "--model", "claude-3-5-sonnet-20241022", "--input", "500000", "--output", "200000");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("claude-3-5-sonnet-20241022", "catalog 2026-08-21");
        assertThat(run.out()).containsPattern("input\\s+500,000\\s+3.00\\s+1.50");
        assertThat(run.out()).containsPattern("cache write 5m\\s+0\\s+3.75\\s+0.00");
        assertThat(run.out()).containsPattern("output\\s+200,000\\s+15.00\\s+3.00");
        assertThat(run.out()).containsPattern("total\\s+\\$4.50");
    }

    @Test
    void jsonCarriesTheExactDecimalCostAndBreakdown() throws Exception {
        JsonNode j = json(CliRun.of("estimate", "--model", "claude-3-5-sonnet", "--input", "2000000", "--output", "800000",
                "--format", "json"));
        assertThat(j.get("model").asText()).isEqualTo("claude-3-5-sonnet");
        assertThat(j.get("canonical_model").asText()).isEqualTo("claude-3-5-sonnet-20241022");
        assertThat(j.get("priced").asBoolean()).isTrue();
        assertThat(j.get("cost_usd").asText()).isEqualTo("18.00");
        assertThat(j.get("breakdown").get("input").asText()).isEqualTo("6.00");
        assertThat(j.get("breakdown").get("output").asText()).isEqualTo("12.00");
        assertThat(j.get("breakdown").get("web_search").asText()).isEqualTo("0.00");
        assertThat(j.get("long_context").asBoolean()).isFalse();
        assertThat(j.get("catalog_version").asText()).isEqualTo("2026-08-21");
    }

    @Test
    void everyFlagReachesThePrice() throws Exception {
        // Bedrock us. profile (×1.1) in batch (×0.5), 250K prompt (long context), 2 web searches.
        JsonNode j = json(CliRun.of("estimate", "--model", "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "--input", "50000", "--cache-read", "100000", "--cache-write-5m", "60000", "--cache-write-1h", "40000",
                "--output", "1000", "--web-searches", "2", "--batch", "--at", "2026-09-01", "--format", "json"));
        assertThat(j.get("long_context").asBoolean()).isTrue();
        assertThat(j.get("regional_premium").asBoolean()).isTrue();
        assertThat(j.get("breakdown").get("input").asText()).isEqualTo("0.165");          // 50K × $6 × 0.55
        assertThat(j.get("breakdown").get("cache_read").asText()).isEqualTo("0.033");     // 100K × $0.60 × 0.55
        assertThat(j.get("breakdown").get("cache_write_5m").asText()).isEqualTo("0.2475"); // 60K × $7.50 × 0.55
        assertThat(j.get("breakdown").get("cache_write_1h").asText()).isEqualTo("0.264");  // 40K × $12 × 0.55
        assertThat(j.get("breakdown").get("output").asText()).isEqualTo("0.012375");       // 1K × $22.50 × 0.55
        assertThat(j.get("breakdown").get("web_search").asText()).isEqualTo("0.02");
        assertThat(j.get("cost_usd").asText()).isEqualTo("0.741875");
        assertThat(j.get("rates_usd_per_mtok").get("input").asText()).isEqualTo("3.30");
    }

    @Test
    void fastModeAndItsDates() throws Exception {
        JsonNode fast = json(CliRun.of("estimate", "--model", "claude-opus-4-6", "--input", "100000", "--output", "0",
                "--fast", "--at", "2026-03-01T12:00:00Z", "--format", "json"));
        assertThat(fast.get("fast_applied").asBoolean()).isTrue();
        assertThat(fast.get("cost_usd").asText()).isEqualTo("3.00");
        JsonNode later = json(CliRun.of("estimate", "--model", "claude-opus-4-6", "--input", "100000", "--output", "0",
                "--fast", "--at", "2026-08-21", "--tz", "UTC", "--format", "json"));
        assertThat(later.get("fast_applied").asBoolean()).isFalse();
        assertThat(later.get("cost_usd").asText()).isEqualTo("0.50");
        assertThat(CliRun.of("estimate", "--model", "claude-opus-4-6", "--input", "1", "--output", "0", "--fast",
                "--at", "2026-08-21").out()).contains("bills it at the standard price");
    }

    @Test
    void requestsSplitTheTotalsSoLongContextIsDecidedPerRequest() throws Exception {
        JsonNode one = json(CliRun.of("estimate", "--model", "claude-sonnet-4-5", "--input", "300000", "--output", "0",
                "--format", "json"));
        assertThat(one.get("long_context").asBoolean()).isTrue();
        assertThat(one.get("cost_usd").asText()).isEqualTo("1.80");
        JsonNode two = json(CliRun.of("estimate", "--model", "claude-sonnet-4-5", "--input", "300000", "--output", "0",
                "--requests", "2", "--format", "json"));
        assertThat(two.get("requests").asLong()).isEqualTo(2);
        assertThat(two.get("long_context").asBoolean()).isFalse();
        assertThat(two.get("cost_usd").asText()).isEqualTo("0.90");
    }

    @Test
    void requestsSplitIntoEqualRequestsSoAnAverageOfExactly200kIsNotLongContext() throws Exception {
        JsonNode six = json(CliRun.of("estimate", "--model", "claude-sonnet-4-5", "--input", "1000000", "--output", "0",
                "--cache-write-5m", "100000", "--cache-write-1h", "100000", "--requests", "6", "--format", "json"));
        assertThat(six.get("long_context").asBoolean()).isFalse();
        assertThat(six.get("cost_usd").asText()).isEqualTo("3.975");
    }

    @Test
    void anUnknownModelIsRefusedAsUnpricedNeverPricedAtZero() {
        for (String format : new String[] {"table", "json"}) {
            CliRun run = CliRun.of("estimate", "--model", "claude-opus-9", "--input", "10", "--output", "10", "--format", format);
            assertThat(run.exitCode()).as(format).isEqualTo(2);
            assertThat(run.err()).as(format).contains("UNPRICED", "does not know model 'claude-opus-9'", "--prices")
                    .doesNotContain("Exception", "\tat ");
            assertThat(run.out()).as(format).doesNotContain("$0");
        }
    }

    @Test
    void fastModeThroughTheBatchesApiIsRefusedNotPriced() {
        CliRun run = CliRun.of("estimate", "--model", "claude-opus-4-8", "--input", "1000", "--output", "10", "--fast", "--batch");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--fast and --batch", "not available");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void onlyTheGeographiesTheApiHasArePinned() throws Exception {
        CliRun mars = CliRun.of("estimate", "--model", "claude-opus-4-6", "--input", "1000", "--output", "10",
                "--inference-geo", "mars");
        assertThat(mars.exitCode()).isEqualTo(2);
        assertThat(mars.err()).contains("--inference-geo", "'mars'", "global, us");
        JsonNode us = json(CliRun.of("estimate", "--model", "claude-opus-4-6", "--input", "1000000", "--output", "0",
                "--inference-geo", "US", "--format", "json"));
        assertThat(us.get("data_residency").asBoolean()).isTrue();
        assertThat(us.get("cost_usd").asText()).isEqualTo("5.50");
        JsonNode global = json(CliRun.of("estimate", "--model", "claude-opus-4-6", "--input", "1000000", "--output", "0",
                "--inference-geo", "global", "--format", "json"));
        assertThat(global.get("data_residency").asBoolean()).isFalse();
        assertThat(global.get("cost_usd").asText()).isEqualTo("5.00");
    }

    @Test
    void countsBeyondWhatTheLedgerHoldsAreRefusedNamingTheFlag() throws Exception {
        for (String flag : new String[] {"--input", "--output", "--cache-read", "--cache-write-5m", "--cache-write-1h",
                "--web-searches"}) {
            List<String> args = new ArrayList<>(List.of("estimate", "--model", "claude-opus-4-8"));
            if (!flag.equals("--input")) args.addAll(List.of("--input", "1"));
            if (!flag.equals("--output")) args.addAll(List.of("--output", "1"));
            args.addAll(List.of(flag, "10000000001"));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(flag).isEqualTo(2);
            assertThat(run.err()).as(flag).contains(flag + "=10000000001 out of range [0, 1e10]");
        }
        JsonNode bound = json(CliRun.of("estimate", "--model", "claude-opus-4-8", "--input", "10000000000", "--output", "0",
                "--requests", "100000", "--format", "json"));
        assertThat(bound.get("tokens").get("input").asLong()).isEqualTo(10_000_000_000L);
    }

    @Test
    void aTimeTheLedgerCouldNotHoldIsRefused() {
        CliRun old = CliRun.of("estimate", "--model", "claude-opus-4-8", "--input", "1", "--output", "1", "--at", "1900-01-01");
        assertThat(old.exitCode()).isEqualTo(2);
        assertThat(old.err()).contains("--at:", "is before 2023");
        CliRun ahead = CliRun.of("estimate", "--model", "claude-opus-4-8", "--input", "1", "--output", "1",
                "--at", "2999-01-01T00:00:00Z");
        assertThat(ahead.exitCode()).isEqualTo(2);
        assertThat(ahead.err()).contains("--at:", "more than a day in the future");
    }

    @Test
    void negativeCountsAreRejectedNamingTheFlag() {
        for (String flag : new String[] {"--input", "--output", "--cache-read", "--cache-write-5m", "--cache-write-1h",
                "--web-searches"}) {
            List<String> args = new ArrayList<>(List.of("estimate", "--model", "claude-opus-4-8"));
            if (!flag.equals("--input")) args.addAll(List.of("--input", "1"));
            if (!flag.equals("--output")) args.addAll(List.of("--output", "1"));
            args.addAll(List.of(flag, "-5"));
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertThat(run.exitCode()).as(flag).isEqualTo(2);
            assertThat(run.err()).as(flag).contains(flag + " must not be negative");
        }
    }

    @Test
    void otherBadInputExitsWithTwo() {
        assertThat(CliRun.of("estimate", "--model", "claude-opus-4-8", "--input", "1").exitCode()).isEqualTo(2);
        CliRun badDate = CliRun.of("estimate", "--model", "claude-opus-4-8", "--input", "1", "--output", "1", "--at", "soon");
        assertThat(badDate.exitCode()).isEqualTo(2);
        assertThat(badDate.err()).contains("--at");
        CliRun zeroRequests = CliRun.of("estimate", "--model", "x", "--input", "1", "--output", "1", "--requests", "0");
        assertThat(zeroRequests.exitCode()).isEqualTo(2);
        assertThat(zeroRequests.err()).contains("--requests");
        assertThat(CliRun.of("estimate", "--model", "x", "--input", "ten", "--output", "1").exitCode()).isEqualTo(2);
    }

    @Test
    void usesThePriceFileBeforeOrAfterTheSubcommand(@TempDir Path dir) throws Exception {
        Path prices = dir.resolve("prices.json");
        Files.writeString(prices, """
                {"models": [{"id": "claude-opus-9", "prices": [{"input": "20", "output": "100"}]}]}
                """);
        JsonNode before = json(CliRun.of("--prices", prices.toString(), "estimate", "--model", "claude-opus-9",
                "--input", "1000000", "--output", "0", "--format", "json"));
        assertThat(before.get("cost_usd").asText()).isEqualTo("20.00");
        assertThat(before.get("catalog_version").asText()).startsWith("2026-08-21+");
        JsonNode after = json(CliRun.of("estimate", "--prices", prices.toString(), "--model", "claude-opus-9",
                "--input", "1000000", "--output", "0", "--format", "json"));
        assertThat(after.get("cost_usd").asText()).isEqualTo("20.00");
    }

    @Test
    void aBrokenPriceFileExitsWithTwoAndSaysWhy(@TempDir Path dir) throws Exception {
        Path prices = dir.resolve("prices.json");
        Files.writeString(prices, "{\"models\": [{\"id\": \"x\", \"prices\": [{\"input\": \"abc\", \"output\": \"1\"}]}]}");
        CliRun run = CliRun.of("--prices", prices.toString(), "estimate", "--model", "x", "--input", "1", "--output", "1");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("prices.json", "model 'x'", "price 'abc' is not a number");
    }
}
