package tally.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tally.TestJvm;
import tally.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tally serve} as a developer points Claude Code at it: one URL is the OTLP endpoint too.
 * The captured exports go in over HTTP with an ingest token; the report (run while the server owns
 * the data) shows what every source agrees on.
 */
class ServeTelemetryTest {
    @TempDir Path dir;

    private String[] tally(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data";
        all[args.length + 1] = dir.toString();
        all[args.length + 2] = "--tz";
        all[args.length + 3] = "UTC";
        int code = Main.run(all, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    @Timeout(120)
    void claudeCodeTelemetrySentToTheServeUrlShowsInTheReport() throws Exception {
        String token = tally("tokens", "create", "--user", "alice")[0].trim();
        Served served = serve();
        Process server = served.process();
        String base = served.base();
        try {
            HttpClient http = tally.gateway.Http.CLIENT;
            for (TelemetryCollectorTest.Export e : TelemetryCollectorTest.exports("json")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + (e.logs() ? "/v1/logs" : "/v1/metrics")))
                        .header("content-type", "application/json").header("authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Files.readAllBytes(e.file()))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/metrics"))
                    .header("content-type", "application/json").header("authorization", "Bearer nope")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(401);
            // another method on a collector path is OTLP's 405, not the gateway's proxy (an Anthropic 401, or the key sent upstream)
            for (String method : List.of("GET", "PUT")) {
                for (String path : List.of("/v1/metrics", "/v1/logs")) {
                    HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + path))
                            .header("content-type", "application/json").header("x-api-key", "sk-ant-api03-someone-elses-key")
                            .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString("{}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(wrong.statusCode()).as(method + " " + path).isEqualTo(405);
                    assertThat(wrong.headers().firstValue("allow")).hasValue("POST");
                    JsonNode status = new ObjectMapper().readTree(wrong.body());
                    assertThat(status.path("code").asInt()).isEqualTo(12); // UNIMPLEMENTED
                    assertThat(status.path("message").asText()).isEqualTo(method + " is not allowed on " + path + ": OTLP exports are sent with POST");
                }
            }

            // runs inside the server, which owns the embedded store; an answered export is durable in the
            // spool at once and in the store moments later (its writer gathers writes for up to 25 ms)
            JsonNode report = new ObjectMapper().readTree(tally("report", "--days", "400", "--format", "json")[0]);
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                 report.at("/total/input_tokens").asLong() < 155 && System.nanoTime() < until; Thread.sleep(20)) {
                report = new ObjectMapper().readTree(tally("report", "--days", "400", "--format", "json")[0]);
            }
            assertThat(report.at("/rows/0/key").asText()).isEqualTo("alice");
            assertThat(report.at("/total/input_tokens").asLong()).isEqualTo(155);
            assertThat(report.at("/total/output_tokens").asLong()).isEqualTo(43);
            assertThat(report.at("/total/cache_read_tokens").asLong()).isEqualTo(63_000);
            assertThat(report.at("/total/cache_write_tokens").asLong()).isEqualTo(4_940);
            assertThat(report.at("/total/cost_usd").asText()).isEqualTo("0.035095");
        } finally {
            server.destroy(); // SIGTERM: drains and flushes
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        JsonNode after = new ObjectMapper().readTree(tally("totals", "--days", "400", "--format", "json")[0]);
        assertThat(after.get("cost_usd").asText()).isEqualTo("0.035095");
        assertThat(List.of(tally("activity", "--days", "400")[0].split("\n"))).anyMatch(l -> l.startsWith("alice"));
    }

    @Test
    @Timeout(120)
    void aTokenRevokedWithTheCliBesideTheRunningServerIsRefusedAtOnce() throws Exception {
        String token = tally("tokens", "create", "--user", "carol")[0].trim();
        Served served = serve();
        try {
            Map<String, String> carol = Map.of("content-type", "application/json", "authorization", "Bearer " + token);
            assertThat(tally.gateway.Http.send("POST", served.base() + "/v1/logs", carol, "{}").statusCode()).isEqualTo(200);

            String listed = tally("tokens", "list", "--format", "json")[0];
            assertThat(listed).doesNotContain(token.substring(7));
            JsonNode entry = new ObjectMapper().readTree(listed).get(0);
            assertThat(entry.path("user").asText()).isEqualTo("carol");
            assertThat(entry.path("status").asText()).isEqualTo("active");
            String id = entry.path("id").asText();
            assertThat(tally("tokens", "revoke", id)[0]).isEqualTo("revoked " + id + " (carol)\n");

            HttpResponse<byte[]> refused = tally.gateway.Http.send("POST", served.base() + "/v1/logs", carol, "{}");
            assertThat(refused.statusCode()).as("refused at once, without a restart").isEqualTo(401);
            assertThat(new String(refused.body(), StandardCharsets.UTF_8)).contains("this ingest token was revoked");
            assertThat(tally("tokens", "list")[0]).contains(id, "carol", "revoked");
            // its use was written when the server re-read its tokens after the revocation (an admin call)
            assertThat(new ObjectMapper().readTree(tally("tokens", "list", "--format", "json")[0]).get(0).path("last_used").asText())
                    .startsWith(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().substring(0, 4));

            StringWriter err = new StringWriter();
            int again = Main.run(new String[] {"tokens", "revoke", token, "--data", dir.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
            assertThat(again).isEqualTo(Main.BAD_INPUT);
            assertThat(err.toString()).contains("ingest token " + id + " (carol) was already revoked at ");
        } finally {
            served.process().destroy();
            assertThat(served.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private record Served(Process process, String base) {}

    /** Starts {@code tally serve} on the test's data and waits for its URL. */
    private Served serve() throws Exception {
        Process server = new ProcessBuilder(TestJvm.command(dir, List.of(), Main.class,
                "serve", "--port", "0", "--data", dir.toString(), "--upstream", "http://127.0.0.1:9"))
                .redirectErrorStream(true).start();
        return new Served(server, TestJvm.servingUrl(server));
    }

    private static void export(String base, String json) throws Exception {
        HttpResponse<String> r = tally.gateway.Http.CLIENT.send(HttpRequest.newBuilder(URI.create(base + "/v1/metrics"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    @Timeout(60)
    void aServerKilledMidSeriesIsContinuedWhereClaudeCodesCountersWere() throws Exception {
        java.time.Instant start = CollectorNode.T0;
        Served killed = serve();
        try {
            export(killed.base(), CollectorNode.inputTokens("s1", start, start.plusSeconds(60), 100));
            export(killed.base(), CollectorNode.inputTokens("s1", start, start.plusSeconds(120), 150));
        } finally {
            killed.process().destroyForcibly(); // kill -9: the last point may be in the spool only
            assertThat(killed.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        // the next run on the same data (in this JVM, to keep the test short) replays the spool and goes on
        try (CollectorNode next = new CollectorNode(tally.store.StoreConfig.embedded(dir))) {
            next.export("/v1/metrics", CollectorNode.inputTokens("s1", start, start.plusSeconds(180), 200));
            tally.store.UsageRow t = next.totals();
            assertThat(t.tokens().input()).isEqualTo(200);
            assertThat(t.costNanos()).isEqualTo(600_000L); // 200 Sonnet 4.5 input tokens at $3/M
        }
    }
}
