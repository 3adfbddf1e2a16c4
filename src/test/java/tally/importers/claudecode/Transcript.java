package tally.importers.claudecode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Composes transcript lines shaped like Claude Code 2.1.197's, for cases the fixtures do not show. */
final class Transcript {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ObjectNode line = JSON.createObjectNode();
    private final ObjectNode message;
    private final ObjectNode usage;

    private Transcript(String time, String session) {
        line.put("parentUuid", (String) null);
        line.put("isSidechain", false);
        message = line.putObject("message");
        message.put("type", "message").put("role", "assistant").put("model", "claude-sonnet-4-5-20250929");
        message.putArray("content").addObject().put("type", "text").put("text", "ok");
        message.put("stop_reason", "end_turn");
        usage = message.putObject("usage");
        line.put("type", "assistant");
        line.put("timestamp", time);
        line.put("userType", "external");
        line.put("cwd", "/home/alice/app");
        line.put("sessionId", session);
        line.put("version", "2.1.197");
    }

    /** An assistant line with the fixtures' first-call usage: input 25, output 7, 5m write 1500, read 12000. */
    static Transcript answer(String time, String session, String messageId, String requestId) {
        Transcript t = new Transcript(time, session);
        t.message.put("id", messageId);
        t.line.put("requestId", requestId);
        t.line.put("uuid", java.util.UUID.nameUUIDFromBytes((messageId + time).getBytes()).toString());
        return t.usage(25, 7, 1500, 12000);
    }

    Transcript usage(long in, long out, long write5m, long read) {
        usage.removeAll();
        usage.put("input_tokens", in).put("cache_creation_input_tokens", write5m).put("cache_read_input_tokens", read)
                .put("output_tokens", out);
        usage.putObject("cache_creation").put("ephemeral_1h_input_tokens", 0).put("ephemeral_5m_input_tokens", write5m);
        usage.put("service_tier", "standard").put("speed", "standard");
        return this;
    }

    Transcript model(String m) {
        message.put("model", m);
        return this;
    }

    Transcript provisional() {
        message.putNull("stop_reason");
        return this;
    }

    Transcript sidechain() {
        line.put("isSidechain", true);
        return this;
    }

    Transcript apiError() {
        line.put("isApiErrorMessage", true);
        return this;
    }

    Transcript session(String s) {
        line.put("sessionId", s);
        return this;
    }

    String json() {
        return line.toString();
    }

    static String user(String time, String session) {
        return "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"},\"timestamp\":\"" + time
                + "\",\"sessionId\":\"" + session + "\"}";
    }

    static void write(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        StringBuilder sb = new StringBuilder();
        for (String l : lines) sb.append(l).append('\n');
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
