package tally.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tally prices}: the catalog in force. */
class PricesCommandTest {

    @Test
    void tableListsEveryModelWithRatesBatchRulesAndDates() {
        CliRun run = CliRun.of("prices");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Price catalog 2026-08-21", "MODEL", "INPUT", "5M WRITE", "1H WRITE",
                "CACHE READ", "OUTPUT", "BATCH IN/OUT", "FROM");
        assertThat(run.out()).containsPattern(
                "claude-sonnet-4-5-20250929\\s+3.00\\s+3.75\\s+6.00\\s+0.30\\s+15.00\\s+1.50/7.50\\s+2025-09-29\\s+aliases claude-sonnet-4-5");
        assertThat(run.out()).containsPattern("claude-3-haiku-20240307\\s+0.25\\s+0.30\\s+0.50\\s+0.03\\s+1.25\\s+0.125/0.625");
        assertThat(run.out()).contains("above 200,000 input tokens the whole request 10.00/37.50 (from 2026-02-08 until 2026-04-09)");
        assertThat(run.out()).contains("fast x6 (from 2026-02-01 until 2026-08-20)", "Bedrock regional x1.1");
        for (ModelPrice m : PriceCatalog.bundled().models()) assertThat(run.out()).contains(m.id());
    }

    @Test
    void jsonHasThePriceFileShape() throws Exception {
        CliRun run = CliRun.of("prices", "--format", "json");
        assertThat(run.exitCode()).isZero();
        JsonNode j = new ObjectMapper().readTree(run.out());
        assertThat(j.get("version").asText()).isEqualTo("2026-08-21");
        assertThat(j.get("batch_multiplier").asText()).isEqualTo("0.5");
        assertThat(j.get("models")).hasSize(PriceCatalog.bundled().models().size());
        JsonNode opus46 = null;
        for (JsonNode m : j.get("models")) if (m.get("id").asText().equals("claude-opus-4-6")) opus46 = m;
        assertThat(opus46).isNotNull();
        assertThat(opus46.get("prices").get(0).get("input").asText()).isEqualTo("5.00");
        assertThat(opus46.get("long_context").get(0).get("until").asText()).isEqualTo("2026-04-09");
        assertThat(opus46.get("fast").get(0).get("multiplier").asText()).isEqualTo("6");
        assertThat(opus46.get("bedrock_regional_premium").asText()).isEqualTo("1.1");
    }

    @Test
    void showsModelsAddedByThePriceFile(@TempDir Path dir) throws Exception {
        Path prices = dir.resolve("prices.json");
        Files.writeString(prices, """
                {"models": [{"id": "claude-opus-9", "prices": [{"from": "2027-01-01", "input": "20", "output": "100"}]}]}
                """);
        CliRun run = CliRun.of("prices", "--prices", prices.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("claude-opus-9\\s+20.00\\s+25.00\\s+40.00\\s+2.00\\s+100.00");
        assertThat(run.out()).containsPattern("Price catalog 2026-08-21\\+[0-9a-f]{8}");
    }

    @Test
    void aBadFormatExitsWithTwo() {
        assertThat(CliRun.of("prices", "--format", "xml").exitCode()).isEqualTo(2);
    }
}
