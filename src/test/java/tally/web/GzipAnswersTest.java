package tally.web;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tally.gateway.Http;
import tally.http.Gzip;
import tally.store.TestStores;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The API gzips its larger answers for a caller that accepts it, over real HTTP; the bytes inside are the plain answer's. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GzipAnswersTest {
    private static final String MONTH_BY_PERSON = "/api/usage?by=day&split=person&days=30";

    private WebHarness h;

    @BeforeAll
    void start(@TempDir Path dir) {
        h = new WebHarness(TestStores.Kind.DUCKDB, dir);
    }

    @AfterAll
    void close() {
        h.close();
    }

    @Test
    void aLargeAnswerGoesGzippedToABrowserAndInflatesToThePlainAnswer() throws IOException {
        HttpResponse<byte[]> plain = h.bytes(MONTH_BY_PERSON, Map.of());
        HttpResponse<byte[]> zipped = h.bytes(MONTH_BY_PERSON, Map.of("accept-encoding", "gzip, deflate, br, zstd"));

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
        assertThat(plain.body().length).isGreaterThan(Gzip.MIN_BYTES);
        assertThat(zipped.statusCode()).isEqualTo(200);
        assertThat(zipped.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(zipped.headers().firstValue("vary")).hasValue("accept-encoding");
        assertThat(zipped.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(Http.inflate(zipped.body())).isEqualTo(plain.body());
        assertThat(zipped.body().length).as("JSON's repeated names shrink").isLessThan(plain.body().length / 4);
    }

    @Test
    void aSmallAnswerGoesAsItIsEvenWhenGzipIsAccepted() {
        HttpResponse<byte[]> r = h.bytes("/api/totals", Map.of("accept-encoding", "gzip"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length).isLessThan(Gzip.MIN_BYTES);
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(WebHarness.read(new String(r.body())).path("total").path("cost_usd").asText()).isNotEmpty();
    }

    @Test
    void anErrorIsNeverGzipped() {
        HttpResponse<byte[]> r = h.bytes("/api/usage?by=fortnight", Map.of("accept-encoding", "gzip"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("content-encoding")).isEmpty();
        assertThat(new String(r.body())).contains("by");
    }

    @ParameterizedTest(name = "accept-encoding \"{0}\" → gzip {1}")
    @CsvSource(delimiter = '|', value = {
            "gzip|true", "GZIP|true", "deflate, gzip;q=0.5|true", "x-gzip|true", "*|true", "br;q=1, *;q=0.1|true",
            "gzip;q=0|false", "gzip; q=0.000|false", "*;q=0|false", "br, zstd|false", "identity|false", "''|false",
            "gzip;q=0.001|true"})
    void gzipIsSentOnlyWhereTheCallerAcceptsIt(String header, boolean gzip) {
        assertThat(Gzip.accepted(header)).isEqualTo(gzip);
        HttpResponse<byte[]> r = h.bytes(MONTH_BY_PERSON, header.isEmpty() ? Map.of() : Map.of("accept-encoding", header));
        assertThat(r.headers().firstValue("content-encoding").isPresent()).isEqualTo(gzip);
    }

    @Test
    void theChartFileGoesGzippedToABrowserAndInflatesToTheFileItself() throws IOException {
        String path = "/vendor/echarts/" + DashboardRoutes.CHARTS_FILE;
        HttpResponse<byte[]> plain = h.bytes(path, Map.of());
        for (int ask = 0; ask < 2; ask++) { // the first ask gzips it, the next reuse that
            HttpResponse<byte[]> zipped = h.bytes(path, Map.of("accept-encoding", "gzip, deflate, br"));
            assertThat(zipped.statusCode()).isEqualTo(200);
            assertThat(zipped.headers().firstValue("content-encoding")).hasValue("gzip");
            assertThat(zipped.headers().firstValue("content-type")).isEqualTo(plain.headers().firstValue("content-type"));
            assertThat(zipped.headers().firstValue("cache-control")).isEqualTo(plain.headers().firstValue("cache-control"));
            assertThat(Http.inflate(zipped.body())).isEqualTo(plain.body());
            assertThat(zipped.body().length).isLessThan(plain.body().length / 2);
        }
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.body().length).isGreaterThan(500_000);
        assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
    }

    @Test
    void noHeaderMeansNoGzip() {
        assertThat(Gzip.accepted(null)).isFalse();
    }
}
