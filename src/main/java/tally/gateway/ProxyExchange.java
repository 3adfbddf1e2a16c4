package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.function.Function;

/**
 * One request relayed to the upstream and its response relayed back as it arrives: each chunk is
 * shown to the tap (if any) and written to the client at once, with backpressure from the client
 * pausing the upstream. However the exchange ends, {@code onDone} is called exactly once with the
 * status to record:
 * <ul>
 *   <li>the upstream's status, or the status of a mid-stream {@code error} event;</li>
 *   <li>499 when the client went away (the upstream request is cancelled);</li>
 *   <li>502 when the upstream failed or was unreachable, or its stream ended before its final usage
 *       event; 504 when it went silent too long.</li>
 * </ul>
 * With {@code holdLast}, a response that ends well is not complete for the client until the future
 * {@code onDone} returned has completed (its record is on disk): a body's last chunk, and a stream's
 * bytes from its final usage event on, are held back until then. A {@code kill -9} in between leaves
 * the client with a broken response, never with an answer the ledger does not have.
 */
final class ProxyExchange {
    /** How an exchange ended. {@code tap} is null when the response was not metered. */
    record Result(int status, UsageTap tap, String requestId, long latencyNanos) {}

    static final int CLIENT_CLOSED = 499;

    private final UpstreamClient upstream;
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    /** The request body, or null to stream the client's as it arrives (paused until then). */
    private final Buffer body;
    private final MultiMap headers;
    private final Function<HttpClientResponse, UsageTap> tapFor;
    private final Function<Result, Future<Void>> onDone;
    private final boolean holdLast;
    private Buffer held;
    /**
     * Chunks passed on during this turn of the event loop, not yet written: they go to the client in
     * one write (one flush, one syscall) at the turn's end rather than one each. A stream's events read
     * from the upstream together leave together, a moment later than the first would have.
     */
    private Buffer unsent;
    private boolean unsentOwned;
    /** Writes what waits at the turn's end: one handler for the exchange, not one built each turn. */
    private io.vertx.core.Handler<Void> writeAtTurnEnd;
    private io.vertx.core.Context context;
    private final long startNanos = System.nanoTime();
    private HttpClientRequest upstreamRequest;
    private UsageTap tap;
    private String requestId;
    private boolean done;
    private boolean clientClosed;
    private boolean timedOut;
    private final long idleTimeoutNanos;
    private long lastActivity = System.nanoTime();
    private io.vertx.core.Vertx vertx;
    private long watchdog = -1;
    private String upstreamUri;
    private String requestIdHeader = "request-id";
    private boolean tellRequestId;
    /** The upstream response was read to its end and leaves its connection open: the connection can carry another exchange. */
    private boolean reusable;

    ProxyExchange(UpstreamClient upstream, HttpServerRequest request, Buffer body, MultiMap headers,
                  Function<HttpClientResponse, UsageTap> tapFor, boolean holdLast, Function<Result, Future<Void>> onDone) {
        this.idleTimeoutNanos = upstream.idleTimeout().toNanos();
        this.upstream = upstream;
        this.request = request;
        this.response = request.response();
        this.body = body;
        this.headers = headers;
        this.tapFor = tapFor;
        this.onDone = onDone;
        this.holdLast = holdLast;
    }

    /** Sends the request to this path and query instead of the client's (a cloud route rewrites it). */
    ProxyExchange to(String pathAndQuery) {
        this.upstreamUri = pathAndQuery;
        return this;
    }

    /** The response header that carries the upstream's request id (Bedrock: x-amzn-requestid). */
    ProxyExchange requestIdFrom(String header) {
        this.requestIdHeader = header;
        return this;
    }

    /**
     * The client is told the id the record is stored under, as {@code request-id}: the upstream's id
     * (from {@link #requestIdFrom}'s header), else one of the gateway's own. Claude Code reports that
     * header's id in its telemetry and transcripts, so their copies of the call dedupe against the record.
     */
    ProxyExchange tellRequestId() {
        this.tellRequestId = true;
        return this;
    }

    void start() {
        response.closeHandler(v -> clientGone());
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        if (ctx != null) {
            vertx = ctx.owner();
            if (ctx.isEventLoopContext()) context = ctx;
            armWatchdog(idleTimeoutNanos);
        }
        // With the watchdog armed, it alone watches for silence: no second, per-request timer in the client.
        upstream.exchange(request.method(), upstreamUri != null ? upstreamUri : request.uri(), vertx == null).onComplete(ar -> {
            if (ar.failed()) {
                failBeforeResponse(ar.cause());
                return;
            }
            upstreamRequest = ar.result();
            if (done || clientClosed) { // the client left while we connected
                upstreamRequest.reset();
                if (done) upstream.done(upstreamRequest, false); // finish() came before the request
                return;
            }
            upstreamRequest.headers().addAll(headers);
            if (body == null && !headers.contains("content-length")) upstreamRequest.setChunked(true); // streamed as it comes
            (body != null ? upstreamRequest.send(body) : upstreamRequest.send(request)).onComplete(sent -> {
                if (sent.failed()) failBeforeResponse(sent.cause());
                else relay(sent.result());
            });
        });
    }

    private void relay(HttpClientResponse up) {
        if (done || clientClosed) {
            up.request().reset();
            finish(CLIENT_CLOSED);
            return;
        }
        requestId = up.getHeader(requestIdHeader);
        tap = tapFor == null ? null : tapFor.apply(up);
        response.setStatusCode(up.statusCode());
        if (up.statusMessage() != null) response.setStatusMessage(up.statusMessage());
        ForwardHeaders.copyResponse(up.headers(), response.headers());
        if (tellRequestId) {
            if (requestId == null || requestId.isBlank()) requestId = ApiErrors.newRequestId();
            response.headers().set("request-id", requestId);
        }
        if (up.getHeader("content-length") == null) response.setChunked(true);
        writeAtTurnEnd = v -> writeUnsent(up);
        up.handler(chunk -> {
            if (done) return;
            lastActivity = System.nanoTime();
            if (tap != null) tap.feed(chunk);
            if (clientClosed) return;
            if (holdLast) hold(chunk, up);
            else send(chunk, up);
        });
        up.exceptionHandler(t -> {
            if (done) return;
            finish(clientClosed ? CLIENT_CLOSED : timedOut || isTimeout(t) ? 504 : 502);
            // What was relayed before the break goes first, as when each chunk went at once: a reset of a
            // response whose head was never written left the client waiting (seen when the break and the
            // last chunk came in one turn).
            writeUnsent(up);
            response.reset(); // the client must see a broken stream, not a complete one
        });
        up.endHandler(v -> {
            if (done) return;
            // A streamed body the upstream answered before taking all of (an early refusal) leaves the
            // connection mid-request: it carries nothing more.
            reusable = !clientClosed && !timedOut && up.version() == io.vertx.core.http.HttpVersion.HTTP_1_1
                    && !"close".equalsIgnoreCase(up.getHeader("connection")) && (body != null || request.isEnded());
            if (!holdLast) {
                Buffer last = takeUnsent(null);
                if (last != null) response.end(last);
                else response.end();
                finish(statusOf(up.statusCode()));
                return;
            }
            finish(statusOf(up.statusCode())).onComplete(durable -> release());
        });
    }

    private void send(Buffer chunk, HttpClientResponse up) {
        if (context == null) { // off an event loop: written at once, as it comes
            write(chunk, up);
            return;
        }
        if (unsent == null) {
            unsent = chunk; // kept as it is unless another chunk joins it
            context.runOnContext(writeAtTurnEnd);
        } else {
            if (!unsentOwned) {
                unsent = Buffer.buffer(unsent.length() + chunk.length()).appendBuffer(unsent);
                unsentOwned = true;
            }
            unsent.appendBuffer(chunk);
        }
    }

    /** The turn's end: what was passed on meanwhile goes out, unless the response ended or broke first. */
    private void writeUnsent(HttpClientResponse up) {
        Buffer b = takeUnsent(null);
        if (b == null || response.ended() || response.closed()) return;
        write(b, up);
    }

    /** What is waiting to be written, followed by {@code then} (either may be null). */
    private Buffer takeUnsent(Buffer then) {
        Buffer b = unsent;
        unsent = null;
        unsentOwned = false;
        if (b == null) return then;
        return then == null ? b : Buffer.buffer(b.length() + then.length()).appendBuffer(b).appendBuffer(then);
    }

    private void write(Buffer chunk, HttpClientResponse up) {
        response.write(chunk);
        if (response.writeQueueFull()) {
            up.pause();
            response.drainHandler(v -> up.resume());
        }
    }

    /**
     * A stream passes at once until its final usage event; from there on it is held. A body always
     * keeps its latest chunk back, so the last one is held when the upstream ends.
     */
    private void hold(Buffer chunk, HttpClientResponse up) {
        if (tap instanceof UsageTap.Streamed stream) {
            if (held == null && !stream.usageFinal()) {
                send(chunk, up);
                return;
            }
            held = held == null ? Buffer.buffer().appendBuffer(chunk) : held.appendBuffer(chunk);
            return;
        }
        if (held != null) send(held, up);
        held = chunk;
    }

    /** The record is durable: the held bytes and the end go to the client, in one write (one flush, not two). */
    private void release() {
        if (response.closed()) return;
        Buffer last = takeUnsent(held);
        held = null;
        if (last != null) response.end(last);
        else response.end();
    }

    private int statusOf(int httpStatus) {
        if (tap == null) return httpStatus;
        tap.finish();
        String error = tap.usage.errorType();
        if (error != null) return statusForErrorType(error);
        // A stream that ends before its final usage event is cut off, however cleanly it closed: a failure, as a
        // break is. (One whose usage could not be read stays a success, for the recorder to refuse and say so.)
        if (httpStatus < 300 && tap instanceof UsageTap.Streamed s && !s.usageFinal() && tap.usage.refusal(httpStatus) == null) return 502;
        return httpStatus;
    }

    /**
     * The client's connection closed before we ended the response. It may have everything already
     * (a client can close as soon as it has read a complete body, before the upstream's end reaches
     * us), so the upstream is cancelled and whichever of its end or its failure comes next decides;
     * the timer covers an upstream that says nothing more.
     */
    private void clientGone() {
        if (done || clientClosed) return;
        clientClosed = true;
        if (upstreamRequest != null) upstreamRequest.reset();
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        if (ctx == null) finish(CLIENT_CLOSED);
        else ctx.owner().setTimer(1_000, t -> finish(CLIENT_CLOSED));
    }

    /**
     * The rest of a streamed request body that will not go on is read and dropped: a client still
     * sending it reads no answer until it is done, and the connection can then carry its next
     * request. Past the most the gateway reads of any body ({@link Gateway#BATCH_BODY_LIMIT}) the
     * connection is closed instead.
     */
    static void dropBody(HttpServerRequest req) {
        if (req.isEnded()) return;
        long[] read = {0};
        req.handler(chunk -> {
            read[0] += chunk.length();
            if (read[0] > Gateway.BATCH_BODY_LIMIT) req.connection().close();
        });
        req.resume();
    }

    private void failBeforeResponse(Throwable t) {
        if (body == null) dropBody(request); // a streamed body the upstream did not take
        if (done) return;
        if (clientClosed) {
            finish(CLIENT_CLOSED);
            return;
        }
        boolean timeout = timedOut || isTimeout(t);
        if (response.headWritten()) {
            response.reset();
        } else if (timeout) {
            ApiErrors.send(request, 504, "timeout_error", "the upstream API did not answer in time");
        } else {
            ApiErrors.send(request, 502, "api_error", "the upstream API could not be reached");
        }
        finish(timeout ? 504 : 502);
    }

    /** The watchdog's: how much of a streamed request body had arrived when it last looked. */
    private long streamedSeen;

    /**
     * The client library's idle timeout does not cover a response whose body stalls, so silence is
     * watched here: one timer per exchange, re-armed for whatever is left of the timeout.
     */
    private void armWatchdog(long delayNanos) {
        watchdog = vertx.setTimer(Math.max(1, delayNanos / 1_000_000), t -> {
            if (done) return;
            if (body == null && request.bytesRead() > streamedSeen) { // an upload still coming in is not silence
                streamedSeen = request.bytesRead();
                lastActivity = System.nanoTime();
            }
            long idle = System.nanoTime() - lastActivity;
            if (idle < idleTimeoutNanos) {
                armWatchdog(idleTimeoutNanos - idle);
                return;
            }
            timedOut = true;
            if (upstreamRequest != null) upstreamRequest.reset();
            if (response.headWritten()) {
                finish(504);
                response.reset();
            } else {
                failBeforeResponse(new java.util.concurrent.TimeoutException("upstream silent"));
            }
        });
    }

    /** Ends the exchange once; the future says when its record is durable. */
    private Future<Void> finish(int status) {
        if (done) return Future.succeededFuture();
        done = true;
        if (watchdog >= 0 && vertx != null) vertx.cancelTimer(watchdog);
        if (upstreamRequest != null) upstream.done(upstreamRequest, reusable);
        if (tap != null) tap.finish();
        return onDone.apply(new Result(status, tap, requestId, System.nanoTime() - startNanos));
    }

    static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.util.concurrent.TimeoutException) return true;
            String name = c.getClass().getSimpleName();
            if (name.contains("Timeout")) return true;
            String msg = String.valueOf(c.getMessage()).toLowerCase();
            if (msg.contains("timeout") || msg.contains("timed out")) return true;
        }
        return false;
    }

    /** The HTTP status Anthropic uses for an error type (docs/formats.md §1.5); unknown types count as 500. */
    static int statusForErrorType(String type) {
        return switch (type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "conflict_error" -> 409;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            // Bedrock's exceptions (mid-stream frames), by the HTTP status AWS gives each
            case "throttlingException", "modelNotReadyException" -> 429;
            case "validationException" -> 400;
            case "accessDeniedException" -> 403;
            case "resourceNotFoundException" -> 404;
            case "modelTimeoutException" -> 408;
            case "modelStreamErrorException", "modelErrorException" -> 424;
            case "serviceUnavailableException" -> 503;
            default -> 500;
        };
    }
}
