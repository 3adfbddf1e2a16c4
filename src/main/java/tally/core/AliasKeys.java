package tally.core;

import java.util.List;
import java.util.Locale;

/**
 * The aliases a raw identity is looked up by, most specific first: the identity; for an assumed-role
 * ARN ({@code arn:aws:sts::1:assumed-role/Dev/alice}) also its session name ({@code alice}), role
 * ({@code arn:aws:sts::1:assumed-role/Dev}) and IAM role ({@code arn:aws:iam::1:role/Dev}). An unmapped assumed-role ARN is shown as its session name. The same
 * rule as the reports' SQL (the store's Identities), for callers resolved in memory.
 *
 * <p>An e-mail address is one identity whatever its case ({@code Dave@Corp.com} is {@code dave@corp.com}):
 * records and aliases are stored with it in lower case ({@link #normal}), and looked up so.
 */
public final class AliasKeys {
    private static final String ASSUMED_ROLE = ":assumed-role/";

    private AliasKeys() {}

    public static List<String> of(String identity) {
        identity = normal(identity);
        String[] parts = assumedRole(identity);
        if (parts == null) return List.of(identity);
        String role = parts[0] + '/' + parts[1];
        String iamRole = parts[0].replace(":sts::", ":iam::").replace(":assumed-role", ":role") + '/' + parts[1];
        return List.of(identity, parts[2], role, iamRole);
    }

    /** How an unmapped identity is shown: an assumed-role ARN as its session name. */
    public static String shown(String identity) {
        identity = normal(identity);
        String[] parts = assumedRole(identity);
        return parts == null ? identity : parts[2];
    }

    /**
     * The identity as it is stored and looked up: an e-mail address, or an assumed-role ARN's e-mail
     * session name, in lower case (sources spell the same address differently); any other as it is.
     */
    public static String normal(String identity) {
        if (identity == null || identity.indexOf('@') < 0) return identity;
        if (email(identity)) return identity.toLowerCase(Locale.ROOT);
        String[] parts = assumedRole(identity);
        if (parts == null || !email(parts[2]) || !identity.equals(parts[0] + '/' + parts[1] + '/' + parts[2])) return identity;
        return parts[0] + '/' + parts[1] + '/' + parts[2].toLowerCase(Locale.ROOT);
    }

    /** Shaped like an address: one '@' with text either side, no space, ':' or '/' (so never an ARN or a URL). */
    private static boolean email(String s) {
        int at = s.indexOf('@');
        if (at <= 0 || at == s.length() - 1 || s.indexOf('@', at + 1) >= 0) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == ':' || c == '/') return false;
        }
        return true;
    }

    /**
     * An assumed-role ARN's first three '/'-separated parts (SQL's split_part): prefix, role, session;
     * null for any other identity (the SQL's {@code LIKE 'arn:%:assumed-role/%/_%'}).
     */
    private static String[] assumedRole(String identity) {
        if (identity == null || !identity.startsWith("arn:")) return null;
        int at = identity.indexOf(ASSUMED_ROLE, 4);
        if (at < 0) return null;
        int slash = identity.indexOf('/', at + ASSUMED_ROLE.length());
        boolean session = false;
        for (; slash >= 0 && !session; slash = identity.indexOf('/', slash + 1)) session = slash < identity.length() - 1;
        if (!session) return null;
        String[] parts = identity.split("/", -1);
        return new String[] {parts[0], parts[1], parts.length > 2 ? parts[2] : ""};
    }
}
