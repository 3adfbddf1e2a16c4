package tally.importers.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * CloudWatch Logs, S3 and Cost Explorer on 127.0.0.1, speaking their wire protocols as the AWS SDK
 * sends and reads them: JSON 1.1 with {@code X-Amz-Target} (FilterLogEvents, PutLogEvents,
 * GetCostAndUsage) and S3's REST XML (ListObjectsV2 paged, GetObject).
 */
public final class FakeAws implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    public record LogEvent(long timestamp, String message) {}

    /** The log group's events, in time order. */
    public final List<LogEvent> events = new CopyOnWriteArrayList<>();
    /** The bucket's objects by key. */
    public final Map<String, byte[]> objects = new TreeMap<>();
    /** Every call, as "Target body" (JSON protocols) or "GET /path?query" (S3). */
    public final List<String> calls = new CopyOnWriteArrayList<>();
    /** GetCostAndUsage answers, one per call in order (the last repeats). */
    public final List<String> costPages = new CopyOnWriteArrayList<>();
    /** The Authorization header of every call ("" when unsigned). */
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    /** GetInferenceProfile answers by profile ARN. */
    public final Map<String, String> profiles = new TreeMap<>();
    public int logsPageSize = 2;
    public int s3PageSize = 2;
    private final HttpServer server;

    public FakeAws() throws IOException {
        this(0);
    }

    /** On a given port: the same endpoint coming back after an outage. */
    public FakeAws(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public List<String> calls(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).toList();
    }

    private void handle(HttpExchange x) throws IOException {
        try {
            String target = x.getRequestHeaders().getFirst("X-Amz-Target");
            String auth = x.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "" : auth);
            byte[] body = x.getRequestBody().readAllBytes();
            if (target != null) {
                calls.add(target + " " + new String(body, StandardCharsets.UTF_8));
                json(x, target, JSON.readTree(body));
            } else {
                calls.add(x.getRequestMethod() + " " + x.getRequestURI());
                s3(x);
            }
        } catch (RuntimeException e) {
            send(x, 500, "application/json", ("{\"__type\":\"InternalFailure\",\"message\":\"" + e + "\"}").getBytes(StandardCharsets.UTF_8));
        }
    }

    private void json(HttpExchange x, String target, JsonNode req) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        switch (target) {
            case "Logs_20140328.FilterLogEvents" -> {
                long start = req.path("startTime").asLong(0);
                List<LogEvent> match = events.stream().filter(e -> e.timestamp() >= start).toList();
                int from = req.has("nextToken") ? Integer.parseInt(req.get("nextToken").asText()) : 0;
                int to = Math.min(match.size(), from + logsPageSize);
                ArrayNode arr = out.putArray("events");
                for (int i = from; i < to; i++) {
                    arr.addObject().put("logStreamName", "aws/bedrock/modelinvocations").put("timestamp", match.get(i).timestamp())
                            .put("message", match.get(i).message()).put("ingestionTime", match.get(i).timestamp() + 1000)
                            .put("eventId", "e" + i);
                }
                if (to < match.size()) out.put("nextToken", String.valueOf(to));
            }
            case "Logs_20140328.PutLogEvents", "Logs_20140328.CreateLogStream", "Logs_20140328.CreateLogGroup" -> { }
            case "AWSInsightsIndexService.GetCostAndUsage" -> {
                int n = (int) calls(target).size();
                String page = costPages.get(Math.min(n, costPages.size()) - 1);
                send(x, 200, "application/x-amz-json-1.1", page.getBytes(StandardCharsets.UTF_8));
                return;
            }
            default -> {
                send(x, 400, "application/x-amz-json-1.1", ("{\"__type\":\"UnknownOperationException\",\"message\":\"" + target + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        send(x, 200, "application/x-amz-json-1.1", JSON.writeValueAsBytes(out));
    }

    private void s3(HttpExchange x) throws IOException {
        String path = URLDecoder.decode(x.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        if (path.startsWith("/inference-profiles/")) { // Bedrock's control plane (REST JSON)
            String profile = profiles.get(path.substring("/inference-profiles/".length()));
            if (profile == null) send(x, 404, "application/json", "{\"message\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
            else send(x, 200, "application/json", profile.getBytes(StandardCharsets.UTF_8));
            return;
        }
        Map<String, String> q = query(x.getRequestURI().getRawQuery());
        String[] parts = path.substring(1).split("/", 2); // path style: /bucket/key
        if (parts.length == 2 && !parts[1].isEmpty()) {
            byte[] data = objects.get(parts[1]);
            if (data == null) {
                send(x, 404, "application/xml", "<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>".getBytes(StandardCharsets.UTF_8));
                return;
            }
            x.getResponseHeaders().add("ETag", etag(data));
            send(x, 200, "application/octet-stream", data);
            return;
        }
        String prefix = q.getOrDefault("prefix", "");
        List<String> keys = new ArrayList<>(objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList());
        int from = q.containsKey("continuation-token") ? Integer.parseInt(q.get("continuation-token")) : 0;
        int to = Math.min(keys.size(), from + s3PageSize);
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + parts[0] + "</Name><Prefix>"
                + prefix + "</Prefix><KeyCount>" + (to - from) + "</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>" + (to < keys.size()) + "</IsTruncated>");
        if (to < keys.size()) xml.append("<NextContinuationToken>").append(to).append("</NextContinuationToken>");
        for (int i = from; i < to; i++) {
            byte[] data = objects.get(keys.get(i));
            xml.append("<Contents><Key>").append(keys.get(i)).append("</Key><LastModified>2026-03-02T11:00:00.000Z</LastModified><ETag>")
                    .append(etag(data).replace("\"", "&quot;")).append("</ETag><Size>").append(data.length)
                    .append("</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        xml.append("</ListBucketResult>");
        send(x, 200, "application/xml", xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String etag(byte[] data) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data)) + "\"";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new TreeMap<>();
        if (raw == null) return out;
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            out.put(k, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().add("Content-Type", type);
        x.getResponseHeaders().add("x-amzn-RequestId", "fake");
        x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
