package tally.importers.bedrock;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Who an IAM caller is, as a ledger identity. When teams share one role, the assumed-role session
 * name ({@code arn:aws:sts::1234:assumed-role/Dev/alice@corp.com} → {@code alice@corp.com}) is what tells
 * developers apart, so it is the identity, unless the full ARN is itself mapped to a person.
 */
final class IamIdentity {
    private final Predicate<String> isAlias;
    private final Map<String, String> cache = new HashMap<>();

    IamIdentity(Predicate<String> isAlias) {
        this.isAlias = isAlias;
    }

    String of(String arn) {
        if (arn == null) return "unknown";
        return cache.computeIfAbsent(arn, a -> isAlias.test(a) ? a : sessionName(a));
    }

    /** The session name of an assumed-role ARN; any other ARN as it is. */
    static String sessionName(String arn) {
        int i = arn.indexOf(":assumed-role/");
        if (i < 0) return arn;
        String rest = arn.substring(i + ":assumed-role/".length());
        int slash = rest.indexOf('/');
        return slash < 0 || slash == rest.length() - 1 ? arn : rest.substring(slash + 1);
    }
}
