package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Vertx;
import tally.core.Activity;
import tally.core.UsageEvent;
import tally.demo.DemoData;
import tally.budget.Budget;
import tally.identity.People;
import tally.pricing.PriceCatalog;
import tally.server.TallyServer;
import tally.store.ActivityLog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.TestStores;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A store seeded with the demo's month (priced, written straight to the ledger), some telemetry and
 * budgets, served on a free loopback port by the web part alone. The clock is fixed, so "today" is known.
 */
final class WebHarness implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-03-18T15:00:00Z"); // a Wednesday
    static final ZoneId ZONE = ZoneId.of("Europe/Berlin");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final HttpClient HTTP = tally.gateway.Http.CLIENT;

    final Store store;
    final Ledger ledger;
    final Vertx vertx;
    final TallyServer server;
    final String base;
    final AccessControl access;

    WebHarness(TestStores.Kind kind, Path dir, boolean loginRequired, UserFile users) {
        store = Store.open(TestStores.config(kind, dir));
        ledger = new Ledger(store);
        seed();
        vertx = Vertx.vertx();
        WebData data = WebData.of(store, ledger, ZONE, CLOCK);
        access = new AccessControl(vertx, loginRequired, users == null ? new UserFile(dir.resolve("users.json")) : users, CLOCK);
        server = TallyServer.start(vertx, "127.0.0.1", 0, List.of(new WebApp(vertx, data, access)));
        base = "http://127.0.0.1:" + server.port();
    }

    WebHarness(TestStores.Kind kind, Path dir) {
        this(kind, dir, false, null);
    }

    private void seed() {
        DemoData demo = new DemoData(ZONE, CLOCK, 30);
        People people = new People(store);
        demo.people().forEach(people::add);
        people.add("dev9", null);
        people.alias("dev9", "key_dev9");
        PriceCatalog catalog = PriceCatalog.bundled();
        List<UsageEvent> events = new ArrayList<>(demo.events().stream().map(catalog::price).toList());
        // an unknown model: unpriced, shown loudly; and a record under an alias
        events.add(UsageEvent.builder().id("mystery-1").time(NOW.minusSeconds(3600)).identity("key_dev9")
                .modelId("claude-mystery-9").tokens(tally.core.TokenCounts.of(10, 10)).build());
        for (int i = 0; i < 3; i++) { // through the gateway today: what budgets count
            events.add(UsageEvent.builder().id("gw-" + i).time(NOW.minusSeconds(600 + i)).identity("dev1")
                    .source(tally.core.Source.GATEWAY).modelId("claude-sonnet-4-5-20250929")
                    .tokens(tally.core.TokenCounts.of(1000, 100)).cost(2_000_000_000L, "test").build());
        }
        // Claude Code telemetry: one event-derived and one metric-derived record
        events.add(UsageEvent.builder().id("otel-e-1").time(NOW.minusSeconds(7200)).identity("dev5")
                .source(tally.core.Source.OTEL_EVENT).modelId("claude-haiku-4-5-20251001")
                .tokens(tally.core.TokenCounts.of(500, 50)).cost(1_000_000L, "test").build());
        events.add(UsageEvent.builder().id("otel-m-1").time(NOW.minusSeconds(7300)).identity("dev6")
                .source(tally.core.Source.OTEL_METRIC).modelId("claude-haiku-4-5-20251001")
                .tokens(tally.core.TokenCounts.of(700, 70)).cost(2_000_000L, "test").build());
        for (int i = 0; i < events.size(); i += 5000) ledger.write(events.subList(i, Math.min(events.size(), i + 5000)));
        ActivityLog log = new ActivityLog(store);
        List<Activity> acts = new ArrayList<>();
        for (int d = 1; d <= 8; d++) {
            Instant at = NOW.minus(Duration.ofDays(d));
            acts.add(new Activity("pr-" + d, at, "dev1", "platform", "s" + d, Activity.Kind.PULL_REQUEST, 1));
            acts.add(new Activity("lines-" + d, at, "dev1", "platform", "s" + d, Activity.Kind.LINES_ADDED, 120));
            acts.add(new Activity("commit-" + d, at, "dev2", "platform", "t" + d, Activity.Kind.COMMIT, 2));
        }
        log.write(acts);
        new tally.gateway.VirtualKeys(store, CLOCK).create("dev2", "platform", List.of("claude-sonnet-4-5"), null, null, 60L, null, null);
        tally.budget.Budgets budgets = new tally.budget.Budgets(store, ledger);
        budgets.set(new Budget("platform-daily", Budget.Scope.TEAM, "platform", Budget.Period.DAILY, Budget.Unit.USD,
                5_000_000_000L, false, 80));
        budgets.set(new Budget("dev3-monthly", Budget.Scope.PERSON, "dev3", Budget.Period.MONTHLY, Budget.Unit.TOKENS,
                100_000_000L, true, 100));
    }

    JsonNode json(String pathAndQuery) {
        HttpResponse<String> r = get(pathAndQuery, Map.of());
        if (r.statusCode() != 200) throw new AssertionError(pathAndQuery + " → " + r.statusCode() + " " + r.body());
        return read(r.body());
    }

    HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) {
        return send("GET", pathAndQuery, headers, null);
    }

    HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The answer's bytes as they came over the wire (no decoding of any content-encoding). */
    HttpResponse<byte[]> bytes(String pathAndQuery, Map<String, String> headers) {
        return tally.gateway.Http.send("GET", base + pathAndQuery, headers, null);
    }

    static JsonNode read(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    @Override
    public void close() {
        server.close();
        vertx.close();
        store.close();
    }
}
