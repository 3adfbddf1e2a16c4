package tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The client side of {@link CliBridge}: sends a command line to the server that owns the data. */
public final class CliForwarding {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CliForwarding() {}

    /** The running server that owns this embedded data directory, if any. */
    public static Optional<ServerFile> owner(Path dataDir) {
        return ServerFile.readLive(dataDir);
    }

    /**
     * Runs {@code args} in the server, printing what it printed; returns its exit code, or empty
     * when the server could not be reached (the caller then runs the command itself).
     */
    public static Optional<Integer> run(ServerFile server, List<String> args, PrintWriter out, PrintWriter err) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode a = body.putArray("args");
        args.forEach(a::add);
        String host = server.host().equals("0.0.0.0") || server.host().equals("::") ? "127.0.0.1" : server.host();
        if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
        try {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + host + ":" + server.port() + CliBridge.PATH))
                    .header(CliBridge.TOKEN_HEADER, server.token())
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                    .build();
            HttpResponse<String> resp = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (resp.statusCode() != 200) return Optional.empty();
            JsonNode n = JSON.readTree(resp.body());
            out.print(n.path("out").asText());
            err.print(n.path("err").asText());
            out.flush();
            err.flush();
            return Optional.of(n.path("code").asInt(1));
        } catch (Exception e) {
            return Optional.empty();
        } 
    }
}
