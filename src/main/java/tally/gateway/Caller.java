package tally.gateway;

import tally.budget.Spender;

/**
 * Who a request is from, as the authenticator established it.
 *
 * @param identity        the raw identity records carry: a key id, a key fingerprint or a trusted header value
 * @param person          the person it resolves to (the identity itself when unmapped)
 * @param team            team tag, or null
 * @param key             the managed key, or null
 * @param credentialName  the header that carries the upstream credential ({@code x-api-key} or {@code authorization})
 * @param credentialValue its value: the server's key for managed keys, the developer's own in pass-through
 */
record Caller(String identity, String person, String team, VirtualKey key, String credentialName, String credentialValue) {

    /** Whom budgets charge for a request of this caller's key's default project (null: none). */
    Spender spender() {
        return spender(key == null ? null : key.project());
    }

    /** Whom budgets charge for a request carrying this project tag. */
    Spender spender(String project) {
        return new Spender(identity, person, team, project);
    }

    /** Where the caller's credential must not be shown: never in logs, never in toString. */
    @Override
    public String toString() {
        return "Caller[" + identity + " → " + person + (team == null ? "" : ", team " + team) + "]";
    }
}
