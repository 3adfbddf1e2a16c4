package tally.pricing;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.pricing.Money.NOW;
import static tally.pricing.Money.tokens;
import static tally.pricing.Money.usd;

/** The catalog as a whole: what it contains, unknown models, pricing events. */
class PriceCatalogTest {

    private static final PriceCatalog CATALOG = PriceCatalog.bundled();

    @Test
    void bundledCatalogIsParsedOnceAndVersioned() {
        assertThat(PriceCatalog.bundled()).isSameAs(CATALOG);
        assertThat(PriceCatalog.load(null)).isSameAs(CATALOG);
        assertThat(CATALOG.version()).isEqualTo("2026-08-21");
        assertThat(CATALOG.webSearchNanos()).isEqualTo(10_000_000L);
        assertThat(CATALOG.batchMultiplier()).isEqualTo(Ratio.of(1, 2));
    }

    @Test
    void listsEveryModelOfThePricePage() {
        assertThat(CATALOG.models()).extracting(ModelPrice::id).contains(
                "claude-opus-4-5-20251101", "claude-opus-4-1-20250805", "claude-opus-4-20250514",
                "claude-sonnet-4-5-20250929", "claude-sonnet-4-20250514", "claude-3-7-sonnet-20250219",
                "claude-haiku-4-5-20251001", "claude-3-5-haiku-20241022", "claude-3-haiku-20240307",
                "claude-3-opus-20240229", "claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-8",
                "claude-sonnet-4-6", "claude-opus-5", "claude-sonnet-5", "claude-fable-5", "claude-mythos-5",
                "claude-3-sonnet-20240229", "claude-3-5-sonnet-20240620", "claude-3-5-sonnet-20241022");
    }

    @Test
    void listPricesMatchThePricePage() {
        Map<String, String> inputOutput = Map.of(
                "claude-opus-4-5", "5/25", "claude-opus-4-1", "15/75", "claude-3-5-haiku-latest", "0.80/4",
                "claude-sonnet-5", "2/10", "claude-fable-5", "10/50", "claude-mythos-5", "10/50",
                "claude-3-opus-20240229", "15/75", "claude-haiku-4-5", "1/5");
        inputOutput.forEach((model, io) -> {
            String[] p = io.split("/");
            TokenRates r = CATALOG.model(model).ratesAt(NOW);
            assertThat(r.input()).as(model).isEqualTo(usd(p[0]));
            assertThat(r.output()).as(model).isEqualTo(usd(p[1]));
        });
    }

    @Test
    void everyModelButHaiku3UsesTheStandardCacheMultipliers() {
        for (ModelPrice m : CATALOG.models()) {
            if (m.id().equals("claude-3-haiku-20240307")) continue;
            for (Dated<TokenRates> row : m.prices().rows()) {
                TokenRates r = row.value();
                assertThat(r.cacheWrite5m()).as(m.id()).isEqualTo(r.input() * 5 / 4);
                assertThat(r.cacheWrite1h()).as(m.id()).isEqualTo(r.input() * 2);
                assertThat(r.cacheRead()).as(m.id()).isEqualTo(r.input() / 10);
            }
        }
    }

    @Test
    void regionalPremiumOnlyFromTheSonnet45GenerationOn() {
        assertThat(CATALOG.models()).filteredOn(m -> m.bedrockRegionalPremium() != null).extracting(ModelPrice::id)
                .containsExactlyInAnyOrder("claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001",
                        "claude-opus-4-5-20251101", "claude-opus-4-6", "claude-opus-4-7", "claude-opus-4-8",
                        "claude-sonnet-4-6", "claude-opus-5", "claude-sonnet-5", "claude-fable-5", "claude-mythos-5");
    }

    @Test
    void unknownModelIsUnpricedNeverZero() {
        Quote q = CATALOG.quote(PriceRequest.of("claude-nonexistent-9", NOW, tokens(1_000, 1_000)));
        assertThat(q.known()).isFalse();
        assertThat(q.priced()).isFalse();
        assertThat(q.costNanos()).isNull();
        assertThat(q.breakdown()).isNull();
        assertThat(q.canonicalModel()).isEqualTo("claude-nonexistent-9");
        assertThat(q.catalogVersion()).isEqualTo("2026-08-21");
    }

    @Test
    void anUnknownModelWithZeroTokensIsStillUnpriced() {
        assertThat(CATALOG.quote(PriceRequest.of("mystery", NOW, TokenCounts.ZERO)).costNanos()).isNull();
    }

    @Test
    void aRequestRefusedBeforeUsingATokenCostsNothingWhateverModelItNamed() {
        // a gateway 403 for a model outside a key's list: nothing ran, so nothing is "unpriced"
        UsageEvent refused = UsageEvent.builder().id("r5").time(NOW).identity("erin").modelId("haiku").status(403).build();
        assertThat(CATALOG.price(refused).costNanos()).isZero();
        assertThat(CATALOG.price(refused).catalogVersion()).isEqualTo("2026-08-21");
        UsageEvent answered = UsageEvent.builder().id("r6").time(NOW).identity("erin").modelId("haiku").status(200).build();
        assertThat(CATALOG.price(answered).costNanos()).as("a success with an unknown model stays unpriced").isNull();
    }

    @Test
    void pricesAUsageEventAtItsOwnTime() {
        UsageEvent e = UsageEvent.builder().id("r1").time(Instant.parse("2026-03-01T10:00:00Z"))
                .source(Source.PROVIDER_LOG).provider("bedrock").identity("alice")
                .modelId("us.anthropic.claude-opus-4-6-v1").tokens(new TokenCounts(100_000, 0, 0, 150_000, 2_000))
                .build();
        UsageEvent priced = CATALOG.price(e);
        // 250K prompt inside the Opus 4.6 long-context window: $10 / $1 read / $37.50 out, × 1.1 regional.
        assertThat(priced.model()).isEqualTo("claude-opus-4-6");
        assertThat(priced.modelId()).isEqualTo("us.anthropic.claude-opus-4-6-v1");
        assertThat(priced.costNanos()).isEqualTo(usd("1.10") + usd("0.165") + usd("0.0825"));
        assertThat(priced.catalogVersion()).isEqualTo("2026-08-21");
        assertThat(priced.identity()).isEqualTo("alice");
    }

    @Test
    void pricingAnEventAppliesBatchFastAndWebSearches() {
        UsageEvent e = UsageEvent.builder().id("r2").time(NOW).identity("bob").modelId("claude-opus-4-8")
                .tokens(TokenCounts.of(1_000_000, 0)).webSearches(2).fast(true).build();
        assertThat(CATALOG.price(e).costNanos()).isEqualTo(usd("10.02"));
        UsageEvent b = UsageEvent.builder().id("r3").time(NOW).identity("bob").modelId("claude-opus-4-8")
                .tokens(TokenCounts.of(1_000_000, 0)).batch(true).build();
        assertThat(CATALOG.price(b).costNanos()).isEqualTo(usd("2.50"));
    }

    @Test
    void anUnknownEventStaysUnpricedWithItsNormalizedModel() {
        UsageEvent e = UsageEvent.builder().id("r4").time(NOW).identity("carol")
                .modelId("us.anthropic.claude-opus-9-v1:0").tokens(TokenCounts.of(10, 10)).cost(123L, "old").build();
        UsageEvent priced = CATALOG.price(e);
        assertThat(priced.priced()).isFalse();
        assertThat(priced.costNanos()).isNull();
        assertThat(priced.catalogVersion()).isNull();
        assertThat(priced.model()).isEqualTo("claude-opus-9");
    }

    @Test
    void theJsonListingReadsBackAsTheSameCatalog(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("listing.json");
        Files.writeString(file, new ObjectMapper().writeValueAsString(CatalogWriter.toJson(CATALOG)));
        PriceCatalog again = PriceCatalog.load(file);
        assertThat(again.models()).isEqualTo(CATALOG.models());
        assertThat(again.webSearchNanos()).isEqualTo(CATALOG.webSearchNanos());
    }

    @Test
    void theJsonListingIsACompleteCatalog_outputLimitsIncluded() throws Exception {
        ObjectMapper json = new ObjectMapper();
        byte[] listing = json.writeValueAsBytes(CatalogWriter.toJson(CATALOG));
        PriceCatalog again = CatalogReader.read("listing.json", listing, null, null); // read alone, not laid over the bundled one
        assertThat(again.version()).isEqualTo(CATALOG.version());
        assertThat(again.webSearchNanos()).isEqualTo(CATALOG.webSearchNanos());
        assertThat(again.batchMultiplier()).isEqualTo(CATALOG.batchMultiplier());
        assertThat(again.models()).isEqualTo(CATALOG.models());
        assertThat(again.outputLimits()).isEqualTo(CATALOG.outputLimits()).containsEntry("default", 128_000L)
                .containsEntry("claude-3-haiku-20240307", 4096L);
        assertThat(json.readTree(json.writeValueAsBytes(CatalogWriter.toJson(again)))).isEqualTo(json.readTree(listing));
    }
}
