package tally.importers.claudecode;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.store.TestStores;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fixture transcripts (three real Claude Code 2.1.197 runs: a multi-block answer, a fork that
 * copies its parent's lines) give the same tokens and dollars as ccusage 20.0.24 printed for them.
 */
class CcusageParityTest {
    static final Path TRANSCRIPTS = Tally.FIXTURES.resolve("transcripts");
    static final Path CCUSAGE = Tally.FIXTURES.resolve("ccusage");

    @TempDir Path dir;

    private Tally imported(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        tally.run("import", "claude-code", TRANSCRIPTS.toString(), "--user", "alice").ok();
        return tally;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void dailyReportEqualsCcusageDaily(TestStores.Kind kind) {
        Tally tally = imported(kind);
        JsonNode ours = tally.run("report", "--by", "day", "--from", "2026-11-24", "--to", "2026-11-24", "--format", "json").json();
        JsonNode theirs = Tally.readJson(CCUSAGE.resolve("daily.json"));

        assertThat(ours.get("rows")).hasSize(1);
        assertThat(ours.at("/rows/0/key").asText()).isEqualTo(theirs.at("/daily/0/period").asText());
        assertSameTotals(ours.get("total"), theirs.get("totals"));
        // what every source agrees on for the json run (fixtures README)
        assertThat(ours.at("/total/input_tokens").asLong()).isEqualTo(155);
        assertThat(ours.at("/total/output_tokens").asLong()).isEqualTo(43);
        assertThat(ours.at("/total/cache_read_tokens").asLong()).isEqualTo(63000);
        assertThat(ours.at("/total/cache_write_tokens").asLong()).isEqualTo(4940);
        assertThat(ours.at("/total/cost_usd").asText()).isEqualTo("0.035095");
        assertThat(ours.at("/total/requests").asLong()).isEqualTo(5);
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void perModelCostsEqualCcusageModelBreakdowns(TestStores.Kind kind) {
        Tally tally = imported(kind);
        JsonNode ours = tally.run("report", "--by", "model", "--from", "2026-11-24", "--to", "2026-11-24", "--format", "json").json();
        Map<String, JsonNode> byModel = new HashMap<>();
        ours.get("rows").forEach(r -> byModel.put(r.get("key").asText(), r));
        JsonNode breakdowns = Tally.readJson(CCUSAGE.resolve("daily.json")).at("/daily/0/modelBreakdowns");
        assertThat(byModel).hasSize(breakdowns.size());
        for (JsonNode b : breakdowns) {
            JsonNode row = byModel.get(b.get("modelName").asText());
            assertThat(row).as(b.get("modelName").asText()).isNotNull();
            assertThat(row.get("input_tokens").asLong()).isEqualTo(b.get("inputTokens").asLong());
            assertThat(row.get("output_tokens").asLong()).isEqualTo(b.get("outputTokens").asLong());
            assertThat(row.get("cache_write_tokens").asLong()).isEqualTo(b.get("cacheCreationTokens").asLong());
            assertThat(row.get("cache_read_tokens").asLong()).isEqualTo(b.get("cacheReadTokens").asLong());
            assertThat(new BigDecimal(row.get("cost_usd").asText())).isEqualByComparingTo(b.get("cost").decimalValue());
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void sessionReportEqualsCcusageSessionsAndTheForkKeepsTheCopiedAnswers(TestStores.Kind kind) {
        Tally tally = imported(kind);
        JsonNode ours = tally.run("report", "--by", "session", "--from", "2026-11-24", "--to", "2026-11-24", "--format", "json").json();
        JsonNode theirs = Tally.readJson(CCUSAGE.resolve("session.json"));
        Map<String, JsonNode> bySession = new HashMap<>();
        ours.get("rows").forEach(r -> bySession.put(r.get("key").asText(), r));
        assertThat(bySession).hasSize(theirs.get("session").size());
        for (JsonNode s : theirs.get("session")) {
            JsonNode row = bySession.get(s.get("period").asText());
            assertThat(row).as(s.get("period").asText()).isNotNull();
            assertSameTotals(row, s);
        }
        assertSameTotals(ours.get("total"), theirs.get("totals"));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void monthlyReportEqualsTheDailyTotal(TestStores.Kind kind) {
        Tally tally = imported(kind);
        JsonNode ours = tally.run("report", "--by", "month", "--month", "2026-11", "--format", "json").json();
        assertThat(ours.at("/rows/0/key").asText()).isEqualTo("2026-11");
        assertSameTotals(ours.at("/rows/0"), Tally.readJson(CCUSAGE.resolve("daily.json")).get("totals"));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void importingTheSameTranscriptsTwiceAddsNothing(TestStores.Kind kind) {
        Tally tally = imported(kind);
        String second = tally.run("import", "claude-code", TRANSCRIPTS.toString(), "--user", "alice").ok().out();
        assertThat(second).contains("3 files unchanged since the last import").containsPattern("records added: +0\n");
        JsonNode report = tally.run("report", "--by", "day", "--from", "2026-11-24", "--to", "2026-11-24", "--format", "json").json();
        assertThat(report.at("/total/requests").asLong()).isEqualTo(5);
        assertThat(report.at("/total/cost_usd").asText()).isEqualTo("0.035095");
    }

    static void assertSameTotals(JsonNode ours, JsonNode ccusage) {
        assertThat(ours.get("input_tokens").asLong()).isEqualTo(ccusage.get("inputTokens").asLong());
        assertThat(ours.get("output_tokens").asLong()).isEqualTo(ccusage.get("outputTokens").asLong());
        assertThat(ours.get("cache_write_tokens").asLong()).isEqualTo(ccusage.get("cacheCreationTokens").asLong());
        assertThat(ours.get("cache_read_tokens").asLong()).isEqualTo(ccusage.get("cacheReadTokens").asLong());
        assertThat(ours.get("total_tokens").asLong()).isEqualTo(ccusage.get("totalTokens").asLong());
        assertThat(new BigDecimal(ours.get("cost_usd").asText())).isEqualByComparingTo(ccusage.get("totalCost").decimalValue());
    }
}
