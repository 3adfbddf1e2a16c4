package tally.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable record ids from content, for sources that do not carry one of their own. */
public final class Ids {
    private Ids() {}

    /** The first 128 bits of SHA-256 as hex: collision-free in practice, short enough to store. */
    public static String hash(String content) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** Full SHA-256 hex, for secrets kept only as hashes. */
    public static String sha256(String secret) {
        return Secrets.sha256Hex(secret);
    }
}
