package tally.app;

import tally.core.Bounds;
import tally.core.TokenCounts;
import tally.identity.People;
import tally.importers.anthropic.AdminApiClient;
import tally.importers.anthropic.AdminImporter;
import tally.store.ProviderReports;
import tally.store.Store;

import java.io.IOException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Imports the Anthropic Admin API's usage, cost and Claude Code reports of a range of UTC days,
 * kept apart from the ledger, and the reported usage per person (API keys mapped through aliases).
 * The admin key comes in the request and is used for these calls only: never stored, never logged.
 */
public final class AnthropicImport {
    public record Request(LocalDate from, LocalDate to, String baseUrl, String key) {
        @Override
        public String toString() {
            return "AnthropicImport.Request[" + from + " to " + to + ", " + baseUrl + "]"; // never the key
        }
    }

    /** {@code byPerson}: reported tokens per developer ("(console)" for usage without an API key), by name. */
    public record Imported(AdminImporter.Result result, Map<String, TokenCounts> byPerson) {}

    private final Store store;
    private final People people;
    private final Clock clock;

    AnthropicImport(Store store, People people, Clock clock) {
        this.store = store;
        this.people = people;
        this.clock = clock;
    }

    public Imported run(Request r) {
        if (r.from() == null || r.to() == null) throw new IllegalArgumentException("from and to are required");
        if (r.to().isBefore(r.from())) throw new IllegalArgumentException("--since " + r.from() + " is after --until " + r.to());
        checkDays(r.from(), r.to());
        if (r.key() == null || r.key().isBlank()) throw new IllegalArgumentException("set ANTHROPIC_ADMIN_KEY to an Admin API key (sk-ant-admin…)");
        String url = r.baseUrl() == null ? AdminApiClient.DEFAULT_BASE_URL : r.baseUrl();
        if (!url.startsWith("http://") && !url.startsWith("https://")) throw new IllegalArgumentException("--base-url: expected an http(s) URL, got '" + url + "'");
        ProviderReports reports = new ProviderReports(store);
        AdminImporter.Result result;
        try {
            result = new AdminImporter(new AdminApiClient(url, r.key().trim(), d -> Thread.sleep(d.toMillis())), reports).run(r.from(), r.to());
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e); // the client's errors name the API and endpoint
        }
        return new Imported(result, byPerson(reports, r.from(), r.to().plusDays(1)));
    }

    /**
     * Days the ledger could hold (formats: from 2023 to now): the API answers a day to come with empty
     * or stray buckets, which would be kept as reported usage and projected from.
     */
    private void checkDays(LocalDate from, LocalDate to) {
        LocalDate earliest = LocalDate.ofInstant(Bounds.EARLIEST, ZoneOffset.UTC);
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        if (from.isBefore(earliest)) {
            throw new IllegalArgumentException("--since " + from + " is before " + earliest + ", the earliest day Tally keeps");
        }
        if (to.isAfter(today)) {
            throw new IllegalArgumentException("--until " + to + " is after today (" + today + " UTC): the reports have no days to come");
        }
    }

    private Map<String, TokenCounts> byPerson(ProviderReports reports, LocalDate from, LocalDate end) {
        List<ProviderReports.UsageRow> rows = reports.usageRows(
                from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli(), end.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli());
        Map<String, TokenCounts> byPerson = new TreeMap<>();
        Map<String, String> resolved = new TreeMap<>();
        for (ProviderReports.UsageRow row : rows) {
            String k = row.apiKeyId() == null ? "(console)" : row.apiKeyId();
            String who = resolved.computeIfAbsent(k, x -> row.apiKeyId() == null ? x : people.resolve(x));
            byPerson.merge(who, new TokenCounts(row.uncachedInput(), row.cacheWrite5m(), row.cacheWrite1h(), row.cacheRead(), row.output()),
                    TokenCounts::plus);
        }
        return byPerson;
    }
}
