package tally.metrics;

import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** {@code GET /metrics}: the exposition, built off the event loop (it reads the store). */
public final class MetricsRoutes {
    public static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Vertx vertx;
    private final PrometheusExposition exposition;

    public MetricsRoutes(Vertx vertx, PrometheusExposition exposition) {
        this.vertx = vertx;
        this.exposition = exposition;
    }

    public void mount(Router router) {
        router.get(PATH).handler(ctx -> vertx.executeBlocking(exposition::scrape, false).onComplete(r -> {
            if (r.succeeded()) {
                ctx.response().putHeader("content-type", CONTENT_TYPE).end(r.result());
            } else {
                ctx.response().setStatusCode(503).putHeader("content-type", "text/plain; charset=utf-8")
                        .end("metrics unavailable: " + r.cause().getMessage() + "\n");
            }
        }));
    }
}
