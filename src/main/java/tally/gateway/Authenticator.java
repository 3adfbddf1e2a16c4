package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;

/**
 * Establishes who a request is from, by the three identity modes:
 * <ol>
 *   <li><b>managed key</b> ({@code sk-tally-…} as {@code x-api-key} or {@code Authorization: Bearer}):
 *       the key's person; the upstream gets the server's key;</li>
 *   <li><b>trusted header</b> (only when enabled): the header's value; the developer's own key is
 *       forwarded if they sent one, else the server's;</li>
 *   <li><b>pass-through</b> (when enabled): the developer's own Anthropic key, attributed by its
 *       fingerprint and forwarded as sent.</li>
 * </ol>
 * Anything else fails with a message for a 401.
 */
final class Authenticator {
    static final class Rejected extends RuntimeException {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private final VirtualKeys keys;
    private final Directory directory;
    private final GatewayConfig config;
    private final Vertx vertx;
    private final Fingerprints fingerprints = new Fingerprints();

    Authenticator(VirtualKeys keys, Directory directory, GatewayConfig config, Vertx vertx) {
        this.keys = keys;
        this.directory = directory;
        this.config = config;
        this.vertx = vertx;
    }

    Future<Caller> authenticate(MultiMap headers) {
        return authenticate(headers, true);
    }

    /**
     * @param anthropicUpstream whether the request goes to the Anthropic API (which needs the server's
     *                          key for Tally keys); the cloud routes sign with their own credentials
     */
    Future<Caller> authenticate(MultiMap headers, boolean anthropicUpstream) {
        String apiKey = headers.get("x-api-key");
        String auth = headers.get("authorization");
        String bearer = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        String credential = apiKey != null ? apiKey.trim() : bearer;

        if (VirtualKeys.looksManaged(credential)) {
            VirtualKey k = keys.cached(credential);
            if (k != null) return managed(k, anthropicUpstream);
            if (keys.known(credential)) return Future.failedFuture(new Rejected("this Tally key is expired or revoked"));
            // Not in memory: created by another process since the last reload? The next re-read tells (at most one a second).
            return Future.fromCompletionStage(keys.lookUp(credential), vertx.getOrCreateContext()).compose(found -> found == null
                    ? Future.failedFuture(new Rejected("invalid x-api-key (unknown, expired or revoked Tally key)"))
                    : managed(found, anthropicUpstream));
        }

        String trusted = config.trustHeader() == null ? null : headers.get(config.trustHeader());
        if (trusted != null && !trusted.isBlank()) {
            String person = directory.person(trusted.trim());
            String team = config.trustTeamHeader() == null ? null : headers.get(config.trustTeamHeader());
            if (team == null || team.isBlank()) team = directory.team(person);
            if (credential != null) {
                return Future.succeededFuture(new Caller(trusted.trim(), person, team, null,
                        apiKey != null ? "x-api-key" : "authorization", apiKey != null ? apiKey : auth));
            }
            if (config.upstreamKey() == null && anthropicUpstream) return Future.failedFuture(new Rejected("no API key sent and the gateway has none of its own"));
            return Future.succeededFuture(new Caller(trusted.trim(), person, team, null, "x-api-key", config.upstreamKey()));
        }

        if (credential == null || credential.isEmpty()) {
            return Future.failedFuture(new Rejected("missing x-api-key (or Authorization: Bearer) header"));
        }
        if (!config.passThrough()) {
            return Future.failedFuture(new Rejected("invalid x-api-key (this gateway accepts only Tally keys)"));
        }
        String fp = fingerprints.of(credential);
        String person = directory.person(fp);
        return Future.succeededFuture(new Caller(fp, person, directory.team(person), null,
                apiKey != null ? "x-api-key" : "authorization", apiKey != null ? apiKey : auth));
    }

    private Future<Caller> managed(VirtualKey k, boolean anthropicUpstream) {
        if (config.upstreamKey() == null && anthropicUpstream) {
            return Future.failedFuture(new Rejected("the gateway has no upstream key configured for Tally keys (set TALLY_UPSTREAM_KEY)"));
        }
        String team = k.team() != null ? k.team() : directory.team(k.person());
        return Future.succeededFuture(new Caller(k.id(), k.person(), team, k, "x-api-key", config.upstreamKey()));
    }
}
