package tally.importers.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.pricing.PriceCatalog;
import tally.store.AwsCosts;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code tally import aws-costs}: Cost Explorer's daily unblended cost of the Bedrock services,
 * grouped by service and usage type, or by usage type and a cost allocation tag (the IAM principal,
 * where CUR 2.0 / cost allocation tags give it), every page. Amounts are read exactly as decimal
 * strings and rounded to the nano-dollar.
 */
public final class CostExplorerPull {
    /** The services Claude on Bedrock is billed under, unless others are named. */
    public static final List<String> DEFAULT_SERVICES = List.of("Amazon Bedrock");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PAGES = 1_000;

    /** The rows of [from, end) and the calls it took. */
    public record Result(List<AwsCosts.Row> rows, int pages) {}

    private final CostExplorerClient client;
    private final PriceCatalog catalog;

    public CostExplorerPull(CostExplorerClient client, PriceCatalog catalog) {
        this.client = client;
        this.catalog = catalog;
    }

    /** @param principalTag a cost allocation tag key to group by (null: group by service) */
    public Result run(LocalDate from, LocalDate end, List<String> services, String principalTag) throws IOException {
        List<AwsCosts.Row> rows = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        String token = null;
        int pages = 0;
        do {
            JsonNode page = client.getCostAndUsage(request(from, end, services, principalTag, token));
            pages++;
            for (JsonNode day : page.path("ResultsByTime")) rows.addAll(rows(day, principalTag != null, catalog));
            token = nextPage(page, tokens);
            if (pages >= MAX_PAGES && token != null) throw new IOException("Cost Explorer: more than " + MAX_PAGES + " pages; import a shorter range");
        } while (token != null);
        return new Result(rows, pages);
    }

    /**
     * The next page's token, or null after the last. A token given before would serve pages already
     * read, again and again (each call is billed): it ends the import at once instead.
     */
    private static String nextPage(JsonNode page, Set<String> seen) throws IOException {
        JsonNode next = page.get("NextPageToken");
        if (next == null || next.isNull() || next.asText().isEmpty()) return null;
        if (!seen.add(next.asText())) {
            throw new IOException("Cost Explorer: NextPageToken " + next + " again, a page already read; nothing was imported");
        }
        return next.asText();
    }

    static ObjectNode request(LocalDate from, LocalDate end, List<String> services, String principalTag, String token) {
        ObjectNode r = JSON.createObjectNode();
        r.putObject("TimePeriod").put("Start", from.toString()).put("End", end.toString());
        r.put("Granularity", "DAILY");
        r.putArray("Metrics").add("UnblendedCost");
        ObjectNode dim = r.putObject("Filter").putObject("Dimensions").put("Key", "SERVICE");
        ArrayNode values = dim.putArray("Values");
        services.forEach(values::add);
        ArrayNode groups = r.putArray("GroupBy");
        if (principalTag == null) groups.addObject().put("Type", "DIMENSION").put("Key", "SERVICE");
        groups.addObject().put("Type", "DIMENSION").put("Key", "USAGE_TYPE");
        if (principalTag != null) groups.addObject().put("Type", "TAG").put("Key", principalTag);
        if (token != null) r.put("NextPageToken", token);
        return r;
    }

    private static List<AwsCosts.Row> rows(JsonNode result, boolean byTag, PriceCatalog catalog) throws IOException {
        String start = result.path("TimePeriod").path("Start").asText();
        long dayMs;
        try {
            dayMs = LocalDate.parse(start).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IOException("Cost Explorer: a result with TimePeriod.Start '" + start + "' (expected YYYY-MM-DD)");
        }
        boolean estimated = result.path("Estimated").asBoolean(false);
        List<AwsCosts.Row> out = new ArrayList<>();
        for (JsonNode g : result.path("Groups")) {
            JsonNode keys = g.path("Keys");
            String service = byTag ? "" : keys.path(0).asText("");
            String usageType = keys.path(byTag ? 0 : 1).asText("");
            String principal = byTag ? tagValue(keys.path(1).asText(null)) : null;
            JsonNode cost = g.path("Metrics").path("UnblendedCost");
            String where = start + " " + usageType;
            String unit = cost.path("Unit").asText("USD");
            if (!unit.equals("USD")) throw new IOException("Cost Explorer: " + where + " is in " + unit + "; Tally compares US dollars only");
            out.add(new AwsCosts.Row(dayMs, service, usageType, BilledModel.of(service, usageType, catalog), principal, unit,
                    nanos(cost.path("Amount").asText(null), where), estimated));
        }
        return out;
    }

    /** A tag group key is "key$value"; an untagged line has "key$". */
    static String tagValue(String key) {
        if (key == null) return null;
        int dollar = key.indexOf('$');
        String v = dollar < 0 ? key : key.substring(dollar + 1);
        return v.isEmpty() ? null : v;
    }

    static long nanos(String amount, String where) throws IOException {
        if (amount == null) throw new IOException("Cost Explorer: " + where + " has no Amount");
        try {
            BigDecimal usd = new BigDecimal(amount);
            if (usd.abs().compareTo(BigDecimal.valueOf(1_000_000_000L)) > 0) {
                throw new IOException("Cost Explorer: " + where + " amount " + amount + " out of range (at most $1e9 a day)");
            }
            return usd.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IOException("Cost Explorer: " + where + " amount '" + amount + "' is not a number");
        }
    }
}
