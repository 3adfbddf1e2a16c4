package tally.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.function.Consumer;

/**
 * The dashboard: static files from the jar (plain HTML, CSS and JavaScript modules, no build step)
 * and ECharts from its WebJar, so it works with no internet. Only these paths are claimed, so the
 * gateway's and collector's routes on the same server are never shadowed.
 */
public final class DashboardRoutes implements Consumer<Router> {
    /** The ECharts WebJar's version, as in pom.xml. */
    static final String ECHARTS = "5.3.1";
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
            + " connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    @Override
    public void accept(Router router) {
        StaticHandler pages = StaticHandler.create("web").setIndexPage("index.html").setCachingEnabled(false);
        StaticHandler assets = StaticHandler.create("web/assets").setCachingEnabled(false);
        StaticHandler charts = StaticHandler.create("META-INF/resources/webjars/echarts/" + ECHARTS + "/dist")
                .setMaxAgeSeconds(86_400);
        router.get("/").handler(DashboardRoutes::headers).handler(pages);
        router.get("/index.html").handler(DashboardRoutes::headers).handler(pages);
        io.vertx.core.buffer.Buffer login = ApiRoutes.resource("web/login.html");
        for (String path : new String[] {"/login", "/login.html"}) {
            router.get(path).handler(DashboardRoutes::headers).handler(ctx -> ctx.response()
                    .putHeader("content-type", "text/html; charset=utf-8").putHeader("cache-control", "no-store").end(login));
        }
        router.get("/assets/*").handler(DashboardRoutes::headers).handler(assets);
        router.get("/vendor/echarts/*").handler(charts);
    }

    static void headers(RoutingContext ctx) {
        ctx.response().putHeader("content-security-policy", CSP)
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer")
                .putHeader("x-frame-options", "DENY");
        ctx.next();
    }
}
