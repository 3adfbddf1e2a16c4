package tally.pricing;

/**
 * The most prompt tokens one sampling round of a model can take: what bounds a request's input
 * whatever its body looks like (file ids, images and PDFs by URL, cache reads all count here).
 *
 * @param tokens   the window every request gets
 * @param withBeta the window a request gets when it asks for the long-context beta
 *                 ({@code anthropic-beta: context-1m-…}); equal to {@code tokens} when there is none
 */
public record ContextWindow(long tokens, long withBeta) {

    /** Every Claude model takes at least this much; the catalog names the larger ones. */
    public static final ContextWindow STANDARD = new ContextWindow(200_000, 200_000);

    public ContextWindow {
        if (tokens <= 0 || withBeta < tokens) {
            throw new IllegalArgumentException("a context window must be positive, and the beta's window no smaller");
        }
    }

    /** The largest prompt a request can send, with or without the long-context beta. */
    public long forRequest(boolean longContextBeta) {
        return longContextBeta ? withBeta : tokens;
    }
}
