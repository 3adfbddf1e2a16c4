package tally.server;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.TestJvm;
import tally.cli.Main;
import tally.gateway.FakeAnthropic;
import tally.gateway.Http;
import tally.store.Store;
import tally.store.StoreConfig;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tally serve} as a process: while it owns the embedded store, every other command still
 * works (it runs inside the server); on SIGTERM it lets a stream in flight finish and stores its
 * record before exiting.
 */
class ServeProcessTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    Run tally(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--data";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Main.run(all, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void commands_run_inside_the_serving_process_and_sigterm_lets_a_stream_in_flight_finish_and_be_recorded() throws Exception {
        Vertx vertx = Vertx.vertx();
        FakeAnthropic upstream = new FakeAnthropic(vertx);
        upstream.eventDelayMs = 150;
        upstream.deltas = 8; // a stream of about two seconds
        ProcessBuilder pb = new ProcessBuilder(TestJvm.command(dir, List.of(), Main.class,
                "serve", "--port", "0", "--data", dir.toString(), "--upstream", upstream.url(), "--tz", "UTC"))
                .redirectErrorStream(true);
        pb.environment().put("TALLY_UPSTREAM_KEY", "sk-ant-server-key");
        Process server = pb.start();
        try {
            String base = TestJvm.servingUrl(server);
            Path file = ServerFile.path(dir);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

            // Other commands on the same data: DuckDB admits one process, so these run inside the server.
            Run key = tally("keys", "create", "--user", "bob", "--team", "eng");
            assertThat(key.code()).as(key.err()).isZero();
            String secret = key.out().trim();
            assertThat(secret).startsWith("sk-tally-");
            assertThat(tally("budgets", "set", "--person", "bob", "--usd", "5", "--period", "daily").code()).isZero();
            assertThat(tally("budgets", "list", "--format", "json").out()).contains("\"name\" : \"person:bob:daily\"");
            assertThat(tally("people", "list").out()).contains("bob");
            Run config = tally("client-config", "--user", "carol");
            assertThat(config.out()).contains("\"ANTHROPIC_BASE_URL\" : \"" + base + "\"").contains("sk-tally-");
            assertThat(tally("keys", "list").out()).contains("bob").contains("carol").doesNotContain(secret);
            // A command in a process of its own asks the server in JSON without ever making databind's mapper (its start
            // was a quarter of such a command's CPU): jackson-jr reads serve.json, writes the request, reads the answer.
            Process lister = new ProcessBuilder(TestJvm.command(dir, List.of("-Xlog:class+load=info"), Main.class,
                    "--data", dir.toString(), "people", "list")).redirectErrorStream(true).start();
            String listed = new String(lister.getInputStream().readAllBytes());
            assertThat(lister.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(lister.exitValue()).as(listed).isZero();
            assertThat(listed).contains("bob").contains("jackson.jr.ob").doesNotContain("databind.ObjectMapper")
                    .doesNotContain("StdDateFormat");

            // The use-case routes answer only the token holder.
            HttpResponse<byte[]> forged = Http.send("POST", base + tally.app.Ops.PEOPLE_LIST.path(), Map.of("authorization", "Bearer guess",
                    "content-type", "application/json"), "{}");
            assertThat(forged.statusCode()).isEqualTo(403);

            // The new key works at once, and a stream is in flight when SIGTERM arrives.
            assertThat(Http.post(base + "/v1/messages", Http.withKey(secret), Http.messageBody("claude-haiku-4-5-20251001", 10, false))
                    .statusCode()).isEqualTo(200);
            HttpResponse<InputStream> stream = Http.open(base + "/v1/messages", Http.withKey(secret),
                    Http.messageBody("claude-haiku-4-5-20251001", 10, true));
            InputStream in = stream.body();
            byte[] head = in.readNBytes(20);
            CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(head) + new String(in.readAllBytes());
                } catch (Exception e) {
                    return "broken: " + e;
                }
            });
            server.destroy(); // SIGTERM
            assertThat(rest.get(20, TimeUnit.SECONDS)).startsWith("event: message_start").contains("event: message_stop");
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(file).doesNotExist();
        } finally {
            server.destroyForcibly();
            upstream.close();
            vertx.close();
        }

        // The server is gone: the store is ours again, and both requests are in it.
        try (Store store = Store.open(StoreConfig.embedded(dir));
             Connection c = store.connection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), sum(output_tokens), min(status), max(status) FROM usage_events")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(2);
            assertThat(rs.getLong(2)).isEqualTo(14);
            assertThat(rs.getInt(3)).isEqualTo(200);
            assertThat(rs.getInt(4)).isEqualTo(200);
        }
        assertThat(tally("totals", "--format", "json").out()).contains("\"requests\" : 2");
    }
}
