package tally.core;

import java.util.List;

/**
 * The aliases a raw identity is looked up by, most specific first: the identity; for an assumed-role
 * ARN ({@code arn:aws:sts::1:assumed-role/Dev/alice}) also its session name ({@code alice}), role
 * ({@code arn:aws:sts::1:assumed-role/Dev}) and IAM role ({@code arn:aws:iam::1:role/Dev}). An unmapped assumed-role ARN is shown as its session name. The same
 * rule as the reports' SQL (the store's Identities), for callers resolved in memory.
 */
public final class AliasKeys {
    private static final String ASSUMED_ROLE = ":assumed-role/";

    private AliasKeys() {}

    public static List<String> of(String identity) {
        String[] parts = assumedRole(identity);
        if (parts == null) return List.of(identity);
        String role = parts[0] + '/' + parts[1];
        String iamRole = parts[0].replace(":sts::", ":iam::").replace(":assumed-role", ":role") + '/' + parts[1];
        return List.of(identity, parts[2], role, iamRole);
    }

    /** How an unmapped identity is shown: an assumed-role ARN as its session name. */
    public static String shown(String identity) {
        String[] parts = assumedRole(identity);
        return parts == null ? identity : parts[2];
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
