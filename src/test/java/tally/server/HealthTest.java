package tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.gateway.Http;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.store.TcpProxy;
import tally.store.TestStores;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * /healthz says the process answers; /readyz that it can take records: the store answers and the
 * spool directory is writable. When PostgreSQL goes away, or the spool cannot be written, /readyz
 * turns 503 with the reason, and back to 200 once it is fixed, while /healthz stays 200.
 */
class HealthTest {
    @TempDir Path dir;

    @Test
    void readinessFollowsTheStoreAndTheSpool() throws Exception {
        String url = TestStores.freshSchemaUrl();
        URI uri = URI.create(url);
        Vertx vertx = Vertx.vertx();
        try (TcpProxy proxy = new TcpProxy(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432)) {
            String viaProxy = url.replace(uri.getHost() + ":" + uri.getPort(), "127.0.0.1:" + proxy.port());
            StoreConfig config = StoreConfig.postgres(dir, viaProxy);
            Path spool = Files.createDirectories(config.spoolDir());
            try (Store store = Store.open(config);
                 TallyServer server = TallyServer.start(vertx, "127.0.0.1", 0, List.of(new Health(vertx, store, spool)::mount))) {
                String base = "http://127.0.0.1:" + server.port();
                assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);
                assertThat(json(get(base + "/healthz")).path("status").asText()).isEqualTo("ok");
                assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);

                proxy.down();
                HttpResponse<byte[]> down = get(base + "/readyz");
                assertThat(down.statusCode()).isEqualTo(503);
                assertThat(json(down).path("reason").asText()).isEqualTo("the store does not answer");
                assertThat(get(base + "/healthz").statusCode()).isEqualTo(200);

                proxy.up();
                assertThat(get(base + "/readyz").statusCode()).isEqualTo(200);

                Files.delete(spool); // something else took the spool's place: records could not be spooled
                Files.writeString(spool, "not a directory");
                HttpResponse<byte[]> noSpool = get(base + "/readyz");
                assertThat(noSpool.statusCode()).isEqualTo(503);
                assertThat(json(noSpool).path("reason").asText()).isEqualTo("the spool directory is not writable");
            }
        } finally {
            vertx.close();
        }
    }

    private static HttpResponse<byte[]> get(String url) {
        return Http.send("GET", url, Map.of(), null);
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        return new ObjectMapper().readTree(r.body());
    }
}
