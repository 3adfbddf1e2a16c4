package tally.gateway;

import com.google.auth.oauth2.GoogleCredentials;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import tally.pricing.PriceCatalog;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Claude on Google Vertex AI through the gateway:
 * {@code POST /vertex/v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict} and
 * {@code :streamRawPredict} (Claude Code appends {@code /projects/…} to its base URL, so that is
 * {@code http://HOST:PORT/vertex/v1}). Admitted like {@code /v1/messages}, forwarded with Google's
 * application default credentials, metered from the standard Anthropic SSE or JSON. The record's
 * request id is the response's {@code request-id}; when Google's answer has none, the gateway's own,
 * given to the client as {@code request-id} (which Claude Code reports, so its copies of the call dedupe).
 */
public final class VertexRoutes implements Wire {
    private static final Logger LOG = Logger.getLogger(VertexRoutes.class.getName());
    private static final long BODY_LIMIT = 32L << 20;
    private static final Pattern CALL = Pattern.compile(
            "^/vertex/v1/projects/([^/]+)/locations/([^/]+)/publishers/anthropic/models/([^/:]+):(rawPredict|streamRawPredict)$");
    /**
     * A Google Cloud location: {@code global}, a multi-region ({@code us}, {@code eu}) or a region
     * ({@code us-east5}). Without {@code --vertex-endpoint} it names the upstream host, which gets
     * the server's Google token: nothing else may get there.
     */
    private static final Pattern LOCATION = Pattern.compile("global|us|eu|[a-z]+-[a-z]+[0-9]+");
    /** Project ids and numbers (and legacy domain-scoped ids, {@code example.com:proj}). */
    private static final Pattern PROJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]*");
    /** Distinct upstream hosts kept open; past this, a new location's exchange gets a client of its own, closed after it. */
    private static final int KEPT_ENDPOINTS = 64;

    private final Vertx vertx;
    private final Gateway gateway;
    private final VertexConfig config;
    private final PriceCatalog catalog;
    private final Duration idleTimeout;
    private final Map<URI, UpstreamClient> clients = new ConcurrentHashMap<>();
    private volatile GoogleCredentials credentials;

    public VertexRoutes(Vertx vertx, Gateway gateway, VertexConfig config, PriceCatalog catalog, Duration idleTimeout) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.config = config;
        this.catalog = catalog;
        this.idleTimeout = idleTimeout;
    }

    public void mount(Router router) {
        router.postWithRegex(CALL.pattern()).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(ctx -> gateway.admit(ctx, this));
    }

    @Override
    public String provider() {
        return "vertex";
    }

    /** One call's path, %-decoded: as the router matched it (dot segments and doubled slashes gone). */
    private record Call(String project, String location, String model, String method) {
        static Call of(RoutingContext ctx) {
            Matcher m = CALL.matcher(BedrockRoutes.routedPath(ctx));
            if (!m.matches()) return null;
            return new Call(BedrockRoutes.percentDecode(m.group(1)), BedrockRoutes.percentDecode(m.group(2)),
                    BedrockRoutes.percentDecode(m.group(3)), m.group(4));
        }
    }

    /** The location the request names in its path ({@code …/locations/{l}/…}). */
    @Override
    public String region(RoutingContext ctx) {
        Call c = Call.of(ctx);
        return c == null ? null : c.location();
    }

    @Override
    public String model(RoutingContext ctx) {
        Call c = Call.of(ctx);
        return c == null ? null : c.model();
    }

    /** A location, project or model that is not one of Google's names is refused before anything is fetched or sent. */
    @Override
    public String refusal(RoutingContext ctx) {
        Call c = Call.of(ctx);
        if (c == null) return "not a Vertex call: " + BedrockRoutes.quoted(ctx.request().path());
        if (!LOCATION.matcher(c.location()).matches()) {
            return "location " + BedrockRoutes.quoted(c.location())
                    + " is not a Google Cloud location (global, us, eu, or a region such as us-east5)";
        }
        if (!PROJECT.matcher(c.project()).matches()) {
            return "project " + BedrockRoutes.quoted(c.project()) + " is not a Google Cloud project id";
        }
        if (!MODEL.matcher(c.model()).matches()) {
            return "model " + BedrockRoutes.quoted(c.model()) + " is not a Vertex model id (such as claude-sonnet-4-5@20250929)";
        }
        return null;
    }

    /** A first-party target becomes Vertex's id: {@code claude-haiku-4-5} is {@code claude-haiku-4-5@20251001}. */
    @Override
    public String sameProvider(String requested, String target) {
        if (target.contains("@")) return target;
        String id = catalog.resolve(target).canonicalId();
        return id.matches(".*-\\d{8}$") ? id.substring(0, id.length() - 9) + "@" + id.substring(id.length() - 8) : id;
    }

    @Override
    public void forward(RoutingContext ctx, Caller c, String model, Buffer body, Function<ProxyExchange.Result, Future<Void>> onDone) {
        HttpServerRequest req = ctx.request();
        Call call = Call.of(ctx);
        if (call == null) throw new IllegalStateException("not a Vertex call: " + req.path());
        String path = "/v1/projects/" + BedrockRoutes.percentEncode(call.project()) + "/locations/" + call.location()
                + "/publishers/anthropic/models/" + BedrockRoutes.percentEncode(model).replace("%40", "@") + ":" + call.method();
        URI endpoint = config.endpoint() != null ? config.endpoint() : VertexConfig.endpointFor(call.location());
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        ForwardHeaders.copyRequest(req.headers(), h, gateway.ownHeaders(), true);
        authorization(c).onComplete(a -> Wire.guarded(req, onDone, () -> {
            if (a.failed() && a.cause() instanceof Authenticator.Rejected) {
                ApiErrors.unauthorized(req.response(), a.cause().getMessage());
                onDone.apply(new ProxyExchange.Result(401, null, null, 0));
                return;
            }
            if (a.failed()) {
                LOG.warning("vertex: no Google credentials: " + a.cause().getMessage());
                ApiErrors.send(req.response(), 500, "api_error", "the gateway has no Google credentials for Vertex: " + a.cause().getMessage());
                onDone.apply(new ProxyExchange.Result(500, null, null, 0));
                return;
            }
            if (a.result() != null) h.set("authorization", a.result());
            UpstreamClient kept = clientFor(endpoint);
            UpstreamClient client = kept != null ? kept : new UpstreamClient(vertx, endpoint, idleTimeout);
            new ProxyExchange(client, req, body, h,
                    up -> UsageTap.forAnswer(up, UsageTap::forContentType), true,
                    r -> {
                        Future<Void> recorded = onDone.apply(r);
                        if (kept == null) recorded.onComplete(v -> client.close());
                        return recorded;
                    })
                    .to(path).tellRequestId().start();
        }));
    }

    /** The kept client for an endpoint, or null when as many are kept as {@link #KEPT_ENDPOINTS} allows. */
    private UpstreamClient clientFor(URI endpoint) {
        UpstreamClient c = clients.get(endpoint);
        if (c != null || clients.size() >= KEPT_ENDPOINTS) return c;
        return clients.computeIfAbsent(endpoint, e -> new UpstreamClient(vertx, e, idleTimeout));
    }

    /** A developer's own bearer token (pass-through) is forwarded; otherwise the server's Google credentials. */
    private Future<String> authorization(Caller c) {
        if (Wire.ownCredential(c)) return Future.succeededFuture(c.credentialValue());
        if (Wire.foreignKey(c, gateway.upstreamKey())) {
            return Future.failedFuture(new Authenticator.Rejected("Vertex through Tally takes a Tally key or your own Google access token as a bearer token"));
        }
        if (config.credentials() == null) return Future.succeededFuture(null);
        return vertx.executeBlocking(() -> {
            GoogleCredentials g = credentials;
            if (g == null) credentials = g = config.credentials().get();
            Map<String, List<String>> md = g.getRequestMetadata(); // refreshes the token when it is due
            List<String> auth = md.get("Authorization");
            return auth == null || auth.isEmpty() ? null : auth.get(0);
        }, false);
    }
}
