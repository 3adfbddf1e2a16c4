package tally.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.importers.aws.AwsAccess;
import tally.importers.aws.FakeAws;
import tally.pricing.PriceCatalog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.TestStores;
import tally.store.UsageWindows;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve --cloudwatch-namespace}: each minute's cost, tokens and requests per developer and per
 * model go to CloudWatch Logs as embedded-metric-format lines (PutLogEvents, SDK client, signed),
 * once, with a bounded number of dimension values.
 */
class CloudWatchPublisherTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir Path dir;
    private FakeAws aws;
    private Store store;

    @AfterEach
    void close() {
        if (store != null) store.close();
        if (aws != null) aws.close();
    }

    private static UsageEvent event(String id, Instant at, String identity, String model, PriceCatalog catalog) {
        return catalog.price(UsageEvent.builder().id(id).time(at).source(Source.GATEWAY).provider("anthropic").identity(identity)
                .requestId(id).modelId(model).tokens(new TokenCounts(100_000, 0, 0, 0, 1_000)).status(200).build());
    }

    /** The EMF lines sent so far, by "dimension=value". */
    private Map<String, JsonNode> sent() throws Exception {
        Map<String, JsonNode> out = new TreeMap<>();
        for (String call : aws.calls("Logs_20140328.PutLogEvents")) {
            JsonNode body = JSON.readTree(call.substring(call.indexOf(' ') + 1));
            for (JsonNode e : body.get("logEvents")) {
                JsonNode line = JSON.readTree(e.get("message").asText());
                String dim = line.at("/_aws/CloudWatchMetrics/0/Dimensions/0/0").asText();
                assertThat(e.get("timestamp").asLong()).isEqualTo(line.at("/_aws/Timestamp").asLong());
                out.merge(dim + "=" + line.get(dim).asText() + "@" + Instant.ofEpochMilli(e.get("timestamp").asLong()), line, (a, b) -> {
                    throw new AssertionError("sent twice: " + a);
                });
            }
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void eachMinuteIsSentOnceAsEmfLinesPerDeveloperAndModelWithBoundedDimensions(TestStores.Kind kind) throws Exception {
        aws = new FakeAws();
        store = Store.open(TestStores.config(kind, dir));
        PriceCatalog catalog = PriceCatalog.bundled();
        new Ledger(store).write(List.of(
                event("a", T0.plusSeconds(5), "alice", "claude-sonnet-4-5", catalog),
                event("b", T0.plusSeconds(50), "alice", "claude-sonnet-4-5", catalog),
                event("c", T0.plusSeconds(30), "bob", "claude-haiku-4-5", catalog),
                event("d", T0.plusSeconds(70), "carol", "claude-sonnet-4-5", catalog)));
        AtomicLong now = new AtomicLong(T0.toEpochMilli());
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return Instant.ofEpochMilli(now.get()); }
        };
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
        try (CloudWatchLogsClient logs = new AwsAccess("us-east-1", aws.endpoint(), creds).logs();
             CloudWatchPublisher publisher = new CloudWatchPublisher(logs, new UsageWindows(store), id -> id.equals("bob") ? "robert" : id,
                     "Tally/Claude", "/tally/metrics", "tally-test", 2, clock)) {
            now.set(T0.plusSeconds(119).toEpochMilli());
            assertThat(publisher.publish()).as("the first minute is not over plus a minute's lag").isZero();
            now.set(T0.plusSeconds(120).toEpochMilli());
            assertThat(publisher.publish()).isEqualTo(4); // alice, robert; two models
            Map<String, JsonNode> first = sent();
            JsonNode alice = first.get("Developer=alice@2026-03-02T10:00:00Z");
            // Sonnet 4.5: 100K in × $3/M + 1K out × $15/M = $0.315 a request; two requests
            assertThat(alice.get("CostUSD").decimalValue()).isEqualByComparingTo("0.63");
            assertThat(alice.get("Tokens").asLong()).isEqualTo(202_000);
            assertThat(alice.get("Requests").asLong()).isEqualTo(2);
            assertThat(alice.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Tally/Claude");
            assertThat(first).containsKeys("Developer=robert@2026-03-02T10:00:00Z", "Model=claude-haiku-4-5-20251001@2026-03-02T10:00:00Z");

            now.set(T0.plusSeconds(185).toEpochMilli());
            assertThat(publisher.publish()).isEqualTo(2);
            // A third developer is beyond the bound of two: summed as (other), never a new dimension value.
            assertThat(sent()).containsKeys("Developer=(other)@2026-03-02T10:01:00Z", "Model=claude-sonnet-4-5-20250929@2026-03-02T10:01:00Z");
            assertThat(publisher.publish()).isZero();
        }
        assertThat(aws.calls("Logs_20140328.CreateLogStream")).hasSize(1);
        assertThat(aws.authorizations).allSatisfy(a -> assertThat(a).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").contains("/logs/aws4_request"));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void minutesThatCouldNotBeSentAreSentLater(TestStores.Kind kind) throws Exception {
        aws = new FakeAws();
        store = Store.open(TestStores.config(kind, dir));
        PriceCatalog catalog = PriceCatalog.bundled();
        new Ledger(store).write(List.of(event("a", T0.plusSeconds(5), "alice", "claude-sonnet-4-5", catalog)));
        AtomicLong now = new AtomicLong(T0.toEpochMilli());
        Clock clock = new Clock() {
            public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
            public Clock withZone(java.time.ZoneId z) { return this; }
            public Instant instant() { return Instant.ofEpochMilli(now.get()); }
        };
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
        int port = aws.endpoint().getPort();
        aws.close();
        List<Integer> counts = new ArrayList<>();
        try (CloudWatchLogsClient logs = new AwsAccess("us-east-1", java.net.URI.create("http://127.0.0.1:" + port), creds).logs();
             CloudWatchPublisher publisher = new CloudWatchPublisher(logs, new UsageWindows(store), id -> id, "Tally", "/tally/metrics", "s", 10, clock)) {
            now.set(T0.plusSeconds(120).toEpochMilli());
            try {
                publisher.publish();
                throw new AssertionError("expected the call to fail");
            } catch (IllegalStateException e) {
                assertThat(e.getMessage()).startsWith("PutLogEvents to /tally/metrics failed");
            }
            aws = new FakeAws(port);
            counts.add(publisher.publish());
        }
        assertThat(counts).containsExactly(2);
        assertThat(sent()).containsKey("Developer=alice@2026-03-02T10:00:00Z");
    }
}
