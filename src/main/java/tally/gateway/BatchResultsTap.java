package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads Message Batches results (JSONL, one request per line) as they pass to the client and keeps
 * the usage of each succeeded request. Errored, canceled and expired requests are not billed.
 */
final class BatchResultsTap extends UsageTap.ByLines {
    record Line(String customId, MessageUsage usage) {}

    private final List<Line> lines = new ArrayList<>();

    BatchResultsTap() {
        super(1024);
    }

    @Override
    void endLine(byte[] bytes) {
        if (bytes.length == 0) return;
        try {
            JsonNode n = JSON.readTree(bytes);
            JsonNode result = n.path("result");
            if (!"succeeded".equals(result.path("type").asText())) return;
            MessageUsage u = new MessageUsage();
            u.applyMessage(result.get("message"));
            if (u.seen()) lines.add(new Line(n.path("custom_id").asText(""), u));
        } catch (Exception malformed) {
            // a line we cannot read is passed on untouched and not metered
        }
    }

    @Override
    void finish() {
        flushLine();
    }

    List<Line> lines() {
        return lines;
    }
}
