package tally.cli;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tally.app.Ops;
import tally.app.WireJson;
import tally.server.ServerFile;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a command reads what a server answers: the answer, the server's own reason, or a clear refusal of nonsense. */
class ServerClientTest {
    private HttpServer http;
    private volatile int status;
    private volatile String answer;
    private ServerClient client;

    private ServerClient client() throws IOException {
        if (client != null) return client;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.start();
        ServerFile file = new ServerFile(ProcessHandle.current().pid(), "127.0.0.1", http.getAddress().getPort(), "token");
        client = new ServerClient(file, new WireJson());
        return client;
    }

    @AfterEach
    void stop() {
        if (http != null) http.stop(0);
    }

    @Test
    void anAnswerIsReadAsItsResult() throws IOException {
        status = 200;
        answer = "{\"keys\":[],\"now\":\"2026-12-04T10:00:00.5Z\",\"added\":\"a field this version does not know\"}";
        assertThat(client().call(Ops.KEYS_LIST, new Ops.None()).now()).isEqualTo(java.time.Instant.parse("2026-12-04T10:00:00.5Z"));
    }

    @Test
    void aRefusalIsTheServersOwnReason() throws IOException {
        status = 400;
        answer = "{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"no such person: bob\"}}";
        assertThatThrownBy(() -> client().call(Ops.KEYS_LIST, new Ops.None())).isInstanceOf(UserError.class)
                .hasMessage("no such person: bob");
        status = 503;
        answer = "not json";
        assertThatThrownBy(() -> client().call(Ops.KEYS_LIST, new Ops.None())).isInstanceOf(UserError.class)
                .hasMessageContaining("unreadable");
    }

    @Test
    void anAnswerOutOfRangeIsRefusedAsUnreadable() throws IOException {
        status = 200;
        answer = "{\"keys\":[],\"now\":\"+1000000000-01-01T00:00:00Z\"}";
        assertThatThrownBy(() -> client().call(Ops.KEYS_LIST, new Ops.None())).isInstanceOf(UserError.class)
                .hasMessage("tally serve answered /api/keys/list with something unreadable (HTTP 200)");
    }
}
