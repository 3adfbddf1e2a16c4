package tally.otlp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tally.store.StoreConfig;
import tally.store.TcpProxy;
import tally.store.TestStores;
import tally.store.UsageRow;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.otlp.CollectorNode.T0;
import static tally.otlp.CollectorNode.apiRequest;
import static tally.otlp.CollectorNode.inputTokens;

/** PostgreSQL goes away under a running collector: Claude Code's exports are still answered, and land once it is back. */
class TelemetryOutageTest {
    @TempDir Path dir;

    @Test
    @Timeout(90)
    void eventsOfANewSessionAreAcceptedWhilePostgresIsDownAndReplaceItsMetricUsageOnceItIsBack() throws Exception {
        String url = TestStores.freshSchemaUrl();
        URI uri = URI.create(url);
        try (TcpProxy proxy = new TcpProxy(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 5432)) {
            StoreConfig config = StoreConfig.postgres(dir, url.replace(uri.getHost() + ":" + uri.getPort(), "127.0.0.1:" + proxy.port()));
            try (CollectorNode n = new CollectorNode(config)) {
                n.export("/v1/metrics", inputTokens("s1", T0, T0.plusSeconds(60), 100)); // s1 sends metrics first
                assertThat(n.totals().tokens().input()).isEqualTo(100);

                proxy.down();
                HttpResponse<String> first = n.post("/v1/logs", apiRequest("s1", "req_1", T0.plusSeconds(30), 60, 7));
                assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
                HttpResponse<String> second = n.post("/v1/logs", apiRequest("s1", "req_2", T0.plusSeconds(50), 40, 3));
                assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
                HttpResponse<String> metrics = n.post("/v1/metrics", inputTokens("s1", T0, T0.plusSeconds(120), 100));
                assertThat(metrics.statusCode()).as(metrics.body()).isEqualTo(200);
                HttpResponse<String> other = n.post("/v1/metrics", inputTokens("s2", T0, T0.plusSeconds(120), 25));
                assertThat(other.statusCode()).as(other.body()).isEqualTo(200); // a metrics-only session

                proxy.up();
                UsageRow t = n.totals();
                assertThat(t.tokens().input()).as("s1 from its two events only, s2 from its metric").isEqualTo(60 + 40 + 25);
                assertThat(t.tokens().output()).isEqualTo(10);
                assertThat(t.requests()).isEqualTo(3);
            }
        }
    }
}
