package tally.alerts;

import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A generic webhook: the notification as JSON, signed so the receiver can tell it came from this
 * Tally. {@code X-Tally-Signature: sha256=<hex HMAC-SHA256 of the raw body with the shared secret>}.
 */
public final class WebhookChannel implements Channel {
    public static final String SIGNATURE_HEADER = "X-Tally-Signature";

    private final String name;
    private final String url;
    private final String secret;
    private final HttpPoster poster;

    WebhookChannel(String name, String url, String secret, HttpPoster poster) {
        this.name = name;
        this.url = url;
        this.secret = secret;
        this.poster = poster;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Void> send(Notification n) {
        byte[] body = body(n).toString().getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Tally-Event", n.type().label());
        if (secret != null) headers.put(SIGNATURE_HEADER, "sha256=" + sign(secret, body));
        return poster.post(name, url, headers, body);
    }

    static ObjectNode body(Notification n) {
        ObjectNode o = RuleJson.JSON.createObjectNode();
        o.put("type", n.type().label());
        o.put("rule", n.rule());
        o.put("title", n.title());
        o.put("text", n.text());
        ObjectNode f = o.putObject("fields");
        n.fields().forEach((k, v) -> f.put(k.toLowerCase(java.util.Locale.ROOT), v));
        o.put("at", n.at().toString());
        if (n.preformatted() != null) o.put("report", n.preformatted());
        return o;
    }

    public static String sign(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    @Override
    public void close() {
        poster.close();
    }
}
