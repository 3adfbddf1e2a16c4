package tally.cli;

import com.fasterxml.jackson.databind.JsonNode;
import tally.app.AppJson;
import tally.app.Op;
import tally.server.ServerFile;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The use cases of a running {@code tally serve}, called over its REST API as the local admin: the
 * bearer token from the owner-only server file, and over HTTPS exactly the certificate that file
 * names (see {@link PinnedTrust}).
 */
final class ServerClient implements Backend {
    private final ServerFile server;
    private final HttpClient http;

    ServerClient(ServerFile server) {
        this.server = server;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5));
        if ("https".equals(server.scheme())) b.sslContext(PinnedTrust.context(server.certSha256()));
        this.http = b.build();
    }

    @Override
    public <Q, R> R call(Op<Q, R> op, Q request) {
        HttpResponse<byte[]> resp;
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(server.baseUrl() + op.path()))
                    .header("authorization", "Bearer " + server.token())
                    .header("content-type", "application/json")
                    .timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(AppJson.MAPPER.writeValueAsBytes(request)))
                    .build();
            resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UserError("tally serve (pid " + server.pid() + ") owns this data but does not answer at "
                    + server.baseUrl() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting for tally serve");
        }
        try {
            if (resp.statusCode() == 200) return AppJson.MAPPER.readValue(resp.body(), op.result(AppJson.MAPPER.getTypeFactory()));
            JsonNode err = AppJson.MAPPER.readTree(resp.body());
            String message = err.path("error").path("message").asText("HTTP " + resp.statusCode());
            if (resp.statusCode() >= 500) throw new UserError("tally serve: " + message);
            throw new UserError(message);
        } catch (IOException e) {
            throw new UserError("tally serve answered " + op.path() + " with something unreadable (HTTP " + resp.statusCode() + ")");
        }
    }

    @Override
    public void close() {
        // nothing held: each call is one request
    }

}
