package tally.app;

import tally.core.Ids;
import tally.store.IngestTokenStore;
import tally.store.Store;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * Ingest tokens for Claude Code telemetry: made here, stored hashed, the secret returned once;
 * listed and revoked by an id made from the hash (never from the secret).
 */
public final class Tokens {
    /** Every token starts so. */
    static final String SECRET_PREFIX = "tly_ot_";
    /** Ids start so; the rest is the start of the secret's SHA-256. */
    static final String ID_PREFIX = "tok_";
    private static final int ID_HEX = 12;
    /** The shortest prefix of an id that names a token (after tok_). */
    private static final int MIN_PREFIX_HEX = 4;

    public record Create(String user) {}

    public record Created(String token) {}

    /**
     * One token as listed: {@code revoked} null while it works; {@code lastUsed} when it last let an
     * export in (null: never), as a server writes it at its next token refresh (within ~10 s).
     */
    public record Token(String id, String user, Instant created, Instant revoked, Instant lastUsed) {}

    public record Listing(List<Token> tokens) {}

    /** {@code id}: a listed id, a unique prefix of one, or the token itself. */
    public record Revoke(String id) {}

    /** {@code revoked} false: the token was revoked already (at {@code token.revoked}). */
    public record Revoked(Token token, boolean revoked) {}

    private final Store store;
    private final Clock clock;

    Tokens(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Created create(Create c) {
        if (c.user() == null || c.user().isBlank()) throw new IllegalArgumentException("--user must not be empty");
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret); // made here, not with the use cases: seeding it is ~2% of a reading command
        String token = SECRET_PREFIX + HexFormat.of().formatHex(secret);
        new IngestTokenStore(store).insert(Ids.sha256(token), c.user().trim(), clock.millis());
        return new Created(token);
    }

    public Listing list() {
        return new Listing(new IngestTokenStore(store).all().stream().map(Tokens::token).toList());
    }

    /** Revokes one token; a name that matches none, or several, is refused with the reason. */
    public Revoked revoke(Revoke r) {
        IngestTokenStore tokens = new IngestTokenStore(store);
        IngestTokenStore.Row row = match(tokens.all(), r.id());
        if (row.revokedMs() != null) return new Revoked(token(row), false);
        long now = clock.millis();
        if (!tokens.revoke(row.sha256(), now)) { // revoked by someone else meanwhile
            return new Revoked(token(match(tokens.all(), r.id())), false);
        }
        return new Revoked(new Token(id(row.sha256()), row.person(), Instant.ofEpochMilli(row.createdMs()), Instant.ofEpochMilli(now),
                instant(row.lastUsedMs())), true);
    }

    private static IngestTokenStore.Row match(List<IngestTokenStore.Row> rows, String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("id: required, a token id (tok_…) as 'tally tokens list' shows it, or the token");
        String n = name.trim();
        String hex = (n.startsWith(ID_PREFIX) ? n.substring(ID_PREFIX.length()) : n).toLowerCase(java.util.Locale.ROOT);
        if (!hex.matches("[0-9a-f]{" + MIN_PREFIX_HEX + "," + ID_HEX + "}")) {
            if (n.startsWith(ID_PREFIX) || !n.startsWith(SECRET_PREFIX) && n.length() <= ID_PREFIX.length() + ID_HEX) {
                throw new IllegalArgumentException("id: expected a token id (tok_ and " + MIN_PREFIX_HEX + " to " + ID_HEX
                        + " hex digits, as 'tally tokens list' shows it) or the token; got '" + n + "'");
            }
            String hash = Ids.sha256(n); // the token itself
            return rows.stream().filter(t -> t.sha256().equals(hash)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no ingest token is the one given (it was not made with this data)"));
        }
        List<IngestTokenStore.Row> found = rows.stream().filter(t -> t.sha256().startsWith(hex)).toList();
        if (found.isEmpty()) throw new IllegalArgumentException("no ingest token with id " + ID_PREFIX + hex + " (see tally tokens list)");
        if (found.size() > 1) {
            throw new IllegalArgumentException("id " + ID_PREFIX + hex + " names " + found.size() + " tokens ("
                    + String.join(", ", found.stream().map(t -> id(t.sha256())).toList()) + "); give more of it");
        }
        return found.get(0);
    }

    private static Token token(IngestTokenStore.Row r) {
        return new Token(id(r.sha256()), r.person(), Instant.ofEpochMilli(r.createdMs()), instant(r.revokedMs()), instant(r.lastUsedMs()));
    }

    private static Instant instant(Long ms) {
        return ms == null ? null : Instant.ofEpochMilli(ms);
    }

    /** A token's id: the start of its hash, which names it without telling anything of the secret. */
    static String id(String sha256) {
        return ID_PREFIX + sha256.substring(0, ID_HEX);
    }
}
