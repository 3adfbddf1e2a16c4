package tally.web;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.gateway.Http;
import tally.server.TallyServer;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guessing passwords does not pay: after five failures for an account (or twenty from one address)
 * every login is refused at once with 429 and Retry-After — the right password too — for a window
 * that grows with each further failure. Every failure is logged with the user and the address, never
 * the password.
 */
class LoginThrottleTest {
    @TempDir Path dir;
    private final MutableClock clock = new MutableClock();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override public void publish(LogRecord r) { logged.add(r.getMessage()); }
        @Override public void flush() {}
        @Override public void close() {}
    };
    private Vertx vertx;
    private TallyServer server;
    private String base;

    @BeforeEach
    void start() throws Exception {
        UserFile users = new UserFile(dir.resolve("users.json"));
        for (String name : new String[] {"ada", "bob", "cy", "di", "ed", "flo"}) {
            users.put(new UserFile.User(name, Role.VIEWER, PasswordHash.hash(("pw-of-" + name).toCharArray(), 10_000)));
        }
        Logger.getLogger(AccessControl.class.getName()).addHandler(capture);
        vertx = Vertx.vertx();
        server = TallyServer.start(vertx, "127.0.0.1", 0, List.of(new AccessControl(vertx, true, users, clock)));
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        Logger.getLogger(AccessControl.class.getName()).removeHandler(capture);
        server.close();
        vertx.close();
    }

    private HttpResponse<byte[]> login(String user, String password) {
        return Http.send("POST", base + "/api/login", Map.of("content-type", "application/json"),
                "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
    }

    @Test
    void fiveFailuresLockTheAccountEvenAgainstTheRightPassword() {
        for (int i = 1; i <= 5; i++) assertThat(login("ada", "guess-" + i).statusCode()).as("guess %d", i).isEqualTo(401);
        HttpResponse<byte[]> sixth = login("ada", "guess-6");
        assertThat(sixth.statusCode()).isEqualTo(429);
        long wait = Long.parseLong(sixth.headers().firstValue("retry-after").orElseThrow());
        assertThat(wait).isBetween(1L, 30L);
        assertThat(new String(sixth.body(), StandardCharsets.UTF_8)).contains("rate_limit_error");
        assertThat(login("ada", "pw-of-ada").statusCode()).as("the right password, during the lockout").isEqualTo(429);
        assertThat(login("bob", "pw-of-bob").statusCode()).as("other accounts are not locked").isEqualTo(200);

        clock.advance(Duration.ofSeconds(wait));
        assertThat(login("ada", "guess-7").statusCode()).as("after the window: one more try").isEqualTo(401);
        long longer = Long.parseLong(login("ada", "pw-of-ada").headers().firstValue("retry-after").orElseThrow());
        assertThat(longer).as("the window grows").isGreaterThan(wait);
        clock.advance(Duration.ofSeconds(longer));
        assertThat(login("ada", "pw-of-ada").statusCode()).isEqualTo(200);
        assertThat(login("ada", "wrong").statusCode()).as("a success starts the count afresh").isEqualTo(401);

        assertThat(logged).anyMatch(m -> m.startsWith("login failed") && m.contains("'ada'") && m.contains("127.0.0.1"));
        assertThat(logged).anyMatch(m -> m.startsWith("login refused") && m.contains("'ada'") && m.contains("127.0.0.1"));
        assertThat(logged.stream().filter(m -> m.startsWith("login failed")).count()).isEqualTo(7);
        assertThat(logged).noneMatch(m -> m.contains("guess-") || m.contains("pw-of-") || m.contains("wrong"));
    }

    @Test
    void oneAddressFailingAcrossManyAccountsIsLockedOutToo() {
        for (String user : new String[] {"ada", "bob", "cy", "di", "ed"}) {
            for (int i = 0; i < 4; i++) assertThat(login(user, "guess").statusCode()).isEqualTo(401);
        }
        HttpResponse<byte[]> next = login("flo", "pw-of-flo");
        assertThat(next.statusCode()).as("twenty failures from this address").isEqualTo(429);
        assertThat(next.headers().firstValue("retry-after")).isPresent();
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile java.time.Instant now = java.time.Instant.parse("2026-03-18T15:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public java.time.Instant instant() { return now; }
    }
}
