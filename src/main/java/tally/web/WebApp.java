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
    private final AppApi useCases;

    public WebApp(Vertx vertx, WebData data, AccessControl access) {
        this(vertx, data, access, null);
    }

    /** With {@code useCases}: also the use-case routes the CLI calls while the server owns the data. */
    public WebApp(Vertx vertx, WebData data, AccessControl access, AppApi useCases) {
        this.access = access;
        this.api = new ApiRoutes(vertx, data);
        this.useCases = useCases;
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

    /** As above, with the use cases as admin routes, open to the holder of {@code adminToken} (the local admin). */
    public static WebApp forServer(Vertx vertx, Store store, Ledger ledger, ZoneId zone, Clock clock, String host, Path dataDir,
                                   String metricsToken, tally.app.App app, String adminToken, Runnable afterCall) {
        boolean required = !loopback(host);
        AccessControl access = new AccessControl(vertx, required, new UserFile(UserFile.locate(dataDir)), clock, metricsToken,
                adminToken);
        return new WebApp(vertx, WebData.of(store, ledger, zone, clock), access, new AppApi(vertx, app, adminToken, required, afterCall));
    }

    /** The use-case routes, or null when this server has none. */
    public AppApi useCases() {
        return useCases;
    }

    public boolean loginRequired() {
        return access.required();
    }

    @Override
    public void accept(Router router) {
        access.accept(router);
        if (useCases != null) useCases.accept(router); // before the API's catch-all for /api/*
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
