package tally.web;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import tally.store.Ledger;
import tally.store.Store;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.function.Consumer;

/**
 * The server part {@code tally serve} mounts for people: access control, the REST API and the
 * dashboard, in that order (the guard must see every request first).
 */
public final class WebApp implements Consumer<Router> {
    private final AccessControl access;
    private final ApiRoutes api;
    private final DashboardRoutes dashboard = new DashboardRoutes();

    public WebApp(Vertx vertx, WebData data, AccessControl access) {
        this.access = access;
        this.api = new ApiRoutes(vertx, data);
    }

    /**
     * For a server listening on {@code host}: login is required unless the address is loopback;
     * users come from $TALLY_USERS or users.json in the data directory.
     */
    public static WebApp forServer(Vertx vertx, Store store, Ledger ledger, ZoneId zone, Clock clock, String host, Path dataDir) {
        return forServer(vertx, store, ledger, zone, clock, host, dataDir, null);
    }

    /** As above; beyond loopback, {@code metricsToken} (when given) also opens {@code /metrics} to a scraper. */
    public static WebApp forServer(Vertx vertx, Store store, Ledger ledger, ZoneId zone, Clock clock, String host, Path dataDir,
                                   String metricsToken) {
        AccessControl access = new AccessControl(vertx, !loopback(host), new UserFile(UserFile.locate(dataDir)), clock, metricsToken);
        return new WebApp(vertx, WebData.of(store, ledger, zone, clock), access);
    }

    public boolean loginRequired() {
        return access.required();
    }

    @Override
    public void accept(Router router) {
        access.accept(router);
        api.accept(router);
        dashboard.accept(router);
    }

    /** Whether a server bound to {@code host} is reachable from this machine only. */
    public static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // unknown: treat as exposed
        }
    }
}
