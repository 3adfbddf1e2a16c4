package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import tally.Fixtures;
import tally.core.TokenCounts;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SSE tap records from a stream exactly what it recorded when it parsed each needed event's
 * data as a String with Jackson, however the stream is cut into chunks, and for odd input too.
 */
class SseTapTest {
    /** What the tap learned, in one comparable value. */
    record Seen(TokenCounts tokens, String model, String messageId, String errorType, long webSearches,
                boolean fast, boolean seen, boolean usageFinal) {
        static Seen of(UsageTap tap) {
            MessageUsage u = tap.usage;
            return new Seen(u.tokens(), u.model(), u.messageId(), u.errorType(), u.webSearches(), u.fast(), u.seen(),
                    ((UsageTap.Streamed) tap).usageFinal());
        }
    }

    private static Seen feed(UsageTap tap, byte[] stream, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            tap.feed(Buffer.buffer().appendBytes(stream, from, cut - from));
            from = cut;
        }
        tap.feed(Buffer.buffer().appendBytes(stream, from, stream.length - from));
        tap.finish();
        return Seen.of(tap);
    }

    private static Seen inChunksOf(byte[] stream, int size) {
        UsageTap tap = UsageTap.forContentType("text/event-stream");
        for (int i = 0; i < stream.length; i += size) {
            tap.feed(Buffer.buffer().appendBytes(stream, i, Math.min(size, stream.length - i)));
        }
        tap.finish();
        return Seen.of(tap);
    }

    private static void recordsTheSameHoweverCut(String fixture, Seen expected) throws Exception {
        byte[] stream = Files.readAllBytes(Fixtures.CLAUDE_CODE.resolve(fixture));
        for (int size = 1; size <= stream.length; size++) {
            assertThat(inChunksOf(stream, size)).as("%s in chunks of %d bytes", fixture, size).isEqualTo(expected);
        }
        for (int cut = 0; cut <= stream.length; cut++) {
            assertThat(feed(UsageTap.forContentType("text/event-stream"), stream, cut))
                    .as("%s cut at byte %d", fixture, cut).isEqualTo(expected);
        }
    }

    // The expected values are what the tap recorded before it worked on bytes (f9681d4).

    @Test
    void the_captured_say_hi_stream_records_the_same_in_every_chunking() throws Exception {
        recordsTheSameHoweverCut("vertex/say-hi.sse.txt", new Seen(new TokenCounts(25, 1500, 0, 12000, 7),
                "claude-sonnet-4-5-20250929", "msg_vrtx_01FakeAAX5n5GCxYtBsaPWZvO02k8f", null, 0, false, true, true));
    }

    @Test
    void the_captured_tool_use_turns_record_the_same_in_every_chunking() throws Exception {
        recordsTheSameHoweverCut("vertex/read-tool.turn1.sse.txt", TURN1);
        recordsTheSameHoweverCut("vertex/read-tool.turn2.sse.txt", TURN2);
    }

    @Test
    void the_captured_stream_with_an_error_event_records_the_error_in_every_chunking() throws Exception {
        recordsTheSameHoweverCut("vertex/stream-error.sse.txt", ERROR);
    }

    private static final Seen TURN1 = new Seen(new TokenCounts(25, 1500, 0, 12000, 7), "claude-sonnet-4-5-20250929",
            "msg_vrtx_01Fakeibr4SF3ux4lyFgoCjMLmaQvK", null, 0, false, true, true);
    private static final Seen TURN2 = new Seen(new TokenCounts(40, 220, 0, 13500, 11), "claude-sonnet-4-5-20250929",
            "msg_vrtx_01FakebloSFLGGmg26IglvHXEkdcOX", null, 0, false, true, true);
    private static final Seen ERROR = new Seen(new TokenCounts(25, 1500, 0, 12000, 1), "claude-sonnet-4-5-20250929",
            "msg_vrtx_01Fake0CcUK8m3Khy54KB7KgdRFlKR", "overloaded_error", 0, false, true, true);

    /** Odd streams: each is recorded as the String-and-Jackson tap recorded it, whole and byte by byte. */
    @Test
    void odd_input_is_recorded_as_before_and_never_thrown() {
        for (String stream : ODD) {
            byte[] b = stream.getBytes(StandardCharsets.UTF_8);
            Seen old = feed(new LegacySse(), b);
            assertThat(feed(UsageTap.forContentType("text/event-stream"), b)).as(stream).isEqualTo(old);
            assertThat(inChunksOf(b, 1)).as("byte by byte: %s", stream).isEqualTo(old);
            assertThat(inChunksOf(b, 7)).as("7 bytes a chunk: %s", stream).isEqualTo(old);
        }
    }

    @Test
    void invalid_utf8_in_a_needed_event_is_recorded_as_before() {
        byte[] bad = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_\u00ff\",\"model\":\"m\",\"usage\":{\"input_tokens\":3,\"service_tier\":\"x\u00ffy\"}}}\n\n"
                .getBytes(StandardCharsets.ISO_8859_1); // a lone 0xff byte: not UTF-8
        assertThat(feed(UsageTap.forContentType("text/event-stream"), bad)).isEqualTo(feed(new LegacySse(), bad));
        assertThat(feed(UsageTap.forContentType("text/event-stream"), bad).tokens().input()).isEqualTo(3);
    }

    private static final String START = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"model\":\"claude-opus-4-5\","
            + "\"content\":[],\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":300,\"cache_read_input_tokens\":40,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":100,\"ephemeral_1h_input_tokens\":200},\"output_tokens\":1}}}";

    private static final List<String> ODD = List.of(
            "event: message_start\r\ndata: " + START + "\r\n\r\nevent: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\r\n\r\n",
            "event:message_start\ndata:" + START + "\n\n",
            "event:   message_start  \ndata: " + START + "\n\n",
            "data: " + START + "\n\n", // no event line: the data's type decides
            "event: message_start\ndata: {\"message\":{\"id\":\"msg_2\",\"usage\":{\"input_tokens\":4}}}\n\n", // no type: the event's name
            "event: message_start\ndata: {\"type\":\"ping\",\"message\":{\"usage\":{\"input_tokens\":4}}}\n\n",
            "event: ping\ndata: " + START + "\n\n",
            "event: future_event_type\ndata: {\"type\":\"future_event_type\",\"usage\":{\"output_tokens\":999999}}\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\n" + "data: \"message\":{\"id\":\"msg_3\",\"usage\":{\"input_tokens\":6}}}\n\n",
            "event: message_start\ndata:\ndata: " + START + "\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":}}}\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}}} trailing\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}}}}\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_\\u0041\",\"model\":7,\"usage\":{\"input_tokens\":5}}}\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":\"none\"}\n\n",
            "event: message_start\ndata: [1,2]\n\n",
            "event: message_start\ndata: 5\n\n",
            "event: message_start\ndata: {\"typ\\u0065\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}}}\n\n",
            "event: message_start\ndata: {\"type\":\"message_st\\u0061rt\",\"message\":{\"usage\":{\"input_tokens\":5}}}\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}},\"message\":{\"usage\":{\"input_tokens\":8}}}\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":99999999999999999999999,\"output_tokens\":2.5,\"cache_read_input_tokens\":-4}}}\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":\"12\",\"speed\":\"fast\",\"server_tool_use\":{\"web_search_requests\":3}}}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":null},\"usage\":{\"output_tokens\":5}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":5}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":\"end_turn\",\"usage\":{\"output_tokens\":5}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"x\",\"stop_reason\":null},\"usage\":{\"output_tokens\":5}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":{\"a\":1}},\"usage\":{\"output_tokens\":5,\"input_tokens\":50,\"cache_read_input_tokens\":7}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":null}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":5}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":5}}\n",
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}\n\n",
            "event: error\ndata: {\"type\":\"error\",\"error\":{}}\n\n",
            "event: error\ndata: {\"type\":\"error\"}\n\n",
            "event: error\ndata: not json\n\n",
            ": a comment\nid: 7\nretry: 10\nevent: message_start\nid: 8\ndata: " + START + "\n\n",
            "event: message_start\nevent: ping\ndata: " + START + "\n\n",
            "event: ping\nevent: message_start\ndata: " + START + "\n\n",
            "event: message_stop\n\n",
            "event: message_start\ndata: " + START + "\n\n\n\n\n",
            "event: message_start\r\ndata: " + START + "\r\r\n\r\n",
            "event: message_start\ndata:  " + START + "\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"content\":[{\"type\":\"text\",\"text\":\"\\\"usage\\\":{\\\"input_tokens\\\":9}\"}],"
                    + "\"usage\":{\"input_tokens\":1}}}\n\n",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"content\":[}],\"usage\":{\"input_tokens\":1}}}\n\n",
            "");

    /** The tap as it was (f9681d4): each needed event's data joined into a String and read into a Jackson tree. */
    static final class LegacySse extends UsageTap.ByLines implements UsageTap.Streamed {
        private String event;
        private final StringBuilder data = new StringBuilder();
        private boolean skipping;
        private boolean usageFinal;

        LegacySse() {
            super(256);
        }

        @Override
        void endLine(byte[] bytes) {
            int len = bytes.length;
            if (len > 0 && bytes[len - 1] == '\r') len--;
            if (len == 0) {
                dispatch();
                return;
            }
            String s = new String(bytes, 0, len, StandardCharsets.UTF_8);
            if (s.startsWith("event:")) {
                event = s.substring(6).trim();
                skipping = !(event.equals("message_start") || event.equals("message_delta") || event.equals("error"));
            } else if (s.startsWith("data:") && !skipping) {
                if (data.length() > 0) data.append('\n');
                data.append(s.substring(s.length() > 5 && s.charAt(5) == ' ' ? 6 : 5));
            }
        }

        @Override
        public boolean usageFinal() {
            return usageFinal;
        }

        private void dispatch() {
            try {
                if ("message_stop".equals(event)) usageFinal = true;
                if (data.length() == 0) return;
                JsonNode d = JSON.readTree(data.toString());
                String type = d.path("type").asText(event == null ? "" : event);
                switch (type) {
                    case "message_start" -> usage.applyMessage(d.get("message"));
                    case "message_delta" -> {
                        usage.apply(d.get("usage"));
                        if (!d.path("delta").path("stop_reason").isMissingNode() && !d.path("delta").path("stop_reason").isNull()) {
                            usageFinal = true;
                        }
                    }
                    case "error" -> {
                        usage.error(d.path("error").path("type").asText(null));
                        usageFinal = true;
                    }
                    default -> { }
                }
            } catch (Exception malformed) {
                // ignored, as before
            } finally {
                event = null;
                skipping = false;
                data.setLength(0);
            }
        }

        @Override
        void finish() {
            flushLine();
            dispatch();
        }
    }
}
