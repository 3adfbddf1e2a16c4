package tally.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/**
 * OTLP/HTTP bodies into OTLP messages: protobuf or JSON (the protobuf JSON mapping, which also
 * takes 64-bit numbers as strings or numbers), optionally gzip-compressed, with a size cap applied
 * after decompression so a small bomb cannot grow into a large body.
 */
public final class OtlpDecoder {
    /** The cap the OTLP spec recommends; over it is 413. */
    public static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();

    private OtlpDecoder() {}

    /** A body that cannot be read, with the HTTP status it deserves and a reason a client can act on. */
    public static final class BadPayload extends Exception {
        private final int status;

        public BadPayload(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public static boolean isJson(String contentType) {
        return contentType != null && contentType.toLowerCase().contains("json");
    }

    public static ExportMetricsServiceRequest metrics(byte[] body, String contentType, String contentEncoding) throws BadPayload {
        ExportMetricsServiceRequest.Builder b = ExportMetricsServiceRequest.newBuilder();
        read(body, contentType, contentEncoding, b);
        return b.build();
    }

    public static ExportLogsServiceRequest logs(byte[] body, String contentType, String contentEncoding) throws BadPayload {
        ExportLogsServiceRequest.Builder b = ExportLogsServiceRequest.newBuilder();
        read(body, contentType, contentEncoding, b);
        return b.build();
    }

    private static void read(byte[] body, String contentType, String contentEncoding, Message.Builder into) throws BadPayload {
        byte[] raw = decompress(body, contentEncoding);
        if (raw.length == 0) return; // an empty request is a successful no-op
        if (isJson(contentType)) {
            try {
                JSON.merge(new String(raw, StandardCharsets.UTF_8), into);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw new BadPayload(400, "malformed OTLP JSON: " + brief(e));
            } catch (StackOverflowError e) { // hostile nesting depth
                throw new BadPayload(400, "malformed OTLP JSON: nested too deeply");
            }
        } else if (contentType == null || contentType.toLowerCase().contains("protobuf")) {
            try {
                into.mergeFrom(raw);
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                throw new BadPayload(400, "malformed OTLP protobuf: " + brief(e));
            } catch (StackOverflowError e) {
                throw new BadPayload(400, "malformed OTLP protobuf: nested too deeply");
            }
        } else {
            throw new BadPayload(415, "unsupported Content-Type '" + contentType
                    + "' (use application/x-protobuf or application/json)");
        }
    }

    private static byte[] decompress(byte[] body, String encoding) throws BadPayload {
        if (body.length > MAX_BODY_BYTES) throw tooLarge();
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) return body;
        if (!encoding.trim().equalsIgnoreCase("gzip")) {
            throw new BadPayload(415, "unsupported Content-Encoding '" + encoding + "' (use gzip or none)");
        }
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(body))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(32, body.length * 4));
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (out.size() + n > MAX_BODY_BYTES) throw tooLarge();
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new BadPayload(400, "bad gzip body: " + brief(e));
        }
    }

    private static BadPayload tooLarge() {
        return new BadPayload(413, "OTLP body over " + (MAX_BODY_BYTES >> 20) + " MiB");
    }

    private static String brief(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.split("\n")[0];
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }
}
