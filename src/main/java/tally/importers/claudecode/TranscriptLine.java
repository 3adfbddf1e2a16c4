package tally.importers.claudecode;

import tally.core.TokenCounts;

import java.time.Instant;

/**
 * The usage-bearing fields of one assistant line of a Claude Code transcript; everything else on
 * the line (the content, the prompt, tool input) is skipped unread.
 *
 * @param stopReason null on the provisional copy some versions write before the response ends
 * @param uuid       the line's own id, kept only when there is no message id (it then names the record)
 * @param cwd        the working directory Claude Code ran in (the record's raw project tag), or null
 * @param inferenceGeo the usage's {@code inference_geo} ("us": data residency), or null
 * @param batch      billed at the Message Batches rate ({@code service_tier:"batch"})
 */
public record TranscriptLine(Instant time, String sessionId, String requestId, String messageId, String uuid,
                             String model, String stopReason, boolean sidechain, TokenCounts tokens,
                             long webSearches, boolean fast, String cwd, String inferenceGeo, boolean batch) {

    public TranscriptLine(Instant time, String sessionId, String requestId, String messageId, String uuid,
                          String model, String stopReason, boolean sidechain, TokenCounts tokens,
                          long webSearches, boolean fast) {
        this(time, sessionId, requestId, messageId, uuid, model, stopReason, sidechain, tokens, webSearches, fast, null, null, false);
    }

    public long totalTokens() {
        return tokens.total();
    }
}
