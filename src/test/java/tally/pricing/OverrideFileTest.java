package tally.pricing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static tally.pricing.Money.NOW;
import static tally.pricing.Money.tokens;
import static tally.pricing.Money.usd;

/** A user's price file adds and corrects models without a new release, and says clearly what is wrong. */
class OverrideFileTest {

    @TempDir
    Path dir;

    private Path file(String json) throws IOException {
        Path f = dir.resolve("prices.json");
        Files.writeString(f, json);
        return f;
    }

    private static Long cost(PriceCatalog c, String model, long in, long out) {
        return c.quote(PriceRequest.of(model, NOW, tokens(in, out))).costNanos();
    }

    @Test
    void addsAModelTheBundledCatalogDoesNotKnow() throws IOException {
        PriceCatalog c = PriceCatalog.load(file("""
                {"models": [{"id": "claude-opus-5-5", "name": "Claude Opus 5.5", "aliases": ["claude-opus-5-5-20261015"],
                  "prices": [{"from": "2026-10-15", "input": "6", "output": "30"}]}]}
                """));
        assertThat(PriceCatalog.bundled().resolve("claude-opus-5-5").known()).isFalse();
        assertThat(cost(c, "claude-opus-5-5-20261015", 1_000_000, 1_000_000)).isEqualTo(usd("36"));
        // Cache prices left out follow the standard multipliers of input.
        TokenRates r = c.model("claude-opus-5-5").ratesAt(NOW);
        assertThat(r.cacheWrite5m()).isEqualTo(usd("7.50"));
        assertThat(r.cacheWrite1h()).isEqualTo(usd("12"));
        assertThat(r.cacheRead()).isEqualTo(usd("0.60"));
        assertThat(c.models()).hasSize(PriceCatalog.bundled().models().size() + 1);
    }

    @Test
    void correctsAnExistingModelNamedByAnyAlias_keepingWhatItDoesNotMention() throws IOException {
        PriceCatalog c = PriceCatalog.load(file("""
                {"models": [{"id": "claude-sonnet-4-5", "prices": [{"input": "2.50", "output": "12.50"}]}]}
                """));
        ModelPrice m = c.model("claude-sonnet-4-5-20250929");
        assertThat(m.id()).isEqualTo("claude-sonnet-4-5-20250929");
        assertThat(m.aliases()).contains("claude-sonnet-4-5");
        assertThat(m.bedrockRegionalPremium()).isEqualTo(Ratio.of(11, 10));
        assertThat(cost(c, "claude-sonnet-4-5", 1_000_000, 0)).isEqualTo(usd("6"));      // long context kept
        assertThat(cost(c, "claude-sonnet-4-5", 100_000, 100_000)).isEqualTo(usd("1.50"));
        assertThat(c.models()).hasSameSizeAs(PriceCatalog.bundled().models());
        assertThat(cost(PriceCatalog.bundled(), "claude-sonnet-4-5", 100_000, 100_000)).isEqualTo(usd("1.80"));
    }

    @Test
    void canRemoveARuleWithAnEmptyListOrNull() throws IOException {
        PriceCatalog c = PriceCatalog.load(file("""
                {"models": [{"id": "claude-sonnet-4-5-20250929", "long_context": [], "bedrock_regional_premium": null}]}
                """));
        assertThat(cost(c, "us.anthropic.claude-sonnet-4-5-20250929-v1:0", 1_000_000, 0)).isEqualTo(usd("3"));
    }

    @Test
    void namesAnApplicationInferenceProfile() throws IOException {
        String arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/k3x9";
        PriceCatalog c = PriceCatalog.load(file("""
                {"models": [{"id": "claude-haiku-4-5", "aliases": ["%s"]}]}
                """.formatted(arn)));
        Quote q = c.quote(PriceRequest.of(arn.toUpperCase().replace("ARN:AWS:BEDROCK", "arn:aws:bedrock"), NOW, tokens(1_000_000, 0)));
        assertThat(q.canonicalModel()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(q.costNanos()).isEqualTo(usd("1"));
    }

    @Test
    void anAliasGivenToAnotherModelMovesThere() throws IOException {
        PriceCatalog c = PriceCatalog.load(file("""
                {"models": [{"id": "claude-3-5-sonnet-20240620", "aliases": ["claude-3-5-sonnet-latest"]}]}
                """));
        assertThat(c.resolve("claude-3-5-sonnet-latest").canonicalId()).isEqualTo("claude-3-5-sonnet-20240620");
        assertThat(c.model("claude-3-5-sonnet-20241022").aliases()).doesNotContain("claude-3-5-sonnet-latest");
    }

    @Test
    void versionNamesTheOverrideByItsContent() throws IOException {
        Path f = file("""
                {"models": [{"id": "x-model", "prices": [{"input": "1", "output": "1"}]}]}
                """);
        String v = PriceCatalog.load(f).version();
        assertThat(v).matches("2026-08-21\\+[0-9a-f]{8}");
        assertThat(PriceCatalog.load(f).version()).isEqualTo(v);
        Files.writeString(f, """
                {"models": [{"id": "x-model", "prices": [{"input": "2", "output": "1"}]}]}
                """);
        assertThat(PriceCatalog.load(f).version()).isNotEqualTo(v);
        assertThat(PriceCatalog.load(f).quote(PriceRequest.of("x-model", NOW, tokens(1, 1))).catalogVersion())
                .isEqualTo(PriceCatalog.load(f).version());
    }

    @Test
    void overridesMayChangeWebSearchAndBatch() throws IOException {
        PriceCatalog c = PriceCatalog.load(file("""
                {"web_search_per_1000": "12.5", "batch_multiplier": "0.4", "models": []}
                """));
        assertThat(c.webSearchNanos()).isEqualTo(12_500_000L);
        assertThat(c.quote(new PriceRequest("claude-sonnet-4-6", NOW, tokens(1_000_000, 0), 0, true, false, null))
                .costNanos()).isEqualTo(usd("1.20"));
    }

    @Test
    void pricesMayBeJsonNumbersAndDatesInstants() throws IOException {
        PriceCatalog c = PriceCatalog.load(file("""
                {"models": [{"id": "n", "prices": [{"from": "2026-01-01T06:00:00Z", "input": 0.3, "output": 1.25}]}]}
                """));
        assertThat(cost(c, "n", 1_000_000, 1_000_000)).isEqualTo(usd("1.55"));
    }

    private void assertRejected(String json, String... fragments) throws IOException {
        Path f = file(json);
        assertThatThrownBy(() -> PriceCatalog.load(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(f + ": ")
                .hasMessageContainingAll(fragments);
    }

    @Test
    void aPriceThatIsNotANumberIsNamedWithItsModel() throws IOException {
        assertRejected("""
                {"models": [{"id": "x", "prices": [{"input": "abc", "output": "1"}]}]}
                """, "model 'x'", "input", "price 'abc' is not a number");
    }

    @Test
    void malformedJsonSaysWhere() throws IOException {
        assertRejected("{\"models\": [ {\"id\": \"x\",, } ]}", "not valid JSON", "line 1");
    }

    @Test
    void unknownFieldsAreTyposNotSilence() throws IOException {
        assertRejected("""
                {"models": [{"id": "x", "prices": [{"input": "1", "output": "1", "cache_reed": "0.1"}]}]}
                """, "model 'x'", "unknown field 'cache_reed'");
        assertRejected("""
                {"model": []}
                """, "unknown field 'model'");
    }

    @Test
    void aNewModelNeedsPrices() throws IOException {
        assertRejected("""
                {"models": [{"id": "brand-new"}]}
                """, "model 'brand-new'", "\"prices\" is missing");
    }

    @Test
    void otherMistakesAreNamed() throws IOException {
        assertRejected("{\"models\": [{\"id\": \"x\", \"prices\": [{\"input\": \"-1\", \"output\": \"1\"}]}]}",
                "price '-1' is negative");
        assertRejected("{\"models\": [{\"id\": \"x\", \"prices\": [{\"input\": \"1\"}]}]}", "\"output\" price is missing");
        assertRejected("{\"models\": [{\"id\": \"x\", \"prices\": [{\"from\": \"2026-13-01\", \"input\": \"1\", \"output\": \"1\"}]}]}",
                "from '2026-13-01' is not a date");
        assertRejected("{\"models\": [{\"id\": \"claude-opus-4-8\", \"fast\": [{\"multiplier\": \"0\"}]}]}",
                "multiplier '0'");
        assertRejected("{\"models\": [{\"id\": \"claude-opus-4-8\", \"fast\": [{\"from\": \"2026-05-01\", \"until\": \"2026-04-01\", \"multiplier\": \"2\"}]}]}",
                "\"until\" must be after \"from\"");
        assertRejected("{\"models\": [{\"id\": \"claude-opus-4-8\", \"long_context\": [{\"input\": \"1\", \"output\": \"1\"}]}]}",
                "\"above\" must be a positive whole number");
        assertRejected("{\"models\": [{\"id\": \"x\", \"prices\": [{\"input\": \"0.0000000001\", \"output\": \"1\"}]}]}",
                "finer than a nano-dollar");
        assertRejected("{\"models\": [{\"id\": \"a\", \"prices\": [{\"input\": \"1\", \"output\": \"1\"}]},"
                + "{\"id\": \"A\", \"prices\": [{\"input\": \"1\", \"output\": \"1\"}]}]}", "listed twice");
        assertRejected("[]", "expected a JSON object");
        assertRejected("", "empty");
    }

    @Test
    void aPriceFinerThanANanoDollarPerTokenIsRefusedNamingTheModelFieldAndValue() throws IOException {
        assertRejected("{\"models\": [{\"id\": \"x\", \"prices\": [{\"input\": \"0.0001\", \"output\": \"1\"}]}]}",
                "model 'x': prices[0].input: price '0.0001' is finer than a nano-dollar per token", "multiple of 0.001");
        assertRejected("{\"models\": [{\"id\": \"claude-sonnet-4-5\", \"prices\": [{\"input\": \"3\", \"output\": \"15.0005\"}]}]}",
                "model 'claude-sonnet-4-5': prices[0].output: price '15.0005'");
        assertRejected("{\"models\": [{\"id\": \"x\", \"prices\": [{\"input\": \"1\", \"cache_read\": 0.0995, \"output\": \"1\"}]}]}",
                "model 'x': prices[0].cache_read: price '0.0995'");
        assertRejected("{\"models\": [{\"id\": \"claude-sonnet-4-5\", \"long_context\": [{\"above\": 200000, "
                + "\"input\": \"6\", \"output\": \"22.5001\"}]}]}", "long_context[0].output: price '22.5001'");
        // A cache price left out is the standard multiple of input: that too must be whole nano-dollars per token.
        assertRejected("{\"models\": [{\"id\": \"x\", \"prices\": [{\"input\": \"0.005\", \"output\": \"1\"}]}]}",
                "model 'x': prices[0].cache_write_5m: the standard multiple of input would be 0.00625", "give \"cache_write_5m\"");
    }

    @Test
    void aPriceOfWholeNanoDollarsPerTokenIsTakenExactly() throws IOException {
        PriceCatalog c = PriceCatalog.load(file("""
                {"models": [{"id": "x", "prices": [{"input": "0.001", "cache_write_5m": "0.002", "cache_write_1h": "0.002",
                  "cache_read": "0.001", "output": "0.005"}]}]}
                """));
        assertThat(cost(c, "x", 1, 1)).isEqualTo(6L); // 1 + 5 nano-dollars
        assertThat(cost(PriceCatalog.load(file("""
                {"models": [{"id": "y", "prices": [{"input": "0.04", "output": "1"}]}]}
                """)), "y", 1, 0)).isEqualTo(40L); // cache prices left out: 0.05, 0.08 and 0.004, all whole
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> PriceCatalog.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.json");
    }
}
