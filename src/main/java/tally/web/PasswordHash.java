package tally.web;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Dashboard passwords as slow salted hashes: PBKDF2-HMAC-SHA256 from the JDK, iterations stored in
 * the hash ({@code pbkdf2-sha256$ITERATIONS$SALT$HASH}) so they can be raised later without
 * invalidating what is stored.
 */
public final class PasswordHash {
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    public static final int ITERATIONS = 600_000;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Hashed against when the user is unknown, so a wrong name takes as long as a wrong password. */
    private static final String DECOY = hash("decoy".toCharArray(), ITERATIONS);

    private PasswordHash() {}

    public static String hash(char[] password, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(derive(password, salt, iterations));
    }

    /** Constant time in the hash; false for anything malformed. A null stored hash checks against a decoy. */
    public static boolean verify(char[] password, String stored) {
        boolean known = stored != null;
        String[] parts = (known ? stored : DECOY).split("\\$");
        if (parts.length != 4 || !parts[0].equals(PREFIX)) return false;
        try {
            int iterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (iterations < 1 || iterations > 10_000_000) return false;
            return MessageDigest.isEqual(derive(password, salt, iterations), expected) && known;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is always present", e);
        } finally {
            spec.clearPassword();
        }
    }
}
