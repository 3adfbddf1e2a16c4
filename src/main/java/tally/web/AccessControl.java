package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.net.URI;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Login for the dashboard and {@code /api} when the server listens beyond loopback. Users and roles
 * come from the {@link UserFile}; a login sets an HttpOnly, SameSite=Strict session cookie. Writes
 * (anything but GET and HEAD) must also come from this origin and carry the session's CSRF token in
 * {@code X-CSRF-Token}, which a cross-site page can neither read nor send. Viewers read; admins may
 * also list keys and write. On loopback, nothing is asked: the machine's users are trusted, as by the CLI.
 */
public final class AccessControl implements Consumer<Router> {
    static final String COOKIE = "tally_session";
    static final String CSRF_HEADER = "x-csrf-token";
    /** Reachable without a session: the login page, what it loads, and the login itself. */
    private static final Set<String> PUBLIC = Set.of("/login", "/login.html", "/assets/login.js", "/assets/style.css", "/api/login", "/api/me");
    /** After the server's own first route (in-flight counting), before anything a part mounts. */
    static final int GUARD_ORDER = -900_000;
    private static final Set<String> ADMIN_ONLY = Set.of("/api/keys");
    private static final String METRICS = "/metrics";
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(AccessControl.class.getName());

    private final Vertx vertx;
    private final boolean required;
    private final UserFile users;
    private final LoginSessions sessions;
    private final LoginThrottle throttle;
    /** Lets a scraper read /metrics without a login; null: only a logged-in session may. */
    private final String metricsToken;
    /** The local admin's token (the CLI's, from the server file): passes as an admin; null: none. */
    private final String adminToken;

    public AccessControl(Vertx vertx, boolean required, UserFile users, java.time.Clock clock) {
        this(vertx, required, users, clock, null);
    }

    public AccessControl(Vertx vertx, boolean required, UserFile users, java.time.Clock clock, String metricsToken) {
        this(vertx, required, users, clock, metricsToken, null);
    }

    public AccessControl(Vertx vertx, boolean required, UserFile users, java.time.Clock clock, String metricsToken,
                         String adminToken) {
        this.adminToken = adminToken;
        this.vertx = vertx;
        this.required = required;
        this.users = users;
        this.sessions = new LoginSessions(clock);
        this.throttle = new LoginThrottle(clock);
        this.metricsToken = metricsToken == null || metricsToken.isBlank() ? null : metricsToken.trim();
    }

    public boolean required() {
        return required;
    }

    @Override
    public void accept(Router router) {
        // Before every other part's routes under /api (alerts, say), whatever order the parts were mounted in.
        for (String path : new String[] {"/", "/index.html", "/assets/*", "/api/*"}) router.route(path).order(GUARD_ORDER).handler(this::guard);
        router.route(METRICS).order(GUARD_ORDER).handler(this::metricsGuard);
        router.post("/api/login").handler(BodyHandler.create(false).setBodyLimit(8 * 1024)).handler(this::login);
        router.post("/api/logout").handler(this::logout);
        router.get("/api/me").handler(this::me);
    }

    private void guard(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        if (!required || PUBLIC.contains(path) || AppApi.bearsToken(ctx, adminToken)) {
            ctx.next();
            return;
        }
        LoginSessions.LoginSession s = session(ctx);
        UserFile.User user = s == null ? null : users.find(s.user());
        if (user == null) {
            if (path.startsWith("/api/")) {
                ApiRoutes.fail(ctx, ApiError.unauthenticated("log in first: POST /api/login"));
            } else {
                ctx.response().setStatusCode(302).putHeader("location", "/login").end();
            }
            return;
        }
        boolean write = ctx.request().method() != HttpMethod.GET && ctx.request().method() != HttpMethod.HEAD;
        if (write && !(sameOrigin(ctx, true) && s.csrf().equals(ctx.request().getHeader(CSRF_HEADER)))) {
            ApiRoutes.fail(ctx, ApiError.forbidden("a write needs this origin and the X-CSRF-Token from /api/me"));
            return;
        }
        if (user.role() != Role.ADMIN && (write && !path.equals("/api/logout") || ADMIN_ONLY.contains(path))) {
            ApiRoutes.fail(ctx, ApiError.forbidden("viewers may read usage, not " + path));
            return;
        }
        ctx.next();
    }

    /** Beyond loopback, /metrics needs the scrape token (Authorization: Bearer) or a logged-in session. */
    private void metricsGuard(RoutingContext ctx) {
        String auth = ctx.request().getHeader("authorization");
        boolean token = metricsToken != null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                && java.security.MessageDigest.isEqual(auth.substring(7).trim().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        metricsToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        LoginSessions.LoginSession s = required && !token ? session(ctx) : null;
        if (!required || token || s != null && users.find(s.user()) != null) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("www-authenticate", "Bearer realm=\"tally\"");
        ApiRoutes.fail(ctx, ApiError.unauthenticated("/metrics needs Authorization: Bearer <the --metrics-token> or a login"));
    }

    private void login(RoutingContext ctx) {
        if (!sameOrigin(ctx, false)) {
            ApiRoutes.fail(ctx, ApiError.forbidden("log in from this server's own page"));
            return;
        }
        if (!required) {
            ApiRoutes.fail(ctx, ApiError.notFound("no login on a loopback server"));
            return;
        }
        String name;
        char[] password;
        try {
            JsonNode body = Json.MAPPER.readTree(ctx.body().buffer().getBytes());
            name = body.path("user").asText("");
            password = body.path("password").asText("").toCharArray();
        } catch (Exception e) {
            ApiRoutes.fail(ctx, ApiError.badParam("body", "expected JSON {\"user\":…,\"password\":…}"));
            return;
        }
        if (users.current().isEmpty()) {
            ApiRoutes.fail(ctx, ApiError.unavailable("no dashboard users yet: run tally users add NAME --role admin"));
            return;
        }
        String address = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
        java.time.Duration wait = throttle.admit(name, address);
        if (wait != null) {
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            LOG.warning("login refused: user " + printable(name) + " from " + address + ": too many failures, locked for " + seconds + "s");
            ctx.response().putHeader("retry-after", Long.toString(seconds));
            ApiRoutes.fail(ctx, ApiError.tooManyRequests("too many failed logins; try again in " + seconds + " s"));
            return;
        }
        vertx.executeBlocking(() -> {
            UserFile.User u = users.find(name);
            return PasswordHash.verify(password, u == null ? null : u.passwordHash()) ? u : null;
        }, false).onComplete(ar -> {
            UserFile.User u = ar.succeeded() ? ar.result() : null;
            if (u == null) {
                LOG.warning("login failed: user " + printable(name) + " from " + address + " (" + throttle.failures(name)
                        + " failures in a row)");
                ApiRoutes.fail(ctx, ApiError.unauthenticated("wrong user or password"));
                return;
            }
            throttle.succeeded(name, address);
            LoginSessions.LoginSession s = sessions.create(u.name());
            ctx.response().addCookie(Cookie.cookie(COOKIE, s.id()).setPath("/").setHttpOnly(true).setSecure(ctx.request().isSSL())
                    .setSameSite(CookieSameSite.STRICT).setMaxAge(LoginSessions.IDLE.toSeconds()));
            ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
                    .end(me(u, s).toString());
        });
    }

    private void logout(RoutingContext ctx) {
        LoginSessions.LoginSession s = session(ctx);
        if (s != null) sessions.remove(s.id());
        ctx.response().addCookie(Cookie.cookie(COOKIE, "").setPath("/").setHttpOnly(true).setSecure(ctx.request().isSSL())
                .setSameSite(CookieSameSite.STRICT).setMaxAge(0));
        ctx.response().setStatusCode(204).end();
    }

    private void me(RoutingContext ctx) {
        if (!required) {
            ctx.response().putHeader("content-type", "application/json")
                    .end(Json.object().putNull("user").put("role", Role.ADMIN.label()).put("login_required", false).putNull("csrf").toString());
            return;
        }
        LoginSessions.LoginSession s = session(ctx);
        UserFile.User u = s == null ? null : users.find(s.user());
        if (u == null) {
            ApiRoutes.fail(ctx, ApiError.unauthenticated("log in first: POST /api/login"));
            return;
        }
        ctx.response().putHeader("content-type", "application/json").putHeader("cache-control", "no-store").end(me(u, s).toString());
    }

    /** A user name as typed, safe for one log line: quoted, control characters escaped, bounded. */
    private static String printable(String name) {
        StringBuilder b = new StringBuilder("'");
        name.codePoints().limit(100).forEach(c -> {
            if (Character.isISOControl(c)) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.append(name.length() > 100 ? "…'" : "'").toString();
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode me(UserFile.User u, LoginSessions.LoginSession s) {
        return Json.object().put("user", u.name()).put("role", u.role().label()).put("login_required", true).put("csrf", s.csrf());
    }

    private LoginSessions.LoginSession session(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        return c == null ? null : sessions.find(c.getValue());
    }

    /** The Origin (or, lacking it, the Referer) names this host; a missing one passes only when not required. */
    private static boolean sameOrigin(RoutingContext ctx, boolean mustBePresent) {
        String origin = ctx.request().getHeader("origin");
        if (origin == null) origin = ctx.request().getHeader("referer");
        if (origin == null || origin.equals("null")) return !mustBePresent && origin == null;
        io.vertx.core.net.HostAndPort self = ctx.request().authority(); // Host, or :authority over HTTP/2
        try {
            URI u = URI.create(origin);
            if (self == null || u.getHost() == null) return false;
            int port = u.getPort() != -1 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
            int selfPort = self.port() != -1 ? self.port() : ctx.request().isSSL() ? 443 : 80;
            return u.getHost().equalsIgnoreCase(self.host()) && port == selfPort;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
