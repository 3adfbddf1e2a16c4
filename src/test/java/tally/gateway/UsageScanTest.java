package tally.gateway;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte reader of a message's id, model and usage reads what Jackson's tree reads, refusals
 * included, and where it cannot vouch for that it reads nothing and says so (the caller then uses
 * Jackson). The usual shapes, Anthropic's own, are read without Jackson.
 */
class UsageScanTest {
    private static final String USAGE = "{\"input_tokens\":25,\"cache_creation_input_tokens\":1500,\"cache_read_input_tokens\":12000,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":500,\"ephemeral_1h_input_tokens\":1000},\"output_tokens\":7,"
            + "\"server_tool_use\":{\"web_search_requests\":2},\"service_tier\":\"standard\",\"inference_geo\":null}";

    /** What a usage holds once applied, for comparing one reading with another. */
    record State(Object tokens, long webSearches, boolean fast, String geo, boolean seen, String refused, String model, String id) {
        static State of(MessageUsage u) {
            return new State(u.tokens(), u.webSearches(), u.fast(), u.inferenceGeo(), u.seen(), u.refused(), u.model(), u.messageId());
        }
    }

    private static final List<String> USAGES = List.of(
            USAGE,
            "{}",
            " { \"input_tokens\" : 3 ,\n\t\"output_tokens\":0 } ",
            "{\"input_tokens\":-4,\"output_tokens\":1}",
            "{\"input_tokens\":-0}",
            "{\"input_tokens\":10000000001}",
            "{\"input_tokens\":999999999999999999}",
            "{\"input_tokens\":9999999999999999999}",
            "{\"input_tokens\":012}",
            "{\"input_tokens\":2.5}",
            "{\"input_tokens\":12.0}",
            "{\"input_tokens\":1e3}",
            "{\"input_tokens\":\"12\"}",
            "{\"input_tokens\":true}",
            "{\"input_tokens\":null,\"output_tokens\":null}",
            "{\"input_tokens\":[1]}",
            "{\"input_tokens\":{\"a\":1}}",
            "{\"input_tokens\":1,\"input_tokens\":2}",
            "{\"input_tokens\":-1,\"input_tokens\":2}",
            "{\"input_\\u0074okens\":9}",
            "{\"cache_creation\":{\"ephemeral_5m_input_tokens\":5,\"ephemeral_1h_input_tokens\":null},\"cache_creation_input_tokens\":5}",
            "{\"cache_creation\":{\"ephemeral_1h_input_tokens\":\"5\"}}",
            "{\"cache_creation\":null,\"server_tool_use\":7}",
            "{\"cache_creation\":{\"deeper\":{\"x\":1}}}",
            "{\"server_tool_use\":{\"web_search_requests\":-2}}",
            "{\"speed\":\"fast\"}",
            "{\"speed\":\"standard\"}",
            "{\"speed\":\"f\\u0061st\"}",
            "{\"speed\":7}",
            "{\"inference_geo\":\"us\",\"input_tokens\":1}",
            "{\"inference_geo\":\"\\u0075s\"}",
            "{\"inference_geo\":7}",
            "{\"service_tier\":\"st\u00e4ndard\",\"input_tokens\":1}",
            "{\"service_tier\":\"a\\\"b\",\"input_tokens\":1}",
            "{\"output_tokens_details\":{\"thinking_tokens\":3},\"output_tokens\":9}",
            "{\"input_tokens\":1,}",
            "{\"input_tokens\":1",
            "{\"input_tokens\":1}}",
            "{\"input_tokens\":12abc}",
            "{\"input_tokens\":nul}");

    @Test
    void aUsageObjectReadsAsJacksonsTreeReadsItOrIsLeftToJackson() {
        for (String json : USAGES) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            int from = MessageScan.ws(b, 0, b.length);
            int to = b.length;
            while (to > from && b[to - 1] == ' ') to--;
            MessageUsage scanned = new MessageUsage();
            boolean vouched = UsageScan.applyUsage(scanned, b, from, to); // never throws: truncated is unsure
            MessageUsage tree = new MessageUsage();
            try {
                tree.apply(UsageTap.JSON.readTree(json));
            } catch (Exception malformed) {
                assertThat(vouched).as("Jackson refuses %s: the scan must not vouch for it", json).isFalse();
                continue;
            }
            if (vouched) assertThat(State.of(scanned)).as(json).isEqualTo(State.of(tree));
            else assertThat(State.of(scanned)).as("nothing applied when unsure: %s", json).isEqualTo(State.of(new MessageUsage()));
        }
    }

    @Test
    void anthropicsOwnShapesAreReadWithoutJackson() {
        for (String json : List.of(USAGE, "{\"output_tokens\":15}", "{\"input_tokens\":-4}", "{\"input_tokens\":10000000001}",
                "{\"speed\":\"fast\",\"input_tokens\":1}", "{\"cache_creation\":null}",
                "{\"inference_geo\":\"us\",\"input_tokens\":1}")) {
            byte[] b = json.getBytes(StandardCharsets.UTF_8);
            assertThat(UsageScan.applyUsage(new MessageUsage(), b, 0, b.length)).as(json).isTrue();
        }
        MessageUsage refused = new MessageUsage();
        byte[] negative = "{\"input_tokens\":-4}".getBytes(StandardCharsets.UTF_8);
        UsageScan.applyUsage(refused, negative, 0, negative.length);
        assertThat(refused.refused()).isEqualTo("input_tokens=-4 out of range [0, 1e10]");
    }

    @Test
    void aMessageReadsItsIdModelAndUsageAsTheTreeDoes() throws Exception {
        for (String body : List.of(
                "{\"id\":\"msg_01X\",\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"\\\"usage\\\":{\\\"input_tokens\\\":9}\"}],"
                        + "\"model\":\"claude-opus-4-5\",\"usage\":" + USAGE + "}",
                "{\"id\":null,\"model\":7,\"usage\":null}",
                "{\"model\":\"claude-\u00e9\",\"usage\":{\"input_tokens\":1}}",
                "{\"id\":\"msg_\\u0041\",\"usage\":{\"input_tokens\":1}}",
                "{\"id\":\"a\",\"usage\":[1]}",
                "{\"id\":\"a\",\"usage\":{\"input_tokens\":1},\"usage\":{\"input_tokens\":2}}")) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            MessageUsage scanned = new MessageUsage();
            boolean vouched = UsageScan.applyMessage(scanned, b, 0, b.length);
            MessageUsage tree = new MessageUsage();
            tree.applyMessage(UsageTap.JSON.readTree(body));
            if (vouched) assertThat(State.of(scanned)).as(body).isEqualTo(State.of(tree));
            else assertThat(State.of(scanned)).as(body).isEqualTo(State.of(new MessageUsage()));
        }
        byte[] usual = ("{\"id\":\"msg_1\",\"model\":\"claude-opus-4-5\",\"content\":[],\"usage\":" + USAGE + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(UsageScan.applyMessage(new MessageUsage(), usual, 0, usual.length)).isTrue();
    }
}
