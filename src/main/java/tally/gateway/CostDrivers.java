package tally.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;

/**
 * What in a request body can make it cost more than one context window: server tools (each use
 * runs another sampling round upstream, and a web search is billed on top) and fast mode.
 * Read with a streaming parser that skips everything else.
 *
 * @param rounds   sampling rounds the request can run upstream: 1 without server tools, 1 + the
 *                 sum of their {@code max_uses} with them, -1 when nothing bounds them (a server
 *                 tool without {@code max_uses}, or MCP servers)
 * @param searches web searches it can be billed for (the web search tools' {@code max_uses})
 * @param fast     {@code speed: "fast"}
 */
record CostDrivers(long rounds, long searches, boolean fast) {
    private static final JsonFactory FACTORY = new JsonFactory();

    static final CostDrivers PLAIN = new CostDrivers(1, 0, false);

    boolean bounded() {
        return rounds > 0;
    }

    /** An unreadable body is forwarded untouched and refused upstream, so it costs nothing: plain. */
    static CostDrivers read(Buffer body) {
        if (body == null || body.length() == 0) return PLAIN;
        try (JsonParser p = FACTORY.createParser(body.getBytes())) {
            if (p.nextToken() != JsonToken.START_OBJECT) return PLAIN;
            long rounds = 1;
            long searches = 0;
            boolean fast = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "speed" -> fast = v == JsonToken.VALUE_STRING && "fast".equals(p.getText());
                    case "mcp_servers" -> {
                        if (v != JsonToken.START_ARRAY) p.skipChildren();
                        else for (JsonToken e = p.nextToken(); e != null && e != JsonToken.END_ARRAY; e = p.nextToken()) {
                            rounds = -1; // MCP tools run on the server, and nothing limits their uses
                            p.skipChildren();
                        }
                    }
                    case "tools" -> {
                        long[] t = tools(p, v);
                        if (t == null) rounds = -1;
                        else if (rounds > 0) {
                            rounds = Math.addExact(rounds, t[0]);
                            searches = Math.addExact(searches, t[1]);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            return new CostDrivers(rounds, searches, fast);
        } catch (IOException | RuntimeException e) {
            return PLAIN;
        }
    }

    /** {uses, searches} of the server tools in a {@code tools} list, or null when one has no max_uses. */
    private static long[] tools(JsonParser p, JsonToken v) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            return new long[2];
        }
        long uses = 0;
        long searches = 0;
        boolean unbounded = false;
        for (JsonToken e = p.nextToken(); e != null && e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (e != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String type = null;
            Long maxUses = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("type") && t == JsonToken.VALUE_STRING) type = p.getText();
                else if (field.equals("max_uses") && t == JsonToken.VALUE_NUMBER_INT && p.getLongValue() >= 0) maxUses = p.getLongValue();
                else p.skipChildren();
            }
            if (!serverTool(type)) continue;
            if (maxUses == null) unbounded = true;
            else {
                uses = Math.addExact(uses, maxUses);
                if (type.startsWith("web_search")) searches = Math.addExact(searches, maxUses);
            }
        }
        return unbounded ? null : new long[] {uses, searches};
    }

    /**
     * Tools the client runs (its own, and Anthropic-defined ones it executes: bash, text editor,
     * computer, memory) add no round upstream; any other typed tool is taken to run on the server.
     */
    private static boolean serverTool(String type) {
        if (type == null || type.equals("custom")) return false;
        return !(type.startsWith("bash_") || type.startsWith("text_editor_") || type.startsWith("computer_")
                || type.startsWith("memory_"));
    }
}
