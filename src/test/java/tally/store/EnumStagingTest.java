package tally.store;

import org.junit.jupiter.api.Test;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which columns a large batch stages as virtual, reading the one value every record holds there: a
 * column where a single record differs is always appended, whichever column it is.
 */
class EnumStagingTest {
    private static final Instant T0 = Instant.parse("2026-11-02T00:00:00Z");
    private static final Map<String, String> TYPES = types();

    private static Map<String, String> types() {
        Map<String, String> types = new LinkedHashMap<>();
        for (String c : StagingColumns.ALL) types.put(c, "VARCHAR");
        return types;
    }

    /** Every field set, so that each column can differ from it in one record. */
    private static UsageEvent.Builder base(int i) {
        return UsageEvent.builder().id("r-" + i).time(T0.plusSeconds(i)).source(Source.TRANSCRIPT).provider("anthropic")
                .identity("dev").team("core").project("/app").sessionId("s-1").requestId("req-1").model("claude-sonnet-4-5")
                .modelId("claude-sonnet-4-5-20250929").tokens(new TokenCounts(10, 2, 3, 4, 5)).webSearches(1).batch(false)
                .fast(false).cost(100L, "v1").latencyMs(250L).status(200).region("us-east-1").inferenceGeo("global");
    }

    /** For each column that may be fixed, a change to that column alone. */
    private static Map<String, UnaryOperator<UsageEvent.Builder>> changes() {
        Map<String, UnaryOperator<UsageEvent.Builder>> m = new LinkedHashMap<>();
        m.put("source_rank", b -> b.source(Source.MANUAL)); // and source
        m.put("provider", b -> b.provider("amazon-bedrock"));
        m.put("identity", b -> b.identity("other"));
        m.put("team", b -> b.team(null));
        m.put("project", b -> b.project("/other"));
        m.put("session_id", b -> b.sessionId("s-2"));
        m.put("request_id", b -> b.requestId("req-2"));
        m.put("model_id", b -> b.modelId("claude-sonnet-4-5"));
        m.put("web_searches", b -> b.webSearches(2));
        m.put("is_batch", b -> b.batch(true));
        m.put("latency_ms", b -> b.latencyMs(null));
        m.put("status", b -> b.status(500));
        m.put("region", b -> b.region("eu-west-1"));
        m.put("cache_write_5m_tokens", b -> b.tokens(new TokenCounts(10, 3, 3, 4, 5)));
        m.put("cache_write_1h_tokens", b -> b.tokens(new TokenCounts(10, 2, 4, 4, 5)));
        m.put("inference_geo", b -> b.inferenceGeo("us"));
        m.put("is_fast", b -> b.fast(true));
        m.put("model", b -> b.model("claude-opus-4-1"));
        m.put("cost_nanos", b -> b.cost(101L, "v1"));
        m.put("catalog_version", b -> b.cost(100L, "v2"));
        return m;
    }

    private static List<UsageEvent> batch(UnaryOperator<UsageEvent.Builder> last) {
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 0; i < EnumStaging.MIN_BATCH; i++) events.add(base(i).build());
        events.add(last.apply(base(EnumStaging.MIN_BATCH)).build());
        return events;
    }

    @Test
    void aColumnEveryRecordHoldsTheSameValueInIsVirtualAndOneWhereASingleRecordDiffersIsNot() {
        Set<String> all = EnumStaging.create(batch(b -> b), TYPES, true).fixed();
        assertThat(all).as("the same value in every record: every candidate, and the arrival")
                .containsAll(changes().keySet()).contains("source", StagingColumns.STORED)
                .doesNotContain("id", "ts_ms", "input_tokens", "cache_read_tokens", "output_tokens");
        for (Map.Entry<String, UnaryOperator<UsageEvent.Builder>> change : changes().entrySet()) {
            Set<String> fixed = EnumStaging.create(batch(change.getValue()), TYPES, true).fixed();
            assertThat(fixed).as(change.getKey() + " differs in the last record").doesNotContain(change.getKey());
            assertThat(fixed.size()).as(change.getKey() + " alone").isGreaterThanOrEqualTo(all.size() - 2);
        }
        assertThat(EnumStaging.create(batch(b -> b.source(Source.MANUAL)), TYPES, true).fixed()).doesNotContain("source");
    }

    @Test
    void keptDetailsColumnsStayRealWhereARecordMayTakeDetailAndTheArrivalWhereRecordsCarryTheirOwn() {
        List<UsageEvent> gateway = new ArrayList<>();
        for (int i = 0; i <= EnumStaging.MIN_BATCH; i++) gateway.add(base(i).source(Source.GATEWAY).build());
        assertThat(EnumStaging.create(gateway, TYPES, false).fixed())
                .contains("identity", "status").doesNotContain("inference_geo", "is_fast", "model", "cost_nanos",
                        "catalog_version", "cache_write_5m_tokens", "cache_write_1h_tokens", StagingColumns.STORED);
    }
}
