package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import tally.store.TestStores;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Login as it is when {@code tally serve} listens beyond loopback (here forced on, still bound to
 * 127.0.0.1): everything behind a session, roles, cookie flags, CSRF-safe writes. The store is
 * incidental to these checks, so one store suffices.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTest {
    @TempDir static Path dir;
    private WebHarness h;
    private UserFile users;

    @BeforeAll
    void start() throws Exception {
        users = new UserFile(dir.resolve("users.json"));
        // fewer iterations than a real user file, so logins in tests are quick; the format is the same
        users.put(new UserFile.User("ada", Role.ADMIN, PasswordHash.hash("correct horse".toCharArray(), 10_000)));
        users.put(new UserFile.User("val", Role.VIEWER, PasswordHash.hash("battery staple".toCharArray(), 10_000)));
        h = new WebHarness(TestStores.Kind.DUCKDB, dir.resolve("store"), true, users);
    }

    @AfterAll
    void stop() {
        if (h != null) h.close();
    }

    private HttpResponse<String> login(String user, String password, String origin) {
        return h.send("POST", "/api/login", origin == null ? Map.of("content-type", "application/json")
                : Map.of("content-type", "application/json", "origin", origin),
                "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    private String cookie(HttpResponse<String> loggedIn) {
        String set = loggedIn.headers().firstValue("set-cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    @Test
    void nothingWithoutALogin() {
        HttpResponse<String> api = h.get("/api/usage", Map.of());
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(WebHarness.read(api.body()).path("error").path("type").asText()).isEqualTo("authentication_error");
        assertThat(h.get("/api/openapi.json", Map.of()).statusCode()).isEqualTo(401);
        assertThat(h.get("/api/me", Map.of()).statusCode()).isEqualTo(401);
        HttpResponse<String> page = h.get("/", Map.of());
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("location")).hasValue("/login");
        assertThat(h.get("/assets/app.js", Map.of()).statusCode()).isEqualTo(302);
        assertThat(h.get("/login", Map.of()).statusCode()).isEqualTo(200);
        assertThat(h.get("/assets/login.js", Map.of()).statusCode()).isEqualTo(200);
        assertThat(h.get("/api/usage", Map.of("cookie", "tally_session=forged")).statusCode()).isEqualTo(401);
    }

    @Test
    void wrongPasswordsUnknownUsersAndForeignPagesAreRefused() {
        assertThat(login("ada", "wrong", null).statusCode()).isEqualTo(401);
        HttpResponse<String> nobody = login("nobody", "correct horse", null);
        assertThat(nobody.statusCode()).isEqualTo(401);
        assertThat(WebHarness.read(nobody.body()).path("error").path("message").asText()).isEqualTo("wrong user or password");
        assertThat(login("ada", "correct horse", "http://evil.example").statusCode()).isEqualTo(403);
        assertThat(h.send("POST", "/api/login", Map.of(), "not json").statusCode()).isEqualTo(400);
    }

    @Test
    void aLoginSetsAStrictHttpOnlyCookieAndOpensTheApi() {
        HttpResponse<String> ok = login("ada", "correct horse", h.base);
        assertThat(ok.statusCode()).isEqualTo(200);
        String set = ok.headers().firstValue("set-cookie").orElseThrow();
        assertThat(set).startsWith("tally_session=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict").contains("Path=/");
        Map<String, String> c = Map.of("cookie", cookie(ok));
        assertThat(h.get("/api/usage?by=model", c).statusCode()).isEqualTo(200);
        assertThat(h.get("/api/keys", c).statusCode()).isEqualTo(200);
        assertThat(h.get("/", c).statusCode()).isEqualTo(200);
        JsonNode me = WebHarness.read(h.get("/api/me", c).body());
        assertThat(me.path("user").asText()).isEqualTo("ada");
        assertThat(me.path("role").asText()).isEqualTo("admin");
        assertThat(me.path("csrf").asText()).hasSizeGreaterThan(20);
    }

    @Test
    void viewersReadButDoNotListKeysOrWrite() {
        HttpResponse<String> ok = login("val", "battery staple", null);
        Map<String, String> c = Map.of("cookie", cookie(ok));
        String csrf = WebHarness.read(ok.body()).path("csrf").asText();
        assertThat(h.get("/api/usage", c).statusCode()).isEqualTo(200);
        assertThat(h.get("/api/keys", c).statusCode()).isEqualTo(403);
        HttpResponse<String> write = h.send("POST", "/api/alerts/rules", Map.of("cookie", cookie(ok), "x-csrf-token", csrf, "origin", h.base), "{}");
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(WebHarness.read(write.body()).path("error").path("type").asText()).isEqualTo("permission_error");
        assertThat(h.send("POST", "/api/logout", Map.of("cookie", cookie(ok), "x-csrf-token", csrf, "origin", h.base), null).statusCode()).isEqualTo(204);
        assertThat(h.get("/api/usage", c).statusCode()).isEqualTo(401);
    }

    @Test
    void writesNeedTheCsrfTokenAndThisOrigin() {
        HttpResponse<String> ok = login("ada", "correct horse", h.base);
        String session = cookie(ok);
        String csrf = WebHarness.read(ok.body()).path("csrf").asText();
        assertThat(h.send("POST", "/api/usage", Map.of("cookie", session, "origin", h.base), "{}").statusCode()).isEqualTo(403);
        assertThat(h.send("POST", "/api/usage", Map.of("cookie", session, "origin", h.base, "x-csrf-token", "guess"), "{}").statusCode()).isEqualTo(403);
        assertThat(h.send("POST", "/api/usage", Map.of("cookie", session, "origin", "http://evil.example", "x-csrf-token", csrf), "{}").statusCode()).isEqualTo(403);
        assertThat(h.send("POST", "/api/usage", Map.of("cookie", session, "x-csrf-token", csrf), "{}").statusCode()).isEqualTo(403);
        // past the guard: the API itself answers (it has no POST /api/usage)
        assertThat(h.send("POST", "/api/usage", Map.of("cookie", session, "origin", h.base, "x-csrf-token", csrf), "{}").statusCode()).isEqualTo(405);
    }

    @Test
    void removingAUserEndsTheirSessions() throws Exception {
        users.put(new UserFile.User("tmp", Role.VIEWER, PasswordHash.hash("temporary1".toCharArray(), 10_000)));
        Map<String, String> c = Map.of("cookie", cookie(login("tmp", "temporary1", null)));
        assertThat(h.get("/api/usage", c).statusCode()).isEqualTo(200);
        users.remove("tmp");
        assertThat(h.get("/api/usage", c).statusCode()).isEqualTo(401);
    }

    @Test
    void onlyLoopbackGoesWithoutALogin() {
        assertThat(WebApp.loopback("127.0.0.1")).isTrue();
        assertThat(WebApp.loopback("localhost")).isTrue();
        assertThat(WebApp.loopback("::1")).isTrue();
        assertThat(WebApp.loopback("0.0.0.0")).isFalse();
        assertThat(WebApp.loopback("192.0.2.10")).isFalse();
    }

    @Test
    void passwordsAreSlowSaltedHashes() {
        String a = PasswordHash.hash("same".toCharArray(), 1000);
        String b = PasswordHash.hash("same".toCharArray(), 1000);
        assertThat(a).startsWith("pbkdf2-sha256$1000$").isNotEqualTo(b);
        assertThat(PasswordHash.verify("same".toCharArray(), a)).isTrue();
        assertThat(PasswordHash.verify("other".toCharArray(), a)).isFalse();
        assertThat(PasswordHash.verify("same".toCharArray(), null)).isFalse();
        assertThat(PasswordHash.verify("same".toCharArray(), "plain")).isFalse();
    }

    @Test
    void usersAddWritesTheFileWithARealHash() throws Exception {
        Path file = dir.resolve("cli-users.json");
        InputStream in = System.in;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code;
        try {
            System.setIn(new ByteArrayInputStream("s3cret-passw0rd\n".getBytes(StandardCharsets.UTF_8)));
            code = tally.cli.Main.run(new String[] {"users", "--users", file.toString(), "add", "grace", "--role", "admin", "--password-stdin"},
                    new PrintWriter(out), new PrintWriter(err));
        } finally {
            System.setIn(in);
        }
        assertThat(code).as(err.toString()).isZero();
        UserFile.User grace = new UserFile(file).find("grace");
        assertThat(grace.role()).isEqualTo(Role.ADMIN);
        assertThat(grace.passwordHash()).startsWith("pbkdf2-sha256$" + PasswordHash.ITERATIONS + "$");
        assertThat(PasswordHash.verify("s3cret-passw0rd".toCharArray(), grace.passwordHash())).isTrue();
        assertThat(Files.readString(file)).doesNotContain("s3cret");
        assertThat(tally.cli.Main.run(new String[] {"users", "--users", file.toString(), "add", "x", "--role", "root", "--password-stdin"},
                new PrintWriter(out), new PrintWriter(err))).isEqualTo(2);
    }

    @Test
    void theBrowserLogsInThroughTheForm() throws Exception {
        try (Browser b = new Browser(dir.resolve("browser"))) {
            b.driver.get(h.base + "/");
            b.waitFor(() -> b.driver.getCurrentUrl().endsWith("/login"));
            b.driver.findElement(By.name("user")).sendKeys("ada");
            b.driver.findElement(By.name("password")).sendKeys("wrong");
            b.driver.findElement(By.cssSelector("button[type=submit]")).click();
            b.waitFor(() -> !b.driver.findElement(By.id("error")).getText().isEmpty());
            b.driver.findElement(By.name("password")).clear();
            b.driver.findElement(By.name("password")).sendKeys("correct horse");
            b.driver.findElement(By.cssSelector("button[type=submit]")).click();
            b.waitFor(() -> "overview".equals(b.loaded() == null ? null : b.main().getAttribute("data-view")));
            b.waitFor(() -> b.driver.findElement(By.id("who")).getText().contains("ada (admin)"));
            assertThat(b.text("kpi-cost-today")).startsWith("$");
            b.screenshot("login-overview");
        }
    }
}
