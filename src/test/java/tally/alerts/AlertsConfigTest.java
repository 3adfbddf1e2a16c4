package tally.alerts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The --alerts file is read strictly: a key it does not know is refused, naming the file and the key, never ignored. */
class AlertsConfigTest {
    @TempDir Path dir;

    private Path file(String json) throws Exception {
        return Files.writeString(dir.resolve("alerts.json"), json);
    }

    @Test
    void aMisspeltTopLevelKeyIsRefusedNamingTheFileAndTheKey() throws Exception {
        Path f = file("{\"chanels\": {\"ops\": {\"type\": \"log\"}}, \"rules\": []}");
        assertThatThrownBy(() -> AlertsConfig.read(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--alerts: " + f + ": unknown key 'chanels' (expected defaults, interval, channels, rules, reports or metrics)");
    }

    @Test
    void aRuleFieldItsKindDoesNotTakeIsRefusedNamingTheRuleAndTheField() throws Exception {
        Path f = file("{\"rules\": [{\"name\": \"late\", \"kind\": \"after-hours\", \"colour\": \"red\"}]}");
        assertThatThrownBy(() -> AlertsConfig.read(f))
                .hasMessage("--alerts: " + f + ": rule 'late': unknown key 'colour' (expected name, kind, cooldown, channels, hours,"
                        + " days, zones, source, model, team or project)");
        Path threshold = file("{\"rules\": [{\"name\": \"t\", \"kind\": \"threshold\", \"above\": \"1\", \"percentages\": [50]}]}");
        assertThatThrownBy(() -> AlertsConfig.read(threshold)).hasMessageContaining("rule 't': unknown key 'percentages'");
    }

    @Test
    void aChannelsReportsOrMetricsKeyThatIsNotKnownIsRefusedToo() throws Exception {
        Path channel = file("{\"channels\": {\"ops\": {\"type\": \"webhook\", \"url\": \"https://hooks.example/t\", \"secert\": \"k\"}}}");
        assertThatThrownBy(() -> AlertsConfig.read(channel)).hasMessage("--alerts: " + channel
                + ": channel 'ops': unknown key 'secert' (expected type, cooldown, url, secret, attempts or backoff)");
        Path report = file("{\"reports\": [{\"every\": \"weekly\", \"chanels\": [\"log\"]}]}");
        assertThatThrownBy(() -> AlertsConfig.read(report)).hasMessageContaining(report + ": reports: unknown key 'chanels'");
        Path metrics = file("{\"metrics\": {\"peeple\": 10}}");
        assertThatThrownBy(() -> AlertsConfig.read(metrics)).hasMessageContaining(metrics + ": metrics: unknown key 'peeple'");
    }

    @Test
    void theReadmesExampleIsReadWhole() throws Exception {
        Path f = file("""
                {"channels": {"ops":   {"type": "webhook", "url": "https://hooks.example/tally", "secret": "k", "cooldown": "15m"},
                              "mail":  {"type": "email", "host": "smtp.example", "port": 587, "from": "tally@example", "to": ["lead@example"]}},
                 "rules": [{"name": "platform-weekly", "kind": "threshold", "metric": "cost", "period": "week",
                            "scope": "team", "subject": "platform", "above": "500", "channels": ["ops"]},
                           {"name": "spikes", "kind": "baseline", "factor": "3", "days": 14},
                           {"name": "loops", "kind": "runaway", "rpm": 30, "minutes": 15},
                           {"name": "late", "kind": "after-hours", "hours": "09:00-18:00"},
                           {"name": "essays", "kind": "long-response", "outputTokens": 32000},
                           {"name": "silent", "kind": "telemetry-stopped", "after": "24h"},
                           {"name": "budgets", "kind": "budget", "percentages": [50, "80", 100]}],
                 "reports": [{"every": "weekly", "channels": ["mail"]}], "metrics": {"people": 20, "cacheSeconds": 5}}""");
        AlertsConfig c = AlertsConfig.read(f);
        assertThat(c.rules()).extracting(AlertRule::name)
                .containsExactly("platform-weekly", "spikes", "loops", "late", "essays", "silent", "budgets");
        assertThat(((BudgetRule) c.rules().get(6)).percentages()).containsExactly(50, 80, 100);
    }

    @Test
    void everyKindOfRuleAsStoredIsReadBackAsItWas() throws Exception {
        // API rules are stored as RuleJson.write writes them: every field written must be one the kind reads
        String[] rules = {
                "{\"name\":\"t\",\"kind\":\"threshold\",\"scope\":\"team\",\"subject\":\"web\",\"above\":\"2\",\"source\":\"bedrock\","
                        + "\"model\":\"m\",\"team\":\"web\",\"project\":\"apollo\",\"channels\":[\"log\"],\"cooldown\":\"5m\"}",
                "{\"name\":\"b\",\"kind\":\"budget\",\"percentages\":[75]}",
                "{\"name\":\"s\",\"kind\":\"baseline\",\"factor\":\"2\",\"days\":7,\"minDays\":2,\"minimum\":\"3\"}",
                "{\"name\":\"r\",\"kind\":\"runaway\",\"rpm\":10,\"minutes\":5}",
                "{\"name\":\"a\",\"kind\":\"after-hours\",\"hours\":\"08:00-17:00\",\"days\":\"mon-sat\","
                        + "\"zones\":{\"alice\":\"Europe/Paris\"},\"project\":\"apollo\"}",
                "{\"name\":\"l\",\"kind\":\"long-response\",\"outputTokens\":1000,\"minutes\":5}",
                "{\"name\":\"u\",\"kind\":\"unpriced-model\",\"hours\":6}",
                "{\"name\":\"q\",\"kind\":\"telemetry-stopped\",\"after\":\"2h\",\"lookback\":\"3d\"}"};
        for (String json : rules) {
            var written = RuleJson.write(RuleJson.parse(RuleJson.JSON.readTree(json)));
            assertThat(RuleJson.write(RuleJson.parse(written))).as(json).isEqualTo(written);
        }
    }
}
