package tally.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;

/**
 * One authenticated POST /v1/messages request (or a cloud route's, see {@link Wire}) as it goes through {@link MessagesPipeline}'s steps.
 * The key's policy may replace its model, max_tokens and body; every later step sees the result.
 */
final class MessageRequest {
    static final String PROJECT_HEADER = "x-tally-project";

    final RoutingContext ctx;
    final Caller caller;
    final Instant at;
    final RequestFacts facts;
    final String session;
    /** The project the client names ({@code X-Tally-Project}, e.g. through ANTHROPIC_CUSTOM_HEADERS), else its key's, or null. */
    final String project;
    /** How a cloud route (Bedrock, Vertex) differs; null on /v1/messages. */
    final Wire wire;
    String model;
    /** The model the client asked for, when the key's downgrade replaced it; else null. */
    String downgradedFrom;
    Long maxTokens;
    Buffer body;

    MessageRequest(RoutingContext ctx, Caller caller, Instant at, Buffer body) {
        this.ctx = ctx;
        this.caller = caller;
        this.at = at;
        this.wire = Wire.of(ctx);
        this.facts = wire == null ? RequestFacts.read(body) : wire.facts(ctx, body);
        this.session = ctx.request().getHeader("x-claude-code-session-id");
        this.project = projectOf(ctx.request(), caller);
        this.model = wire == null ? facts.model() : wire.model(ctx);
        this.maxTokens = facts.maxTokens();
        this.body = body;
    }

    /** The project a request names ({@code X-Tally-Project}), else its caller's key's, or null. */
    static String projectOf(io.vertx.core.http.HttpServerRequest request, Caller caller) {
        String p = request.getHeader(PROJECT_HEADER);
        return p != null && !p.isBlank() ? p.trim() : caller.key() == null ? null : caller.key().project();
    }
}
