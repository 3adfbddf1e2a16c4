package tally.pricing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** Every spelling of a model id a source may report, and what it means. */
class ModelIdsTest {

    private static final PriceCatalog CATALOG = PriceCatalog.bundled();

    @ParameterizedTest(name = "{0} -> {1} via {2}, regional premium {3}")
    @CsvSource({
            // first-party ids and aliases
            "claude-sonnet-4-5-20250929,                 claude-sonnet-4-5-20250929, anthropic, false",
            "claude-sonnet-4-5,                          claude-sonnet-4-5-20250929, anthropic, false",
            "Claude-Opus-4-5,                            claude-opus-4-5-20251101,   anthropic, false",
            "claude-opus-4-0,                            claude-opus-4-20250514,     anthropic, false",
            "claude-sonnet-4-0,                          claude-sonnet-4-20250514,   anthropic, false",
            "claude-opus-4-1,                            claude-opus-4-1-20250805,   anthropic, false",
            "claude-3-7-sonnet-latest,                   claude-3-7-sonnet-20250219, anthropic, false",
            "claude-3-5-haiku-latest,                    claude-3-5-haiku-20241022,  anthropic, false",
            "claude-3-5-sonnet-latest,                   claude-3-5-sonnet-20241022, anthropic, false",
            "claude-haiku-4-5,                           claude-haiku-4-5-20251001,  anthropic, false",
            "claude-opus-4-8[1m],                        claude-opus-4-8,            anthropic, false",
            "'  claude-fable-5  ',                       claude-fable-5,             anthropic, false",
            // Bedrock
            "anthropic.claude-3-sonnet-20240229-v1:0,    claude-3-sonnet-20240229,   bedrock,   false",
            "anthropic.claude-3-5-sonnet-20241022-v2:0,  claude-3-5-sonnet-20241022, bedrock,   false",
            "anthropic.claude-3-haiku-20240307-v1:0:200k, claude-3-haiku-20240307,   bedrock,   false",
            "anthropic.claude-sonnet-4-5-20250929-v1:0,  claude-sonnet-4-5-20250929, bedrock,   true",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0, claude-sonnet-4-5-20250929, bedrock, true",
            "eu.anthropic.claude-opus-4-5-20251101-v1:0, claude-opus-4-5-20251101,   bedrock,   true",
            "global.anthropic.claude-opus-4-6-v1,        claude-opus-4-6,            bedrock,   false",
            "apac.anthropic.claude-haiku-4-5-20251001-v1:0, claude-haiku-4-5-20251001, bedrock, true",
            "jp.anthropic.claude-sonnet-4-6,             claude-sonnet-4-6,          bedrock,   true",
            "au.anthropic.claude-opus-4-7,               claude-opus-4-7,            bedrock,   true",
            "us.anthropic.claude-opus-4-1-20250805-v1:0, claude-opus-4-1-20250805,   bedrock,   false",
            "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0, claude-sonnet-4-5-20250929, bedrock, true",
            "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/global.anthropic.claude-opus-4-6-v1, claude-opus-4-6, bedrock, false",
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0, claude-3-haiku-20240307, bedrock, false",
            // a foundation-model ARN is an in-region call, like the bare id it names
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0, claude-sonnet-4-5-20250929, bedrock, true",
            "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-opus-4-6-v1, claude-opus-4-6, bedrock, true",
            "us.anthropic.claude-sonnet-4-5-20250929-v1%3A0, claude-sonnet-4-5-20250929, bedrock, true",
            // Vertex
            "claude-sonnet-4-5@20250929,                 claude-sonnet-4-5-20250929, vertex,    false",
            "claude-opus-4-1@20250805,                   claude-opus-4-1-20250805,   vertex,    false",
            "claude-3-haiku@20240307,                    claude-3-haiku-20240307,    vertex,    false",
            "claude-3-5-sonnet-v2@20241022,              claude-3-5-sonnet-20241022, vertex,    false",
    })
    void resolvesToTheCanonicalModel(String raw, String canonical, String provider, boolean premium) {
        ResolvedModel r = CATALOG.resolve(raw);
        assertThat(r.known()).isTrue();
        assertThat(r.canonicalId()).isEqualTo(canonical);
        assertThat(r.provider()).isEqualTo(provider);
        assertThat(r.regionalPremium()).isEqualTo(premium);
    }

    @Test
    void applicationInferenceProfilesAreOpaqueAndUnknown() {
        String arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5";
        ParsedModelId p = ModelIds.parse(arn);
        assertThat(p.opaque()).isTrue();
        assertThat(p.provider()).isEqualTo("bedrock");
        assertThat(CATALOG.resolve(arn).known()).isFalse();
        assertThat(CATALOG.resolve(arn).canonicalId()).isEqualTo(arn);
    }

    @Test
    void anUnknownModelKeepsItsNormalizedId() {
        ResolvedModel r = CATALOG.resolve("us.anthropic.claude-opus-9-v1:0");
        assertThat(r.known()).isFalse();
        assertThat(r.canonicalId()).isEqualTo("claude-opus-9");
        assertThat(r.provider()).isEqualTo("bedrock");
        assertThat(r.regionalPremium()).isFalse();
    }

    @Test
    void nullAndEmptyIdsAreUnknown() {
        assertThat(CATALOG.resolve(null).known()).isFalse();
        assertThat(CATALOG.resolve(null).canonicalId()).isEmpty();
        assertThat(CATALOG.resolve("").known()).isFalse();
        assertThat(CATALOG.resolve("   ").known()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"<synthetic>", "%", "%zz", "@", "[", "]", "[1m]", "arn:", "arn:aws:bedrock", "us.", "anthropic.",
            "-v1:0", "claude\u0000opus", "🙂", "claude-opus-4-8[1m", "a@b@c", "global.global.anthropic.x"})
    void neverThrowsOnAnyString(String raw) {
        assertThatCode(() -> {
            ModelIds.parse(raw);
            CATALOG.resolve(raw);
            CATALOG.quote(PriceRequest.of(raw, Money.NOW, tally.core.TokenCounts.of(1, 1)));
        }).doesNotThrowAnyException();
        assertThat(CATALOG.resolve(raw).known()).isFalse();
    }

    @Test
    void resolutionIsCachedPerSpelling() {
        assertThat(CATALOG.resolve("us.anthropic.claude-haiku-4-5-20251001-v1:0"))
                .isSameAs(CATALOG.resolve("us.anthropic.claude-haiku-4-5-20251001-v1:0"));
    }
}
