package tally.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logged-in browsers: a random session id (the HttpOnly cookie) → who and until when, plus a CSRF
 * token the page sends back on writes. In memory: a restart logs everyone out, which is fine.
 */
final class LoginSessions {
    static final Duration IDLE = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();

    record LoginSession(String id, String user, String csrf, Instant expires) {}

    private final Map<String, LoginSession> byId = new ConcurrentHashMap<>();
    private final Clock clock;

    LoginSessions(Clock clock) {
        this.clock = clock;
    }

    LoginSession create(String user) {
        if (byId.size() > 10_000) purge();
        LoginSession s = new LoginSession(random(), user, random(), clock.instant().plus(IDLE));
        byId.put(s.id(), s);
        return s;
    }

    /** The live session for a cookie value, its idle time renewed; null when unknown or expired. */
    LoginSession find(String id) {
        if (id == null) return null;
        LoginSession s = byId.get(id);
        if (s == null) return null;
        Instant now = clock.instant();
        if (!now.isBefore(s.expires())) {
            byId.remove(id);
            return null;
        }
        LoginSession renewed = new LoginSession(s.id(), s.user(), s.csrf(), now.plus(IDLE));
        byId.put(id, renewed);
        return renewed;
    }

    void remove(String id) {
        if (id != null) byId.remove(id);
    }

    private void purge() {
        Instant now = clock.instant();
        byId.values().removeIf(s -> !now.isBefore(s.expires()));
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
