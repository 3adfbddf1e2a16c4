package tally.cli;

import tally.app.Op;
import tally.app.WireJson;
import tally.server.ServerFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Map;

/**
 * The use cases of a running {@code tally serve}, called over its REST API as the local admin: the
 * bearer token from the owner-only server file, and over HTTPS exactly the certificate that file
 * names (see {@link PinnedTrust}).
 */
// HttpURLConnection rather than java.net.http's client: one request per command, and that client's start
// (a selector thread, its executor and some 300 classes) cost a command beside a server ~150 ms of CPU.
final class ServerClient implements Backend {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 5 * 60_000;

    private final ServerFile server;
    private final javax.net.ssl.SSLSocketFactory tls; // null over plain HTTP
    private final WireJson json;

    ServerClient(ServerFile server, WireJson json) {
        this.server = server;
        this.json = json;
        this.tls = "https".equals(server.scheme()) ? PinnedTrust.context(server.certSha256()).getSocketFactory() : null;
    }

    @Override
    public <Q, R> R call(Op<Q, R> op, Q request) {
        int status;
        byte[] body;
        try {
            byte[] sent = json.write(request);
            HttpURLConnection c = open(op);
            c.setFixedLengthStreamingMode(sent.length); // streamed, so never sent twice: no silent retry of a POST
            try (OutputStream out = c.getOutputStream()) {
                out.write(sent);
            }
            status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                body = in == null ? new byte[0] : in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UserError("tally serve (pid " + server.pid() + ") owns this data but does not answer at "
                    + server.baseUrl() + ": " + e.getMessage());
        }
        String message;
        try { // a value out of range reads as jackson-jr's IOException or as the check's own exception: unreadable either way
            if (status == 200) return json.read(op, body);
            message = errorMessage(json.object(body), "HTTP " + status);
        } catch (IOException | RuntimeException e) {
            throw new UserError("tally serve answered " + op.path() + " with something unreadable (HTTP " + status + ")");
        }
        throw new UserError(status >= 500 ? "tally serve: " + message : message);
    }

    /** The message of an API error ({@code {"error": {"message": ...}}}), or {@code otherwise}. */
    private static String errorMessage(Map<String, Object> body, String otherwise) {
        Object error = body == null ? null : body.get("error");
        Object message = error instanceof Map<?, ?> e ? e.get("message") : null;
        return message instanceof String m ? m : otherwise;
    }

    private HttpURLConnection open(Op<?, ?> op) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(server.baseUrl() + op.path()).openConnection(java.net.Proxy.NO_PROXY);
        // The default host check stays: it leaves the name to the trust manager, which checks the pin alone.
        if (c instanceof javax.net.ssl.HttpsURLConnection https) https.setSSLSocketFactory(tls);
        c.setConnectTimeout(CONNECT_TIMEOUT_MS);
        c.setReadTimeout(READ_TIMEOUT_MS);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("authorization", "Bearer " + server.token());
        c.setRequestProperty("content-type", "application/json");
        return c;
    }

    @Override
    public void close() {
        // nothing held: each call is one request
    }

}
