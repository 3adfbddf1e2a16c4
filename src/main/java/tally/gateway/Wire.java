package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/**
 * How a cloud route (Bedrock, Vertex) differs from {@code /v1/messages} inside the gateway's shared
 * admission steps: where the model is named, how policy's changes are written, where and how the
 * request is forwarded, and which model id prices the record. Everything else — key policy, rate
 * limit, budget reservation, durable recording, settling — is the gateway's, unchanged.
 */
interface Wire {
    /** The provider records carry: "bedrock" or "vertex". */
    String provider();

    /** The cloud region the request runs in (records carry it), or null when unknown. */
    default String region(RoutingContext ctx) {
        return null;
    }

    /**
     * Why the request's path cannot be forwarded (a 400, answered before anything else is done), or
     * null: what the path names must be safe to send on, and storable.
     */
    default String refusal(RoutingContext ctx) {
        return null;
    }

    /** The model the request asks for (from its path). */
    String model(RoutingContext ctx);

    /**
     * A key's downgrade target as this provider names it (a key names {@code claude-haiku-4-5}; Bedrock
     * wants {@code us.anthropic.claude-haiku-4-5-20251001-v1:0}), so the record and the upstream agree.
     */
    String sameProvider(String requested, String target);

    /** The few fields of the request body the gateway reads (its output cap, above all). */
    default RequestFacts facts(RoutingContext ctx, Buffer body) {
        return RequestFacts.read(body);
    }

    /** The body with policy's max_tokens clamp applied (the model travels in the path, not here). */
    default Buffer rewrite(RoutingContext ctx, Buffer body, Long maxTokens) {
        return maxTokens == null ? body : RequestFacts.rewrite(body, null, maxTokens);
    }

    /**
     * Forwards the admitted request for {@code model} (which policy may have downgraded) and relays the
     * answer; {@code onDone} records it, and the response's last bytes wait for the future it returns.
     */
    void forward(RoutingContext ctx, Caller caller, String model, Buffer body,
                 Function<ProxyExchange.Result, Future<Void>> onDone);

    /**
     * Runs the part of a forward that follows an asynchronous step (credentials, a signature): a fault
     * in it ends the exchange as a 500 and is recorded, so its budget reservation is settled.
     */
    static void guarded(io.vertx.core.http.HttpServerRequest req, Function<ProxyExchange.Result, Future<Void>> onDone, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException fault) {
            java.util.logging.Logger.getLogger(Wire.class.getName())
                    .log(java.util.logging.Level.SEVERE, "gateway: cannot forward " + req.path(), fault);
            onDone.apply(new ProxyExchange.Result(500, null, null, 0));
            ApiErrors.send(req, 500, "api_error", "the gateway could not forward this request");
        }
    }

    /** The caller brought their own cloud credential (a bearer token, in pass-through): it is forwarded as sent. */
    static boolean ownCredential(Caller c) {
        return c.key() == null && "authorization".equals(c.credentialName()) && c.credentialValue() != null;
    }

    /**
     * A pass-through caller whose credential is an {@code x-api-key} that is not a Tally key: it means
     * nothing to AWS or Google, and the server's cloud credentials are not theirs to spend.
     */
    static boolean foreignKey(Caller c, String serverKey) {
        return c.key() == null && "x-api-key".equals(c.credentialName()) && c.credentialValue() != null
                && !c.credentialValue().equals(serverKey);
    }

    /** Where the gateway keeps the wire of a request while it is admitted. */
    String CONTEXT_KEY = "tally.wire";

    static Wire of(RoutingContext ctx) {
        return ctx.get(CONTEXT_KEY);
    }
}
