package tally.web;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.gateway.Http;
import tally.server.TallyServer;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /metrics on a server reachable beyond loopback needs the scrape token as a bearer token, or a
 * logged-in session; on loopback it stays open, as the machine's users are trusted there.
 */
class MetricsAccessTest {
    @TempDir Path dir;
    private Vertx vertx;
    private TallyServer server;

    private String serve(boolean beyondLoopback, String token) throws Exception {
        UserFile users = new UserFile(dir.resolve("users.json"));
        users.put(new UserFile.User("val", Role.VIEWER, PasswordHash.hash("battery staple".toCharArray(), 10_000)));
        vertx = Vertx.vertx();
        AccessControl access = new AccessControl(vertx, beyondLoopback, users, Clock.systemUTC(), token);
        server = TallyServer.start(vertx, "127.0.0.1", 0, List.of(access,
                r -> r.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("tally_up 1\n"))));
        return "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (vertx != null) vertx.close();
    }

    @Test
    void beyondLoopbackMetricsNeedTheTokenOrALogin() throws Exception {
        String base = serve(true, "scrape-secret");
        HttpResponse<byte[]> anonymous = Http.send("GET", base + "/metrics", Map.of(), null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(new String(anonymous.body())).doesNotContain("tally_up");
        assertThat(Http.send("GET", base + "/metrics", Map.of("authorization", "Bearer scrape-secreT"), null).statusCode()).isEqualTo(401);
        assertThat(Http.send("GET", base + "/metrics", Map.of("authorization", "Basic scrape-secret"), null).statusCode()).isEqualTo(401);
        HttpResponse<byte[]> scraper = Http.send("GET", base + "/metrics", Map.of("authorization", "Bearer scrape-secret"), null);
        assertThat(scraper.statusCode()).isEqualTo(200);
        assertThat(new String(scraper.body())).contains("tally_up 1");

        HttpResponse<byte[]> login = Http.send("POST", base + "/api/login", Map.of("content-type", "application/json"),
                "{\"user\":\"val\",\"password\":\"battery staple\"}");
        String set = login.headers().firstValue("set-cookie").orElseThrow();
        assertThat(Http.send("GET", base + "/metrics", Map.of("cookie", set.substring(0, set.indexOf(';'))), null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void withoutATokenOnlyALoginOpensThem() throws Exception {
        String base = serve(true, null);
        assertThat(Http.send("GET", base + "/metrics", Map.of("authorization", "Bearer "), null).statusCode()).isEqualTo(401);
        assertThat(Http.send("GET", base + "/metrics", Map.of("authorization", "Bearer null"), null).statusCode()).isEqualTo(401);
    }

    @Test
    void onLoopbackMetricsStayOpen() throws Exception {
        String base = serve(false, null);
        assertThat(Http.send("GET", base + "/metrics", Map.of(), null).statusCode()).isEqualTo(200);
    }
}
