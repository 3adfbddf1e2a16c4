package tally.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/compose.yaml and deploy/nginx.conf: PostgreSQL, two replicas of `tally serve` sharing it,
 * and nginx spreading requests over them round robin.
 */
class ComposeTest {
    private static final List<String> REPLICAS = List.of("tally-1", "tally-2");

    private static JsonNode compose() throws IOException {
        List<JsonNode> docs = Deploy.yaml("compose.yaml");
        assertThat(docs).hasSize(1);
        return docs.get(0);
    }

    @Test
    void postgresqlWithAHealthCheckTheReplicasWaitFor() throws IOException {
        JsonNode services = compose().get("services");
        assertThat(services.fieldNames()).toIterable().containsExactlyInAnyOrder("postgres", "tally-1", "tally-2", "nginx");
        JsonNode pg = services.get("postgres");
        assertThat(pg.get("image").asText()).startsWith("postgres:");
        assertThat(Deploy.strings(pg.at("/healthcheck/test"))).anySatisfy(s -> assertThat(s).contains("pg_isready"));
        assertThat(pg.at("/environment/POSTGRES_PASSWORD").asText()).startsWith("${TALLY_DB_PASSWORD:?");
        for (String r : REPLICAS) {
            assertThat(services.at("/" + r + "/depends_on/postgres/condition").asText()).as(r).isEqualTo("service_healthy");
        }
    }

    @Test
    void twoReplicasServeOnAllAddressesFromTheSharedDatabaseWithTheMetricsTokenFromTheEnvironment() throws IOException {
        JsonNode services = compose().get("services");
        List<String> volumes = new ArrayList<>();
        for (String r : REPLICAS) {
            JsonNode s = services.get(r);
            List<String> args = Deploy.strings(s.get("command"));
            Deploy.serve(args);
            assertThat(Deploy.option(args, "--host")).as(r).isEqualTo("0.0.0.0");
            assertThat(Deploy.option(args, "--port")).as(r).isEqualTo("4318");
            assertThat(Deploy.option(args, "--db")).as(r).isEqualTo("postgresql://tally:${TALLY_DB_PASSWORD}@postgres:5432/tally");
            assertThat(s.at("/environment/TALLY_METRICS_TOKEN").asText()).as(r).startsWith("${TALLY_METRICS_TOKEN");
            assertThat(s.at("/build/dockerfile").asText()).isEqualTo("deploy/Dockerfile");
            assertThat(Path.of("deploy").resolve(s.at("/build/context").asText()).resolve("deploy/Dockerfile")).exists();
            // Each replica its own spool; a stop waits out the drain.
            JsonNode mount = s.get("volumes").get(0);
            assertThat(mount.asText()).endsWith(":/var/lib/tally");
            volumes.add(mount.asText());
            assertThat(Deploy.seconds(s.get("stop_grace_period").asText()))
                    .isGreaterThan(Deploy.seconds(Deploy.option(args, "--drain-timeout")));
        }
        assertThat(volumes).doesNotHaveDuplicates();
        assertThat(Deploy.text("tally.env.example")).contains("TALLY_DB_PASSWORD=", "TALLY_METRICS_TOKEN=");
    }

    @Test
    void nginxSpreadsOverBothReplicasWithStreamingAndTimeoutsAboveTheGateways() throws IOException {
        JsonNode nginx = compose().at("/services/nginx");
        assertThat(Deploy.strings(nginx.get("volumes"))).contains("./nginx.conf:/etc/nginx/nginx.conf:ro");
        assertThat(Deploy.strings(nginx.get("ports"))).contains("4318:80");

        String conf = Deploy.text("nginx.conf");
        Matcher upstream = Pattern.compile("upstream tally \\{([^}]*)}").matcher(conf);
        assertThat(upstream.find()).isTrue();
        List<String> servers = new ArrayList<>();
        Matcher server = Pattern.compile("server (\\S+?)[ ;]").matcher(upstream.group(1));
        while (server.find()) servers.add(server.group(1));
        assertThat(servers).containsExactly("tally-1:4318", "tally-2:4318");
        assertThat(upstream.group(1)).doesNotContain("ip_hash", "hash ", "least_conn"); // round robin
        assertThat(conf).contains("proxy_pass http://tally;", "proxy_buffering off;", "proxy_http_version 1.1;");
        Matcher read = Pattern.compile("proxy_read_timeout (\\d+)s;").matcher(conf);
        assertThat(read.find()).isTrue();
        assertThat(Long.parseLong(read.group(1))).as("above serve's --upstream-timeout 600s").isGreaterThan(600);
        assertThat(conf).doesNotContain("non_idempotent"); // a sent POST is never replayed on the other replica
    }

    @Test
    void nginxAcceptsTheConfig(@TempDir Path dir) throws Exception {
        Path nginx = Path.of("/usr/sbin/nginx");
        assumeTrue(Files.isExecutable(nginx), "nginx is not installed here (bench/run gateway installs it)");
        // The replicas' names resolve only inside compose's network: the one change for a test here.
        String conf = Deploy.text("nginx.conf").replaceAll("tally-[12]:4318", "127.0.0.1:4318");
        Path file = Files.writeString(dir.resolve("nginx.conf"), conf);

        Process p = new ProcessBuilder(nginx.toString(), "-t", "-p", dir.toString(), "-c", file.toString(),
                "-e", dir.resolve("error.log").toString(), "-g", "pid " + dir.resolve("nginx.pid") + ";")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("test is successful");
    }
}
