package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tally blocks} at the edges of its fold, on both stores: the block boundary to the
 * millisecond, the order of models first seen together, unpriced records, and the user and source
 * filters (answered in SQL).
 */
class BlocksEdgesTest {
    private static final String NOW = "2026-11-30T00:00:00Z";

    @TempDir Path dir;

    private static void record(Tally tally, String id, String at, String user, String model, long input) {
        tally.run("record", "--id", id, "--at", at, "--user", user, "--model", model,
                "--input", Long.toString(input), "--output", "10").ok();
    }

    private static JsonNode blocks(Tally tally, String... filters) {
        List<String> args = new ArrayList<>(List.of("blocks", "--format", "json", "--now", NOW));
        args.addAll(List.of(filters));
        return tally.run(args.toArray(String[]::new)).json().get("blocks");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRecordExactlyFiveHoursAfterTheBlockStartStaysInItAndOneAMillisecondLaterStartsTheNext(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        record(tally, "a", "2026-11-24T10:20:00Z", "alice", "claude-sonnet-4-5", 100);
        record(tally, "b", "2026-11-24T15:00:00Z", "alice", "claude-sonnet-4-5", 100);     // start (10:00) + 5 h
        record(tally, "c", "2026-11-24T15:00:00.001Z", "alice", "claude-sonnet-4-5", 100); // 1 ms past it

        JsonNode blocks = blocks(tally);

        assertThat(blocks).hasSize(2);
        assertThat(blocks.get(0).get("startTime").asText()).isEqualTo("2026-11-24T10:00:00Z");
        assertThat(blocks.get(0).get("entries").asLong()).isEqualTo(2);
        assertThat(blocks.get(0).get("actualEndTime").asText()).isEqualTo("2026-11-24T15:00:00Z");
        assertThat(blocks.get(1).get("startTime").asText()).isEqualTo("2026-11-24T15:00:00Z");
        assertThat(blocks.get(1).get("entries").asLong()).isEqualTo(1);
        assertThat(blocks.get(1).get("actualEndTime").asText()).isEqualTo("2026-11-24T15:00:00.001Z");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void modelsAreListedInTheOrderFirstSeenTiesAtTheSameTimeByRecordId(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        record(tally, "z", "2026-11-24T10:00:10Z", "alice", "claude-sonnet-4-5", 100);
        record(tally, "y", "2026-11-24T10:00:30Z", "alice", "claude-opus-4-1", 100);  // same time as "x", later id
        record(tally, "x", "2026-11-24T10:00:30Z", "bob", "claude-haiku-4-5", 100);
        record(tally, "w", "2026-11-24T10:00:50Z", "bob", "claude-sonnet-4-5", 100);  // seen already

        JsonNode models = blocks(tally).get(0).get("models");

        assertThat(models).extracting(JsonNode::asText) // stored under their canonical ids
                .containsExactly("claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001", "claude-opus-4-1-20250805");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anUnpricedRecordIsCountedWithItsTokensButAddsNoCost(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        record(tally, "priced", "2026-11-24T10:00:00Z", "alice", "claude-haiku-4-5", 1_000_000);
        record(tally, "unpriced", "2026-11-24T10:30:00Z", "alice", "some-model-no-catalog-knows", 500);
        JsonNode recorded = tally.run("report", "--from", "2026-11-24", "--to", "2026-11-24", "--format", "json").json();

        JsonNode block = blocks(tally).get(0);

        assertThat(block.get("entries").asLong()).isEqualTo(2);
        assertThat(block.at("/tokenCounts/inputTokens").asLong()).isEqualTo(1_000_500);
        assertThat(block.get("models")).extracting(JsonNode::asText)
                .containsExactly("claude-haiku-4-5-20251001", "some-model-no-catalog-knows");
        assertThat(block.get("costUSD").decimalValue())
                .isPositive().isEqualByComparingTo(recorded.at("/total/cost_usd").asText()); // the priced record alone
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aUserFilterTakesThePersonsAliasesAndTheIdentitySpelledSoAndASourceFilterOnlyThatSource(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        tally.run("people", "add", "alice", "--alias", "key:alice-laptop").ok();
        record(tally, "1", "2026-11-24T10:00:00Z", "alice", "claude-haiku-4-5", 100);
        record(tally, "2", "2026-11-24T10:10:00Z", "key:alice-laptop", "claude-haiku-4-5", 100);
        record(tally, "3", "2026-11-24T10:20:00Z", "bob", "claude-haiku-4-5", 100);

        assertThat(blocks(tally, "--user", "alice").get(0).get("entries").asLong()).isEqualTo(2);
        assertThat(blocks(tally, "--user", "key:alice-laptop").get(0).get("entries").asLong()).isEqualTo(1);
        assertThat(blocks(tally, "--user", "carol")).isEmpty();
        assertThat(blocks(tally, "--source", "manual").get(0).get("entries").asLong()).isEqualTo(3);
        assertThat(blocks(tally, "--source", "gateway")).isEmpty();
    }
}
