package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte scan that finds a JSON body's id, model and usage without tokenizing its content reads
 * what Jackson reads, and gives up (leaving it to Jackson) wherever it cannot be sure.
 */
class MessageScanTest {
    private static final String USAGE = "{\"input_tokens\":25,\"cache_creation_input_tokens\":1500,\"cache_read_input_tokens\":12000,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":500,\"ephemeral_1h_input_tokens\":1000},\"output_tokens\":7,"
            + "\"server_tool_use\":{\"web_search_requests\":2},\"service_tier\":\"standard\"}";

    private static JsonNode scan(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return MessageScan.metered(b, 0, b.length);
    }

    @Test
    void readsIdModelAndUsageAroundContentThatLooksLikeThem() {
        String body = "{\"id\":\"msg_01X\",\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"a \\\"usage\\\": {\\\"input_tokens\\\": 9} }]\\\\\"},"
                + "{\"type\":\"tool_use\",\"input\":{\"usage\":{\"output_tokens\":99},\"model\":\"fake\"}}],"
                + "\"model\":\"claude-opus-4-5\",\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":" + USAGE + "}";
        JsonNode m = scan(body);
        assertThat(m).isNotNull();
        assertThat(m.get("id").asText()).isEqualTo("msg_01X");
        assertThat(m.get("model").asText()).isEqualTo("claude-opus-4-5");
        assertThat(m.get("usage").get("output_tokens").asLong()).isEqualTo(7);
        assertThat(m.get("usage").get("cache_creation").get("ephemeral_1h_input_tokens").asLong()).isEqualTo(1000);
    }

    @Test
    void meteringAScannedBodyCountsWhatJacksonCounts() {
        String body = "{\n  \"model\" : \"claude-haiku-4-5\", \"usage\" : " + USAGE + ",\n \"id\":\"msg_2\", \"content\":[] }\n";
        UsageTap scanned = UsageTap.forContentType("application/json");
        scanned.feed(Buffer.buffer(body.substring(0, 40)));
        scanned.feed(Buffer.buffer(body.substring(40)));
        scanned.finish();
        MessageUsage jackson = new MessageUsage();
        jackson.applyMessage(tally.gateway.UsageTap.JSON.valueToTree(readTree(body)));
        assertThat(scanned.usage.tokens()).isEqualTo(jackson.tokens());
        assertThat(scanned.usage.model()).isEqualTo("claude-haiku-4-5");
        assertThat(scanned.usage.messageId()).isEqualTo("msg_2");
        assertThat(scanned.usage.webSearches()).isEqualTo(2);
    }

    @Test
    void aChunkPassedOnIsNeverChangedByTheTap() {
        Buffer first = Buffer.buffer("{\"id\":\"msg_3\",");
        UsageTap tap = UsageTap.forContentType("application/json");
        tap.feed(first);
        tap.feed(Buffer.buffer("\"usage\":{\"output_tokens\":3}}"));
        tap.finish();
        assertThat(first.toString()).isEqualTo("{\"id\":\"msg_3\",");
        assertThat(tap.usage.tokens().output()).isEqualTo(3);
    }

    @Test
    void aLaterCopyOfAKeyWinsAsInJacksonsTree() {
        assertThat(scan("{\"usage\":{\"output_tokens\":1},\"usage\":{\"output_tokens\":2}}").get("usage").get("output_tokens").asLong())
                .isEqualTo(2);
    }

    @Test
    void leavesToJacksonWhatItCannotVouchFor() {
        assertThat(scan("{\"id\":\"msg_\\u0031\",\"usage\":{}}")).as("an escaped id").isNull();
        assertThat(scan("{\"us\\u0061ge\":{\"output_tokens\":5}}")).as("an escaped name").isNull();
        assertThat(scan("{\"usage\":{\"output_tokens\":5}")).as("truncated").isNull();
        assertThat(scan("{\"usage\":{\"output_tokens\":5}} trailing")).as("trailing bytes").isNull();
        assertThat(scan("[{\"usage\":{}}]")).as("not an object").isNull();
        assertThat(scan("{\"usage\" {\"output_tokens\":5}}")).as("no colon").isNull();
        assertThat(scan("{\"usage\":{\"output_tokens\":5 \"x\":1}}")).as("malformed usage").isNull();
        UsageTap tap = UsageTap.forContentType("application/json");
        tap.feed(Buffer.buffer("{\"id\":\"msg_\\u0031\",\"usage\":{\"output_tokens\":4}}"));
        tap.finish();
        assertThat(tap.usage.messageId()).as("Jackson reads what the scan left").isEqualTo("msg_1");
        assertThat(tap.usage.tokens().output()).isEqualTo(4);
    }

    @Test
    void aBodyThatIsNotAMessageMetersNothingAndSaysWhyASuccessCannotBeRecorded() {
        UsageTap tap = UsageTap.forContentType("application/json");
        tap.feed(Buffer.buffer("<html>bad gateway</html>"));
        tap.finish();
        tap.finish(); // the exchange may ask twice: the reason stays the body's
        assertThat(tap.usage.seen()).isFalse();
        assertThat(tap.usage.refusal(200)).startsWith("unreadable: the body is not JSON: Unexpected character ('<'");
        assertThat(tap.usage.refusal(502)).as("a failed request keeps what it learned").isNull();
    }

    private static JsonNode readTree(String s) {
        try {
            return UsageTap.JSON.readTree(s);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
