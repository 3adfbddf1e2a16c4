package tally.otlp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tally.cli.Main;

import java.io.BufferedReader;
import java.io.InputStreamReader;
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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        Process server = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--port", "0", "--data", dir.toString(), "--upstream", "http://127.0.0.1:9")
                .redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String base = null;
            for (String line; base == null && (line = lines.readLine()) != null; ) {
                Matcher m = Pattern.compile("serving on (http://[^ ]+)").matcher(line);
                if (m.find()) base = m.group(1);
            }
            assertThat(base).as("the server printed its URL").isNotNull();
            Thread drain = new Thread(() -> lines.lines().forEach(l -> { }));
            drain.setDaemon(true);
            drain.start();

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

            // runs inside the server, which owns the embedded store
            JsonNode report = new ObjectMapper().readTree(tally("report", "--days", "400", "--format", "json")[0]);
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
}
