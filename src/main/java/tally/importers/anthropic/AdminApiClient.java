package tally.importers.anthropic;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The Anthropic Admin API's report endpoints: authenticated GETs that page with {@code has_more} /
 * {@code next_page}, and back off on 429 (honouring {@code retry-after}) and on 5xx. The key is sent,
 * never printed. What cannot be read (no JSON, a cursor given twice, no server) is an {@link ApiError}
 * naming the endpoint.
 */
public final class AdminApiClient {
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    static final int MAX_ATTEMPTS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the client waits between attempts; tests pass one that does not sleep. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * An endpoint that answered nothing Tally can read: one line naming it and why. Every report is
     * fetched before any is stored, so nothing of the import is kept.
     */
    public static final class ApiError extends IOException {
        public ApiError(String path, String why) {
            super("Admin API GET " + path + ": " + why + "; nothing was imported");
        }
    }

    private final String baseUrl;
    private final String key;
    private final HttpClient http;
    private final Sleeper sleeper;
    private long pages;
    private long retries;

    public AdminApiClient(String baseUrl, String key, Sleeper sleeper) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.key = key;
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public long pages() {
        return pages;
    }

    public long retries() {
        return retries;
    }

    /** Every page of a report: calls {@code page} with each response's {@code data} array. */
    public void pages(String path, List<Map.Entry<String, String>> params, Consumer<JsonNode> page) throws IOException {
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        do {
            StringBuilder q = new StringBuilder();
            for (Map.Entry<String, String> p : params) append(q, p.getKey(), p.getValue());
            if (cursor != null) append(q, "page", cursor);
            JsonNode body = get(path, q.toString());
            pages++;
            JsonNode data = body.get("data");
            if (data == null || !data.isArray()) throw new ApiError(path, "the answer has no data array");
            page.accept(data);
            cursor = nextPage(path, body, cursors);
        } while (cursor != null);
    }

    /**
     * The cursor of the next page, or null after the last. A cursor given before in this pagination
     * would serve pages already read, and again, without end: it ends the import instead, as does
     * has_more without a cursor (which page comes next is unknown).
     */
    private static String nextPage(String path, JsonNode body, Set<String> seen) throws ApiError {
        if (!body.path("has_more").asBoolean(false)) return null;
        JsonNode next = body.get("next_page");
        if (next == null || next.isNull() || next.asText().isEmpty()) throw new ApiError(path, "has_more is true but there is no next_page");
        if (!seen.add(next.asText())) throw new ApiError(path, "next_page " + next + " again, a page already read");
        return next.asText();
    }

    private static void append(StringBuilder q, String name, String value) {
        if (q.length() > 0) q.append('&');
        q.append(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%5B%5D", "[]")).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    private JsonNode get(String path, String query) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + path + "?" + query))
                .timeout(Duration.ofSeconds(60))
                .header("x-api-key", key)
                .header("anthropic-version", "2023-06-01")
                .header("accept", "application/json")
                .GET().build();
        Duration backoff = Duration.ofSeconds(1);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> res;
            try {
                res = http.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiError(path, "interrupted");
            } catch (IOException e) {
                if (attempt >= MAX_ATTEMPTS) throw new ApiError(path, "cannot reach " + baseUrl + " (" + unreachable(e) + ")");
                pause(path, backoff);
                backoff = backoff.multipliedBy(2);
                continue;
            }
            int s = res.statusCode();
            if (s == 200) return json(path, res.body());
            boolean retryable = s == 429 || s == 529 || s >= 500;
            if (!retryable || attempt >= MAX_ATTEMPTS) throw new ApiError(path, "HTTP " + s + errorMessage(res.body()));
            pause(path, res.headers().firstValue("retry-after").map(AdminApiClient::retryAfter).orElse(backoff));
            backoff = backoff.multipliedBy(2);
        }
    }

    /** A 200's body, which must be JSON: a proxy's or portal's HTML page is named as such, not parsed as a report. */
    private static JsonNode json(String path, String body) throws ApiError {
        String start = body.stripLeading();
        if (start.isEmpty()) throw new ApiError(path, "the answer is empty");
        char first = start.charAt(0);
        if (first != '{' && first != '[') throw new ApiError(path, "the answer is not JSON (starts with '" + first + "')");
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new ApiError(path, "the answer is cut short or broken JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
    }

    /** Why no answer came, in words: the JDK's exceptions for a refused connection or an unknown host have no message. */
    static String unreachable(IOException e) {
        if (e instanceof HttpConnectTimeoutException) return "no connection within 10 s";
        if (e instanceof HttpTimeoutException) return "no answer within 60 s";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) return "unknown host";
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) return t.getMessage();
        }
        return e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }

    private void pause(String path, Duration d) throws IOException {
        retries++;
        try {
            sleeper.sleep(d.compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(2) : d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(path, "interrupted");
        }
    }

    /**
     * A retry-after of seconds, or null when it is none: a negative or unreadable value (or the
     * HTTP-date form, which Anthropic does not send) is taken as absent, and the client's own backoff
     * applies. A negative wait cannot be waited, and guessing what was meant would be coercing.
     */
    static Duration retryAfter(String v) {
        String s = v.trim();
        if (!s.matches("\\d+(\\.\\d+)?")) return null;
        BigDecimal seconds = new BigDecimal(s).min(BigDecimal.valueOf(120)); // waited 2 minutes at most (pause)
        return Duration.ofMillis(seconds.movePointRight(3).longValue());
    }

    private static String errorMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            String m = n.path("error").path("message").asText("");
            return m.isEmpty() ? "" : " (" + m + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
