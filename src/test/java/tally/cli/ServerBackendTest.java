package tally.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.app.Ops;
import tally.gateway.Http;
import tally.server.ServerFile;
import tally.server.TallyServer;
import tally.server.TestCert;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While a server owns the embedded data, a CLI command calls the server's use cases through its
 * REST API as the local admin (token from the owner-only server file), over HTTPS too, pinning the
 * certificate the server recorded; argv is no longer forwarded anywhere.
 */
class ServerBackendTest {
    @TempDir Path dir;

    record Run(int code, String out, String err) {}

    private Run tally(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--data";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = Main.run(all, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    /** What `tally serve` assembles for the use cases, in this process; returns the server's base URL. */
    private String serve(TestCert tls) throws Exception {
        beside = tls == null ? BesideServer.start(dir) : BesideServer.start(dir, new TallyServer.Tls(tls.cert, tls.key));
        return beside.file().baseUrl();
    }

    private BesideServer beside;

    @AfterEach
    void stop() {
        if (beside != null) beside.close();
    }

    @Test
    void aCommandBesideARunningServerCallsItsRestApiAndTheArgvBridgeIsGone() throws Exception {
        String base = serve(null);
        Run add = tally("people", "add", "bob", "--team", "eng");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).isEqualTo("saved bob (team eng)\n");
        Run list = tally("people", "list", "--format", "json");
        assertThat(list.out()).contains("\"name\" : \"bob\"", "\"team\" : \"eng\"");
        assertThat(beside.calls(Ops.PEOPLE_ADD)).isEqualTo(1);
        assertThat(beside.calls(Ops.PEOPLE_LIST)).isEqualTo(1);

        HttpResponse<byte[]> bridge = Http.send("POST", base + "/api/cli", Map.of("authorization", "Bearer " + beside.file().token(),
                "content-type", "application/json"), "{\"args\":[\"people\",\"list\"]}");
        assertThat(bridge.statusCode()).isEqualTo(405);
        String doc = new String(Http.send("GET", base + "/api/openapi.json", Map.of(), null).body());
        for (tally.app.Op<?, ?> op : Ops.ALL) assertThat(doc).as("documented").contains("\"" + op.path() + "\"");
    }

    @Test
    void aPriceFileCannotReachARunningServerSoCommandsThatPriceRefuseIt(@TempDir Path files) throws Exception {
        Path prices = files.resolve("prices.json");
        Files.writeString(prices, "{\"models\":[{\"id\":\"my-model\",\"prices\":[{\"from\":\"2026-01-01\",\"input\":\"1.00\",\"output\":\"2.00\"}]}]}");
        serve(null);
        for (String[] command : new String[][] {
                {"record", "--user", "a", "--model", "my-model", "--input", "1000", "--output", "0"},
                {"reprice", "--days", "3"},
                {"estimate", "--compare", "my-model", "--days", "3"}}) {
            String[] args = new String[command.length + 2];
            args[0] = "--prices";
            args[1] = prices.toString();
            System.arraycopy(command, 0, args, 2, command.length);
            Run run = tally(args);
            assertThat(run.code()).as(String.join(" ", command)).isEqualTo(2);
            assertThat(run.err()).as(command[0]).contains("--prices " + prices + " cannot apply: the running tally serve")
                    .contains("prices with its own catalog");
        }
        assertThat(beside.calls(Ops.RECORD) + beside.calls(Ops.REPRICE) + beside.calls(Ops.COMPARE)).isZero();
        Run plain = tally("record", "--user", "a", "--model", "claude-haiku-4-5", "--input", "10", "--output", "1");
        assertThat(plain.code()).as("without --prices the server records it: %s", plain.err()).isZero();
        assertThat(beside.calls(Ops.RECORD)).isEqualTo(1);
    }

    @Test
    void theServersOwnPriceFileIsAcceptedBesideIt(@TempDir Path files) throws Exception {
        Path prices = files.resolve("prices.json");
        Files.writeString(prices, "{\"models\":[{\"id\":\"my-model\",\"prices\":[{\"from\":\"2026-01-01\",\"input\":\"1.00\",\"output\":\"2.00\"}]}]}");
        beside = BesideServer.pricedWith(dir, prices);
        Run run = tally("--prices", prices.toString(), "record", "--user", "a", "--model", "my-model", "--input", "1000000", "--output", "0");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("$1.00");
        assertThat(beside.calls(Ops.RECORD)).isEqualTo(1);
    }

    @Test
    void theTokenFileIsTheOwnersAloneAndOnlyItsTokenIsServed() throws Exception {
        String base = serve(null);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ServerFile.path(dir)))).isEqualTo("rw-------");
        String url = base + Ops.PEOPLE_LIST.path();
        Map<String, String> json = Map.of("content-type", "application/json");
        assertThat(Http.send("POST", url, json, "{}").statusCode()).as("no token").isEqualTo(403);
        assertThat(Http.send("POST", url, Map.of("content-type", "application/json", "authorization", "Bearer " + beside.file().token() + "x"),
                "{}").statusCode()).as("a wrong token").isEqualTo(403);
        HttpResponse<byte[]> ok = Http.send("POST", url, Map.of("content-type", "application/json", "authorization",
                "Bearer " + beside.file().token()), "{}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(new String(ok.body())).isEqualTo("[]");
    }

    @Test
    void overHttpsTheCliTrustsExactlyTheCertificateTheServerRecorded() throws Exception {
        serve(new TestCert(Files.createDirectories(dir.resolve("tls"))));
        assertThat(beside.file().baseUrl()).startsWith("https://");
        Run add = tally("people", "add", "carol");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(tally("people", "list").out()).contains("carol");
        assertThat(beside.calls(Ops.PEOPLE_LIST)).isEqualTo(1);

        // Another certificate than the recorded one: the CLI refuses to talk to it.
        new ServerFile(beside.file().pid(), beside.file().host(), beside.file().port(), beside.file().token(), "https", "00".repeat(32)).write(dir);
        Run forged = tally("people", "list");
        assertThat(forged.code()).isEqualTo(Main.BAD_INPUT);
        assertThat(forged.err()).contains("does not answer");
        assertThat(beside.calls(Ops.PEOPLE_LIST)).isEqualTo(1);
    }
}
