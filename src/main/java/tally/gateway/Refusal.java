package tally.gateway;

/**
 * Why the gateway answers a request itself instead of forwarding it: the Anthropic-style error it
 * sends, and the {@code retry-after} seconds to send with it (null for none).
 */
record Refusal(int status, String type, String message, String retryAfter) {

    Refusal(int status, String type, String message) {
        this(status, type, message, null);
    }
}
