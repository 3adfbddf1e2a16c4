package tally.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/kubernetes/tally.yaml: two replicas that take traffic only when ready, are restarted only
 * when the process stops answering, and get time to drain; the secrets come from a Secret.
 */
class KubernetesManifestTest {
    private static Map<String, JsonNode> byKind() throws IOException {
        List<JsonNode> docs = Deploy.yaml("kubernetes/tally.yaml");
        docs.forEach(d -> assertThat(d.get("apiVersion")).as(d.toString()).isNotNull());
        return docs.stream().collect(Collectors.toMap(d -> d.get("kind").asText(), d -> d));
    }

    private static JsonNode container() throws IOException {
        JsonNode containers = byKind().get("Deployment").at("/spec/template/spec/containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    @Test
    void aDeploymentOfTwoReplicasAServiceAndADisruptionBudget() throws IOException {
        Map<String, JsonNode> kinds = byKind();
        assertThat(kinds).containsOnlyKeys("Deployment", "Service", "PodDisruptionBudget");
        JsonNode d = kinds.get("Deployment");
        assertThat(d.get("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(2);
        JsonNode labels = d.at("/spec/template/metadata/labels");
        assertThat(d.at("/spec/selector/matchLabels")).isEqualTo(labels);
        assertThat(kinds.get("Service").at("/spec/selector")).isEqualTo(labels);
        assertThat(kinds.get("Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
        assertThat(container().at("/ports/0/name").asText()).isEqualTo("http");
        assertThat(container().at("/ports/0/containerPort").asInt()).isEqualTo(4318);
        assertThat(d.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
    }

    @Test
    void readyzGatesTrafficAndHealthzGatesRestarts() throws IOException {
        JsonNode c = container();
        assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(c.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
        assertThat(c.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
    }

    @Test
    void terminationWaitsOutPreStopAndTheDrain() throws IOException {
        JsonNode c = container();
        List<String> args = Deploy.strings(c.get("args"));
        Deploy.serve(args);
        assertThat(Deploy.option(args, "--host")).isEqualTo("0.0.0.0");
        long drain = Deploy.seconds(Deploy.option(args, "--drain-timeout"));
        List<String> preStop = Deploy.strings(c.at("/lifecycle/preStop/exec/command"));
        assertThat(preStop.get(0)).isEqualTo("sleep");
        long sleep = Long.parseLong(preStop.get(1));
        long grace = byKind().get("Deployment").at("/spec/template/spec/terminationGracePeriodSeconds").asLong();
        assertThat(grace).isGreaterThan(sleep + drain);
    }

    @Test
    void theDatabaseUrlAndKeysComeFromTheSecretAndItRunsAsNonRoot() throws IOException {
        JsonNode c = container();
        Map<String, JsonNode> env = new java.util.HashMap<>();
        c.get("env").forEach(e -> env.put(e.get("name").asText(), e));
        for (String[] v : new String[][] {{"TALLY_DB", "db-url"}, {"TALLY_UPSTREAM_KEY", "upstream-key"},
                {"TALLY_METRICS_TOKEN", "metrics-token"}}) {
            assertThat(env.get(v[0]).at("/valueFrom/secretKeyRef/name").asText()).as(v[0]).isEqualTo("tally");
            assertThat(env.get(v[0]).at("/valueFrom/secretKeyRef/key").asText()).as(v[0]).isEqualTo(v[1]);
        }
        JsonNode secret = Deploy.yaml("kubernetes/secret.example.yaml").get(0);
        assertThat(secret.get("kind").asText()).isEqualTo("Secret");
        assertThat(secret.at("/metadata/name").asText()).isEqualTo("tally");
        assertThat(secret.get("stringData").fieldNames()).toIterable().contains("db-url", "upstream-key", "metrics-token");

        JsonNode pod = byKind().get("Deployment").at("/spec/template/spec/securityContext");
        assertThat(pod.get("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.get("runAsUser").asInt()).isPositive();
        assertThat(c.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(c.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        List<String> mounts = c.get("volumeMounts").findValuesAsText("mountPath");
        assertThat(mounts).contains("/var/lib/tally", "/tmp"); // the spool and the JVM's temp files stay writable
    }
}
