package tally.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Gzip for the larger answers (the API's JSON, the chart library, Prometheus' scrape), when the
 * caller accepts it (every browser does, and Prometheus). A month by day split by 200 people is
 * 2.07 MB of JSON, 0.32 MB gzipped in about 10 ms: over a 50 Mbit/s link, 0.33 s of transfer against
 * 0.05. The server's own compression stays off: it would also compress the gateway's answers, which
 * pass through as the upstream sent them.
 */
public final class Gzip {
    /** Smaller answers go as they are: their transfer is a packet or two either way. */
    public static final int MIN_BYTES = 8 * 1024;

    private Gzip() {}

    /** Whether {@code request} accepts a gzipped answer (its {@code Accept-Encoding}, {@link #accepted(String)}). */
    public static boolean acceptedBy(HttpServerRequest request) {
        return accepted(request.getHeader("accept-encoding"));
    }

    /** Whether an {@code Accept-Encoding} header (null when absent) accepts gzip: by name or {@code *}, with a q above 0. */
    public static boolean accepted(String acceptEncoding) {
        if (acceptEncoding == null) return false;
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            if ((name.equals("gzip") || name.equals("x-gzip") || name.equals("*")) && !refused(parts)) return true;
        }
        return false;
    }

    /** Whether a coding's parameters carry {@code q=0} (also 0.0, 0.00…): "not acceptable". */
    private static boolean refused(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim().toLowerCase(Locale.ROOT);
            if (p.startsWith("q=")) return p.substring(2).trim().matches("0(\\.0{0,3})?");
        }
        return false;
    }

    /** A body to send: gzipped, or as it was. */
    public record Body(Buffer bytes, boolean gzipped) {
        /** Ends {@code response} with it, saying how it is encoded and that this depends on the ask. */
        public void end(HttpServerResponse response) {
            response.putHeader("vary", "accept-encoding");
            if (gzipped) response.putHeader("content-encoding", "gzip");
            response.end(bytes);
        }
    }

    /**
     * {@code body} gzipped when the caller {@code accepts} it and it is at least {@link #MIN_BYTES}, else
     * as it is. At the fastest level: JSON's repeated names shrink 6-7 fold even so (level 6, the
     * default, took three times as long for 20% less).
     */
    public static Body where(boolean accepts, Buffer body) {
        return accepts && body.length() >= MIN_BYTES ? new Body(of(body, Deflater.BEST_SPEED), true) : new Body(body, false);
    }

    /** The body gzipped at {@code level} (a {@link Deflater} level). */
    public static Buffer of(Buffer body, int level) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length() / 4); // JSON and text shrink 5-7 fold
        try (AtLevel z = new AtLevel(out, level)) {
            z.write(body.getBytes());
        } catch (IOException e) { // in memory: no I/O to fail
            throw new UncheckedIOException(e);
        }
        return Buffer.buffer(out.toByteArray());
    }

    private static final class AtLevel extends GZIPOutputStream {
        AtLevel(OutputStream out, int level) throws IOException {
            super(out, 64 * 1024);
            def.setLevel(level);
        }
    }
}
