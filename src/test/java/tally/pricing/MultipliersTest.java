package tally.pricing;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tally.core.TokenCounts;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.pricing.Money.NOW;
import static tally.pricing.Money.cost;
import static tally.pricing.Money.quote;
import static tally.pricing.Money.tokens;
import static tally.pricing.Money.usd;

/** Every rule that moves a price away from input × rate + output × rate. */
class MultipliersTest {

    private static final PriceCatalog CATALOG = PriceCatalog.bundled();
    private static final long M = 1_000_000;

    private static Quote price(String model, TokenCounts t, boolean batch, boolean fast, String geo, long searches) {
        return CATALOG.quote(new PriceRequest(model, NOW, t, searches, batch, fast, geo));
    }

    @Nested
    class CacheClasses {
        @Test
        void fiveMinuteWritesCost1_25x_oneHourWrites2x_readsTenthOfInput() {
            assertThat(cost("claude-sonnet-4-6", new TokenCounts(0, M, 0, 0, 0))).isEqualTo(usd("3.75"));
            assertThat(cost("claude-sonnet-4-6", new TokenCounts(0, 0, M, 0, 0))).isEqualTo(usd("6.00"));
            assertThat(cost("claude-sonnet-4-6", new TokenCounts(0, 0, 0, M, 0))).isEqualTo(usd("0.30"));
        }

        @Test
        void haiku3HasItsOwnCacheMultipliers() {
            assertThat(cost("claude-3-haiku-20240307", new TokenCounts(0, M, 0, 0, 0))).isEqualTo(usd("0.30"));
            assertThat(cost("claude-3-haiku-20240307", new TokenCounts(0, 0, M, 0, 0))).isEqualTo(usd("0.50"));
            assertThat(cost("claude-3-haiku-20240307", new TokenCounts(0, 0, 0, M, 0))).isEqualTo(usd("0.03"));
        }

        @Test
        void breakdownShowsEachClass() {
            Quote q = quote("claude-opus-4-5", new TokenCounts(M, M, M, M, M));
            assertThat(q.breakdown()).isEqualTo(new CostBreakdown(usd("5"), usd("6.25"), usd("10"), usd("0.50"), usd("25"), 0));
            assertThat(q.costNanos()).isEqualTo(usd("46.75"));
        }
    }

    @Nested
    class Batch {
        @Test
        void halvesEveryTokenClass() {
            Quote q = price("claude-sonnet-4-6", tokens(M, M), true, false, null, 0);
            assertThat(q.costNanos()).isEqualTo(usd("9.00"));
            assertThat(q.batch()).isTrue();
        }

        @Test
        void stacksWithCacheMultipliersOnTheDiscountedBase() {
            Quote q = price("claude-sonnet-4-6", new TokenCounts(0, M, M, M, 0), true, false, null, 0);
            assertThat(q.breakdown().cacheWrite5m()).isEqualTo(usd("1.875"));
            assertThat(q.breakdown().cacheWrite1h()).isEqualTo(usd("3.00"));
            assertThat(q.breakdown().cacheRead()).isEqualTo(usd("0.15"));
        }

        @Test
        void doesNotDiscountWebSearch() {
            assertThat(price("claude-sonnet-4-5", TokenCounts.ZERO, true, false, null, 2).costNanos()).isEqualTo(usd("0.02"));
        }
    }

    @Nested
    class LongContext {
        @Test
        void aboveTwoHundredThousandInputTokensTheWholeRequestIsPremium() {
            // 1 + 200,000 cached = 200,001 prompt tokens: every class moves to the premium rates.
            Quote q = quote("claude-sonnet-4-5", new TokenCounts(1, 0, 0, 200_000, M));
            assertThat(q.longContext()).isTrue();
            assertThat(q.breakdown().input()).isEqualTo(6_000L);
            assertThat(q.breakdown().cacheRead()).isEqualTo(usd("0.12"));
            assertThat(q.breakdown().output()).isEqualTo(usd("22.50"));
        }

        @Test
        void exactlyTwoHundredThousandIsStillStandard() {
            Quote q = quote("claude-sonnet-4-5", new TokenCounts(100_000, 50_000, 0, 50_000, M));
            assertThat(q.longContext()).isFalse();
            assertThat(q.costNanos()).isEqualTo(usd("0.30") + usd("0.1875") + usd("0.015") + usd("15"));
        }

        @Test
        void premiumCacheRatesFollowTheTier() {
            Quote q = quote("claude-sonnet-4-20250514", new TokenCounts(M, M, M, M, 0));
            assertThat(q.longContext()).isTrue();
            assertThat(q.breakdown()).isEqualTo(new CostBreakdown(usd("6"), usd("7.50"), usd("12"), usd("0.60"), 0, 0));
        }

        @Test
        void modelsWithoutATierNeverChangeRate() {
            Quote q = quote("claude-opus-4-5", tokens(900_000, 0));
            assertThat(q.longContext()).isFalse();
            assertThat(q.costNanos()).isEqualTo(usd("4.50"));
        }

        @Test
        void stacksWithBatch() {
            assertThat(price("claude-sonnet-4-5", tokens(M, M), true, false, null, 0).costNanos())
                    .isEqualTo(usd("3.00") + usd("11.25"));
        }

        @Test
        void isDecidedPerRequestWhenTotalsAreSplit() {
            PriceRequest totals = PriceRequest.of("claude-sonnet-4-5", NOW, tokens(300_000, 0));
            assertThat(CATALOG.estimate(totals, 1).costNanos()).isEqualTo(usd("1.80"));
            Estimate two = CATALOG.estimate(totals, 2);
            assertThat(two.longContextRequests()).isZero();
            assertThat(two.costNanos()).isEqualTo(usd("0.90"));
        }

        @Test
        void unevenSplitsGiveTheFirstRequestsOneTokenMore() {
            // 400,003 tokens in 2 requests: 200,002 (premium) and 200,001 (premium); in 3: all standard.
            PriceRequest totals = PriceRequest.of("claude-sonnet-4-5", NOW, tokens(400_003, 5));
            Estimate two = CATALOG.estimate(totals, 2);
            assertThat(two.longContextRequests()).isEqualTo(2);
            assertThat(two.parts()).extracting(Estimate.Part::requests).containsExactly(1L, 1L);
            Estimate threeWithRemainder = CATALOG.estimate(PriceRequest.of("claude-sonnet-4-5", NOW,
                    tokens(600_001, 0)), 3);
            assertThat(threeWithRemainder.longContextRequests()).isEqualTo(1);
            assertThat(threeWithRemainder.costNanos()).isEqualTo(200_001L * 6_000 + 400_000L * 3_000);
        }
    }

    @Nested
    class EvenSplits {
        @Test
        void noRequestsPromptIsMoreThanTheAveragePromptRoundedUp() {
            // 1.2M prompt tokens in 6: exactly 200,000 each, all at base rates (not 4 of them at 200,001)
            PriceRequest totals = PriceRequest.of("claude-sonnet-4-5", NOW, new TokenCounts(1_000_000, 100_000, 100_000, 0, 0));
            Estimate six = CATALOG.estimate(totals, 6);
            assertThat(six.longContextRequests()).isZero();
            assertThat(six.parts()).allSatisfy(p -> assertThat(p.quote().longContext()).isFalse());
            assertThat(six.costNanos()).isEqualTo(usd("3.975"));
        }

        @Test
        void remaindersOfEveryPromptClassAreDealtToDifferentRequests() {
            // 800,000 prompt tokens in 4 requests: 200,000 each. Each class's remainder given to the first
            // requests would have made the first one 200,002 and billed it whole at the long-context rates.
            PriceRequest totals = PriceRequest.of("claude-sonnet-4-5", NOW, new TokenCounts(200_003, 200_001, 199_998, 199_998, 7));
            Estimate four = CATALOG.estimate(totals, 4);
            assertThat(four.longContextRequests()).isZero();
            assertThat(four.costNanos()).isEqualTo(600_009_000L + 750_003_750L + 1_199_988_000L + 59_999_400L + 105_000L);
            // a usage report's row: 2M uncached, 2M reads, 100K + 100K writes, 100K out, 10 searches; 21 requests of 200,000
            PriceRequest row = new PriceRequest("claude-sonnet-4-5", NOW, new TokenCounts(2_000_000, 100_000, 100_000, 2_000_000, 100_000),
                    10, false, false, null);
            Estimate spread = CATALOG.estimate(row, 21);
            assertThat(spread.longContextRequests()).isZero();
            assertThat(spread.costNanos()).isEqualTo(usd("9.175")); // $6 + $0.375 + $0.60 + $0.60 + $1.50 + $0.10
        }
    }

    @Nested
    class BedrockRegionalPremium {
        @Test
        void regionalProfilesCostTenPercentMoreOnSonnet45AndLater() {
            for (String prefix : new String[] {"us.", "eu.", "apac.", "jp.", "au."}) {
                Quote q = quote(prefix + "anthropic.claude-sonnet-4-5-20250929-v1:0", tokens(100_000, 100_000));
                assertThat(q.regionalPremium()).as(prefix).isTrue();
                assertThat(q.costNanos()).as(prefix).isEqualTo(usd("0.33") + usd("1.65"));
            }
        }

        @Test
        void globalProfileIsListPrice() {
            Quote q = quote("global.anthropic.claude-sonnet-4-5-20250929-v1:0", tokens(100_000, 100_000));
            assertThat(q.regionalPremium()).isFalse();
            assertThat(q.costNanos()).isEqualTo(usd("1.80"));
        }

        @Test
        void bareBaseIdRunsInRegionAndCostsThePremium() {
            assertThat(cost("anthropic.claude-haiku-4-5-20251001-v1:0", tokens(M, 0))).isEqualTo(usd("1.10"));
            assertThat(cost("anthropic.claude-opus-4-6-v1", tokens(M, 0))).isEqualTo(usd("5.50"));
        }

        @Test
        void foundationModelArnRunsInRegionAndCostsWhatTheBareIdCosts() {
            // the fixture's usage: 3 uncached in, 3,000 5m writes, 0 reads, 14 out; Sonnet 4.5 at 1.1x
            TokenCounts t = new TokenCounts(3, 3_000, 0, 0, 14);
            String bare = "anthropic.claude-sonnet-4-5-20250929-v1:0";
            Quote q = quote("arn:aws:bedrock:us-east-1::foundation-model/" + bare, t);
            assertThat(q.regionalPremium()).isTrue();
            assertThat(q.costNanos()).isEqualTo(12_615_900L).isEqualTo(cost(bare, t));
            assertThat(cost("arn:aws:bedrock:us-east-1::foundation-model%2Fanthropic.claude-haiku-4-5-20251001-v1:0", tokens(M, 0)))
                    .isEqualTo(usd("1.10"));
        }

        @Test
        void olderModelsHaveNoPremium() {
            Quote q = quote("us.anthropic.claude-3-7-sonnet-20250219-v1:0", tokens(M, M));
            assertThat(q.regionalPremium()).isFalse();
            assertThat(q.costNanos()).isEqualTo(usd("18.00"));
            assertThat(cost("us.anthropic.claude-opus-4-1-20250805-v1:0", tokens(M, 0))).isEqualTo(usd("15"));
        }

        @Test
        void inferenceProfileArnIsPricedLikeItsProfileId() {
            Quote q = quote("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                    tokens(100_000, 0));
            assertThat(q.canonicalModel()).isEqualTo("claude-sonnet-4-5-20250929");
            assertThat(q.costNanos()).isEqualTo(usd("0.33"));
        }

        @Test
        void appliesToCacheClassesAndStacksWithBatch() {
            Quote q = CATALOG.quote(new PriceRequest("us.anthropic.claude-sonnet-4-6", NOW,
                    new TokenCounts(0, M, 0, M, 0), 0, true, false, null));
            assertThat(q.breakdown().cacheWrite5m()).isEqualTo(usd("2.0625"));
            assertThat(q.breakdown().cacheRead()).isEqualTo(usd("0.165"));
        }

        @Test
        void vertexIdsAreListPrice() {
            Quote q = quote("claude-sonnet-4-5@20250929", tokens(100_000, 100_000));
            assertThat(q.provider()).isEqualTo("vertex");
            assertThat(q.regionalPremium()).isFalse();
            assertThat(q.costNanos()).isEqualTo(usd("1.80"));
        }
    }

    @Nested
    class VertexRegionalPremium {
        private Quote onVertex(String model, String location, TokenCounts t) {
            return CATALOG.quote(new PriceRequest(model, NOW, t, 0, false, false, null, "vertex", location));
        }

        @Test
        void regionalAndMultiRegionLocationsCostTenPercentMoreOnSonnet45AndLater() {
            for (String location : new String[] {"us-east5", "europe-west1", "asia-southeast1", "us", "eu"}) {
                Quote q = onVertex("claude-sonnet-4-5@20250929", location, tokens(100_000, 100_000));
                assertThat(q.regionalPremium()).as(location).isTrue();
                assertThat(q.costNanos()).as(location).isEqualTo(usd("0.33") + usd("1.65"));
            }
            assertThat(onVertex("claude-haiku-4-5@20251001", "us-east5", tokens(M, 0)).costNanos()).isEqualTo(usd("1.10"));
            // a dateless id is spelt as first-party's; the record's provider says it ran on Vertex
            assertThat(onVertex("claude-opus-4-6", "europe-west1", tokens(M, 0)).costNanos()).isEqualTo(usd("5.50"));
        }

        @Test
        void theGlobalEndpointIsListPrice() {
            Quote q = onVertex("claude-sonnet-4-5@20250929", "global", tokens(100_000, 100_000));
            assertThat(q.regionalPremium()).isFalse();
            assertThat(q.costNanos()).isEqualTo(usd("1.80"));
        }

        @Test
        void olderModelsAndAnUnknownLocationAreListPrice() {
            assertThat(onVertex("claude-opus-4-1@20250805", "us-east5", tokens(M, 0)).costNanos()).isEqualTo(usd("15"));
            assertThat(onVertex("claude-sonnet-4-5@20250929", null, tokens(100_000, 0)).costNanos()).isEqualTo(usd("0.30"));
        }

        @Test
        void appliesToEveryTokenClassButWebSearch() {
            Quote q = CATALOG.quote(new PriceRequest("claude-sonnet-4-5@20250929", NOW, new TokenCounts(3, 3_000, 0, 0, 14),
                    2, false, false, null, "vertex", "us-east5"));
            // (3 × $3 + 3,000 × $3.75 + 14 × $15) per million × 1.1, plus two searches at $0.01
            assertThat(q.costNanos()).isEqualTo(12_615_900L + 20_000_000L);
        }
    }

    @Nested
    class FastMode {
        @Test
        void opus48AndOpus5CostTwiceAsMuch() {
            Quote q = price("claude-opus-4-8", tokens(M, M), false, true, null, 0);
            assertThat(q.fastApplied()).isTrue();
            assertThat(q.costNanos()).isEqualTo(usd("60.00"));
            assertThat(price("claude-opus-5", tokens(M, M), false, true, null, 0).costNanos()).isEqualTo(usd("60.00"));
        }

        @Test
        void aModelWithoutAFastMultiplierBillsFastAsStandard() {
            Quote q = price("claude-opus-4-7", tokens(M, M), false, true, null, 0);
            assertThat(q.fastApplied()).isFalse();
            assertThat(q.costNanos()).isEqualTo(usd("30.00"));
        }

        @Test
        void appliesToTheClaudeCode1mVariantToo() {
            assertThat(price("claude-opus-4-8[1m]", tokens(M, 0), false, true, null, 0).costNanos()).isEqualTo(usd("10"));
        }
    }

    @Nested
    class WebSearch {
        @Test
        void tenDollarsPerThousandSearches() {
            Quote q = price("claude-sonnet-4-5", tokens(0, 0), false, false, null, 3);
            assertThat(q.breakdown().webSearch()).isEqualTo(30_000_000L);
            assertThat(q.costNanos()).isEqualTo(usd("0.03"));
        }

        @Test
        void isNotMultipliedByFastOrRegion() {
            Quote q = price("us.anthropic.claude-opus-4-8", tokens(0, 0), false, true, null, 1);
            assertThat(q.costNanos()).isEqualTo(10_000_000L);
        }
    }

    @Nested
    class DataResidency {
        @Test
        void pinnedUsGeoCostsTenPercentMoreOn46AndLater() {
            Quote q = price("claude-opus-4-6", new TokenCounts(M, 0, 0, M, M), false, false, "us", 0);
            assertThat(q.dataResidency()).isTrue();
            assertThat(q.costNanos()).isEqualTo(usd("5.50") + usd("0.55") + usd("27.50"));
        }

        @Test
        void globalOrNoGeoIsListPrice() {
            assertThat(price("claude-opus-4-6", tokens(M, 0), false, false, "global", 0).costNanos()).isEqualTo(usd("5"));
            // what models without geographies report (formats §2): no geography was pinned
            assertThat(price("claude-opus-4-6", tokens(M, 0), false, false, "not_available", 0).costNanos()).isEqualTo(usd("5"));
            assertThat(price("claude-opus-4-6", tokens(M, 0), false, false, null, 0).costNanos()).isEqualTo(usd("5"));
        }

        @Test
        void olderModelsIgnoreIt() {
            assertThat(price("claude-opus-4-5", tokens(M, 0), false, false, "us", 0).dataResidency()).isFalse();
        }

        @Test
        void stacksWithEverythingElseExactly() {
            // Sonnet 5 cache read $0.20 × batch 1/2 × residency 11/10 = $0.11 per million.
            Quote q = CATALOG.quote(new PriceRequest("claude-sonnet-5", NOW,
                    new TokenCounts(0, 0, 0, M, 0), 0, true, false, "us"));
            assertThat(q.multiplier()).isEqualTo(Ratio.of(11, 20));
            assertThat(q.costNanos()).isEqualTo(usd("0.11"));
        }

        @Test
        void isAFirstPartyRuleThatBedrockAndVertexRecordsNeverTake() {
            TokenCounts t = new TokenCounts(M, 0, 0, 0, 0);
            // Opus 4.6 at $5: the us. profile's premium only, never 1.1 × 1.1
            Quote us = CATALOG.quote(new PriceRequest("us.anthropic.claude-opus-4-6-v1", NOW, t, 0, false, false, "us"));
            assertThat(us.dataResidency()).isFalse();
            assertThat(us.costNanos()).isEqualTo(usd("5.50"));
            assertThat(CATALOG.quote(new PriceRequest("global.anthropic.claude-opus-4-6-v1", NOW, t, 0, false, false, "us"))
                    .costNanos()).isEqualTo(usd("5"));
            // Sonnet 5 cache read $0.20 × batch 1/2 × regional 11/10 = $0.11 per million: no residency on top
            Quote stacked = CATALOG.quote(new PriceRequest("us.anthropic.claude-sonnet-5", NOW,
                    new TokenCounts(0, 0, 0, M, 0), 0, true, false, "us"));
            assertThat(stacked.multiplier()).isEqualTo(Ratio.of(11, 20));
            assertThat(stacked.costNanos()).isEqualTo(usd("0.11"));
            // Vertex's dateless id is spelt like the first-party one: who served it decides
            Quote vertex = CATALOG.quote(new PriceRequest("claude-opus-4-6", NOW, t, 0, false, false, "us", "vertex", "global"));
            assertThat(vertex.provider()).isEqualTo("vertex");
            assertThat(vertex.dataResidency()).isFalse();
            assertThat(vertex.costNanos()).isEqualTo(usd("5"));
            assertThat(CATALOG.quote(new PriceRequest("claude-opus-4-6", NOW, t, 0, false, false, "us", "bedrock", "us-east-1"))
                    .costNanos()).isEqualTo(usd("5"));
            assertThat(CATALOG.quote(new PriceRequest("claude-opus-4-6", NOW, t, 0, false, false, "us", "anthropic", null))
                    .costNanos()).isEqualTo(usd("5.50"));
        }
    }

    @Test
    void effectiveRateIsTheListRateTimesEveryMultiplier() {
        Quote q = CATALOG.quote(new PriceRequest("us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                Instant.parse("2026-09-01T00:00:00Z"), tokens(1, 1), 0, true, false, null));
        assertThat(q.effectiveRate(TokenClass.INPUT)).isEqualByComparingTo("1650000000"); // $1.65 per million
        assertThat(q.effectiveRate(TokenClass.OUTPUT)).isEqualByComparingTo("8250000000");
    }
}
