package tally.pricing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.TokenCounts;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.pricing.Money.tokens;
import static tally.pricing.Money.usd;

/** An event is priced at the price in force at its own time. */
class EffectiveDatesTest {

    private static final PriceCatalog CATALOG = PriceCatalog.bundled();
    private static final long M = 1_000_000;

    private static Instant at(String s) {
        return s.length() == 10 ? Instant.parse(s + "T00:00:00Z") : Instant.parse(s);
    }

    private static Quote quote(String model, String when, TokenCounts t, boolean fast) {
        return CATALOG.quote(new PriceRequest(model, at(when), t, 0, false, fast, null));
    }

    @Test
    void theLatestPriceRowNotAfterTheEventApplies_andBeforeTheFirstRowTheFirstRow(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prices.json");
        Files.writeString(file, """
                {"models": [{"id": "claude-test-1", "prices": [
                  {"from": "2026-06-01", "input": "2", "output": "10"},
                  {"from": "2026-01-01", "input": "1", "output": "5"}]}]}
                """);
        PriceCatalog c = PriceCatalog.load(file);
        TokenCounts million = tokens(M, 0);
        assertThat(c.quote(PriceRequest.of("claude-test-1", at("2025-06-01"), million)).costNanos()).isEqualTo(usd("1"));
        assertThat(c.quote(PriceRequest.of("claude-test-1", at("2026-05-31T23:59:59Z"), million)).costNanos()).isEqualTo(usd("1"));
        assertThat(c.quote(PriceRequest.of("claude-test-1", at("2026-06-01"), million)).costNanos()).isEqualTo(usd("2"));
        assertThat(c.quote(PriceRequest.of("claude-test-1", at("2030-01-01"), million)).costNanos()).isEqualTo(usd("2"));
    }

    @Test
    void opus46LongContextPremiumOnlyFrom8FebruaryThrough8April2026() {
        TokenCounts big = tokens(300_000, 0);
        assertThat(quote("claude-opus-4-6", "2026-02-07T23:59:59Z", big, false).costNanos()).isEqualTo(usd("1.50"));
        assertThat(quote("claude-opus-4-6", "2026-02-08", big, false).costNanos()).isEqualTo(usd("3.00"));
        assertThat(quote("claude-opus-4-6", "2026-04-08T23:59:59Z", big, false).costNanos()).isEqualTo(usd("3.00"));
        assertThat(quote("claude-opus-4-6", "2026-04-09", big, false).costNanos()).isEqualTo(usd("1.50"));
    }

    @Test
    void sonnet46LongContextPremiumHasTheSameWindow() {
        Quote inWindow = quote("claude-sonnet-4-6", "2026-03-01", tokens(300_000, M), false);
        assertThat(inWindow.longContext()).isTrue();
        assertThat(inWindow.costNanos()).isEqualTo(usd("1.80") + usd("22.50"));
        assertThat(quote("claude-sonnet-4-6", "2026-05-01", tokens(300_000, M), false).longContext()).isFalse();
    }

    @Test
    void sonnet45LongContextPremiumHasNoEndDate() {
        assertThat(quote("claude-sonnet-4-5", "2027-01-01", tokens(300_000, 0), false).longContext()).isTrue();
    }

    @Test
    void opus46FastModeWasSixTimesFromFebruaryUntil20August2026() {
        TokenCounts t = tokens(M, 0);
        Quote before = quote("claude-opus-4-6", "2026-01-31T23:59:59Z", t, true);
        assertThat(before.fastApplied()).isFalse();
        assertThat(before.costNanos()).isEqualTo(usd("5"));
        assertThat(quote("claude-opus-4-6", "2026-02-01", t, true).costNanos()).isEqualTo(usd("30"));
        assertThat(quote("claude-opus-4-6", "2026-08-19T23:59:59Z", t, true).costNanos()).isEqualTo(usd("30"));
        Quote after = quote("claude-opus-4-6", "2026-08-20", t, true);
        assertThat(after.fastApplied()).isFalse();
        assertThat(after.costNanos()).isEqualTo(usd("5"));
    }

    @Test
    void fastAndLongContextStackInsideBothWindows() {
        // 300K input at $10 (premium) × 6 = $18.
        assertThat(quote("claude-opus-4-6", "2026-03-01", tokens(300_000, 0), true).costNanos()).isEqualTo(usd("18"));
    }

    @Test
    void aModelUsedBeforeItsFirstListedDateStillGetsAPrice() {
        assertThat(quote("claude-opus-4-8", "2026-05-01", tokens(M, 0), false).costNanos()).isEqualTo(usd("5"));
    }
}
