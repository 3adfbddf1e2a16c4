package tally.otlp;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import tally.core.Activity;
import tally.core.Bounds;
import tally.core.CounterPoint;
import tally.core.Ids;
import tally.core.Source;
import tally.core.TokenCounts;
import tally.core.UsageEvent;
import tally.store.ActivityLog;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Claude Code telemetry (docs/formats.md §3) into usage records and activity. Events: each api_request is
 * one record (source otel-event, keyed by its request id so the gateway's copy wins), each api_error
 * a failed record (api_retries_exhausted, their summary, is none), prompts and tool use are activity. Metrics: token usage
 * becomes records (source otel-metric) and the productivity counters become activity.
 */
final class TelemetryMapper {
    /** Who the telemetry belongs to when the credential does not say: the first attribute present. */
    private final List<String> identityAttributes;
    private final String teamAttribute;
    /** The attribute naming the record's project (resource or point), or null for none. */
    private final String projectAttribute;

    TelemetryMapper(String identityAttribute, String teamAttribute) {
        this(identityAttribute, teamAttribute, "project");
    }

    TelemetryMapper(String identityAttribute, String teamAttribute, String projectAttribute) {
        this.projectAttribute = projectAttribute;
        this.identityAttributes = identityAttribute == null
                ? List.of("user.email", "user.account_uuid", "user.account_id", "user.id")
                : List.of(identityAttribute, "user.email", "user.account_uuid", "user.account_id", "user.id");
        this.teamAttribute = teamAttribute;
    }

    // ---------------------------------------------------------------- logs (events)

    Mapped logs(ExportLogsServiceRequest request, String tokenPerson) {
        Mapped out = new Mapped();
        for (ResourceLogs rl : request.getResourceLogsList()) {
            Attributes resource = Attributes.of(rl.getResource().getAttributesList());
            for (ScopeLogs sl : rl.getScopeLogsList()) {
                for (LogRecord r : sl.getLogRecordsList()) event(r, Attributes.of(r.getAttributesList()).over(resource), tokenPerson, out);
            }
        }
        return out;
    }

    private void event(LogRecord r, Attributes a, String tokenPerson, Mapped out) {
        String name = eventName(r, a);
        Instant time = eventTime(r, a);
        if (time == null) {
            out.reject("log record without a time (timeUnixNano and event.timestamp are missing)");
            return;
        }
        String bad = name == null ? null : Bounds.time(time, Instant.now());
        if (bad == null && "api_request".equals(name)) bad = tokenProblem(a);
        if (bad == null && "api_request".equals(name)) bad = a.estimateProblem();
        if (bad != null) {
            out.reject(name + ": " + bad); // refused alone, never stored as 0; the rest of the export is kept
            return;
        }
        out.accepted++;
        if (name == null) return; // not a Claude Code event: accepted and ignored
        String who = identity(a, tokenPerson);
        String session = a.string("session.id");
        String key = "otel:" + (session == null ? "-" : session) + ":" + (a.string("event.sequence") == null
                ? r.getTimeUnixNano() : a.string("event.sequence"));
        switch (name) {
            case "api_request" -> {
                String requestId = a.string("request_id");
                UsageEvent usage = usage(requestId != null ? "otel:" + requestId : key, time, who, a, session)
                        .requestId(requestId)
                        .tokens(new TokenCounts(a.count("input_tokens"), a.count("cache_creation_tokens"), 0,
                                a.count("cache_read_tokens"), a.count("output_tokens")))
                        .latencyMs(a.number("duration_ms"))
                        .build();
                Long estimate = a.estimateNanos();
                Activity estimated = estimate == null || estimate <= 0 ? null
                        : activity(key + ":estimate", time, who, a, session, Activity.Kind.ESTIMATED_COST_EVENT, estimate);
                String unstorable = Bounds.text(usage);
                if (unstorable == null && estimated != null) unstorable = Bounds.text(estimated);
                if (unstorable != null) { // one record refused once, whichever of its two rows holds the NUL
                    out.refuseAccepted(unstorable);
                    return;
                }
                out.usage.add(usage);
                if (estimated != null) out.activity.add(estimated);
                if (session != null) out.eventSessions.add(ActivityLog.sessionKey(who, session));
            }
            case "api_error" -> {
                String requestId = a.string("request_id");
                Long status = a.number("status_code");
                out.usage.add(usage((requestId != null ? "otel:" + requestId : key) + ":" + name, time, who, a, session)
                        .requestId(requestId) // the gateway's record of the same failure wins
                        .latencyMs(a.number("duration_ms"))
                        .status(status != null && status >= 400 ? status.intValue() : 599)
                        .build());
            }
            case "user_prompt" -> out.activity.add(activity(key, time, who, a, session, Activity.Kind.PROMPT, 1));
            case "tool_result" -> out.activity.add(activity(key, time, who, a, session, Activity.Kind.TOOL_RESULT, 1));
            case "tool_decision" -> out.activity.add(activity(key, time, who, a, session,
                    "reject".equals(a.string("decision")) ? Activity.Kind.TOOL_REJECTED : Activity.Kind.TOOL_ACCEPTED, 1));
            // api_retries_exhausted sums up the api_error attempts before it: no request of its own
            default -> { } // other events carry no usage
        }
    }

    /** Why an api_request's token counts are refused: one out of range or unreadable, or input or output missing. */
    private static String tokenProblem(Attributes a) {
        for (String key : List.of("input_tokens", "cache_creation_tokens", "cache_read_tokens", "output_tokens")) {
            String why = a.countProblem(key);
            if (why != null) return why;
        }
        for (String key : List.of("input_tokens", "output_tokens")) {
            if (!a.has(key)) return key + " is missing"; // never a free request
        }
        return null;
    }

    private UsageEvent.Builder usage(String id, Instant time, String who, Attributes a, String session) {
        String model = a.string("model");
        return UsageEvent.builder().id(id).time(time).source(Source.OTEL_EVENT).identity(who)
                .team(a.string(teamAttribute)).project(projectAttribute == null ? null : a.string(projectAttribute))
                .sessionId(session)
                .modelId(model == null ? "unknown" : model)
                .fast("fast".equals(a.string("speed")));
    }

    private Activity activity(String id, Instant time, String who, Attributes a, String session, Activity.Kind kind, double v) {
        return new Activity(id, time, who, a.string(teamAttribute), session, kind, v);
    }

    private static String eventName(LogRecord r, Attributes a) {
        String n = a.string("event.name");
        if (n == null && !r.getEventName().isEmpty()) n = r.getEventName();
        if (n == null && r.getBody().hasStringValue()) n = r.getBody().getStringValue();
        if (n == null) return null;
        if (n.startsWith("claude_code.")) return n.substring("claude_code.".length());
        return n.contains(".") ? null : n;
    }

    private static Instant eventTime(LogRecord r, Attributes a) {
        String iso = a.string("event.timestamp");
        if (iso != null) {
            try {
                return Instant.parse(iso);
            } catch (DateTimeParseException ignored) {
                // fall back to the record's own time
            }
        }
        long nanos = r.getTimeUnixNano() != 0 ? r.getTimeUnixNano() : r.getObservedTimeUnixNano();
        return nanos == 0 ? null : unixNanos(nanos);
    }

    String identity(Attributes a, String tokenPerson) {
        if (tokenPerson != null) return tokenPerson;
        for (String key : identityAttributes) {
            String v = a.string(key);
            if (v != null) return v;
        }
        return "unknown";
    }

    // ---------------------------------------------------------------- metrics

    /** The attribute a metric's points are counted by, and the values it takes (docs/formats.md §3.4). */
    private record Classifier(String attribute, List<String> values) {}

    private static final Map<String, Classifier> CLASSIFIERS = Map.of(
            "claude_code.token.usage", new Classifier("type", List.of("input", "output", "cacheRead", "cacheCreation")),
            "claude_code.lines_of_code.count", new Classifier("type", List.of("added", "removed")),
            "claude_code.code_edit_tool.decision", new Classifier("decision", List.of("accept", "reject")),
            "claude_code.active_time.total", new Classifier("type", List.of("user", "cli")));

    /**
     * Why a point is refused: a time out of range, no value or an unknown one for the attribute its
     * metric is counted by (never dropped, nor counted as some other kind), a value that is not a
     * finite non-negative number, or a token count that is not a whole number in [0, 10^10]. A
     * cumulative token total may pass 10^10; its step is checked once the delta is known.
     */
    private static String pointProblem(String name, NumberDataPoint p, Attributes a, boolean cumulative) {
        String late = Bounds.time(unixNanos(p.getTimeUnixNano()), Instant.now());
        if (late != null) return late;
        String unclassified = classifierProblem(CLASSIFIERS.get(name), a);
        if (unclassified != null) return unclassified;
        double raw = p.hasAsInt() ? p.getAsInt() : p.getAsDouble();
        if (name.equals("claude_code.token.usage")) {
            String why = p.hasAsInt() ? Bounds.tokens(tokenField(a.string("type")), p.getAsInt()) : Bounds.tokens(tokenField(a.string("type")), raw);
            boolean runningTotal = cumulative && Double.isFinite(raw) && raw == Math.rint(raw) && raw > 0;
            return runningTotal ? null : why;
        }
        if (!Double.isFinite(raw) || raw < 0) return "value " + raw + " is not a finite non-negative number";
        if (WHOLE.contains(name) && raw != Math.rint(raw)) return "value " + shown(raw) + " is not a whole number";
        return cumulative ? null : stepProblem(name, raw); // a running total's step is checked once known
    }

    /**
     * The most one point of a productivity metric may count (a delta, or a running total's step):
     * far beyond any one export interval, so only a broken or forged value is refused.
     */
    private static final Map<String, Double> MAX_STEP = Map.of(
            "claude_code.session.count", 1e4, "claude_code.commit.count", 1e4, "claude_code.pull_request.count", 1e4,
            "claude_code.code_edit_tool.decision", 1e6, "claude_code.lines_of_code.count", 1e8,
            "claude_code.active_time.total", 86_400.0, // seconds: a day
            "claude_code.cost.usage", 10_000.0); // US dollars

    /** The productivity metrics that count things: whole numbers only. */
    private static final java.util.Set<String> WHOLE = java.util.Set.of("claude_code.session.count", "claude_code.commit.count",
            "claude_code.pull_request.count", "claude_code.code_edit_tool.decision", "claude_code.lines_of_code.count");

    /** Why one point's amount is more than its metric can count in one point, or null. */
    private static String stepProblem(String name, double v) {
        Double max = MAX_STEP.get(name);
        return max == null || v <= max ? null : "value " + shown(v) + " is more than one point can count (at most " + shown(max) + ")";
    }

    private static String shown(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toString();
    }

    /** Why a point lacks the value its metric is counted by, or null (also for a metric counted by none). */
    private static String classifierProblem(Classifier c, Attributes a) {
        if (c == null) return null;
        String v = a.string(c.attribute());
        String expected = " (expected " + String.join(", ", c.values()) + ")";
        if (v == null) return "data point without a " + c.attribute() + " attribute" + expected;
        return c.values().contains(v) ? null : "data point with unknown " + c.attribute() + " \"" + v + "\"" + expected;
    }

    private static String tokenField(String type) {
        return switch (String.valueOf(type)) {
            case "input" -> "input_tokens";
            case "output" -> "output_tokens";
            case "cacheRead" -> "cache_read_tokens";
            case "cacheCreation" -> "cache_creation_tokens";
            default -> "tokens(type=" + type + ")";
        };
    }

    Mapped metrics(ExportMetricsServiceRequest request, String tokenPerson, SeriesTracker tracker) {
        Export x = new Export(tokenPerson, tracker);
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            Attributes resource = Attributes.of(rm.getResource().getAttributesList());
            String resourceKey = Attributes.key(rm.getResource().getAttributesList(), null);
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) metric(m, resource, resourceKey, x);
            }
        }
        x.usage.forEach((key, b) -> {
            long[] t = x.tokens.get(key);
            TokenCounts counts = new TokenCounts(t[0], t[3], 0, t[2], t[1]);
            String bad = Bounds.tokens(counts);
            if (bad != null) x.out.reject("claude_code.token.usage: " + bad);
            else if (counts.total() > 0) x.out.usage.add(b.tokens(counts).build());
        });
        return x.out;
    }

    /** One metrics export as it is mapped: its result so far, and the token.usage records it is gathering. */
    private static final class Export {
        final String tokenPerson;
        final SeriesTracker tracker;
        final Mapped out = new Mapped();
        // token.usage arrives as one point per token type; points of one export that share every
        // other attribute are one record
        final Map<String, UsageEvent.Builder> usage = new LinkedHashMap<>();
        final Map<String, long[]> tokens = new LinkedHashMap<>();

        Export(String tokenPerson, SeriesTracker tracker) {
            this.tokenPerson = tokenPerson;
            this.tracker = tracker;
        }
    }

    /** An accepted Claude Code data point and its amount ({@code v}: the step of a cumulative series, else the value). */
    private record Point(String name, NumberDataPoint p, Attributes a, String series, boolean cumulative, double raw, double v) {}

    /** The token class a token.usage point's type feeds, or null for a type that feeds none. */
    private static CounterPoint.Part part(String type) {
        return switch (String.valueOf(type)) {
            case "input" -> CounterPoint.Part.INPUT;
            case "output" -> CounterPoint.Part.OUTPUT;
            case "cacheRead" -> CounterPoint.Part.CACHE_READ;
            case "cacheCreation" -> CounterPoint.Part.CACHE_WRITE_5M;
            default -> null;
        };
    }

    /** Each point of a metric: validate it → compute its amount (a cumulative series' step via the tracker) → map it by name. */
    private void metric(Metric m, Attributes resource, String resourceKey, Export x) {
        AggregationTemporality temporality = temporality(m);
        if (temporality == null) {
            x.out.accepted += otherShapePoints(m); // not a Claude Code shape: accepted and ignored
            return;
        }
        String name = m.getName();
        boolean cumulative = temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE;
        for (NumberDataPoint p : m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList()) {
            Attributes a = validPoint(name, p, temporality, resource, x.out);
            if (a == null) continue;
            String series = name + "|" + resourceKey + "|" + Attributes.key(p.getAttributesList(), null);
            double raw = p.hasAsInt() ? p.getAsInt() : p.getAsDouble();
            double v = amount(series, p, raw, cumulative, x);
            String tooMuch = cumulative ? stepProblem(name, v) : null;
            if (tooMuch != null) {
                x.out.refuseAccepted(name + ": " + tooMuch);
                continue;
            }
            if (v > 0) map(new Point(name, p, a, series, cumulative, raw, v), resourceKey, x);
        }
    }

    /** The temporality of a metric's number points (a gauge's are deltas), or null for a shape without number points. */
    private static AggregationTemporality temporality(Metric m) {
        if (m.hasSum()) return m.getSum().getAggregationTemporality();
        if (m.hasGauge()) return AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA;
        return null;
    }

    private static int otherShapePoints(Metric m) {
        return m.hasHistogram() ? m.getHistogram().getDataPointsCount()
                : m.hasExponentialHistogram() ? m.getExponentialHistogram().getDataPointsCount()
                : m.hasSummary() ? m.getSummary().getDataPointsCount() : 0;
    }

    /**
     * The point's attributes when it is accepted and carries a recorded Claude Code value; null when it
     * is refused (counted in {@code out} with its reason) or accepted and ignored.
     */
    private static Attributes validPoint(String name, NumberDataPoint p, AggregationTemporality temporality,
                                         Attributes resource, Mapped out) {
        if (p.getTimeUnixNano() == 0) {
            out.reject(name + ": data point without timeUnixNano");
            return null;
        }
        if (temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_UNSPECIFIED
                || temporality == AggregationTemporality.UNRECOGNIZED) {
            out.reject(name + ": aggregationTemporality is unspecified");
            return null;
        }
        Attributes a = Attributes.of(p.getAttributesList()).over(resource);
        boolean ours = (p.getFlags() & 1) == 0 && name.startsWith("claude_code."); // has a recorded value, and is ours
        String bad = ours ? pointProblem(name, p, a, temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE) : null;
        if (bad != null) {
            out.reject(name + ": " + bad); // refused alone, never stored as 0; the rest of the export is kept
            return null;
        }
        out.accepted++;
        return ours ? a : null;
    }

    /** A delta point's value as sent; a cumulative point's step since its series' previous point. */
    private static double amount(String series, NumberDataPoint p, double raw, boolean cumulative, Export x) {
        if (!cumulative) return raw;
        x.out.series.add(series);
        return x.tracker.delta(series, p.getStartTimeUnixNano(), p.getTimeUnixNano(), raw);
    }

    /** Token usage feeds a usage record; the productivity counters become activity rows. */
    private void map(Point pt, String resourceKey, Export x) {
        Instant time = unixNanos(pt.p().getTimeUnixNano());
        String who = identity(pt.a(), x.tokenPerson);
        String session = pt.a().string("session.id");
        if (pt.name().equals("claude_code.token.usage")) {
            tokenUsage(pt, resourceKey, time, who, session, x);
            return;
        }
        String id = "otelm:" + Ids.hash(pt.series() + "|" + pt.p().getTimeUnixNano());
        Activity row = activityRow(pt, id, time, who, session);
        if (row == null) return;
        if (pt.cumulative()) { // the store applies the point with the row
            row = row.withCounter(new CounterPoint(Ids.hash(pt.series()), pt.p().getStartTimeUnixNano(), pt.p().getTimeUnixNano(),
                    pt.raw(), pt.v(), null));
        }
        x.out.activity.add(row);
    }

    /** Adds a token.usage point to its export's record for the same attributes but the type. */
    private void tokenUsage(Point pt, String resourceKey, Instant time, String who, String session, Export x) {
        Attributes a = pt.a();
        String key = resourceKey + "|" + Attributes.key(pt.p().getAttributesList(), "type") + "|" + pt.p().getTimeUnixNano();
        long[] t = x.tokens.computeIfAbsent(key, k -> new long[4]);
        UsageEvent.Builder b = x.usage.computeIfAbsent(key, k -> UsageEvent.builder()
                .id("otelm:" + Ids.hash(k))
                .time(time).source(Source.OTEL_METRIC).identity(who).team(a.string(teamAttribute))
                .project(projectAttribute == null ? null : a.string(projectAttribute))
                .sessionId(session).modelId(a.string("model") == null ? "unknown" : a.string("model"))
                .fast("fast".equals(a.string("speed"))));
        String tooMany = Bounds.tokens(tokenField(a.string("type")), pt.v()); // a running total's step
        if (tooMany != null) {
            x.out.accepted--;
            x.out.reject(pt.name() + ": " + tooMany);
            return;
        }
        long n = Math.round(pt.v());
        switch (String.valueOf(a.string("type"))) {
            case "input" -> t[0] += n;
            case "output" -> t[1] += n;
            case "cacheRead" -> t[2] += n;
            case "cacheCreation" -> t[3] += n;
            default -> { }
        }
        CounterPoint.Part part = part(a.string("type"));
        if (pt.cumulative() && part != null) { // the store applies the point with the record
            b.counter(new CounterPoint(Ids.hash(pt.series()), pt.p().getStartTimeUnixNano(), pt.p().getTimeUnixNano(), pt.raw(), n, part));
        }
    }

    /** The activity row a productivity counter's point becomes, or null for a metric that is not one. */
    private Activity activityRow(Point pt, String id, Instant time, String who, String session) {
        Attributes a = pt.a();
        double v = pt.v();
        return switch (pt.name()) {
            case "claude_code.session.count" -> activity(id, time, who, a, session, Activity.Kind.SESSION, v);
            case "claude_code.lines_of_code.count" -> activity(id, time, who, a, session,
                    "removed".equals(a.string("type")) ? Activity.Kind.LINES_REMOVED : Activity.Kind.LINES_ADDED, v);
            case "claude_code.commit.count" -> activity(id, time, who, a, session, Activity.Kind.COMMIT, v);
            case "claude_code.pull_request.count" -> activity(id, time, who, a, session, Activity.Kind.PULL_REQUEST, v);
            case "claude_code.code_edit_tool.decision" -> activity(id, time, who, a, session,
                    "reject".equals(a.string("decision")) ? Activity.Kind.EDIT_REJECTED : Activity.Kind.EDIT_ACCEPTED, v);
            case "claude_code.active_time.total" -> activity(id, time, who, a, session,
                    "user".equals(a.string("type")) ? Activity.Kind.ACTIVE_USER_SECONDS : Activity.Kind.ACTIVE_CLI_SECONDS, v);
            // Claude Code's own estimate, for reconciliation; the ledger prices the tokens itself
            case "claude_code.cost.usage" -> activity(id, time, who, a, session,
                    Activity.Kind.ESTIMATED_COST_METRIC, Math.round(v * 1e9));
            default -> null;
        };
    }

    /**
     * An OTLP time: nanoseconds since the epoch as an unsigned fixed64, so a time past 2262 arrives as
     * a negative long and must not read as a date before 1970.
     */
    static Instant unixNanos(long fixed64) {
        return Instant.ofEpochSecond(Long.divideUnsigned(fixed64, 1_000_000_000L), Long.remainderUnsigned(fixed64, 1_000_000_000L));
    }
}
