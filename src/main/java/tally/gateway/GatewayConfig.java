package tally.gateway;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;

/**
 * How the gateway runs.
 *
 * @param upstream         base URL of the Anthropic API (or a compatible one)
 * @param upstreamKey      the server's own key, sent upstream for managed keys; null when only pass-through is used
 * @param passThrough      accept developers' own Anthropic keys, attributed by fingerprint
 * @param trustHeader      identity header to trust (e.g. X-Dev-Id), or null when not enabled
 * @param trustTeamHeader  team header to trust alongside it (e.g. X-Team), or null
 * @param personRpm        requests per minute per person, or null
 * @param personTpm        tokens per minute per person, or null
 * @param upstreamTimeout  longest silence from the upstream before a request is abandoned
 * @param refreshEvery     how often budgets, keys and people are re-read (other processes may change them)
 * @param zone             the zone that cuts budget periods
 */
public record GatewayConfig(URI upstream, String upstreamKey, boolean passThrough, String trustHeader,
                            String trustTeamHeader, Long personRpm, Long personTpm, Duration upstreamTimeout,
                            Duration refreshEvery, ZoneId zone) {

    public static final URI ANTHROPIC = URI.create("https://api.anthropic.com");

    public static GatewayConfig defaults(URI upstream, String upstreamKey, ZoneId zone) {
        return new GatewayConfig(upstream, upstreamKey, true, null, null, null, null,
                Duration.ofMinutes(10), Duration.ofSeconds(10), zone);
    }

    public GatewayConfig withPassThrough(boolean v) {
        return new GatewayConfig(upstream, upstreamKey, v, trustHeader, trustTeamHeader, personRpm, personTpm, upstreamTimeout, refreshEvery, zone);
    }

    public GatewayConfig withTrustedHeaders(String identity, String team) {
        return new GatewayConfig(upstream, upstreamKey, passThrough, identity, team, personRpm, personTpm, upstreamTimeout, refreshEvery, zone);
    }

    public GatewayConfig withPersonLimits(Long rpm, Long tpm) {
        return new GatewayConfig(upstream, upstreamKey, passThrough, trustHeader, trustTeamHeader, rpm, tpm, upstreamTimeout, refreshEvery, zone);
    }

    public GatewayConfig withUpstreamTimeout(Duration d) {
        return new GatewayConfig(upstream, upstreamKey, passThrough, trustHeader, trustTeamHeader, personRpm, personTpm, d, refreshEvery, zone);
    }

    public GatewayConfig withRefreshEvery(Duration d) {
        return new GatewayConfig(upstream, upstreamKey, passThrough, trustHeader, trustTeamHeader, personRpm, personTpm, upstreamTimeout, d, zone);
    }

    /** The configuration without secrets, for logs. */
    @Override
    public String toString() {
        return "GatewayConfig[upstream=" + upstream + ", upstreamKey=" + (upstreamKey == null ? "none" : "set")
                + ", passThrough=" + passThrough + ", trustHeader=" + trustHeader + "]";
    }
}
