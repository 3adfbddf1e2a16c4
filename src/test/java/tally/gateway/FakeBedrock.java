package tally.gateway;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local Bedrock runtime (and the one control-plane call Claude Code makes) that speaks the wire
 * format of formats.md §5: it checks every request's SigV4 signature by recomputing it from the
 * known test credentials — by its own arithmetic, not the SDK's — and answers model calls with
 * real event-stream frames (by default the bytes captured from Claude Code's session), Messages
 * JSON, Converse JSON, or a throttling error.
 */
final class FakeBedrock implements AutoCloseable {
    static final String ACCESS_KEY = "AKIDTALLYTEST000001";
    static final String SECRET_KEY = "tally/test/secret/KEY0000000000000000000";
    static final String REGION = "us-east-1";
    static final String API_KEY = "bedrock-api-key-for-tests";

    /** One request as received, and whether its credentials held. */
    record Seen(String method, String rawPath, MultiMap headers, byte[] body, String authProblem, String requestId) {}

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** The frames a stream answers with, one HTTP chunk each. */
    volatile byte[] stream;
    /** When set, model calls answer 429 ThrottlingException this many more times. */
    volatile int throttle;
    /** GetInferenceProfile's answer per application inference profile ARN; others are not found. */
    final Map<String, String> profiles = new java.util.concurrent.ConcurrentHashMap<>();
    /** What a misbehaving Bedrock does to the JSON answers of invoke and converse. */
    volatile java.util.function.UnaryOperator<String> garble = s -> s;

    private final HttpServer server;

    FakeBedrock(Vertx vertx, byte[] stream) {
        this.stream = stream;
        server = vertx.createHttpServer();
        server.requestHandler(this::handle);
        FakeAnthropic.await(server.listen(0, "127.0.0.1"));
    }

    String url() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(b -> {
            byte[] body = b.getBytes();
            String id = UUID.randomUUID().toString();
            String problem = authProblem(req, body);
            seen.add(new Seen(req.method().name(), req.uri(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body, problem, id));
            HttpServerResponse resp = req.response().putHeader("x-amzn-RequestId", id);
            if (problem != null) {
                resp.setStatusCode(403).putHeader("x-amzn-ErrorType", "InvalidSignatureException")
                        .putHeader("content-type", "application/json").end("{\"message\":\"" + problem + "\"}");
                return;
            }
            String path = req.path();
            if (path.startsWith("/inference-profiles/")) { // GetInferenceProfile
                String profile = profiles.get(BedrockRoutes.percentDecode(path.substring("/inference-profiles/".length())));
                if (profile == null) resp.setStatusCode(404).putHeader("x-amzn-ErrorType", "ResourceNotFoundException").end("{}");
                else resp.putHeader("content-type", "application/json").end(profile);
            } else if (path.startsWith("/inference-profiles")) {
                resp.putHeader("content-type", "application/json").end("{\"inferenceProfileSummaries\":[]}");
            } else if (throttle > 0 && path.startsWith("/model/")) {
                throttle--;
                resp.setStatusCode(429).putHeader("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/")
                        .putHeader("content-type", "application/json").end("{\"message\":\"Too many requests, please wait before trying again.\"}");
            } else if (path.endsWith("/invoke-with-response-stream") || path.endsWith("/converse-stream")) {
                resp.setChunked(true).putHeader("content-type", BedrockRoutes.EVENT_STREAM)
                        .putHeader("X-Amzn-Bedrock-Content-Type", "application/json");
                for (byte[] frame : frames(stream)) resp.write(Buffer.buffer(frame));
                resp.end();
            } else if (path.endsWith("/converse")) {
                resp.putHeader("content-type", "application/json").end(garble.apply("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"hi\"}]}},"
                        + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":25,\"outputTokens\":7,\"totalTokens\":13532,"
                        + "\"cacheReadInputTokens\":12000,\"cacheWriteInputTokens\":1500},\"metrics\":{\"latencyMs\":412}}"));
            } else if (path.endsWith("/invoke")) {
                resp.putHeader("content-type", "application/json")
                        .putHeader("X-Amzn-Bedrock-Input-Token-Count", "25").putHeader("X-Amzn-Bedrock-Output-Token-Count", "7")
                        .end(garble.apply("{\"id\":\"msg_bdrk_01Invoke\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
                                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
                                + "\"usage\":{\"input_tokens\":25,\"cache_creation_input_tokens\":1500,\"cache_read_input_tokens\":12000,\"output_tokens\":7}}"));
            } else {
                resp.setStatusCode(404).putHeader("x-amzn-ErrorType", "UnknownOperationException").end();
            }
        });
    }

    /** The message boundaries of an event stream: each message starts with its total length. */
    static List<byte[]> frames(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(stream);
        while (b.remaining() >= 4) {
            int len = b.getInt(b.position());
            byte[] frame = new byte[len];
            b.get(frame);
            out.add(frame);
        }
        return out;
    }

    // ---------------------------------------------------------------- SigV4, recomputed (AWS's published algorithm)

    private static final Pattern AUTH = Pattern.compile(
            "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})");

    /** Why the request's credentials do not hold, or null when they do. */
    private static String authProblem(HttpServerRequest req, byte[] body) {
        String auth = req.getHeader("authorization");
        if (auth == null) return "Missing Authentication Token";
        if (auth.equals("Bearer " + API_KEY)) return null;
        Matcher m = AUTH.matcher(auth);
        if (!m.matches()) return "unexpected Authorization header: " + auth.split(" ")[0];
        if (!m.group(1).equals(ACCESS_KEY)) return "The security token included in the request is invalid (access key " + m.group(1) + ")";
        if (!m.group(3).equals(REGION) || !m.group(4).equals("bedrock")) return "credential scope " + m.group(3) + "/" + m.group(4);
        String amzDate = req.getHeader("x-amz-date");
        if (amzDate == null || !amzDate.startsWith(m.group(2))) return "x-amz-date missing or not the scope's date";
        List<String> signed = List.of(m.group(5).split(";"));
        if (!signed.contains("host")) return "host is not signed";
        String payloadHash = hex(sha256(body));
        String claimed = req.getHeader("x-amz-content-sha256");
        if (claimed != null && !claimed.equals(payloadHash)) return "x-amz-content-sha256 does not match the body";
        StringBuilder canonical = new StringBuilder();
        canonical.append(req.method().name()).append('\n')
                .append(encode(rawPath(req.uri()), false)).append('\n')
                .append(canonicalQuery(req.query())).append('\n');
        for (String h : signed) canonical.append(h).append(':').append(headerValue(req, h)).append('\n');
        canonical.append('\n').append(m.group(5)).append('\n').append(payloadHash);
        String scope = m.group(2) + "/" + m.group(3) + "/" + m.group(4) + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] k = hmac(("AWS4" + SECRET_KEY).getBytes(StandardCharsets.UTF_8), m.group(2));
        k = hmac(k, m.group(3));
        k = hmac(k, m.group(4));
        k = hmac(k, "aws4_request");
        String expected = hex(hmac(k, toSign));
        return expected.equals(m.group(6)) ? null
                : "The request signature we calculated does not match the signature you provided";
    }

    private static String rawPath(String uri) {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    private static String headerValue(HttpServerRequest req, String name) {
        List<String> all = req.headers().getAll(name);
        List<String> trimmed = new ArrayList<>();
        for (String v : all) trimmed.add(v.trim().replaceAll(" +", " "));
        return String.join(",", trimmed);
    }

    private static String canonicalQuery(String query) {
        if (query == null || query.isEmpty()) return "";
        TreeMap<String, String> sorted = new TreeMap<>();
        for (String p : query.split("&")) {
            int eq = p.indexOf('=');
            String k = eq < 0 ? p : p.substring(0, eq);
            String v = eq < 0 ? "" : p.substring(eq + 1);
            sorted.put(encode(BedrockRoutes.percentDecode(k), true), encode(BedrockRoutes.percentDecode(v), true));
        }
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(k).append('=').append(v));
        return b.toString();
    }

    /** AWS's UriEncode: unreserved characters stay; '/' stays in a path; everything else is %XX (so a path's %3A becomes %253A). */
    private static String encode(String s, boolean slash) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-_.~".indexOf(c) >= 0) || c == '/' && !slash) b.append(c);
            else b.append('%').append(String.format(Locale.ROOT, "%02X", x & 0xff));
        }
        return b.toString();
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void close() {
        FakeAnthropic.await(server.close());
    }
}
