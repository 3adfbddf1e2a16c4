package tally.web;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Headless Debian Chromium driven through its chromedriver: no browser download, no network beyond
 * loopback, a fresh profile, downloads into a directory the test reads.
 */
final class Browser implements AutoCloseable {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    final ChromeDriver driver;
    final Path downloads;
    private final Path profile;

    Browser(Path work) throws IOException {
        downloads = Files.createDirectories(work.resolve("downloads"));
        profile = Files.createDirectories(work.resolve("profile"));
        ChromeOptions o = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
        o.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
                "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, o);
    }

    static boolean available() {
        return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    }

    /** Opens a dashboard route and waits until that view has rendered with fresh data. */
    void open(String base, String route) {
        String before = loaded();
        if (driver.getCurrentUrl().startsWith(base)) {
            ((JavascriptExecutor) driver).executeScript("location.hash = arguments[0]", "#/" + route);
        } else {
            driver.get(base + "/#/" + route);
        }
        String view = route.split("[/?]")[0];
        waitFor(() -> view.equals(main().getAttribute("data-view")) && !String.valueOf(before).equals(loaded()));
    }

    /** After an action that re-renders the current view. */
    void awaitRender(String before) {
        waitFor(() -> !String.valueOf(before).equals(loaded()));
    }

    String loaded() {
        try {
            return main().getAttribute("data-loaded");
        } catch (RuntimeException e) {
            return null;
        }
    }

    WebElement main() {
        return driver.findElement(By.id("view"));
    }

    WebElement byTestId(String id) {
        return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
    }

    String text(String testId) {
        return byTestId(testId).getText().trim();
    }

    List<WebElement> rows(String table) {
        return driver.findElements(By.cssSelector("[data-testid='table-" + table + "'] tbody tr"));
    }

    String cell(WebElement row, String col) {
        return row.findElement(By.cssSelector("td[data-col='" + col + "']")).getText().trim();
    }

    /** Clicks a table's CSV button and returns the file it downloads. */
    List<String> csv(String table) throws IOException {
        Path file = downloads.resolve(table + ".csv");
        Files.deleteIfExists(file);
        byTestId("csv-" + table).click();
        waitFor(() -> Files.isRegularFile(file) && !Files.exists(downloads.resolve(table + ".csv.crdownload")));
        return Files.readAllLines(file);
    }

    void screenshot(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "screenshots"));
        Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> condition.getAsBoolean());
    }

    @Override
    public void close() {
        driver.quit();
    }
}
