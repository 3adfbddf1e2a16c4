package tally.web;

/**
 * A request the API refuses, with the status and the {@code {"error":{"type","message"}}} body it
 * gets. The message names the parameter at fault, so a caller can fix the request from it alone.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;

    private ApiError(int status, String type, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
    }

    public static ApiError badParam(String param, String message) {
        return new ApiError(400, "invalid_request_error", param, param + ": " + message);
    }

    /** A request the use case refused, in its own words (they name the option or field at fault). */
    public static ApiError invalid(String message) {
        return new ApiError(400, "invalid_request_error", null, message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", null, message);
    }

    public static ApiError notAllowed(String message) {
        return new ApiError(405, "invalid_request_error", null, message);
    }

    public static ApiError unauthenticated(String message) {
        return new ApiError(401, "authentication_error", null, message);
    }

    public static ApiError forbidden(String message) {
        return new ApiError(403, "permission_error", null, message);
    }

    public static ApiError tooManyRequests(String message) {
        return new ApiError(429, "rate_limit_error", null, message);
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, "unavailable_error", null, message);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    /** The query parameter at fault, or null. */
    public String param() {
        return param;
    }
}
