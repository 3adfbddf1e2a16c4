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
import java.util.Set;
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
 * request id is the response's {@code request-id}, else the message id.
 */
public final class VertexRoutes implements Wire {
    private static final Logger LOG = Logger.getLogger(VertexRoutes.class.getName());
    private static final long BODY_LIMIT = 32L << 20;
    private static final Pattern CALL = Pattern.compile(
            "^/vertex(/v1/projects/[^/]+/locations/([^/]+)/publishers/anthropic/models/)([^/:]+):(rawPredict|streamRawPredict)$");

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

    /** The location the request names in its path ({@code …/locations/{l}/…}). */
    @Override
    public String region(RoutingContext ctx) {
        Matcher m = CALL.matcher(ctx.request().path());
        return m.matches() ? BedrockRoutes.percentDecode(m.group(2)) : null;
    }

    @Override
    public String model(RoutingContext ctx) {
        Matcher m = CALL.matcher(ctx.request().path());
        return m.matches() ? BedrockRoutes.percentDecode(m.group(3)) : null;
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
        Matcher m = CALL.matcher(req.path());
        if (!m.matches()) throw new IllegalStateException("not a Vertex call: " + req.path());
        String path = m.group(1) + BedrockRoutes.percentEncode(model).replace("%40", "@") + ":" + m.group(4);
        URI endpoint = config.endpoint() != null ? config.endpoint() : VertexConfig.endpointFor(BedrockRoutes.percentDecode(m.group(2)));
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        ForwardHeaders.copyRequest(req.headers(), h, Set.of(), true);
        authorization(c).onComplete(a -> {
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
            UpstreamClient client = clients.computeIfAbsent(endpoint, e -> new UpstreamClient(vertx, e, idleTimeout));
            new ProxyExchange(client, req, body, h,
                    up -> UsageTap.forAnswer(up, UsageTap::forContentType), true,
                    r -> onDone.apply(r.requestId() != null || r.tap() == null ? r
                            : new ProxyExchange.Result(r.status(), r.tap(), r.tap().usage.messageId(), r.latencyNanos())))
                    .to(path).start();
        });
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
