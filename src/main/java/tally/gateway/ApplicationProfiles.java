package tally.gateway;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The model behind a Bedrock application inference profile ARN, which names none, so that a call
 * through one is priced, budgeted and recorded by the model and regions the profile runs, as
 * {@code import bedrock} records the same call. Looked up once per ARN (GetInferenceProfile, on a
 * worker thread, before the request's budget is reserved); a lookup that failed is tried again after
 * a minute, and meanwhile the call stays unpriced under its ARN, as before.
 */
public final class ApplicationProfiles {
    private static final Logger LOG = Logger.getLogger(ApplicationProfiles.class.getName());

    /** The id to price an application profile's calls by (e.g. {@code us.anthropic.…}), or null when it cannot be told. */
    @FunctionalInterface
    public interface Lookup {
        String modelIdOf(String arn) throws Exception;
    }

    /** No lookups: a profile ARN is recorded as it is. */
    static final ApplicationProfiles NONE = new ApplicationProfiles(null, null, System::currentTimeMillis);

    /** Only well-formed ARNs are looked up: the region picks the host the signed lookup goes to. */
    private static final Pattern ARN = Pattern.compile(
            "arn:aws[a-z-]*:bedrock:[a-z]{2}(-[a-z]+)+-\\d+:\\d{12}:application-inference-profile/[A-Za-z0-9]{1,64}");
    private static final long RETRY_MS = 60_000;
    /** ARNs come from clients: stop looking new ones up past this many. */
    private static final int LIMIT = 10_000;
    private static final String CONTEXT_KEY = "tally.profile-model";

    private record Resolved(String arn, String modelId) {}

    private final Vertx vertx;
    private final Lookup lookup;
    private final LongSupplier clock;
    private final Map<String, String> known = new ConcurrentHashMap<>();
    private final Map<String, Long> failedAt = new ConcurrentHashMap<>();

    public ApplicationProfiles(Vertx vertx, Lookup lookup) {
        this(vertx, lookup, System::currentTimeMillis);
    }

    ApplicationProfiles(Vertx vertx, Lookup lookup, LongSupplier clock) {
        this.vertx = vertx;
        this.lookup = lookup;
        this.clock = clock;
    }

    /**
     * Completes (never fails) once the request knows the model behind {@code model}, when it is an
     * application profile ARN that can be looked up; at once for any other model.
     */
    Future<Void> resolve(RoutingContext ctx, String model) {
        if (lookup == null || model == null || !ARN.matcher(model).matches()) return Future.succeededFuture();
        String id = known.get(model);
        if (id != null) {
            ctx.put(CONTEXT_KEY, new Resolved(model, id));
            return Future.succeededFuture();
        }
        Long failed = failedAt.get(model);
        if (failed != null && clock.getAsLong() - failed < RETRY_MS) return Future.succeededFuture();
        if (failed == null && known.size() + failedAt.size() >= LIMIT) return Future.succeededFuture();
        return vertx.executeBlocking(() -> lookup.modelIdOf(model), false).transform(ar -> {
            String found = ar.succeeded() ? ar.result() : null;
            if (found != null && !found.isBlank()) {
                known.put(model, found);
                failedAt.remove(model);
                ctx.put(CONTEXT_KEY, new Resolved(model, found));
            } else {
                failedAt.put(model, clock.getAsLong());
                LOG.warning("GetInferenceProfile " + model + ": " + (ar.failed() ? ar.cause().getMessage() : "names no single model")
                        + "; its calls stay unpriced, looked up again in a minute");
            }
            return Future.succeededFuture();
        });
    }

    /** The id to price and record {@code model} by: the profile's model when it is this request's resolved profile. */
    static String pricedAs(RoutingContext ctx, String model) {
        Resolved r = ctx == null ? null : ctx.get(CONTEXT_KEY);
        return r != null && r.arn().equals(model) ? r.modelId() : model;
    }
}
