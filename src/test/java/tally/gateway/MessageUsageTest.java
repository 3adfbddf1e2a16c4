package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import tally.core.TokenCounts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A response's usage counts are read as the whole numbers they are. One the ledger cannot hold is
 * never read as 0, cut to a long or skipped: it becomes the reason the response's record is refused.
 */
class MessageUsageTest {
    private static MessageUsage applied(String... usages) throws Exception {
        MessageUsage u = new MessageUsage();
        for (String json : usages) u.apply(UsageTap.JSON.readTree(json));
        return u;
    }

    @Test
    void everyCountInRangeIsReadAsItIs() throws Exception {
        MessageUsage u = applied("{\"input_tokens\":25,\"cache_creation_input_tokens\":1500,\"cache_read_input_tokens\":12000,"
                + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":500,\"ephemeral_1h_input_tokens\":1000},\"output_tokens\":7,"
                + "\"server_tool_use\":{\"web_search_requests\":2}}");
        assertThat(u.refused()).isNull();
        assertThat(u.tokens()).isEqualTo(new TokenCounts(25, 500, 1000, 12000, 7));
        assertThat(u.webSearches()).isEqualTo(2);
    }

    @Test
    void aCountThatIsNullOrAbsentLeavesWhatWasKnown() throws Exception {
        MessageUsage u = applied("{\"input_tokens\":25,\"cache_read_input_tokens\":40,\"output_tokens\":1}",
                "{\"cache_read_input_tokens\":null,\"output_tokens\":9}");
        assertThat(u.refused()).isNull();
        assertThat(u.tokens()).isEqualTo(new TokenCounts(25, 0, 0, 40, 9));
    }

    @Test
    void aWholeNumberWrittenWithAFractionPointIsThatNumber() throws Exception {
        MessageUsage u = applied("{\"input_tokens\":12.0,\"output_tokens\":3e2}");
        assertThat(u.refused()).isNull();
        assertThat(u.tokens()).isEqualTo(new TokenCounts(12, 0, 0, 0, 300));
    }

    @Test
    void aCountTheLedgerCannotHoldIsTheReasonTheRecordIsRefused() throws Exception {
        assertThat(applied("{\"input_tokens\":10,\"cache_read_input_tokens\":-4}").refused())
                .isEqualTo("cache_read_input_tokens=-4 out of range [0, 1e10]");
        assertThat(applied("{\"output_tokens\":2.5}").refused()).isEqualTo("output_tokens=2.5 is not a whole number");
        assertThat(applied("{\"input_tokens\":99999999999999999999999}").refused())
                .isEqualTo("input_tokens=99999999999999999999999 out of range [0, 1e10]");
        assertThat(applied("{\"input_tokens\":10000000001}").refused()).isEqualTo("input_tokens=10000000001 out of range [0, 1e10]");
        assertThat(applied("{\"input_tokens\":\"12\"}").refused()).isEqualTo("input_tokens=\"12\" is not a number");
        assertThat(applied("{\"cache_creation\":{\"ephemeral_1h_input_tokens\":-1}}").refused())
                .isEqualTo("cache_creation.ephemeral_1h_input_tokens=-1 out of range [0, 1e10]");
        assertThat(applied("{\"server_tool_use\":{\"web_search_requests\":true}}").refused())
                .isEqualTo("server_tool_use.web_search_requests=true is not a number");
    }

    @Test
    void aRefusedCountIsNeverCountedAndALaterReportDoesNotHideIt() throws Exception {
        MessageUsage u = applied("{\"input_tokens\":-5,\"output_tokens\":1}", "{\"input_tokens\":30,\"output_tokens\":8}");
        assertThat(u.refused()).isEqualTo("input_tokens=-5 out of range [0, 1e10]");
        assertThat(u.tokens().input()).isEqualTo(30); // the later report's; the record is refused all the same
    }

    @Test
    void nanAndInfinityAreCountsRefusedByNameNotAFailureToParse() throws Exception {
        assertThat(applied("{\"input_tokens\":NaN,\"output_tokens\":1}").refused()).isEqualTo("input_tokens=NaN is not a whole number");
        assertThat(applied("{\"input_tokens\":1,\"output_tokens\":-Infinity}").refused())
                .isEqualTo("output_tokens=-Infinity out of range [0, 1e10]");
        assertThat(applied("{\"input_tokens\":1e400,\"output_tokens\":1}").refused()).isEqualTo("input_tokens=Infinity out of range [0, 1e10]");
    }

    @Test
    void aSuccessWhoseUsageIsUnreadableOrMissingIsRefusedAFailureKeepsWhatItLearned() throws Exception {
        assertThat(applied("{\"input_tokens\":3,\"output_tokens\":0}").refusal(200)).isNull();
        assertThat(applied("{\"output_tokens\":9}").refusal(200)).isEqualTo("missing: usage has no input_tokens");
        assertThat(applied("{\"input_tokens\":3,\"output_tokens\":null}").refusal(200)).isEqualTo("missing: usage has no output_tokens");
        assertThat(applied("{}").refusal(200)).isEqualTo("missing: usage has no input_tokens");
        assertThat(applied("[1,2]").refusal(200)).isEqualTo("unreadable: usage=[1,2] is not an object");
        assertThat(new MessageUsage().refusal(200)).isEqualTo("missing: the response has no usage");
        MessageUsage message = new MessageUsage();
        message.applyMessage(UsageTap.JSON.readTree("{\"id\":\"msg_1\",\"usage\":null}"));
        assertThat(message.refusal(200)).isEqualTo("unreadable: usage=null is not an object");
        assertThat(message.refusal(529)).isNull();
        assertThat(applied("{\"input_tokens\":-1,\"output_tokens\":1}").refusal(529)).as("out of range whatever the status")
                .isEqualTo("input_tokens=-1 out of range [0, 1e10]");
    }

    @Test
    void bedrockCountsAreCheckedAsTheyCame() throws Exception {
        JsonNode converse = UsageTap.JSON.readTree("{\"output\":{},\"usage\":{\"inputTokens\":7,\"outputTokens\":1.5}}");
        BedrockRoutes.ConverseTap tap = new BedrockRoutes.ConverseTap();
        tap.feed(io.vertx.core.buffer.Buffer.buffer(converse.toString()));
        tap.finish();
        assertThat(tap.usage.refused()).isEqualTo("output_tokens=1.5 is not a whole number");
        BedrockRoutes.ConverseTap none = new BedrockRoutes.ConverseTap();
        none.feed(io.vertx.core.buffer.Buffer.buffer("{\"output\":{},\"usage\":null}"));
        none.finish();
        assertThat(none.usage.refusal(200)).isEqualTo("unreadable: usage=null is not an object");
    }
}
