package tally.pricing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.pricing.Money.cost;
import static tally.pricing.Money.quote;
import static tally.pricing.Money.tokens;
import static tally.pricing.Money.usd;

/** The worked examples the catalog must reproduce to the nano-dollar. */
class SeedExamplesTest {

    @Test
    void claude35Sonnet_500kIn_200kOut_is_4_50() {
        assertThat(cost("claude-3-5-sonnet-20241022", tokens(500_000, 200_000))).isEqualTo(usd("4.50"));
    }

    @Test
    void claude3Sonnet_500kIn_200kOut_is_4_50() {
        assertThat(cost("claude-3-sonnet-20240229", tokens(500_000, 200_000))).isEqualTo(usd("4.50"));
    }

    @Test
    void claude35Sonnet_2mIn_800kOut_is_18_00() {
        Quote q = quote("claude-3-5-sonnet", tokens(2_000_000, 800_000));
        assertThat(q.canonicalModel()).isEqualTo("claude-3-5-sonnet-20241022");
        assertThat(q.costNanos()).isEqualTo(usd("18.00"));
        assertThat(cost("claude-3-5-sonnet-20240620", tokens(2_000_000, 800_000))).isEqualTo(usd("18.00"));
    }

    @Test
    void bedrockClaude3Sonnet_10mIn_2mOut_is_60_00_without_regional_premium() {
        Quote q = quote("anthropic.claude-3-sonnet-20240229-v1:0", tokens(10_000_000, 2_000_000));
        assertThat(q.canonicalModel()).isEqualTo("claude-3-sonnet-20240229");
        assertThat(q.provider()).isEqualTo("bedrock");
        assertThat(q.regionalPremium()).isFalse();
        assertThat(q.costNanos()).isEqualTo(usd("60.00"));
    }

    @Test
    void haiku3_1_4mIn_560kOut_is_1_05() {
        assertThat(cost("claude-3-haiku-20240307", tokens(1_400_000, 560_000))).isEqualTo(usd("1.05"));
    }

    @Test
    void theUndatedNamesPeopleTypeResolveToo() {
        assertThat(cost("claude-3-sonnet", tokens(500_000, 200_000))).isEqualTo(usd("4.50"));
        assertThat(cost("claude-3-haiku", tokens(1_400_000, 560_000))).isEqualTo(usd("1.05"));
        assertThat(quote("claude-3-opus", tokens(1, 1)).canonicalModel()).isEqualTo("claude-3-opus-20240229");
    }

    @Test
    void oneSonnet45RequestOver200kIsLongContext_butTheSameTotalsOverTenRequestsAreNot() {
        assertThat(cost("claude-sonnet-4-5", tokens(500_000, 200_000))).isEqualTo(usd("7.50"));
        Estimate tenRequests = PriceCatalog.bundled().estimate(
                PriceRequest.of("claude-sonnet-4-5", java.time.Instant.parse("2026-06-01T00:00:00Z"), tokens(500_000, 200_000)), 10);
        assertThat(tenRequests.costNanos()).isEqualTo(usd("4.50"));
    }

    @Test
    void costsAreWholeNanoDollars_threeDollarsPerMillionIs3000NanosPerToken() {
        assertThat(cost("claude-sonnet-4-5", tokens(1, 0))).isEqualTo(3_000L);
        assertThat(cost("claude-sonnet-4-5", tokens(0, 1))).isEqualTo(15_000L);
    }
}
