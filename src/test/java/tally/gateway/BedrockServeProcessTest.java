package tally.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tally.TestJvm;
import tally.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tally serve} as a process, as an operator runs it: AWS keys in its environment (the
 * default credentials chain), {@code --bedrock-endpoint} at the fake; the developer's settings from
 * {@code tally client-config --bedrock}; Claude Code's captured first Bedrock call sent with them.
 */
class BedrockServeProcessTest {
    @TempDir Path dir;

    private String[] tally(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data";
        all[args.length + 1] = dir.toString();
        int code = Main.run(all, new PrintWriter(out), new PrintWriter(err));
        assertThat(code).as(err.toString()).isZero();
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    @Timeout(120)
    void the_served_bedrock_route_signs_with_the_default_chains_credentials_and_the_ledger_has_the_call() throws Exception {
        JsonNode env = FakeAnthropic.JSON.readTree(tally("client-config", "--user", "alice", "--bedrock",
                "--no-telemetry", "--no-status-line")[0]).get("env");
        String key = env.get("AWS_BEARER_TOKEN_BEDROCK").asText();
        Vertx vertx = Vertx.vertx();
        byte[] answer = BedrockGatewayTest.bytes("say-hi.eventstream.bin");
        FakeBedrock fake = new FakeBedrock(vertx, answer);
        ProcessBuilder pb = new ProcessBuilder(TestJvm.command(dir, List.of(), Main.class,
                "serve", "--port", "0", "--data", dir.toString(), "--upstream", "http://127.0.0.1:9",
                "--bedrock-region", FakeBedrock.REGION, "--bedrock-endpoint", fake.url()))
                .redirectErrorStream(true);
        pb.environment().put("AWS_ACCESS_KEY_ID", FakeBedrock.ACCESS_KEY);
        pb.environment().put("AWS_SECRET_ACCESS_KEY", FakeBedrock.SECRET_KEY);
        pb.environment().remove("AWS_SESSION_TOKEN");
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().put("AWS_CONFIG_FILE", dir.resolve("no-aws-config").toString());
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", dir.resolve("no-aws-credentials").toString());
        Process server = pb.start();
        try {
            String base = TestJvm.servingUrl(server);

            FixtureReplayTest.Captured sayHi = FixtureReplayTest.read(BedrockGatewayTest.BEDROCK.resolve("requests.trimmed.jsonl")).get(1);
            Map<String, String> h = new LinkedHashMap<>(sayHi.headers());
            h.put("Authorization", "Bearer " + key);
            String url = env.get("ANTHROPIC_BEDROCK_BASE_URL").asText().replace("http://127.0.0.1:4318", base)
                    + sayHi.uri().substring("/bedrock".length());
            HttpResponse<byte[]> resp = Http.send("POST", url, h, sayHi.body());
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.body()).isEqualTo(answer);
            assertThat(fake.seen).hasSize(1);
            assertThat(fake.seen.get(0).authProblem()).isNull();

            // answered once durable in the spool; the store takes it moments later (writes gather for up to 25 ms)
            JsonNode totals = FakeAnthropic.JSON.readTree(tally("totals", "--days", "2", "--format", "json")[0]);
            for (long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                 totals.get("requests").asLong() == 0 && System.nanoTime() < until; Thread.sleep(20)) {
                totals = FakeAnthropic.JSON.readTree(tally("totals", "--days", "2", "--format", "json")[0]);
            }
            assertThat(totals.get("requests").asLong()).isEqualTo(1);
            assertThat(totals.get("total_tokens").asLong()).isEqualTo(25 + 1500 + 12000 + 7);
            assertThat(totals.get("cost_usd").asText()).isEqualTo("0.0103455");
        } finally {
            server.destroy();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            fake.close();
            FakeAnthropic.await(vertx.close());
        }
    }
}
