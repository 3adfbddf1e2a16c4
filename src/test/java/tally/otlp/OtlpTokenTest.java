package tally.otlp;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.Ids;
import tally.gateway.Http;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.pricing.PriceCatalog;
import tally.server.TallyServer;
import tally.store.ActivityLog;
import tally.store.IngestTokenStore;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A collector that requires ingest tokens (the default beyond loopback) refuses an export without a
 * known one — metrics, logs and traces alike — with 401 and OTLP's Status, in the request's encoding.
 */
class OtlpTokenTest {
    @TempDir Path dir;
    private Vertx vertx;
    private Store store;
    private IngestWriter writer;
    private TallyServer server;
    private TelemetryCollector collector;
    private String base;

    @BeforeEach
    void start() {
        store = Store.open(StoreConfig.embedded(dir));
        Ledger ledger = new Ledger(store);
        writer = new IngestWriter(ledger, new Spool(dir.resolve("spool")), PriceCatalog.bundled()::price,
                new IngestWriter.Options(1_000, Duration.ofMillis(5), 10_000));
        ActivityLog activity = new ActivityLog(store);
        activity.addToken(Ids.sha256("tok-alice"), "alice");
        vertx = Vertx.vertx();
        collector = new TelemetryCollector(writer, ledger, activity, "developer.id", "team.id");
        server = TallyServer.start(vertx, "127.0.0.1", 0, List.of(new OtlpRoutes(vertx, collector, true)::mount));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        vertx.close();
        writer.close();
        store.close();
    }

    @Test
    void exportsWithoutAKnownTokenAreRefusedWithStatus() throws Exception {
        Map<String, String> json = Map.of("content-type", "application/json");
        for (String path : new String[] {"/v1/metrics", "/v1/logs", "/v1/traces"}) {
            HttpResponse<byte[]> none = Http.send("POST", base + path, json, "{}");
            assertThat(none.statusCode()).as(path).isEqualTo(401);
            var status = new ObjectMapper().readTree(none.body());
            assertThat(status.path("code").asInt()).isEqualTo(16); // UNAUTHENTICATED
            assertThat(status.path("message").asText()).contains("requires an ingest token");
        }
        HttpResponse<byte[]> forged = Http.send("POST", base + "/v1/logs",
                Map.of("content-type", "application/x-protobuf", "authorization", "Bearer tok-mallory"), "");
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(forged.headers().firstValue("content-type")).hasValue("application/x-protobuf");
        CodedInputStream in = CodedInputStream.newInstance(forged.body());
        assertThat(in.readTag()).isEqualTo(1 << 3);
        assertThat(in.readInt32()).isEqualTo(16);

        Map<String, String> alice = Map.of("content-type", "application/json", "authorization", "Bearer tok-alice");
        assertThat(Http.send("POST", base + "/v1/metrics", alice, "{}").statusCode()).isEqualTo(200);
        assertThat(Http.send("POST", base + "/v1/traces", alice, "{}").statusCode()).isEqualTo(200);
        assertThat(Http.send("POST", base + "/v1/logs", Map.of("content-type", "application/json", "x-api-key", "tok-alice"), "{}")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aTokenCreatedBesideTheRunningCollectorIsAcceptedAtItsFirstExportAndRandomTokensAreRefused() throws Exception {
        Map<String, String> mallory = Map.of("content-type", "application/json", "authorization", "Bearer tok-mallory");
        for (int i = 0; i < 3; i++) { // each answered after the collector's next re-read: one a second at most
            HttpResponse<byte[]> refused = Http.send("POST", base + "/v1/logs", mallory, "{}");
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(new ObjectMapper().readTree(refused.body()).path("message").asText()).startsWith("unknown ingest token");
        }
        // `tally tokens create` by another process on the same store (a shared PostgreSQL): not reloaded by this server
        new IngestTokenStore(store).insert(Ids.sha256("tok-bob"), "bob", System.currentTimeMillis());
        String body = "{" + " ".repeat(200_000) + "}"; // a body still arriving while the token is looked up
        for (String path : new String[] {"/v1/logs", "/v1/metrics"}) {
            HttpResponse<byte[]> ok = Http.send("POST", base + path, Map.of("content-type", "application/json",
                    "authorization", "Bearer tok-bob"), body);
            assertThat(ok.statusCode()).as(path + " " + new String(ok.body())).isEqualTo(200);
        }
    }

    @Test
    void aRevokedTokenIsRefusedWithTheReasonOnceTheCollectorRereadsItsTokens() throws Exception {
        Map<String, String> alice = Map.of("content-type", "application/json", "authorization", "Bearer tok-alice");
        assertThat(Http.send("POST", base + "/v1/logs", alice, "{}").statusCode()).isEqualTo(200);

        // revoked by another process on the same store: `tally tokens revoke` beside a server on PostgreSQL
        assertThat(new IngestTokenStore(store).revoke(Ids.sha256("tok-alice"), System.currentTimeMillis())).isTrue();
        collector.reloadTokens(); // what the server does after each admin call and on its refresh timer

        for (String path : new String[] {"/v1/logs", "/v1/metrics"}) {
            HttpResponse<byte[]> refused = Http.send("POST", base + path, alice, "{}");
            assertThat(refused.statusCode()).as(path).isEqualTo(401);
            var status = new ObjectMapper().readTree(refused.body());
            assertThat(status.path("code").asInt()).isEqualTo(16);
            assertThat(status.path("message").asText()).startsWith("this ingest token was revoked");
        }
        HttpResponse<byte[]> unknown = Http.send("POST", base + "/v1/logs",
                Map.of("content-type", "application/json", "authorization", "Bearer tok-mallory"), "{}");
        assertThat(new ObjectMapper().readTree(unknown.body()).path("message").asText()).startsWith("unknown ingest token");
    }

    @Test
    void whenATokenLastLetAnExportInIsStoredAtTheNextRefresh() throws Exception {
        IngestTokenStore tokens = new IngestTokenStore(store);
        new IngestTokenStore(store).insert(Ids.sha256("tok-erin"), "erin", 1L); // never used
        collector.reloadTokens();
        long before = System.currentTimeMillis();
        Map<String, String> alice = Map.of("content-type", "application/json", "authorization", "Bearer tok-alice");
        assertThat(Http.send("POST", base + "/v1/logs", alice, "{}").statusCode()).isEqualTo(200);
        assertThat(lastUsed(tokens, "tok-alice")).as("kept in memory until the next re-read").isNull();

        collector.reloadTokens(); // what the server does on its refresh timer and after each admin call (and an unknown token)
        Http.send("POST", base + "/v1/logs", Map.of("content-type", "application/json", "authorization", "Bearer tok-mallory"), "{}");

        assertThat(lastUsed(tokens, "tok-alice")).isBetween(before, System.currentTimeMillis());
        assertThat(lastUsed(tokens, "tok-erin")).isNull();
        assertThat(tokens.all()).hasSize(2); // an unknown token leaves nothing behind
    }

    private static Long lastUsed(IngestTokenStore tokens, String token) {
        return tokens.all().stream().filter(r -> r.sha256().equals(Ids.sha256(token))).findFirst().orElseThrow().lastUsedMs();
    }
}
