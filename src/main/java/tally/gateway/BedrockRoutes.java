package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import tally.pricing.PriceCatalog;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Amazon Bedrock through the gateway, under {@code /bedrock} (Claude Code's
 * {@code ANTHROPIC_BEDROCK_BASE_URL=http://HOST:PORT/bedrock}):
 * <ul>
 *   <li>{@code POST /bedrock/model/{modelId}/invoke}, {@code …/invoke-with-response-stream},
 *       {@code …/converse}, {@code …/converse-stream}: admitted like {@code /v1/messages} (key,
 *       policy, rate limit, budget), signed with SigV4 (or the server's Bedrock API key) and relayed
 *       byte for byte; event streams are metered frame by frame. The record's request id is
 *       {@code x-amzn-requestid}, so the invocation log of the same call dedupes against it; the
 *       answer repeats it as {@code request-id}, the header Claude Code reports;</li>
 *   <li>{@code GET /bedrock/inference-profiles[/{id}]}: forwarded to the control plane for an
 *       authenticated caller; anyone else gets a 404, on which Claude Code uses its built-in ids.</li>
 * </ul>
 */
public final class BedrockRoutes implements Wire {
    private static final Logger LOG = Logger.getLogger(BedrockRoutes.class.getName());
    private static final long BODY_LIMIT = 32L << 20;
    private static final Pattern MODEL_CALL = Pattern.compile("^/bedrock/model/([^/]+)/(invoke|invoke-with-response-stream|converse|converse-stream)$");
    static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

    private final Gateway gateway;
    private final BedrockConfig config;
    private final PriceCatalog catalog;
    private final UpstreamClient runtime;
    private final UpstreamClient control;
    private final SigV4Signer signer;

    public BedrockRoutes(Vertx vertx, Gateway gateway, BedrockConfig config, PriceCatalog catalog, Duration idleTimeout) {
        this.gateway = gateway;
        this.config = config;
        this.catalog = catalog;
        this.runtime = new UpstreamClient(vertx, config.runtime(), idleTimeout);
        this.control = new UpstreamClient(vertx, config.control(), idleTimeout);
        this.signer = config.credentials() == null ? null : new SigV4Signer(vertx, config.credentials(), config.region());
    }

    public void mount(Router router) {
        router.postWithRegex(MODEL_CALL.pattern()).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(ctx -> gateway.admit(ctx, this));
        router.getWithRegex("^/bedrock/inference-profiles(/.*)?$").handler(this::inferenceProfiles);
    }

    // ---------------------------------------------------------------- the wire

    @Override
    public String provider() {
        return "bedrock";
    }

    /** The region the server signs for and calls: its {@code --bedrock-region}. */
    @Override
    public String region(RoutingContext ctx) {
        return config.region();
    }

    /** The model id from the path, %-decoded (an ARN arrives with its '/' as %2F, its colons raw). */
    @Override
    public String model(RoutingContext ctx) {
        Matcher m = MODEL_CALL.matcher(routedPath(ctx));
        return m.matches() ? percentDecode(m.group(1)) : null;
    }

    /** A model id the ledger could not store, or that no Bedrock model has (blank, control characters), is refused before it is sent. */
    @Override
    public String refusal(RoutingContext ctx) {
        String model = model(ctx);
        if (model == null) return "not a Bedrock model call: " + quoted(ctx.request().path());
        if (model.isBlank()) return "the model id in the path is blank";
        for (int i = 0; i < model.length(); i++) {
            if (Character.isISOControl(model.charAt(i)) || Character.isWhitespace(model.charAt(i))) {
                return "model id " + quoted(model) + " holds a control or whitespace character";
            }
        }
        return null;
    }

    /** Converse names its output cap {@code inferenceConfig.maxTokens}; InvokeModel's body is Anthropic's. */
    @Override
    public RequestFacts facts(RoutingContext ctx, Buffer body) {
        return operation(ctx).startsWith("converse") ? RequestFacts.readConverse(body) : RequestFacts.read(body);
    }

    @Override
    public Buffer rewrite(RoutingContext ctx, Buffer body, Long maxTokens) {
        if (maxTokens == null) return body;
        return operation(ctx).startsWith("converse") ? RequestFacts.rewriteConverse(body, maxTokens)
                : RequestFacts.rewrite(body, null, maxTokens);
    }

    private static String operation(RoutingContext ctx) {
        Matcher m = MODEL_CALL.matcher(routedPath(ctx));
        return m.matches() ? m.group(2) : "invoke";
    }

    /**
     * A first-party downgrade target becomes the Bedrock id in the request's own geography:
     * {@code claude-haiku-4-5} for {@code us.anthropic.claude-sonnet-4-5-20250929-v1:0} is
     * {@code us.anthropic.claude-haiku-4-5-20251001-v1:0}. A Bedrock id or ARN is used as it is.
     */
    @Override
    public String sameProvider(String requested, String target) {
        if (target.contains("anthropic.") || target.startsWith("arn:")) return target;
        String id = catalog.resolve(target).canonicalId();
        String prefix = "";
        if (requested != null) {
            int at = requested.indexOf("anthropic.");
            if (at > 0 && !requested.startsWith("arn:")) prefix = requested.substring(0, at);
        }
        boolean dated = id.matches(".*-\\d{8}$");
        return prefix + "anthropic." + id + (dated ? "-v1:0" : "");
    }

    @Override
    public void forward(RoutingContext ctx, Caller c, String model, Buffer body, Function<ProxyExchange.Result, Future<Void>> onDone) {
        HttpServerRequest req = ctx.request();
        String op = operation(ctx);
        String path = "/model/" + percentEncode(model) + "/" + op;
        credentials(c, config.runtime(), path, requestHeaders(req), body).onComplete(h -> Wire.guarded(req, onDone, () -> {
            if (h.failed()) {
                cannotSign(req.response(), h.cause());
                onDone.apply(new ProxyExchange.Result(h.cause() instanceof Authenticator.Rejected ? 401 : 500, null, null, 0));
                return;
            }
            new ProxyExchange(runtime, req, body, h.result(), up -> tapFor(op, up), true, onDone)
                    .to(path).requestIdFrom("x-amzn-requestid").tellRequestId().start();
        }));
    }

    private static UsageTap tapFor(String op, HttpClientResponse up) {
        return UsageTap.forAnswer(up, type -> {
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith(EVENT_STREAM)) return new EventStreamTap();
            return op.equals("converse") ? new ConverseTap() : UsageTap.forContentType(type);
        });
    }

    /** Only what Bedrock reads crosses, and all of it is signed: the content types and Bedrock's own request headers. */
    private static MultiMap requestHeaders(HttpServerRequest req) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        for (var e : req.headers()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("content-type") || name.equals("accept") || name.startsWith("x-amzn-bedrock-")) h.add(name, e.getValue());
        }
        if (!h.contains("content-type")) h.set("content-type", "application/json");
        h.set("accept-encoding", "identity"); // metered: read on the way through
        return h;
    }

    /**
     * How the upstream learns who pays: a Tally key (or a trusted identity header) uses the server's
     * credentials — SigV4, or its Bedrock API key; a developer's own bearer token (their Bedrock API
     * key, in pass-through) is forwarded as sent. Nothing else reaches AWS.
     */
    private Future<MultiMap> credentials(Caller c, URI endpoint, String path, MultiMap headers, Buffer body) {
        if (Wire.ownCredential(c)) {
            headers.set("authorization", c.credentialValue());
            return Future.succeededFuture(headers);
        }
        if (Wire.foreignKey(c, gateway.upstreamKey())) {
            return Future.failedFuture(new Authenticator.Rejected("Bedrock through Tally takes a Tally key or your own Bedrock API key as a bearer token"));
        }
        return serverCredentials(endpoint, path, headers, body);
    }

    private Future<MultiMap> serverCredentials(URI endpoint, String path, MultiMap headers, Buffer body) {
        if (config.apiKey() != null) {
            headers.set("authorization", "Bearer " + config.apiKey());
            return Future.succeededFuture(headers);
        }
        if (signer == null) return Future.failedFuture(new IllegalStateException("no AWS credentials configured"));
        String base = endpoint.toString().replaceAll("/+$", "");
        return signer.sign("bedrock", "POST", URI.create(base + path), headers, body.getBytes());
    }

    private static void cannotSign(HttpServerResponse resp, Throwable cause) {
        if (cause instanceof Authenticator.Rejected) {
            ApiErrors.sendBedrock(resp, 401, "authentication_error", cause.getMessage());
            return;
        }
        LOG.warning("bedrock: cannot sign the upstream request: " + cause);
        ApiErrors.sendBedrock(resp, 500, "api_error", "the gateway could not sign the request for Bedrock (its AWS credentials): " + cause.getMessage());
    }

    // ---------------------------------------------------------------- control plane

    private void inferenceProfiles(RoutingContext ctx) {
        HttpServerRequest req = ctx.request();
        gateway.caller(req.headers()).onComplete(ar -> {
            if (ar.failed()) {
                // Claude Code asks without credentials when it skips AWS auth; a 404 makes it use its built-in ids.
                req.response().setStatusCode(404).putHeader("content-type", "application/json")
                        .putHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                        .end("{\"message\":\"Tally forwards inference-profile lookups only for a Tally key; the built-in model ids apply\"}");
                return;
            }
            String path = req.path().substring("/bedrock".length()) + (req.query() == null ? "" : "?" + req.query());
            MultiMap h = MultiMap.caseInsensitiveMultiMap().add("accept", "application/json");
            Future<MultiMap> signed;
            if (config.apiKey() != null) {
                signed = Future.succeededFuture(h.set("authorization", "Bearer " + config.apiKey()));
            } else if (signer == null) {
                signed = Future.failedFuture(new IllegalStateException("no AWS credentials configured"));
            } else {
                signed = signer.sign("bedrock", "GET", URI.create(config.control().toString().replaceAll("/+$", "") + path), h, new byte[0]);
            }
            signed.onComplete(s -> {
                if (s.failed()) {
                    cannotSign(req.response(), s.cause());
                    return;
                }
                new ProxyExchange(control, req, Buffer.buffer(), s.result(), null, false, r -> Future.succeededFuture())
                        .to(path).requestIdFrom("x-amzn-requestid").start();
            });
        });
    }

    // ---------------------------------------------------------------- ids in paths

    /**
     * The path as the router matched it: dot segments and doubled slashes resolved, unreserved
     * %-escapes decoded (the raw path of {@code /bedrock//model/…} is no model call at all).
     */
    static String routedPath(RoutingContext ctx) {
        try {
            return ctx.normalizedPath();
        } catch (IllegalArgumentException badEscape) { // never routed here: the router refuses it first
            return ctx.request().path();
        }
    }

    /** A path segment for an error message: quoted, control characters written as escapes, long ones cut. */
    static String quoted(String s) {
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < s.length() && i < 200; i++) {
            char ch = s.charAt(i);
            if (Character.isISOControl(ch)) b.append(String.format("\\u%04x", (int) ch));
            else b.append(ch);
        }
        return b.append(s.length() > 200 ? "…'" : "'").toString();
    }

    /** RFC 3986 encoding of one path segment: everything but unreserved characters. */
    static String percentEncode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char ch = (char) (x & 0xff);
            if (ch < 0x80 && (Character.isLetterOrDigit(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~')) b.append(ch);
            else b.append('%').append(String.format("%02X", x & 0xff));
        }
        return b.toString();
    }

    static String percentDecode(String s) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '%' && i + 2 < s.length()) {
                try {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                    continue;
                } catch (RuntimeException notHex) {
                    // a lone '%' stays as it is
                }
            }
            byte[] bytes = String.valueOf(ch).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.write(bytes, 0, bytes.length);
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Converse's JSON answer: usage under Bedrock's names. */
    static final class ConverseTap extends UsageTap.Whole {
        ConverseTap() {
            super(32L << 20);
        }

        @Override
        void read(byte[] body) throws java.io.IOException {
            com.fasterxml.jackson.databind.JsonNode u = JSON.readTree(body).path("usage");
            usage.apply(EventStreamTap.anthropicUsage(u, "inputTokens", "outputTokens", "cacheReadInputTokens", "cacheWriteInputTokens"));
        }
    }
}
