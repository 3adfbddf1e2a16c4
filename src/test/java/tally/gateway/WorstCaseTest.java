package tally.gateway;

import tally.budget.CostBound;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import tally.core.Nanos;
import tally.pricing.PriceCatalog;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What a request can cost at most comes from what it asks for, never from the size of its body. */
class WorstCaseTest {
    static final Instant AT = Instant.parse("2026-09-01T12:00:00Z");
    static final String SONNET = "claude-sonnet-4-5-20250929";
    static final WorstCase WORST = new WorstCase(PriceCatalog.bundled());

    static CostBound of(String model, Long maxTokens, String extra, MultiMap headers, String geo) {
        String body = "{\"model\":\"" + model + "\"" + (maxTokens == null ? "" : ",\"max_tokens\":" + maxTokens) + extra
                + ",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":{\"type\":\"file\",\"file_id\":\"file_011\"}}]}]}";
        return WORST.of(model, maxTokens, Buffer.buffer(body), headers, geo, AT);
    }

    static CostBound of(String model, long maxTokens, String extra) {
        return of(model, maxTokens, extra, MultiMap.caseInsensitiveMultiMap(), null);
    }

    static long usd(String dollars) {
        return Nanos.fromDollars(dollars);
    }

    @Test
    void a_whole_context_window_at_the_dearest_input_price_plus_max_tokens_of_output() {
        CostBound b = of(SONNET, 32_000, "");
        // 200K at the 1-hour cache-write price ($6/M) + 32K output at $15/M, whatever the small body says
        assertThat(b.worstNanos()).isEqualTo(usd("1.68"));
        assertThat(b.worstTokens()).isEqualTo(232_000);
        assertThat(b.estimateNanos()).isLessThan(usd("0.49")); // the body-based estimate soft budgets keep
    }

    @Test
    void the_long_context_beta_reserves_a_million_tokens_at_the_premium_tier() {
        MultiMap h = MultiMap.caseInsensitiveMultiMap().add("anthropic-beta", "fast-mode-2026-02-01, context-1m-2025-08-07");
        CostBound b = of(SONNET, 32_000L, "", h, null);
        assertThat(b.worstNanos()).isEqualTo(usd("12.72")); // 1M × $12 + 32K × $22.50
        assertThat(b.worstTokens()).isEqualTo(1_032_000);
    }

    @Test
    void fast_mode_and_a_pinned_region_multiply_the_bound() {
        // Opus 4.8: 1M window, $10/M 1-hour writes, $25/M output, fast 2×
        assertThat(of("claude-opus-4-8", 1_000, ",\"speed\":\"fast\"").worstNanos()).isEqualTo(usd("20.05"));
        assertThat(of("claude-opus-4-6", 1_000L, "", MultiMap.caseInsensitiveMultiMap(), "us").worstNanos())
                .isEqualTo(usd("11.0275")); // (10 + 0.025) × 1.1
    }

    @Test
    void web_search_with_max_uses_bounds_its_rounds_and_its_searches() {
        CostBound b = of(SONNET, 1_000, ",\"tools\":[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}},"
                + "{\"type\":\"bash_20250124\",\"name\":\"bash\"},{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":3}]");
        // 4 sampling rounds of (200K × $6 + 1K × $15) + 3 searches at $0.01
        assertThat(b.worstNanos()).isEqualTo(usd("4.89"));
        assertThat(b.worstTokens()).isEqualTo(4 * 201_000);
    }

    @Test
    void server_tools_without_max_uses_mcp_servers_or_no_max_tokens_are_unbounded() {
        assertThat(of(SONNET, 1_000, ",\"tools\":[{\"type\":\"web_fetch_20250910\",\"name\":\"web_fetch\"}]").worstNanos())
                .isEqualTo(CostBound.UNBOUNDED);
        assertThat(of(SONNET, 1_000, ",\"mcp_servers\":[{\"type\":\"url\",\"url\":\"https://mcp.example/sse\",\"name\":\"x\"}]").worstTokens())
                .isEqualTo(CostBound.UNBOUNDED);
        assertThat(of(SONNET, 1_000, ",\"mcp_servers\":[]").worstNanos()).isEqualTo(usd("1.215"));
        assertThat(of(SONNET, null, "", MultiMap.caseInsensitiveMultiMap(), null).worstNanos()).isEqualTo(CostBound.UNBOUNDED);
    }

    @Test
    void an_unpriced_model_reserves_no_dollars_but_still_bounds_tokens() {
        CostBound b = of("claude-opus-9", 1_000, "");
        assertThat(b.worstNanos()).isZero();
        assertThat(b.worstTokens()).isEqualTo(201_000);
        assertThat(b.unpriced()).isEqualTo("model 'claude-opus-9'"); // so a hard dollar budget refuses it
        assertThat(of(SONNET, 1_000, "").unpriced()).isNull();
    }
}
