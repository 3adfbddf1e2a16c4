package tally.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import tally.store.UsageWindows;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code serve --cloudwatch-namespace NS}: per-developer and per-model cost, token and request
 * metrics for teams whose alarms live in CloudWatch, as embedded metric format (EMF) lines sent to a
 * log group with PutLogEvents (CloudWatch turns them into metrics; no PutMetricData). Each minute is
 * sent once, {@link #LAG} after it ends so records still in flight are in; it is stamped with the
 * minute's start. Dimension values are bounded: the first {@code maxValues} developers (and models)
 * seen get their own, later ones are summed under "(other)", so a misconfigured identity header
 * cannot create unbounded metrics.
 */
public final class CloudWatchPublisher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CloudWatchPublisher.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration LAG = Duration.ofMinutes(1);
    static final long MINUTE = 60_000;
    static final String OTHER = "(other)";
    /** PutLogEvents takes at most 10,000 events a call; far fewer keeps each call small. */
    static final int BATCH = 500;

    private final CloudWatchLogsClient logs;
    private final UsageWindows usage;
    private final UnaryOperator<String> developer;
    private final String namespace;
    private final String group;
    private final String stream;
    private final int maxValues;
    private final Clock clock;
    private final Set<String> developers = new LinkedHashSet<>();
    private final Set<String> models = new LinkedHashSet<>();
    private long next; // the start of the next minute to send
    private ScheduledExecutorService timer;

    public CloudWatchPublisher(CloudWatchLogsClient logs, UsageWindows usage, UnaryOperator<String> developer, String namespace,
                               String group, String stream, int maxValues, Clock clock) {
        if (namespace == null || namespace.isBlank() || namespace.length() > 255) throw new IllegalArgumentException("--cloudwatch-namespace: 1 to 255 characters");
        if (maxValues < 1) throw new IllegalArgumentException("--cloudwatch-max-dimension-values must be at least 1");
        this.logs = logs;
        this.usage = usage;
        this.developer = developer;
        this.namespace = namespace;
        this.group = group;
        this.stream = stream;
        this.maxValues = maxValues;
        this.clock = clock;
        this.next = clock.millis() - clock.millis() % MINUTE; // from this minute on: no backfill of history
    }

    public synchronized void start() {
        if (timer != null) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tally-cloudwatch-metrics");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                publish();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cloudwatch metrics: " + e.getMessage() + "; trying again next minute");
            }
        }, 0, 15, TimeUnit.SECONDS);
    }

    /** Sends every whole minute not yet sent; returns the EMF lines sent. A failed call is tried again next time. */
    public synchronized int publish() {
        List<String> lines = new ArrayList<>();
        long until = clock.millis() - LAG.toMillis();
        long from = next;
        while (next + MINUTE <= until) {
            lines.addAll(minute(next));
            next += MINUTE;
        }
        if (lines.isEmpty()) return 0;
        try {
            ensureStream();
            for (int i = 0; i < lines.size(); i += BATCH) {
                List<InputLogEvent> events = new ArrayList<>();
                for (String l : lines.subList(i, Math.min(lines.size(), i + BATCH))) {
                    long ts = JSON.readTree(l).path("_aws").path("Timestamp").asLong();
                    events.add(InputLogEvent.builder().timestamp(ts).message(l).build());
                }
                logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(events));
            }
        } catch (RuntimeException | java.io.IOException e) {
            next = from; // nothing is lost: the same minutes again next time
            throw new IllegalStateException("PutLogEvents to " + group + " failed: " + e.getMessage(), e);
        }
        return lines.size();
    }

    /** EMF lines of one minute: one per developer, one per model. */
    List<String> minute(long startMs) {
        Map<String, long[]> byDeveloper = new TreeMap<>();
        Map<String, long[]> byModel = new TreeMap<>();
        for (UsageWindows.Cell c : usage.between(startMs, startMs + MINUTE)) {
            add(byDeveloper, bounded(developers, developer.apply(c.identity())), c);
            add(byModel, bounded(models, c.model()), c);
        }
        List<String> out = new ArrayList<>();
        byDeveloper.forEach((d, v) -> out.add(line(startMs, "Developer", d, v)));
        byModel.forEach((m, v) -> out.add(line(startMs, "Model", m, v)));
        return out;
    }

    private String bounded(Set<String> seen, String value) {
        if (seen.contains(value)) return value;
        if (seen.size() < maxValues) {
            seen.add(value);
            return value;
        }
        return OTHER;
    }

    private static void add(Map<String, long[]> into, String key, UsageWindows.Cell c) {
        long[] v = into.computeIfAbsent(key, k -> new long[3]);
        v[0] = Math.addExact(v[0], c.requests());
        v[1] = Math.addExact(v[1], c.tokens());
        v[2] = Math.addExact(v[2], c.costNanos());
    }

    private String line(long ts, String dimension, String value, long[] v) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", ts);
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        directive.putArray("Dimensions").addArray().add(dimension);
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", "CostUSD").put("Unit", "None");
        metrics.addObject().put("Name", "Tokens").put("Unit", "Count");
        metrics.addObject().put("Name", "Requests").put("Unit", "Count");
        root.put(dimension, value);
        root.put("CostUSD", BigDecimal.valueOf(v[2], 9)); // dollars only here, at the edge
        root.put("Tokens", v[1]);
        root.put("Requests", v[0]);
        return root.toString();
    }

    private boolean streamReady;

    private void ensureStream() {
        if (streamReady) return;
        try {
            logs.createLogGroup(b -> b.logGroupName(group));
        } catch (ResourceAlreadyExistsException exists) {
            // made by an earlier run or by the team's own setup
        }
        try {
            logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
        } catch (ResourceAlreadyExistsException exists) {
            // ours, from before a restart
        }
        streamReady = true;
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
