package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads Message Batches results (JSONL, one request per line) as they pass to the client and keeps
 * the usage of each succeeded request. Errored, canceled and expired requests are not billed. A line
 * that cannot be read is kept too, named by its number, so its record is refused aloud, not dropped.
 */
final class BatchResultsTap extends UsageTap.ByLines {
    record Line(String customId, MessageUsage usage) {}

    private final List<Line> lines = new ArrayList<>();
    private int number;

    BatchResultsTap() {
        super(1024);
    }

    @Override
    void endLine(byte[] bytes) {
        number++;
        if (bytes.length == 0) return;
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (Exception malformed) {
            MessageUsage u = new MessageUsage();
            u.unreadable("results line " + number + " is not JSON: " + reason(malformed));
            lines.add(new Line("line-" + number, u));
            return;
        }
        JsonNode result = n.path("result");
        if (!"succeeded".equals(result.path("type").asText())) return;
        MessageUsage u = new MessageUsage();
        u.applyMessage(result.get("message"));
        lines.add(new Line(n.path("custom_id").asText(""), u));
    }

    @Override
    void finish() {
        flushLine();
    }

    List<Line> lines() {
        return lines;
    }
}
