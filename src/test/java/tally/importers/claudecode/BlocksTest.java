package tally.importers.claudecode;

import tally.report.SessionBlocks;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.TokenCounts;
import tally.importers.Tally;
import tally.store.TestStores;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code tally blocks}: ccusage's 5-hour windows, burn rate and projection. */
class BlocksTest {
    @TempDir Path dir;

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theFixtureGivesTheBlockCcusagePrinted(TestStores.Kind kind) {
        Tally tally = new Tally(kind, dir);
        tally.run("import", "claude-code", Tally.FIXTURES.resolve("transcripts").toString()).ok();
        // ccusage ran a few seconds after the capture; 292 minutes before the block's end
        JsonNode ours = tally.run("blocks", "--format", "json", "--now", "2026-11-24T17:08:00Z").json().at("/blocks/0");
        JsonNode theirs = Tally.readJson(Tally.FIXTURES.resolve("ccusage/blocks.json")).at("/blocks/0");
        for (String f : List.of("id", "startTime", "endTime", "actualEndTime")) {
            assertThat(ours.get(f).asText()).as(f).isEqualTo(theirs.get(f).asText().replace(".000Z", "Z"));
        }
        for (String f : List.of("isActive", "isGap", "entries", "totalTokens", "tokenCounts", "models")) {
            assertThat(ours.get(f)).as(f).isEqualTo(theirs.get(f));
        }
        assertThat(ours.get("costUSD").decimalValue()).isEqualByComparingTo(theirs.get("costUSD").decimalValue());
        for (String f : List.of("tokensPerMinute", "tokensPerMinuteForIndicator", "costPerHour")) {
            assertThat(ours.at("/burnRate/" + f).asDouble()).as(f).isCloseTo(theirs.at("/burnRate/" + f).asDouble(), within(1e-6));
        }
        assertThat(ours.get("projection")).isEqualTo(theirs.get("projection"));
    }

    static void add(SessionBlocks b, String time, long tokens) {
        b.add(Instant.parse(time), "claude-haiku-4-5", TokenCounts.of(tokens, 0), tokens * 1000);
    }

    @Test
    void aNewBlockStartsFiveHoursAfterTheLastStartOrAfterIdleTimeWhichShowsAsAGap() {
        SessionBlocks b = new SessionBlocks(Duration.ofHours(5), Instant.parse("2026-11-25T00:00:00Z"));
        add(b, "2026-11-24T01:30:00Z", 10);
        add(b, "2026-11-24T05:59:00Z", 10);   // same block: within 5 h of 01:00
        add(b, "2026-11-24T06:01:00Z", 10);   // more than 5 h after the block's start (01:00)
        add(b, "2026-11-24T14:00:00Z", 10);   // idle > 5 h: a gap, then a new block
        List<SessionBlocks.Block> blocks = b.blocks();
        assertThat(blocks).extracting(SessionBlocks.Block::id).containsExactly(
                "2026-11-24T01:00:00Z", "2026-11-24T06:00:00Z", "gap-2026-11-24T11:01:00Z", "2026-11-24T14:00:00Z");
        assertThat(blocks.get(0).entries()).isEqualTo(2);
        assertThat(blocks.get(0).active()).isFalse();
        assertThat(blocks.get(3).burnRate()).isNull(); // a single record has no span to rate
    }

    @Test
    void theActiveBlockIsProjectedToItsEndAtTheCurrentBurnRate() {
        SessionBlocks b = new SessionBlocks(Duration.ofHours(5), Instant.parse("2026-11-24T11:00:00Z"));
        add(b, "2026-11-24T10:00:00Z", 600);
        add(b, "2026-11-24T10:10:00Z", 600);   // 1,200 tokens over 10 minutes: 120/min
        SessionBlocks.Block active = b.blocks().get(0);
        assertThat(active.active()).isTrue();
        assertThat(active.burnRate().tokensPerMinute()).isEqualTo(120.0);
        assertThat(active.projection().remainingMinutes()).isEqualTo(240);
        assertThat(active.projection().totalTokens()).isEqualTo(1_200 + 120 * 240);
    }
}
