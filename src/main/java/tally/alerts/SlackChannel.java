package tally.alerts;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A Slack incoming webhook, sent as a Block Kit message (with plain text for notifications). */
public final class SlackChannel implements Channel {
    private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final int SECTION_LIMIT = 2900; // Slack refuses section text over 3000 characters

    private final String name;
    private final String url;
    private final HttpPoster poster;

    SlackChannel(String name, String url, HttpPoster poster) {
        this.name = name;
        this.url = url;
        this.poster = poster;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Void> send(Notification n) {
        return poster.post(name, url, Map.of(), blocks(n).toString().getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode blocks(Notification n) {
        ObjectNode msg = RuleJson.JSON.createObjectNode();
        msg.put("text", n.title() + ": " + n.text());
        ArrayNode blocks = msg.putArray("blocks");
        String icon = switch (n.type()) {
            case FIRING -> ":rotating_light: ";
            case RESOLVED -> ":white_check_mark: ";
            case REPORT -> ":bar_chart: ";
            case TEST -> ":test_tube: ";
        };
        blocks.addObject().put("type", "header").putObject("text").put("type", "plain_text")
                .put("text", truncate(icon + n.title(), 150)).put("emoji", true);
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", truncate(escape(n.text()), SECTION_LIMIT));
        if (!n.fields().isEmpty()) {
            ArrayNode fields = blocks.addObject().put("type", "section").putArray("fields");
            n.fields().forEach((k, v) -> fields.addObject().put("type", "mrkdwn").put("text", "*" + k + "*\n" + escape(v)));
        }
        if (n.preformatted() != null) {
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                    .put("text", "```" + truncate(n.preformatted(), SECTION_LIMIT - 6) + "```");
        }
        blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                .put("text", "Tally · " + (n.type() == Notification.Type.REPORT ? "report" : "rule " + n.rule()) + " · " + AT.format(n.at()));
        return msg;
    }

    /** Slack's mrkdwn treats &, < and > as markup. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    @Override
    public void close() {
        poster.close();
    }
}
