package tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.TestJvm;
import tally.cli.Main;
import tally.web.PasswordHash;
import tally.web.Role;
import tally.web.UserFile;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tally serve --host 0.0.0.0} — listening beyond loopback, here over HTTPS with a certificate
 * made for the test — and reached at 127.0.0.1: everything but the health probes asks for
 * credentials, /metrics its scrape token or a login, OTLP an ingest token; the session cookie is Secure.
 */
class ExposedServeTest {
    @TempDir Path dir;

    @Test
    void beyond_loopback_every_door_asks_for_credentials_and_https_cookies_are_secure() throws Exception {
        TestCert cert = new TestCert(dir);
        new UserFile(dir.resolve(UserFile.NAME)).put(new UserFile.User("ada", Role.ADMIN,
                PasswordHash.hash("correct horse".toCharArray(), 10_000)));
        ProcessBuilder pb = new ProcessBuilder(TestJvm.command(dir, List.of(), Main.class,
                "serve", "--host", "0.0.0.0", "--port", "0", "--data", dir.toString(), "--tz", "UTC",
                "--tls-cert", cert.cert.toString(), "--tls-key", cert.key.toString(), "--metrics-token", "scrape-secret"))
                .redirectErrorStream(true);
        pb.environment().put("TALLY_UPSTREAM_KEY", "sk-ant-server-key");
        Process server = pb.start();
        try {
            String url = TestJvm.servingUrl(server);
            assertThat(url).as("the server printed its URL").startsWith("https://0.0.0.0:");
            String base = "https://127.0.0.1:" + URI.create(url).getPort();
            HttpClient https = HttpClient.newBuilder().sslContext(cert.trust).connectTimeout(Duration.ofSeconds(10)).build();

            assertThat(send(https, "GET", base + "/healthz", Map.of(), null).statusCode()).isEqualTo(200);
            HttpResponse<String> ready = send(https, "GET", base + "/readyz", Map.of(), null);
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);

            HttpResponse<String> metrics = send(https, "GET", base + "/metrics", Map.of(), null);
            assertThat(metrics.statusCode()).isEqualTo(401);
            assertThat(metrics.headers().firstValue("www-authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
            assertThat(send(https, "GET", base + "/metrics", Map.of("authorization", "Bearer guess"), null).statusCode()).isEqualTo(401);
            HttpResponse<String> scraped = send(https, "GET", base + "/metrics", Map.of("authorization", "Bearer scrape-secret"), null);
            assertThat(scraped.statusCode()).isEqualTo(200);
            assertThat(scraped.body()).contains("# TYPE");

            HttpResponse<String> otlp = send(https, "POST", base + "/v1/metrics", Map.of("content-type", "application/json"),
                    "{\"resourceMetrics\":[]}");
            assertThat(otlp.statusCode()).isEqualTo(401);
            JsonNode status = new ObjectMapper().readTree(otlp.body());
            assertThat(status.path("code").asInt()).isEqualTo(16); // UNAUTHENTICATED
            assertThat(status.path("message").asText()).contains("ingest token");

            HttpResponse<String> login = send(https, "POST", base + "/api/login",
                    Map.of("content-type", "application/json", "origin", base), "{\"user\":\"ada\",\"password\":\"correct horse\"}");
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            String cookie = login.headers().firstValue("set-cookie").orElseThrow();
            assertThat(cookie).contains("Secure").containsIgnoringCase("HttpOnly").contains("SameSite=Strict");
            // a logged-in person may read /metrics too
            assertThat(send(https, "GET", base + "/metrics", Map.of("cookie", cookie.substring(0, cookie.indexOf(';'))), null)
                    .statusCode()).isEqualTo(200);
        } finally {
            server.destroy();
            if (!server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    static HttpResponse<String> send(HttpClient client, String method, String url, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
