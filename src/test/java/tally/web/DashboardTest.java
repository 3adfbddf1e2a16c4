package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import tally.core.Nanos;
import tally.store.TestStores;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end in headless Chromium, on both stores: every view loads on the seeded month, the
 * numbers on the page are the API's, filters change them, CSV downloads hold the API's rows, and
 * each view leaves a screenshot in target/screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {
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

    /** The page rounds exact decimals to cents half up, as the CLI does. */
    static String dollars(JsonNode decimal) {
        return Nanos.toDollars(Nanos.fromDollars(decimal.asText()));
    }

    static String count(JsonNode n) {
        return String.format("%,d", n.asLong());
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void everyViewShowsTheApisNumbers(TestStores.Kind kind) throws IOException {
        try (WebHarness h = new WebHarness(kind, dir.resolve(kind.name()))) {
            String name = kind.name().toLowerCase();
            overview(h, name);
            costs(h, name);
            developers(h, name);
            models(h, name);
            hours(h, name);
            requests(h, name);
            productivity(h, name);
        }
    }

    private void overview(WebHarness h, String store) throws IOException {
        Browser b = browser;
        b.open(h.base, "overview");
        JsonNode o = h.json("/api/overview");
        assertThat(b.text("kpi-cost-today")).isEqualTo(dollars(o.path("cost_today_usd")));
        assertThat(b.text("kpi-cost-month")).isEqualTo(dollars(o.path("cost_month_usd")));
        assertThat(b.text("kpi-projected-month")).isEqualTo(dollars(o.path("projected_month_usd")));
        assertThat(b.text("kpi-requests-today")).isEqualTo(count(o.path("requests_today")));
        assertThat(b.text("kpi-active-users-today")).isEqualTo(count(o.path("active_users_today")));
        assertThat(b.text("kpi-unpriced")).isEqualTo("1");
        assertThat(b.text("unpriced-models")).contains("claude-mystery-9");
        assertThat(b.cell(b.rows("budgets").get(0), "name")).isEqualTo("platform-daily");
        assertThat(b.cell(b.rows("budgets").get(0), "percent")).isEqualTo(o.path("budgets").get(0).path("percent").asText() + "%");
        b.screenshot(store + "-overview");

        // a filter goes into the URL and changes the numbers, to the API's
        String before = b.loaded();
        new Select(b.byTestId("filter-team")).selectByValue("product");
        b.awaitRender(before);
        assertThat(b.driver.getCurrentUrl()).contains("team=product");
        JsonNode product = h.json("/api/overview?team=product");
        assertThat(b.text("kpi-cost-month")).isEqualTo(dollars(product.path("cost_month_usd")))
                .isNotEqualTo(dollars(o.path("cost_month_usd")));
    }

    private void costs(WebHarness h, String store) throws IOException {
        Browser b = browser;
        b.open(h.base, "costs?days=30");
        assertThat(b.driver.findElements(By.cssSelector("[data-testid='chart-daily-cost'] canvas"))).isNotEmpty();
        assertThat(b.driver.findElements(By.cssSelector("[data-testid='chart-tokens'] canvas"))).isNotEmpty();
        assertThat(b.driver.findElements(By.cssSelector("[data-testid='chart-calls'] canvas"))).isNotEmpty();
        JsonNode days = h.json("/api/usage?by=day&days=30");
        assertThat(b.rows("days")).hasSize(days.path("rows").size());
        List<String> csv = b.csv("days");
        assertThat(csv.get(0)).isEqualTo("key,requests,input_tokens,cache_write_tokens,cache_read_tokens,output_tokens,cost_usd");
        List<String> expected = new ArrayList<>();
        for (JsonNode r : days.path("rows")) {
            expected.add(String.join(",", r.path("key").asText(), r.path("requests").asText(), r.path("input_tokens").asText(),
                    r.path("cache_write_tokens").asText(), r.path("cache_read_tokens").asText(), r.path("output_tokens").asText(),
                    r.path("cost_usd").asText()));
        }
        assertThat(csv.subList(1, csv.size())).containsExactlyInAnyOrderElementsOf(expected);
        b.screenshot(store + "-costs");

        String before = b.loaded();
        new Select(b.byTestId("stack-by")).selectByValue("model");
        b.awaitRender(before);
        assertThat(b.driver.getCurrentUrl()).contains("stack=model");
        before = b.loaded();
        new Select(b.byTestId("stack-by")).selectByValue("project");
        b.awaitRender(before);
        assertThat(b.driver.getCurrentUrl()).contains("stack=project");
        assertThat(b.driver.findElements(By.cssSelector("[data-testid='chart-daily-cost'] canvas"))).isNotEmpty();
        assertThat(h.json("/api/usage?by=day&days=30&split=project").path("split").asText()).isEqualTo("project");
        assertThat(h.json("/api/usage?by=cost-center&days=30").path("by").asText()).isEqualTo("cost-center");

        b.open(h.base, "costs?from=2026-03-02&to=2026-03-06");
        assertThat(b.byTestId("filter-from").getAttribute("value")).isEqualTo("2026-03-02");
        assertThat(b.rows("days")).hasSize(h.json("/api/usage?by=day&from=2026-03-02&to=2026-03-06").path("rows").size()).hasSize(5);
    }

    private void developers(WebHarness h, String store) throws IOException {
        Browser b = browser;
        b.open(h.base, "developers?days=30");
        JsonNode people = h.json("/api/usage?by=person&days=30");
        List<WebElement> rows = b.rows("developers");
        assertThat(rows).hasSize(people.path("rows").size());
        for (int i = 0; i < rows.size(); i++) {
            JsonNode r = people.path("rows").get(i);
            assertThat(b.cell(rows.get(i), "key")).isEqualTo(r.path("key").asText());
            assertThat(b.cell(rows.get(i), "cost_usd")).isEqualTo(dollars(r.path("cost_usd")));
            assertThat(b.cell(rows.get(i), "requests")).isEqualTo(count(r.path("requests")));
        }
        assertThat(rows.get(0).findElements(By.cssSelector("td[data-col='spark'] svg polyline"))).hasSize(1);
        List<String> csv = b.csv("developers");
        assertThat(csv.get(0)).startsWith("key,requests,total_tokens,");
        assertThat(csv.get(1)).startsWith(people.path("rows").get(0).path("key").asText() + ",")
                .contains("," + people.path("rows").get(0).path("cost_usd").asText() + ",");
        b.screenshot(store + "-developers");

        // sortable: by calls, ascending on the second click
        WebElement calls = b.driver.findElement(By.cssSelector("[data-testid='table-developers'] th[data-col='requests']"));
        calls.click();
        calls.click();
        rows = b.rows("developers");
        long first = Long.parseLong(b.cell(rows.get(0), "requests").replace(",", ""));
        long last = Long.parseLong(b.cell(rows.get(rows.size() - 1), "requests").replace(",", ""));
        assertThat(first).isLessThanOrEqualTo(last);

        // drill down to a person's page
        String before = b.loaded();
        b.driver.findElement(By.linkText("dev3")).click();
        b.awaitRender(before);
        assertThat(b.main().getAttribute("data-view")).isEqualTo("person");
        JsonNode dev3 = h.json("/api/usage?by=model&person=dev3&days=30");
        assertThat(b.text("kpi-person-cost")).isEqualTo(dollars(dev3.path("total").path("cost_usd")));
        assertThat(b.rows("person-models")).hasSize(dev3.path("rows").size());
        assertThat(b.rows("person-top")).hasSize(10);
        assertThat(b.cell(b.rows("person-budgets").get(0), "name")).isIn("platform-daily", "dev3-monthly");
        assertThat(b.driver.findElements(By.cssSelector("[data-testid='chart-person-hours'] canvas"))).isNotEmpty();
        b.screenshot(store + "-person");

        // the developer filter narrows the table to one
        b.open(h.base, "developers?days=30&person=dev1");
        assertThat(b.rows("developers")).hasSize(1);
    }

    private void models(WebHarness h, String store) throws IOException {
        Browser b = browser;
        b.open(h.base, "models?days=30");
        JsonNode models = h.json("/api/usage?by=model&days=30");
        assertThat(b.rows("models")).hasSize(models.path("rows").size());
        WebElement top = b.rows("models").get(0);
        assertThat(b.cell(top, "key")).isEqualTo(models.path("rows").get(0).path("key").asText());
        assertThat(b.cell(top, "cost_usd")).isEqualTo(dollars(models.path("rows").get(0).path("cost_usd")));
        List<String> matrix = b.csv("model-matrix");
        BigDecimal sum = BigDecimal.ZERO;
        for (String line : matrix.subList(1, matrix.size())) sum = sum.add(new BigDecimal(line.substring(line.lastIndexOf(',') + 1)));
        assertThat(sum).isEqualByComparingTo(new BigDecimal(models.path("total").path("cost_usd").asText()));
        b.screenshot(store + "-models");
    }

    private void hours(WebHarness h, String store) throws IOException {
        Browser b = browser;
        b.open(h.base, "hours?days=30");
        assertThat(b.driver.findElements(By.cssSelector("[data-testid='chart-heatmap'] canvas"))).isNotEmpty();
        List<String> csv = b.csv("hours");
        assertThat(csv).hasSize(8);
        assertThat(csv.get(1)).startsWith("Mon,");
        BigDecimal sum = BigDecimal.ZERO;
        for (String line : csv.subList(1, csv.size())) {
            String[] cells = line.split(",");
            for (int i = 1; i < cells.length; i++) sum = sum.add(new BigDecimal(cells[i]));
        }
        assertThat(sum).isEqualByComparingTo(new BigDecimal(h.json("/api/totals?days=30").path("total").path("cost_usd").asText()));
        b.screenshot(store + "-hours");
    }

    private void requests(WebHarness h, String store) throws IOException {
        Browser b = browser;
        b.open(h.base, "requests?days=30");
        JsonNode page1 = h.json("/api/top?days=30&limit=50");
        List<WebElement> rows = b.rows("requests");
        assertThat(rows).hasSize(50);
        assertThat(b.cell(rows.get(0), "cost_usd")).isEqualTo(dollars(page1.path("requests").get(0).path("cost_usd")));
        JsonNode firstId = page1.path("requests").get(0).path("request_id");
        assertThat(b.cell(rows.get(0), "request_id")).isEqualTo(firstId.isNull() ? "—" : firstId.asText());
        b.byTestId("more").click();
        b.waitFor(() -> b.rows("requests").size() == 100);
        JsonNode page2 = h.json("/api/top?days=30&limit=50&cursor=" + page1.path("next_cursor").asText());
        List<String> csv = b.csv("requests");
        assertThat(csv).hasSize(101);
        List<String> ids = new ArrayList<>();
        for (JsonNode p : List.of(page1, page2)) p.path("requests").forEach(r -> ids.add(r.path("request_id").isNull() ? "" : r.path("request_id").asText()));
        List<String> shown = csv.subList(1, csv.size()).stream().map(l -> l.substring(l.lastIndexOf(',') + 1)).toList();
        assertThat(shown).isEqualTo(ids);
        b.screenshot(store + "-requests");
    }

    private void productivity(WebHarness h, String store) throws IOException {
        Browser b = browser;
        b.open(h.base, "productivity?days=30");
        JsonNode a = h.json("/api/activity?days=30");
        JsonNode dev1 = null;
        for (JsonNode r : a.path("rows")) if (r.path("key").asText().equals("dev1")) dev1 = r;
        WebElement row = b.rows("productivity").stream().filter(r -> b.cell(r, "key").equals("dev1")).findFirst().orElseThrow();
        assertThat(b.cell(row, "pull_requests")).isEqualTo("8");
        assertThat(b.cell(row, "cost_per_pr_usd")).isEqualTo(dollars(dev1.path("cost_per_pr_usd")));
        List<String> csv = b.csv("productivity");
        assertThat(csv).hasSize(a.path("rows").size() + 1);
        assertThat(b.driver.findElements(By.cssSelector("[data-testid='chart-dau'] canvas"))).isNotEmpty();
        b.screenshot(store + "-productivity");
    }
}
