package tally.gateway;

import io.vertx.core.MultiMap;

import java.util.Locale;
import java.util.Set;

/**
 * Which headers cross the gateway. Hop-by-hop headers (RFC 9110 §7.6.1, plus those a Connection
 * header names) belong to one connection and never cross. Credentials never cross as received: the
 * authenticator decides what the upstream sees. Host and Content-Length are set by the client
 * library for the upstream request. Tally's own headers ({@code X-Tally-*}, the trusted identity
 * headers) are for Tally: they never reach the provider.
 */
final class ForwardHeaders {
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");
    private static final Set<String> CREDENTIALS = Set.of("x-api-key", "authorization");

    private static final String TALLY_PREFIX = "x-tally-";

    private ForwardHeaders() {}

    /** The named headers (null: none), lower-cased, for {@link #copyRequest}'s {@code alsoDrop}. */
    static Set<String> named(String... names) {
        java.util.HashSet<String> out = new java.util.HashSet<>();
        for (String n : names) if (n != null && !n.isBlank()) out.add(n.trim().toLowerCase(Locale.ROOT));
        return Set.copyOf(out);
    }

    /**
     * Copies request headers for the upstream, leaving out hop-by-hop headers, credentials, Host,
     * Content-Length, {@code X-Tally-*} and the named extra headers (the trusted identity headers, which
     * are ours; lower-case names).
     */
    static void copyRequest(MultiMap from, MultiMap to, Set<String> alsoDrop, boolean identityEncoding) {
        Set<String> named = connectionNamed(from);
        for (var e : from) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || CREDENTIALS.contains(name) || named.contains(name)
                    || name.equals("host") || name.equals("content-length") || alsoDrop.contains(name)
                    || name.startsWith(TALLY_PREFIX)) continue;
            if (identityEncoding && name.equals("accept-encoding")) continue;
            to.add(e.getKey(), e.getValue());
        }
        // Metered responses are read on the way through; ask for them uncompressed.
        if (identityEncoding) to.set("accept-encoding", "identity");
    }

    /** Copies response headers for the client, leaving out hop-by-hop ones. */
    static void copyResponse(MultiMap from, MultiMap to) {
        Set<String> named = connectionNamed(from);
        for (var e : from) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || named.contains(name)) continue;
            to.add(e.getKey(), e.getValue());
        }
    }

    private static Set<String> connectionNamed(MultiMap headers) {
        String c = headers.get("connection");
        if (c == null || c.isBlank()) return Set.of();
        java.util.HashSet<String> out = new java.util.HashSet<>();
        for (String part : c.split(",")) out.add(part.trim().toLowerCase(Locale.ROOT));
        return out;
    }
}
