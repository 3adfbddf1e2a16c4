package tally.gateway;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.store.AnyOf;
import tally.store.Dimension;
import tally.store.TestStores;
import tally.store.UsageQuery;
import tally.store.UsageRow;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway record carries the region its call ran in: a Bedrock call the server's --bedrock-region,
 * a Vertex call the location its path names, a first-party call none.
 */
class GatewayRegionTest {
    @TempDir Path dir;

    /** provider and region of every stored record, oldest first. */
    private static List<String> regions(GatewayHarness gw) {
        gw.records();
        List<String> out = new ArrayList<>();
        try (Connection c = gw.store.connection(); PreparedStatement ps = c.prepareStatement(
                "SELECT provider, region FROM usage_events ORDER BY ts_ms, id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) out.add(rs.getString(1) + " " + rs.getString(2));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static List<String> requestsByRegion(GatewayHarness gw) {
        Instant now = Instant.now();
        List<String> out = new ArrayList<>();
        for (UsageRow r : gw.ledger.usage(UsageQuery.of(now.minus(1, ChronoUnit.DAYS), now.plus(1, ChronoUnit.DAYS),
                Dimension.REGION, ZoneOffset.UTC).withAnyOf(AnyOf.NONE))) out.add(r.key() + " " + r.requests());
        return out;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aBedrockCallCarriesTheServersBedrockRegionAndAFirstPartyCallNone(TestStores.Kind kind) {
        try (BedrockGatewayTest.Cloud cloud = new BedrockGatewayTest.Cloud(kind, dir)) {
            String key = cloud.gw.key("alice");
            HttpResponse<byte[]> bedrock = Http.send("POST", cloud.base() + BedrockGatewayTest.streamUri(BedrockGatewayTest.SONNET),
                    BedrockGatewayTest.bearer(key), BedrockGatewayTest.SMALL_BODY);
            assertThat(bedrock.statusCode()).isEqualTo(200);
            cloud.gw.awaitRecords(1);
            HttpResponse<byte[]> direct = Http.post(cloud.gw.url() + "/v1/messages", Http.withKey(key),
                    Http.messageBody("claude-sonnet-4-5-20250929", 10, false));
            assertThat(direct.statusCode()).isEqualTo(200);
            cloud.gw.awaitRecords(2);

            assertThat(regions(cloud.gw)).containsExactly("bedrock " + FakeBedrock.REGION, "anthropic null");
            assertThat(requestsByRegion(cloud.gw)).containsExactlyInAnyOrder(FakeBedrock.REGION + " 1", "(none) 1");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aVertexCallCarriesTheLocationItsPathNames(TestStores.Kind kind) {
        try (VertexGatewayTest.Cloud cloud = new VertexGatewayTest.Cloud(kind, dir)) {
            String key = cloud.gw.key("alice");
            HttpResponse<byte[]> resp = Http.send("POST", cloud.gw.url() + VertexGatewayTest.CALL + "streamRawPredict",
                    VertexGatewayTest.tallyKey(key), "{\"anthropic_version\":\"vertex-2023-10-16\",\"max_tokens\":100,"
                            + "\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(resp.statusCode()).isEqualTo(200);
            cloud.gw.awaitRecords(1);
            assertThat(regions(cloud.gw)).containsExactly("vertex us-east5");
        }
    }
}
