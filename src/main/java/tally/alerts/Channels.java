package tally.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * The configured channels by name, built from the config file's {@code "channels"} object. A
 * {@code log} channel is always there. Secrets may be written {@code "env:NAME"} to keep them out
 * of the file.
 */
public final class Channels implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Channels.class.getName());
    private final Map<String, Channel> byName = new LinkedHashMap<>();
    /** A channel's cooldown: after an alert from a rule, further alerts from that rule wait this long. */
    private final Map<String, Duration> cooldowns;
    /** When each channel last got an alert from each rule, by channel and rule. */
    private final Map<String, Instant> lastAlert = new HashMap<>();

    public Channels(List<Channel> channels) {
        this(channels, Map.of());
    }

    public Channels(List<Channel> channels, Map<String, Duration> cooldowns) {
        byName.put("log", new LogChannel("log"));
        for (Channel c : channels) byName.put(c.name(), c);
        this.cooldowns = Map.copyOf(cooldowns);
    }

    public static Channels build(Vertx vertx, JsonNode config) {
        return build(vertx, config, HttpPoster.Retry.DEFAULT);
    }

    static Channels build(Vertx vertx, JsonNode config, HttpPoster.Retry retry) {
        List<Channel> out = new ArrayList<>();
        Map<String, Duration> cooldowns = new HashMap<>();
        if (config != null) {
            if (!config.isObject()) throw new IllegalArgumentException("channels: expected an object of name → channel");
            var it = config.fields();
            while (it.hasNext()) {
                var e = it.next();
                try {
                    out.add(channel(vertx, e.getKey(), e.getValue(), retry));
                    if (e.getValue().has("cooldown")) {
                        cooldowns.put(e.getKey(), Wording.parseDuration("cooldown", e.getValue().get("cooldown").asText()));
                    }
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("channel '" + e.getKey() + "': " + ex.getMessage(), ex);
                }
            }
        }
        return new Channels(out, cooldowns);
    }

    /** What each type of channel takes beside {@code type} and {@code cooldown}. */
    private static final Map<String, List<String>> KEYS = Map.of("log", List.of(),
            "slack", List.of("url", "attempts", "backoff"),
            "webhook", List.of("url", "secret", "attempts", "backoff"),
            "email", List.of("host", "port", "starttls", "ssl", "username", "password", "from", "to", "trustAll"));

    /**
     * Refuses a key a channel of its type does not take (a misspelt "secret" would send unsigned).
     * A channel without a known type is left to {@link #build}, which says what is wrong with it.
     */
    static void refuseUnknownKeys(JsonNode config) {
        if (config == null || !config.isObject()) return;
        config.fields().forEachRemaining(e -> {
            List<String> own = e.getValue().isObject() ? KEYS.get(e.getValue().path("type").asText()) : null;
            if (own == null) return;
            List<String> known = new ArrayList<>(List.of("type", "cooldown"));
            known.addAll(own);
            try {
                Wording.refuseUnknownKeys(e.getValue(), known);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("channel '" + e.getKey() + "': " + ex.getMessage(), ex);
            }
        });
    }

    private static Channel channel(Vertx vertx, String name, JsonNode c, HttpPoster.Retry retry) {
        String type = str(c, "type", null);
        if (type == null) throw new IllegalArgumentException("needs a type: slack, webhook, email or log");
        return switch (type) {
            case "log" -> new LogChannel(name);
            case "slack" -> new SlackChannel(name, url(c), new HttpPoster(vertx, retry(c, retry)));
            case "webhook" -> new WebhookChannel(name, url(c), str(c, "secret", null), new HttpPoster(vertx, retry(c, retry)));
            case "email" -> new EmailChannel(name, vertx, new EmailChannel.Smtp(required(c, "host"),
                    c.has("port") ? c.get("port").asInt() : 587, str(c, "starttls", "required"),
                    c.path("ssl").asBoolean(false), str(c, "username", null), str(c, "password", null),
                    required(c, "from"), recipients(c), c.path("trustAll").asBoolean(false)));
            default -> throw new IllegalArgumentException("type: expected slack, webhook, email or log; got '" + type + "'");
        };
    }

    private static HttpPoster.Retry retry(JsonNode c, HttpPoster.Retry dflt) {
        int attempts = c.has("attempts") ? c.get("attempts").asInt() : dflt.attempts();
        if (attempts < 1) throw new IllegalArgumentException("attempts: must be at least 1");
        return new HttpPoster.Retry(attempts, c.has("backoff")
                ? Wording.parseDuration("backoff", c.get("backoff").asText()) : dflt.firstBackoff());
    }

    private static String url(JsonNode c) {
        String url = required(c, "url");
        try {
            URI u = URI.create(url);
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url: expected http(s)://…");
        }
        return url;
    }

    private static List<String> recipients(JsonNode c) {
        List<String> to = RuleJson.strings(c.get("to"));
        if (to.isEmpty()) throw new IllegalArgumentException("to: needs at least one address");
        return to;
    }

    private static String required(JsonNode c, String field) {
        String v = str(c, field, null);
        if (v == null || v.isBlank()) throw new IllegalArgumentException("needs '" + field + "'");
        return v;
    }

    /** A string field; "env:NAME" reads the environment variable NAME. */
    private static String str(JsonNode c, String field, String dflt) {
        JsonNode v = c.get(field);
        if (v == null || v.isNull()) return dflt;
        String s = v.asText();
        if (s.startsWith("env:")) {
            String env = System.getenv(s.substring(4));
            if (env == null || env.isBlank()) throw new IllegalArgumentException(field + ": environment variable " + s.substring(4) + " is not set");
            return env;
        }
        return s;
    }

    public Channel get(String name) {
        Channel c = byName.get(name);
        if (c == null) throw new IllegalArgumentException("no channel named '" + name + "' (configured: " + String.join(", ", byName.keySet()) + ")");
        return c;
    }

    public Collection<String> names() {
        return byName.keySet();
    }

    /** Whether an alert to these channels (every channel for an empty list) reaches at least one configured channel. */
    boolean reachesAny(List<String> names) {
        return names.isEmpty() || names.stream().anyMatch(byName::containsKey);
    }

    /** The named channels, or every channel for an empty list; unknown names are logged and skipped. */
    List<Channel> select(List<String> names) {
        if (names.isEmpty()) return new ArrayList<>(byName.values());
        List<Channel> out = new ArrayList<>();
        for (String n : names) {
            Channel c = byName.get(n);
            if (c == null) LOG.warning("alerts: no channel named '" + n + "'");
            else out.add(c);
        }
        return out;
    }

    /**
     * Sends an alert to each channel not cooling down from this alert's rule (such a channel skips
     * it: the alert history still has it). Completes when every channel is done.
     */
    synchronized CompletableFuture<Void> deliver(Notification n, List<String> names, Instant now) {
        List<Channel> open = new ArrayList<>();
        for (Channel c : select(names)) {
            Duration cooldown = cooldowns.get(c.name());
            String key = c.name() + '\u0000' + n.rule();
            Instant last = lastAlert.get(key);
            if (cooldown != null && last != null && now.isBefore(last.plus(cooldown))) {
                LOG.info("alerts: '" + n.title() + "' not sent to " + c.name() + ": it heard from rule " + n.rule()
                        + " less than " + Wording.formatDuration(cooldown) + " ago (the channel's cooldown)");
                continue;
            }
            lastAlert.put(key, now);
            open.add(c);
        }
        return send(n, open);
    }

    /** Sends to each channel; a failure is logged, never thrown. Completes when every channel is done. */
    CompletableFuture<Void> deliver(Notification n, List<String> names) {
        return send(n, select(names));
    }

    private static CompletableFuture<Void> send(Notification n, List<Channel> to) {
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (Channel c : to) {
            sends.add(c.send(n).exceptionally(e -> {
                LOG.warning("alerts: could not deliver '" + n.title() + "' to " + c.name() + ": " + message(e));
                return null;
            }));
        }
        return CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new));
    }

    static String message(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage();
    }

    @Override
    public void close() {
        byName.values().forEach(Channel::close);
    }
}
