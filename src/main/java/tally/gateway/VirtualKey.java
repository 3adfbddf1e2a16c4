package tally.gateway;

import java.time.Instant;
import java.util.List;

/**
 * A key Tally issued to one developer: who it belongs to and the policy that goes with it.
 *
 * @param id             public id ({@code key_…}); the raw identity its records carry
 * @param person         the developer
 * @param team           team tag, or null
 * @param models         model allow-list (any spelling the catalog resolves), empty for any
 * @param maxTokens      max_tokens cap (requests above it are clamped), or null
 * @param downgradeModel model used instead once a soft budget covering this key passes its threshold, or null
 * @param rpm            requests per minute, or null
 * @param tpm            tokens per minute, or null
 * @param expires        null for never
 * @param revoked        null while active
 * @param project        the project its requests are recorded under when they name none (X-Tally-Project), or null
 */
public record VirtualKey(String id, String person, String team, List<String> models, Long maxTokens,
                         String downgradeModel, Long rpm, Long tpm, Instant created, Instant expires, Instant revoked,
                         String project) {

    public VirtualKey {
        models = models == null ? List.of() : List.copyOf(models);
    }

    public VirtualKey(String id, String person, String team, List<String> models, Long maxTokens,
                      String downgradeModel, Long rpm, Long tpm, Instant created, Instant expires, Instant revoked) {
        this(id, person, team, models, maxTokens, downgradeModel, rpm, tpm, created, expires, revoked, null);
    }

    public boolean activeAt(Instant now) {
        return revoked == null && (expires == null || now.isBefore(expires));
    }
}
