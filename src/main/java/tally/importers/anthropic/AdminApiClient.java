package tally.importers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Anthropic Admin API's report endpoints: authenticated GETs that page with {@code has_more} /
 * {@code next_page}, and back off on 429 (honouring {@code retry-after}) and on 5xx. The key is sent,
 * never printed.
 */
public final class AdminApiClient {
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
    static final int MAX_ATTEMPTS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the client waits between attempts; tests pass one that does not sleep. */
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public static final class ApiError extends IOException {
        public ApiError(String message) {
            super(message);
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
        String cursor = null;
        do {
            StringBuilder q = new StringBuilder();
            for (Map.Entry<String, String> p : params) append(q, p.getKey(), p.getValue());
            if (cursor != null) append(q, "page", cursor);
            JsonNode body = get(path + "?" + q);
            pages++;
            JsonNode data = body.get("data");
            if (data == null || !data.isArray()) throw new ApiError(path + ": response has no data array");
            page.accept(data);
            cursor = body.path("has_more").asBoolean(false) ? body.path("next_page").asText(null) : null;
        } while (cursor != null);
    }

    private static void append(StringBuilder q, String name, String value) {
        if (q.length() > 0) q.append('&');
        q.append(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("%5B%5D", "[]")).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    JsonNode get(String pathAndQuery) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
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
                throw new IOException("interrupted");
            } catch (IOException e) {
                if (attempt >= MAX_ATTEMPTS) throw new ApiError("cannot reach " + baseUrl + ": " + e.getMessage());
                pause(backoff);
                backoff = backoff.multipliedBy(2);
                continue;
            }
            int s = res.statusCode();
            if (s == 200) return JSON.readTree(res.body());
            boolean retryable = s == 429 || s == 529 || s >= 500;
            if (!retryable || attempt >= MAX_ATTEMPTS) {
                throw new ApiError(pathAndQuery.substring(0, pathAndQuery.indexOf('?') < 0 ? pathAndQuery.length() : pathAndQuery.indexOf('?'))
                        + ": HTTP " + s + " " + errorMessage(res.body()));
            }
            Duration wait = res.headers().firstValue("retry-after").map(AdminApiClient::seconds).orElse(backoff);
            pause(wait);
            backoff = backoff.multipliedBy(2);
        }
    }

    private void pause(Duration d) throws IOException {
        retries++;
        try {
            sleeper.sleep(d.compareTo(Duration.ofMinutes(2)) > 0 ? Duration.ofMinutes(2) : d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static Duration seconds(String v) {
        try {
            return Duration.ofMillis((long) (Double.parseDouble(v.trim()) * 1000));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(5);
        }
    }

    private static String errorMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            String m = n.path("error").path("message").asText("");
            return m.isEmpty() ? "" : "(" + m + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
