package tally.importers.aws;

import tally.pricing.PriceCatalog;
import tally.pricing.ResolvedModel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Claude model a line of the AWS bill is for, read from its service name ("Claude Sonnet 4.5
 * (Amazon Bedrock Edition)") or its usage type ("USE1-Claude3.5Sonnet-input-tokens"), as a model id
 * the price catalog knows by alias ("claude-sonnet-4-5", "claude-3-5-sonnet"); null when neither names one.
 */
final class BilledModel {
    private static final Set<String> FAMILIES = Set.of("opus", "sonnet", "haiku", "instant");

    private BilledModel() {}

    /** The catalog's id of the model named, or the id as read when the catalog does not know it. */
    static String of(String service, String usageType, PriceCatalog catalog) {
        String m = parse(service);
        if (m == null) m = parse(usageType);
        if (m == null) return null;
        for (String candidate : List.of(m, m + "-0", m + "-latest")) { // "Sonnet 4" is claude-sonnet-4-0, "3.7 Sonnet" claude-3-7-sonnet-latest
            ResolvedModel r = catalog.resolve(candidate);
            if (r.known()) return r.canonicalId();
        }
        return m;
    }

    static String parse(String text) {
        if (text == null) return null;
        // Split letters from digits and on anything else: "Claude3.5Sonnet" → claude 3 5 sonnet
        String spaced = text.toLowerCase(Locale.ROOT).replaceAll("(?<=[a-z])(?=\\d)|(?<=\\d)(?=[a-z])", " ").replaceAll("[^a-z0-9]+", " ");
        List<String> words = List.of(spaced.trim().split(" "));
        int at = words.indexOf("claude");
        if (at < 0) return null;
        List<String> before = new ArrayList<>(); // version numbers before the family: Claude 3.5 Sonnet
        String family = null;
        List<String> after = new ArrayList<>();
        for (int i = at + 1; i < words.size() && i <= at + 5; i++) {
            String w = words.get(i);
            if (family == null && FAMILIES.contains(w)) family = w;
            else if (w.matches("\\d") && family == null) before.add(w);
            else if (w.matches("\\d") && after.size() < 2) after.add(w);
            else break;
        }
        if (family == null) return null;
        // Before Claude 4 the version came first (claude-3-5-sonnet); from 4 on, the family (claude-sonnet-4-5).
        if (!before.isEmpty() && Integer.parseInt(before.get(0)) < 4) return "claude-" + String.join("-", before) + "-" + family;
        if (!before.isEmpty()) return "claude-" + family + "-" + String.join("-", before);
        return after.isEmpty() ? null : "claude-" + family + "-" + String.join("-", after);
    }
}
