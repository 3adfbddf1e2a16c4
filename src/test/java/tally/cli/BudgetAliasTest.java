package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.store.TestStores;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Spend is counted per person: a person budget named by an alias, or on an identity aliased later, is that person's. */
class BudgetAliasTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;
    private String url;

    private Cli.Result tally(TestStores.Kind kind, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data", dir.resolve("data").toString(), "--tz", "UTC"));
        if (kind == TestStores.Kind.POSTGRESQL) all.addAll(List.of("--db", url));
        return Cli.run(all.toArray(String[]::new));
    }

    private void use(TestStores.Kind kind) {
        url = kind == TestStores.Kind.POSTGRESQL ? TestStores.freshSchemaUrl() : null;
    }

    private void record(TestStores.Kind kind, String user, String id) {
        Cli.Result r = tally(kind, "record", "--user", user, "--model", "claude-haiku-4-5", "--input", "1000", "--output", "1000", "--id", id);
        assertThat(r.code()).as(r.err()).isZero();
    }

    private JsonNode budgets(TestStores.Kind kind) throws Exception {
        return JSON.readTree(tally(kind, "budgets", "list", "--format", "json").out());
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aPersonBudgetNamedByAnAliasIsSavedForThePersonAndSaysSo(TestStores.Kind kind) throws Exception {
        use(kind);
        assertThat(tally(kind, "people", "add", "carol", "--alias", "carol@corp.com").code()).isZero();
        Cli.Result set = tally(kind, "budgets", "set", "--person", "carol@corp.com", "--daily", "0.0001");
        assertThat(set.code()).as(set.err()).isZero();
        assertThat(set.out()).contains("saved budget 'person:carol:daily'").contains("for person carol")
                .contains("carol@corp.com resolves to person carol");
        record(kind, "carol@corp.com", "c1"); // 1,000 × $1 + 1,000 × $5 per million = $0.006
        record(kind, "carol", "c2");

        JsonNode list = budgets(kind);
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("name").asText()).isEqualTo("person:carol:daily");
        assertThat(list.get(0).get("subject").asText()).isEqualTo("carol");
        assertThat(list.get(0).get("spent_usd").asText()).isEqualTo("0.012");
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aBudgetOnAnIdentityThatLaterBecomesAnAliasCountsForThatPerson(TestStores.Kind kind) throws Exception {
        use(kind);
        record(kind, "dev-laptop-7", "d1");
        assertThat(tally(kind, "budgets", "set", "--person", "dev-laptop-7", "--daily", "1").code()).isZero();
        assertThat(budgets(kind).get(0).get("spent_usd").asText()).isEqualTo("0.006");

        assertThat(tally(kind, "people", "add", "dave", "--alias", "dev-laptop-7").code()).isZero();
        record(kind, "dave", "d2");
        JsonNode budget = budgets(kind).get(0);
        assertThat(budget.get("subject").asText()).isEqualTo("dave");
        assertThat(budget.get("spent_usd").asText()).isEqualTo("0.012");
    }
}
