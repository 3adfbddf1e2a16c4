package tally.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import tally.http.Gzip;

import java.util.function.Consumer;
import java.util.zip.Deflater;

/**
 * The dashboard: static files from the jar (plain HTML, CSS and JavaScript modules, no build step)
 * and ECharts from its WebJar, so it works with no internet. Only these paths are claimed, so the
 * gateway's and collector's routes on the same server are never shadowed.
 */
public final class DashboardRoutes implements Consumer<Router> {
    /** The ECharts WebJar's version, as in pom.xml. */
    static final String ECHARTS = "5.3.1";
    private static final String CHARTS_DIR = "META-INF/resources/webjars/echarts/" + ECHARTS + "/dist";
    private static final int CHARTS_MAX_AGE_S = 86_400;
    /** The one chart file the pages load: 1.02 MB as it is, 0.33 MB gzipped once, as tightly as gzip goes, at its first ask. */
    static final String CHARTS_FILE = "echarts.min.js";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private volatile Buffer chartsGzipped;

    @Override
    public void accept(Router router) {
        StaticHandler pages = StaticHandler.create("web").setIndexPage("index.html").setCachingEnabled(false);
        StaticHandler assets = StaticHandler.create("web/assets").setCachingEnabled(false);
        StaticHandler charts = StaticHandler.create(CHARTS_DIR).setMaxAgeSeconds(CHARTS_MAX_AGE_S);
        router.get("/").handler(DashboardRoutes::headers).handler(pages);
        router.get("/index.html").handler(DashboardRoutes::headers).handler(pages);
        Buffer login = ApiRoutes.resource("web/login.html");
        for (String path : new String[] {"/login", "/login.html"}) {
            router.get(path).handler(DashboardRoutes::headers).handler(ctx -> ctx.response()
                    .putHeader("content-type", "text/html; charset=utf-8").putHeader("cache-control", "no-store").end(login));
        }
        router.get("/assets/*").handler(DashboardRoutes::headers).handler(assets);
        router.get("/vendor/echarts/" + CHARTS_FILE).handler(this::gzippedCharts);
        router.get("/vendor/echarts/*").handler(charts);
    }

    /** The chart file gzipped, for a caller that accepts it (every browser); any other gets the static handler's. */
    private void gzippedCharts(RoutingContext ctx) {
        if (!Gzip.acceptedBy(ctx.request())) {
            ctx.next();
            return;
        }
        Buffer ready = chartsGzipped;
        if (ready != null) {
            sendCharts(ctx, ready);
            return;
        }
        ctx.vertx().executeBlocking(() -> Gzip.of(ApiRoutes.resource(CHARTS_DIR + "/" + CHARTS_FILE), Deflater.BEST_COMPRESSION), false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
            }
            chartsGzipped = ar.result(); // two first asks at once each gzip it: the same bytes
            sendCharts(ctx, ar.result());
        });
    }

    private static void sendCharts(RoutingContext ctx, Buffer gzipped) {
        new Gzip.Body(gzipped, true).end(ctx.response().putHeader("content-type", "text/javascript;charset=UTF-8")
                .putHeader("cache-control", "public, immutable, max-age=" + CHARTS_MAX_AGE_S));
    }

    static void headers(RoutingContext ctx) {
        ctx.response().putHeader("content-security-policy", CSP)
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer")
                .putHeader("x-frame-options", "DENY");
        ctx.next();
    }
}
