package tally.metrics;

import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import tally.http.Gzip;

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
        router.get(PATH).handler(ctx -> {
            boolean gzip = Gzip.acceptedBy(ctx.request());
            vertx.executeBlocking(() -> scrape(gzip), false).onComplete(r -> answer(ctx, r));
        });
    }

    /**
     * The exposition, gzipped when the scraper accepts it (Prometheus does) and it is large: eight
     * series per person (50 and "other" by default), model and source come near a megabyte for a fleet.
     */
    private Gzip.Body scrape(boolean gzip) {
        return Gzip.where(gzip, Buffer.buffer(exposition.scrape()));
    }

    private static void answer(RoutingContext ctx, AsyncResult<Gzip.Body> r) {
        if (r.succeeded()) {
            r.result().end(ctx.response().putHeader("content-type", CONTENT_TYPE));
        } else {
            ctx.response().setStatusCode(503).putHeader("content-type", "text/plain; charset=utf-8")
                    .end("metrics unavailable: " + r.cause().getMessage() + "\n");
        }
    }
}
