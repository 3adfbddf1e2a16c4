package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.store.TestStores;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The edges a newcomer meets in their first hour: each says what happened and what to do. */
class FirstHourTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private Cli.Result tally(TestStores.Kind kind, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data", dir.resolve("data").toString(), "--tz", "UTC"));
        if (kind == TestStores.Kind.POSTGRESQL) all.addAll(List.of("--db", url));
        return Cli.run(all.toArray(String[]::new));
    }

    private String url;

    private void use(TestStores.Kind kind) {
        url = kind == TestStores.Kind.POSTGRESQL ? TestStores.freshSchemaUrl() : null;
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aBudgetForANameNobodyUsesIsRefusedUnlessCreateIsGiven(TestStores.Kind kind) throws Exception {
        use(kind);
        Cli.Result typo = tally(kind, "budgets", "set", "--person", "alcie", "--usd", "50");
        assertThat(typo.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(typo.err()).contains("--person alcie: nobody by that name is known").contains("--create");
        assertThat(JSON.readTree(tally(kind, "budgets", "list", "--format", "json").out())).isEmpty();

        Cli.Result created = tally(kind, "budgets", "set", "--person", "dana", "--usd", "50", "--create");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains("added person dana").contains("saved");
        assertThat(tally(kind, "people", "list").out()).contains("dana");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aBudgetForAKnownPersonAnAliasOrAnIdentityWithRecordsNeedsNoCreate(TestStores.Kind kind) {
        use(kind);
        assertThat(tally(kind, "people", "add", "alice", "--alias", "alice@corp.com").code()).isZero();
        assertThat(tally(kind, "record", "--user", "carol", "--model", "claude-haiku-4-5", "--input", "10", "--output", "10",
                "--id", "c1").code()).isZero();
        for (String who : List.of("alice", "alice@corp.com", "carol")) {
            Cli.Result r = tally(kind, "budgets", "set", "--person", who, "--usd", "10");
            assertThat(r.code()).as(who + ": " + r.err()).isZero();
            assertThat(r.out()).doesNotContain("added person");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void clientConfigDropsAV1FromTheUrlAndSaysWhy(TestStores.Kind kind) throws Exception {
        use(kind);
        Cli.Result r = tally(kind, "client-config", "--user", "alice", "--url", "http://tally.internal:4318/v1");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode env = JSON.readTree(r.out()).get("env");
        assertThat(env.get("ANTHROPIC_BASE_URL").asText()).isEqualTo("http://tally.internal:4318");
        assertThat(env.get("OTEL_EXPORTER_OTLP_ENDPOINT").asText()).isEqualTo("http://tally.internal:4318");
        assertThat(r.err()).contains("ends in /v1, but Claude Code adds /v1/messages itself");

        Cli.Result plain = tally(kind, "client-config", "--user", "bob", "--url", "http://tally.internal:4318", "--pass-through");
        assertThat(JSON.readTree(plain.out()).at("/env/ANTHROPIC_BASE_URL").asText()).isEqualTo("http://tally.internal:4318");
        assertThat(plain.err()).doesNotContain("/v1");
    }

    @Test
    void estimateSaysWhyTheLongContextRuleAppliedAndWhatSpreadingTheTokensWouldCost() {
        Cli.Result r = Cli.run("estimate", "--model", "claude-sonnet-4-5", "--input", "250000", "--output", "0");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("long context: input 250,000 > 200,000 tokens, the whole request is billed at the long-context rates")
                // 250,000 × $6 per million as one request; two of 125,000 at $3
                .contains("spread over 2 requests each under 200K: $0.75 (instead of $1.50)");

        Cli.Result cached = Cli.run("estimate", "--model", "claude-sonnet-4-5", "--input", "150000", "--cache-read", "450000",
                "--output", "0", "--requests", "2");
        assertThat(cached.out())
                .contains("long context: 2 of 2 requests have input + cache 300,000 > 200,000 tokens")
                .contains("spread over 3 requests each under 200K:");

        Cli.Result small = Cli.run("estimate", "--model", "claude-sonnet-4-5", "--input", "200000", "--output", "0");
        assertThat(small.out()).doesNotContain("long context").doesNotContain("spread over");
    }

    @Test
    void anOptionValueMayBeTheNameOfACommand() {
        // `tally --data demo report` names a folder called demo; picocli would otherwise read a command
        Cli.Result r = Cli.run("--tz", "demo", "totals");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--tz': unknown time zone 'demo'").doesNotContain("Expected parameter");
    }
}
