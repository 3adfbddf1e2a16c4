package tally.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Errors the gateway answers itself, in Anthropic's shape
 * ({@code {"type":"error","error":{"type":…,"message":…},"request_id":…}}), so every client and SDK
 * already knows how to read them. The request id is the gateway's own ({@code req_tally_…}).
 */
public final class ApiErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiErrors() {}

    public static String body(String type, String message, String requestId) {
        return anthropic(JSON.createObjectNode(), type, message, requestId).toString();
    }

    /** Anthropic's error fields, added to {@code o}. */
    private static ObjectNode anthropic(ObjectNode o, String type, String message, String requestId) {
        o.put("type", "error");
        o.putObject("error").put("type", type).put("message", message);
        o.put("request_id", requestId);
        return o;
    }

    public static String newRequestId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return "req_tally_" + HexFormat.of().formatHex(b);
    }

    /** Sends the error unless a response already started (then the connection is the only signal left). */
    public static void send(HttpServerResponse resp, int status, String type, String message) {
        if (resp.headWritten() || resp.ended() || resp.closed()) return;
        String id = newRequestId();
        resp.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .putHeader("request-id", id)
                .end(Buffer.buffer(body(type, message, id)));
    }

    public static void unauthorized(HttpServerResponse resp, String message) {
        send(resp, 401, "authentication_error", message);
    }

    /**
     * Sends the error in the shape the route's clients read: on {@code /bedrock/…} AWS's as well
     * ({@link #sendBedrock}), elsewhere Anthropic's.
     */
    public static void send(HttpServerRequest request, int status, String type, String message) {
        String path = request.path();
        if (path != null && path.startsWith("/bedrock/")) sendBedrock(request.response(), status, type, message);
        else send(request.response(), status, type, message);
    }

    /**
     * An error on a Bedrock route, readable by both kinds of Bedrock client: the AWS SDKs take the
     * error code from {@code x-amzn-ErrorType} and the text from a top-level {@code message}; the
     * Anthropic SDKs' Bedrock backends read Anthropic's {@code error} object, which stays beside it.
     */
    static void sendBedrock(HttpServerResponse resp, int status, String type, String message) {
        if (resp.headWritten() || resp.ended() || resp.closed()) return;
        String id = newRequestId();
        ObjectNode o = anthropic(JSON.createObjectNode().put("message", message), type, message, id);
        resp.setStatusCode(status)
                .putHeader("content-type", "application/json")
                .putHeader("x-amzn-ErrorType", awsErrorType(status))
                .putHeader("x-amzn-RequestId", id)
                .end(Buffer.buffer(o.toString()));
    }

    /** Bedrock's exception names for the statuses the gateway answers itself. */
    static String awsErrorType(int status) {
        return switch (status) {
            case 400, 413, 415 -> "ValidationException";
            case 401, 403 -> "AccessDeniedException";
            case 402 -> "ServiceQuotaExceededException"; // a budget: not worth retrying, unlike throttling
            case 404 -> "ResourceNotFoundException";
            case 429 -> "ThrottlingException";
            case 503 -> "ServiceUnavailableException";
            default -> "InternalServerException";
        };
    }
}
