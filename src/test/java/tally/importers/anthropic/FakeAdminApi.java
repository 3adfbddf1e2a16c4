package tally.importers.anthropic;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A local stand-in for the Admin API's report endpoints, on loopback, speaking their exact format:
 * pages served in order per endpoint (the page cursor picks which), and 429s served first when asked.
 */
final class FakeAdminApi implements AutoCloseable {
    static final String KEY = "sk-ant-admin01-test";

    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final HttpServer server;
    private final Map<String, Function<Map<String, String>, String>> routes = new HashMap<>();
    private int rateLimitsLeft;
    private String retryAfter = "0";

    FakeAdminApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The endpoint answers with what the function makes of the query (first value of each name; group_by[] joined). */
    FakeAdminApi route(String path, Function<Map<String, String>, String> answer) {
        routes.put(path, answer);
        return this;
    }

    FakeAdminApi rateLimitFirst(int n) {
        return rateLimitFirst(n, "0");
    }

    /** The first n requests get a 429 with this retry-after header. */
    FakeAdminApi rateLimitFirst(int n, String retryAfter) {
        rateLimitsLeft = n;
        this.retryAfter = retryAfter;
        return this;
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getRawQuery();
        requests.add(path + "?" + query);
        int status;
        String body;
        if (!KEY.equals(ex.getRequestHeaders().getFirst("x-api-key"))
                || !"2023-06-01".equals(ex.getRequestHeaders().getFirst("anthropic-version"))) {
            status = 401;
            body = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}";
        } else if (rateLimitsLeft > 0) {
            rateLimitsLeft--;
            status = 429;
            ex.getResponseHeaders().add("retry-after", retryAfter);
            body = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}";
        } else if (routes.containsKey(path)) {
            status = 200;
            body = routes.get(path).apply(params(query));
        } else {
            status = 404;
            body = "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"no route\"}}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        // a route may answer as a proxy's or a captive portal's page would
        ex.getResponseHeaders().add("content-type", body.startsWith("<") ? "text/html" : "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    static Map<String, String> params(String query) {
        Map<String, String> out = new HashMap<>();
        if (query == null) return out;
        for (String kv : query.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            out.merge(k, v, (a, b) -> a + "," + b);
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
