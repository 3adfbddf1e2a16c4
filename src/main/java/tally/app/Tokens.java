package tally.app;

import tally.core.Ids;
import tally.store.ActivityLog;
import tally.store.Store;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Ingest tokens for Claude Code telemetry: made here, stored hashed, the secret returned once. */
public final class Tokens {
    public record Create(String user) {}

    public record Created(String token) {}

    private final Store store;

    Tokens(Store store) {
        this.store = store;
    }

    public Created create(Create c) {
        if (c.user() == null || c.user().isBlank()) throw new IllegalArgumentException("--user must not be empty");
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret); // made here, not with the use cases: seeding it is ~2% of a reading command
        String token = "tly_ot_" + HexFormat.of().formatHex(secret);
        new ActivityLog(store).addToken(Ids.sha256(token), c.user().trim());
        return new Created(token);
    }
}
