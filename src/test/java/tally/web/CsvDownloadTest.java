package tally.web;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.store.TestStores;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's CSV download in a real browser: a name that starts like a formula is text. */
class CsvDownloadTest {
    @TempDir Path dir;

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aCellThatStartsLikeAFormulaIsEscaped(TestStores.Kind kind) throws Exception {
        assertThat(Browser.available()).as("chromium and chromium-driver").isTrue();
        try (WebHarness h = new WebHarness(kind, dir.resolve("store")); Browser b = new Browser(dir.resolve("browser"))) {
            String evil = "=HYPERLINK(\"http://evil.example\",\"click\")";
            h.ledger.write(List.of(
                    UsageEvent.builder().id("evil-1").time(WebHarness.NOW.minusSeconds(900)).identity(evil)
                            .modelId("claude-sonnet-4-5-20250929").tokens(TokenCounts.of(10, 10)).cost(5_000_000_000_000L, "test").build(),
                    UsageEvent.builder().id("evil-2").time(WebHarness.NOW.minusSeconds(900)).identity("@SUM(A1)")
                            .modelId("claude-sonnet-4-5-20250929").tokens(TokenCounts.of(10, 10)).cost(4_000_000_000_000L, "test").build()));
            b.open(h.base, "developers?days=30");
            List<String> csv = b.csv("developers");
            assertThat(csv).anySatisfy(line -> assertThat(line).startsWith("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\","))
                    .anySatisfy(line -> assertThat(line).startsWith("'@SUM(A1),"))
                    .noneSatisfy(line -> assertThat(line).startsWith("="))
                    .noneSatisfy(line -> assertThat(line).startsWith("@"));
        }
    }
}
