package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.WebElement;
import tally.budget.Budget;
import tally.budget.Budgets;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.store.TestStores;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** In headless Chromium: budgets show what they count from each source, and an each-person default per person. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BudgetSourcesDashboardTest {
    @TempDir static Path dir;
    private Browser browser;

    @BeforeAll
    void start() throws IOException {
        assertThat(Browser.available()).as("chromium and chromium-driver (apt-get install chromium chromium-driver)").isTrue();
        browser = new Browser(dir.resolve("browser"));
    }

    @AfterAll
    void stop() {
        if (browser != null) browser.close();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void a_persons_page_shows_each_budget_over_them_with_its_spend_by_source(TestStores.Kind kind) throws IOException {
        try (WebHarness h = new WebHarness(kind, dir.resolve(kind.name()))) {
            // dev4 also used Bedrock directly today: $3.00 from the invocation logs
            h.ledger.write(List.of(UsageEvent.builder().id("bedrock-1").time(WebHarness.NOW.minusSeconds(3600)).identity("dev4")
                    .source(Source.PROVIDER_LOG).modelId("claude-sonnet-4-5-20250929").tokens(TokenCounts.of(1000, 100))
                    .cost(3_000_000_000L, "test").build()));
            Budgets budgets = new Budgets(h.store, h.ledger);
            budgets.set(new Budget("each-person:daily", Budget.Scope.EACH_PERSON, null, Budget.Period.DAILY, Budget.Unit.USD,
                    2_000_000_000L, true, 100));

            JsonNode api = h.json("/api/people/dev4").path("budgets");
            JsonNode daily = null;
            for (JsonNode b : api) if (b.path("name").asText().equals("each-person:daily")) daily = b;
            assertThat(daily).as("the each-person default covers dev4: %s", api).isNotNull();
            assertThat(daily.path("scope").asText()).isEqualTo("each-person");
            assertThat(daily.path("subject").asText()).isEqualTo("dev4");
            assertThat(daily.path("spent_by_source").path("provider-log").asText()).isEqualTo("3.00");

            Browser b = browser;
            b.open(h.base, "person/dev4");
            WebElement row = b.rows("person-budgets").stream()
                    .filter(r -> b.cell(r, "name").equals("each-person:daily")).findFirst().orElseThrow();
            assertThat(b.cell(row, "sources")).contains("provider-log $3.00");
            assertThat(b.cell(row, "percent")).isEqualTo(daily.path("percent").asText() + "%");
            b.screenshot(kind.name().toLowerCase() + "-person-budgets-by-source");

            b.open(h.base, "overview");
            JsonNode nearest = h.json("/api/overview").path("budgets").get(0);
            WebElement first = b.rows("budgets").get(0);
            assertThat(b.cell(first, "name")).isEqualTo(nearest.path("name").asText());
            assertThat(b.cell(first, "sources")).isNotEqualTo("-")
                    .contains(nearest.path("spent_by_source").fieldNames().next());
        }
    }
}
