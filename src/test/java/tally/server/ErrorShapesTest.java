package tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedInputStream;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.otlp.OtlpRoutes;
import tally.otlp.TelemetryCollector;
import tally.pricing.PriceCatalog;
import tally.store.ActivityLog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.StoreConfig;
import tally.web.WebApp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever goes wrong with a request — no such path, a URI, header block or body over its limit, a
 * bad parameter — the answer is JSON in the caller's own language: Anthropic's error shape on the
 * gateway's paths, OTLP's Status (JSON or protobuf, as the request was) on the collector's, the API's
 * own under /api. Never an HTML page, and a client's mistake is not logged as a server fault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorShapesTest {
    @TempDir static Path dir;
    private Vertx vertx;
    private Store store;
    private IngestWriter writer;
    private TallyServer server;
    private final List<LogRecord> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) { logged.add(r); }
        @Override public void flush() {}
        @Override public void close() {}
    };

    record Reply(int status, String contentType, byte[] body) {
        JsonNode json() throws IOException {
            assertThat(contentType).startsWith("application/json");
            return new ObjectMapper().readTree(body);
        }
    }

    @BeforeAll
    void start() {
        Logger.getLogger("").addHandler(capture);
        store = Store.open(StoreConfig.embedded(dir));
        Ledger ledger = new Ledger(store);
        writer = new IngestWriter(ledger, new Spool(dir.resolve("spool")), PriceCatalog.bundled()::price,
                new IngestWriter.Options(1_000, Duration.ofMillis(5), 10_000));
        vertx = Vertx.vertx();
        TelemetryCollector collector = new TelemetryCollector(writer, ledger, new ActivityLog(store), "developer.id", "team.id");
        Consumer<Router> broken = r -> r.get("/v1/messages/explode").handler(ctx -> {
            throw new IllegalStateException("a bug in a handler");
        });
        server = TallyServer.start(vertx, "127.0.0.1", 0, List.of(new OtlpRoutes(vertx, collector)::mount, broken,
                r -> r.post("/v1/messages").handler(io.vertx.ext.web.handler.BodyHandler.create(false).setBodyLimit(1024))
                        .handler(ctx -> ctx.response().end("{}")),
                r -> r.post("/v1/complete").handler(io.vertx.ext.web.handler.BodyHandler.create(false).setBodyLimit(1 << 20))
                        .handler(ctx -> ctx.response().end("{}")),
                WebApp.forServer(vertx, store, ledger, ZoneOffset.UTC, Clock.systemUTC(), "127.0.0.1", dir)));
    }

    @AfterAll
    void stop() {
        Logger.getLogger("").removeHandler(capture);
        if (server != null) server.close();
        if (vertx != null) vertx.close();
        if (writer != null) writer.close();
        if (store != null) store.close();
    }

    @Test
    void gatewayPathsAnswerInAnthropicsShape() throws Exception {
        JsonNode notFound = raw("GET /v1/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n").json();
        assertAnthropic(notFound, "not_found_error");
        Reply longUri = raw("GET /v1/messages?q=" + "a".repeat(20 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(longUri.status()).isEqualTo(414);
        assertAnthropic(longUri.json(), "invalid_request_error");
        Reply bigHeaders = raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(64 * 1024) + "\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(bigHeaders.status()).isEqualTo(431);
        assertAnthropic(bigHeaders.json(), "invalid_request_error");
        Reply bigBody = raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n"
                + "{".repeat(4096));
        assertThat(bigBody.status()).isEqualTo(413);
        assertAnthropic(bigBody.json(), "request_too_large");
        Reply bug = raw("GET /v1/messages/explode HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(bug.status()).isEqualTo(500);
        assertAnthropic(bug.json(), "api_error");
        assertThat(bug.json().path("error").path("message").asText()).isEqualTo("internal error");
        // a request line too long even to parse: no path is known, so the default (Anthropic's) shape
        Reply unparsable = raw("GET /v1/messages?q=" + "a".repeat(70 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(unparsable.status()).isEqualTo(414);
        assertAnthropic(unparsable.json(), "invalid_request_error");
        for (String path : List.of("/v1/messages%ZZ", "/bedrock/model/%ZZ/invoke", "/vertex/v1/projects/p/locations/%ZZ/x")) {
            Reply badEscape = raw("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            assertThat(badEscape.status()).as(path).isEqualTo(400);
            assertAnthropic(badEscape.json(), "invalid_request_error");
            assertThat(badEscape.json().path("error").path("message").asText()).as(path).contains("%ZZ");
        }
    }

    @Test
    void aFormBodyTheBodyHandlerCannotDecodeIsRefusedWithItsReason() throws Exception {
        String longField = "a=" + "x".repeat(20_000);
        String manyFields = java.util.stream.IntStream.range(0, 300).mapToObj(i -> "f" + i + "=v")
                .collect(java.util.stream.Collectors.joining("&"));
        for (String form : List.of(longField, manyFields, "a=%zz&b=1")) {
            Reply r = raw("POST /v1/complete HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                    + "Content-Length: " + form.length() + "\r\n\r\n" + form);
            assertThat(r.status()).isEqualTo(400);
            assertAnthropic(r.json(), "invalid_request_error");
            assertThat(r.json().path("error").path("message").asText()).as(form.substring(0, 9))
                    .contains("application/x-www-form-urlencoded").contains("as JSON");
        }
    }

    @Test
    void collectorPathsAnswerWithOtlpStatusInTheRequestsEncoding() throws Exception {
        Reply tooBig = raw("POST /v1/metrics HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: "
                + (tally.otlp.OtlpDecoder.MAX_BODY_BYTES + 1L) + "\r\n\r\n");
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.contentType()).isEqualTo("application/x-protobuf");
        CodedInputStream status = CodedInputStream.newInstance(tooBig.body()); // google.rpc.Status
        assertThat(status.readTag()).isEqualTo(1 << 3);
        assertThat(status.readInt32()).isEqualTo(8); // code: RESOURCE_EXHAUSTED
        assertThat(status.readTag()).isEqualTo(2 << 3 | 2);
        assertThat(status.readString()).contains("too large"); // message
        Reply longUri = raw("POST /v1/logs?q=" + "a".repeat(20 * 1024) + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\n\r\n{}");
        assertThat(longUri.status()).isEqualTo(414);
        assertThat(longUri.json().path("code").asInt()).isEqualTo(3);
        assertThat(longUri.json().path("message").asText()).contains("URI is too long");
        Reply bigHeaders = raw("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Big: "
                + "b".repeat(64 * 1024) + "\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(bigHeaders.status()).isEqualTo(431);
        // headers too large to read leave the request's encoding unknown: OTLP's default, protobuf
        assertThat(bigHeaders.contentType()).isEqualTo("application/x-protobuf");
        CodedInputStream big = CodedInputStream.newInstance(bigHeaders.body());
        assertThat(big.readTag()).isEqualTo(1 << 3);
        assertThat(big.readInt32()).isEqualTo(8);
    }

    @Test
    void apiPathsAnswerInTheApisShape() throws Exception {
        Reply bad = raw("GET /api/usage?by=nonsense HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(bad.json().path("error").path("message").asText()).startsWith("by:");
        Reply longUri = raw("GET /api/usage?q=" + "a".repeat(20 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(longUri.status()).isEqualTo(414);
        assertThat(longUri.json().path("error").path("message").asText()).contains("URI is too long");
        assertThat(longUri.json().has("type")).isFalse();
        Reply bigHeaders = raw("GET /api/usage HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(64 * 1024) + "\r\n\r\n");
        assertThat(bigHeaders.status()).isEqualTo(431);
        assertThat(bigHeaders.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void noHtmlAnywhereAndClientMistakesAreNotLoggedAsFaults() throws Exception {
        logged.clear();
        for (String path : new String[] {"/nothing", "/v2/x", "/assets/none.js"}) {
            Reply r = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(r.status()).as(path).isEqualTo(404);
            assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContainIgnoringCase("<html");
            assertAnthropic(r.json(), "not_found_error");
        }
        raw("POST /v1/messages HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + "x".repeat(4096));
        raw("GET /v1/messages?q=" + "a".repeat(20 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(logged).extracting(LogRecord::getMessage).noneMatch(m -> m != null && m.contains("Unhandled exception"));
    }

    private static void assertAnthropic(JsonNode body, String type) {
        assertThat(body.path("type").asText()).isEqualTo("error");
        assertThat(body.path("error").path("type").asText()).isEqualTo(type);
        assertThat(body.path("error").path("message").asText()).isNotBlank();
    }

    /** One request written as bytes on a fresh connection; the response read up to its Content-Length. */
    private Reply raw(String request) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before reading everything: the answer is still there
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) throw new IOException("closed after: " + head);
                head.write(b);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            String type = null;
            int length = 0;
            for (String line : lines) {
                String lower = line.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-type:")) type = line.substring(13).trim();
                if (lower.startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
            }
            return new Reply(status, type, in.readNBytes(length));
        }
    }
}
