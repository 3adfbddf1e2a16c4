package tally.gateway;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.core.TokenCounts;
import tally.store.TestStores;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway is invisible: what a client receives is what the upstream sent, and what was used is recorded. */
class GatewayForwardingTest {
    @TempDir Path dir;
    GatewayHarness gw;
    String key;
    AnthropicClient sdk;

    @BeforeEach
    void start() {
        gw = new GatewayHarness(TestStores.Kind.DUCKDB, dir);
        key = gw.key("alice", s -> s.team("platform"));
        sdk = AnthropicOkHttpClient.builder().baseUrl(gw.url()).apiKey(key).maxRetries(0).build();
    }

    @AfterEach
    void stop() {
        sdk.close();
        gw.close();
    }

    @Test
    void a_non_streaming_message_through_the_SDK_is_answered_and_recorded_with_the_upstream_usage() {
        Message m = sdk.messages().create(MessageCreateParams.builder()
                .model("claude-haiku-4-5-20251001").maxTokens(64).addUserMessage("say hi").build());

        assertThat(m.usage().inputTokens()).isEqualTo(25);
        assertThat(m.usage().outputTokens()).isEqualTo(7);
        List<GatewayHarness.Rec> recs = gw.awaitRecords(1);
        assertThat(recs).hasSize(1);
        GatewayHarness.Rec r = recs.get(0);
        assertThat(r.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 7));
        assertThat(r.identity()).startsWith("key_");
        assertThat(r.team()).isEqualTo("platform");
        assertThat(r.model()).isEqualTo("claude-haiku-4-5-20251001");
        assertThat(r.requestId()).isEqualTo(gw.upstream.last().headers().get("x-fake-none") == null ? "req_fake_1" : null);
        assertThat(r.status()).isEqualTo(200);
        // Haiku 4.5: 25 × $1 + 1500 × $1.25 + 12000 × $0.10 + 7 × $5 per million = $0.003135
        assertThat(r.costNanos()).isEqualTo(3_135_000L);
    }

    @Test
    void a_message_pinned_to_the_us_is_priced_with_data_residency_on_a_model_that_charges_it() {
        String plain = Http.messageBody("claude-opus-4-6", 100, false);
        String pinned = plain.replace("\"max_tokens\":100,", "\"max_tokens\":100,\"inference_geo\":\"us\",");
        assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), plain).statusCode()).isEqualTo(200);
        assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), pinned).statusCode()).isEqualTo(200);

        List<GatewayHarness.Rec> recs = gw.awaitRecords(2);
        assertThat(recs).hasSize(2);
        long unpinned = recs.get(0).costNanos();
        assertThat(unpinned).isPositive();
        assertThat(recs.get(1).costNanos()).as("formats §6.2: 1.1x on every token class").isEqualTo(unpinned * 11 / 10);
    }

    @Test
    void where_the_answer_says_it_ran_prices_it_whatever_the_request_said() {
        String plain = Http.messageBody("claude-opus-4-6", 100, false);
        String streamed = Http.messageBody("claude-opus-4-6", 100, true);
        String pinned = plain.replace("\"max_tokens\":100,", "\"max_tokens\":100,\"inference_geo\":\"us\",");
        assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), plain).statusCode()).isEqualTo(200);
        // an organisation whose default geography is the US: the request names none, the usage says "us"
        gw.upstream.garble = s -> s.replace("\"service_tier\":\"standard\"", "\"service_tier\":\"standard\",\"inference_geo\":\"us\"");
        assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), plain).statusCode()).isEqualTo(200);
        assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), streamed).statusCode()).isEqualTo(200);
        gw.upstream.garble = s -> s.replace("\"service_tier\":\"standard\"", "\"service_tier\":\"standard\",\"inference_geo\":\"global\"");
        assertThat(Http.post(gw.url() + "/v1/messages", Http.withKey(key), pinned).statusCode()).isEqualTo(200);

        List<GatewayHarness.Rec> recs = gw.awaitRecords(4);
        assertThat(recs).hasSize(4);
        long list = recs.get(0).costNanos();
        assertThat(recs.get(1).costNanos()).as("usage inference_geo us: 1.1x").isEqualTo(list * 11 / 10);
        assertThat(recs.get(2).tokens()).isEqualTo(recs.get(0).tokens());
        assertThat(recs.get(2).costNanos()).as("streamed: message_start's usage says us").isEqualTo(list * 11 / 10);
        assertThat(recs.get(3).costNanos()).as("the answer ran it globally: list price").isEqualTo(list);
    }

    @Test
    void a_streamed_message_through_the_SDK_arrives_event_by_event_and_is_recorded_once() {
        List<String> types = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> s = sdk.messages().createStreaming(MessageCreateParams.builder()
                .model("claude-sonnet-4-5-20250929").maxTokens(64).addUserMessage("say hi").build())) {
            s.stream().forEach(e -> types.add(e.isMessageStart() ? "message_start" : e.isMessageDelta() ? "message_delta"
                    : e.isMessageStop() ? "message_stop" : e.isContentBlockDelta() ? "content_block_delta" : "other"));
        }
        assertThat(types).startsWith("message_start").endsWith("message_stop").contains("content_block_delta");

        List<GatewayHarness.Rec> recs = gw.awaitRecords(1);
        assertThat(recs).hasSize(1);
        // message_delta usage is cumulative: the final 7 replaces the provisional 1 and the partial 3, never adds to them
        assertThat(recs.get(0).tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 7));
        assertThat(recs.get(0).requestId()).isEqualTo("req_fake_1");
    }

    @Test
    void the_bytes_a_client_receives_equal_the_bytes_the_upstream_sent_streaming_and_not() {
        for (boolean stream : new boolean[] {true, false}) {
            HttpResponse<byte[]> resp = Http.post(gw.url() + "/v1/messages", Http.withKey(key),
                    Http.messageBody("claude-sonnet-4-5-20250929", 100, stream));
            assertThat(resp.statusCode()).isEqualTo(200);
            String requestId = resp.headers().firstValue("request-id").orElseThrow();
            assertThat(resp.body()).isEqualTo(gw.upstream.sent.get(requestId));
            assertThat(resp.headers().firstValue("content-type").orElseThrow())
                    .startsWith(stream ? "text/event-stream" : "application/json");
        }
    }

    @Test
    void a_streams_events_that_arrive_together_leave_together_in_one_write_not_one_write_each() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(Path.of("/proc/self/io")), "Linux only");
        gw.upstream.deltas = 2_000; // the fake writes each event by itself, back to back (Vert.x flushes them together)
        Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody("claude-sonnet-4-5-20250929", 100, true));
        long before = writeSyscalls();
        HttpResponse<byte[]> resp = Http.post(gw.url() + "/v1/messages", Http.withKey(key),
                Http.messageBody("claude-sonnet-4-5-20250929", 100, true));
        long writes = writeSyscalls() - before;
        assertThat(resp.body()).isEqualTo(gw.upstream.sent.get(resp.headers().firstValue("request-id").orElseThrow()));
        int events = 2_000 + 8;
        // relayed one by one, the stream took a write an event (2,078 measured); together, about 120 in all
        assertThat(writes).as("write syscalls in this process for a stream of %d events", events).isLessThan(events / 2);
    }

    /** Write system calls this process has made so far (Linux). */
    private static long writeSyscalls() throws java.io.IOException {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("syscw:")) return Long.parseLong(line.substring(6).trim());
        }
        throw new IllegalStateException("no syscw in /proc/self/io");
    }

    @Test
    void the_request_body_reaches_the_upstream_untouched_unknown_fields_included() {
        String body = "{\"model\":\"claude-opus-4-8\",\"max_tokens\":64000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"system\",\"content\":\"mid-conversation system\"}],\"context_management\":{\"edits\":[]},"
                + "\"output_config\":{\"effort\":\"high\"},\"some_future_field\":[1,2,{\"x\":null}]}";
        Http.post(gw.url() + "/v1/messages?beta=true", Http.withKey(key), body);
        assertThat(gw.upstream.last().body()).isEqualTo(body);
        assertThat(gw.upstream.last().uri()).isEqualTo("/v1/messages?beta=true");
    }

    @Test
    void a_files_api_upload_multipart_reaches_the_upstream_byte_for_byte_and_so_does_a_form() {
        String boundary = "----tally-test-boundary";
        String upload = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n" + "line of notes\n".repeat(2_000) + "\r\n--" + boundary + "--\r\n";
        Map<String, String> headers = new java.util.HashMap<>(Http.withKey(key));
        headers.put("content-type", "multipart/form-data; boundary=" + boundary);
        headers.put("anthropic-beta", "files-api-2025-04-14");
        Http.post(gw.url() + "/v1/files", headers, upload);
        assertThat(gw.upstream.last().uri()).isEqualTo("/v1/files");
        assertThat(gw.upstream.last().body()).isEqualTo(upload); // the body handler had kept none of it: 0 bytes went on
        assertThat(gw.upstream.last().headers().get("content-type")).isEqualTo("multipart/form-data; boundary=" + boundary);

        headers.put("content-type", "application/x-www-form-urlencoded");
        Http.post(gw.url() + "/v1/files", headers, "a=1&b=2");
        assertThat(gw.upstream.last().body()).isEqualTo("a=1&b=2");
    }

    @Test
    void a_files_api_upload_streams_to_the_upstream_as_it_arrives_never_held_whole() throws Exception {
        String boundary = "----tally-stream";
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] megabyte = "x".repeat(1 << 20).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.io.PipedOutputStream client = new java.io.PipedOutputStream();
        java.io.PipedInputStream sent = new java.io.PipedInputStream(client, 1 << 16);
        java.net.http.HttpRequest upload = java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url() + "/v1/files"))
                .header("x-api-key", key).header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> sent)).build();
        var answer = Http.CLIENT.sendAsync(upload, HttpResponse.BodyHandlers.ofString());

        client.write(head);
        client.write(megabyte);
        client.flush();
        long by = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (gw.upstream.bodyBytes.get() < megabyte.length / 2) { // most of the first megabyte; the rest is not sent yet
            assertThat(System.nanoTime()).as("the upstream got the upload's start before its end was sent").isLessThan(by);
            Thread.sleep(10);
        }
        for (int i = 0; i < 3; i++) client.write(megabyte);
        client.write(tail);
        client.close();

        HttpResponse<String> r = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"type\":\"file\"").contains("\"size_bytes\":" + (head.length + 4 * megabyte.length + tail.length));
        assertThat(gw.upstream.last().headers().get("x-api-key")).isEqualTo(GatewayHarness.UPSTREAM_KEY);
    }

    @Test
    void an_upload_with_a_key_the_gateway_refuses_gets_401_and_none_of_it_goes_on() {
        String boundary = "----tally-refused";
        String upload = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n"
                + "secret notes\n".repeat(50_000) + "\r\n--" + boundary + "--\r\n";
        Map<String, String> headers = new HashMap<>(Http.withKey("sk-tally-not-a-real-key"));
        headers.put("content-type", "multipart/form-data; boundary=" + boundary);
        int before = gw.upstream.seen.size();

        HttpResponse<byte[]> refused = Http.post(gw.url() + "/v1/files", headers, upload);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(new String(refused.body())).contains("\"type\":\"authentication_error\"");
        assertThat(gw.upstream.seen).hasSize(before);
        assertThat(gw.upstream.bodyBytes).hasValue(0);
        // the unread body does not become the next request on the connection
        HttpResponse<byte[]> next = Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody("claude-haiku-4-5-20251001", 10, false));
        assertThat(next.statusCode()).isEqualTo(200);
    }

    @Test
    void a_client_whose_base_url_ends_in_v1_is_served_as_if_it_did_not() {
        HttpResponse<byte[]> resp = Http.post(gw.url() + "/v1/v1/messages?beta=true", Http.withKey(key),
                Http.messageBody("claude-haiku-4-5-20251001", 10, false));
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.last().uri()).isEqualTo("/v1/messages?beta=true");
        assertThat(gw.awaitRecords(1).get(0).model()).isEqualTo("claude-haiku-4-5-20251001");
    }

    @Test
    void the_upstream_sees_the_server_key_never_the_developer_key_and_no_hop_by_hop_headers() {
        Map<String, String> h = new HashMap<>(Http.withKey(key));
        h.put("anthropic-beta", "context-1m-2025-08-07,interleaved-thinking-2025-05-14");
        h.put("X-Claude-Code-Session-Id", "sess-1");
        h.put("Keep-Alive", "timeout=5");
        h.put("Proxy-Authorization", "Basic c2VjcmV0");
        HttpResponse<byte[]> resp = Http.post(gw.url() + "/v1/messages", h, Http.messageBody("claude-sonnet-4-5-20250929", 10, false));

        FakeAnthropic.Seen seen = gw.upstream.last();
        assertThat(seen.headers().get("x-api-key")).isEqualTo(GatewayHarness.UPSTREAM_KEY);
        assertThat(seen.headers().get("anthropic-beta")).isEqualTo("context-1m-2025-08-07,interleaved-thinking-2025-05-14");
        assertThat(seen.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(seen.headers().get("keep-alive")).isNull();
        assertThat(seen.headers().get("proxy-authorization")).isNull();
        assertThat(seen.headers().get("authorization")).isNull();
        assertThat(resp.headers().map().toString()).doesNotContain(GatewayHarness.UPSTREAM_KEY);
        assertThat(new String(resp.body())).doesNotContain(GatewayHarness.UPSTREAM_KEY);
        assertThat(gw.awaitRecords(1).get(0).sessionId()).isEqualTo("sess-1");
    }

    @Test
    void count_tokens_is_forwarded_and_never_recorded_as_spend() {
        long n = sdk.messages().countTokens(MessageCountTokensParams.builder()
                .model("claude-sonnet-4-5-20250929").addUserMessage("count me").build()).inputTokens();
        assertThat(n).isEqualTo(22);
        assertThat(gw.upstream.last().uri()).isEqualTo("/v1/messages/count_tokens");
        sdk.messages().create(MessageCreateParams.builder().model("claude-haiku-4-5-20251001").maxTokens(5).addUserMessage("x").build());
        assertThat(gw.awaitRecords(1)).hasSize(1); // the message only
    }

    @Test
    void other_v1_paths_are_forwarded_with_their_query_string_and_not_recorded() {
        HttpResponse<byte[]> resp = Http.send("GET", gw.url() + "/v1/models?limit=2&beta=true", Http.withKey(key), null);
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(new String(resp.body())).contains("claude-sonnet-4-5-20250929");
        assertThat(gw.upstream.last().uri()).isEqualTo("/v1/models?limit=2&beta=true");
        HttpResponse<byte[]> missing = Http.send("GET", gw.url() + "/v1/no/such/thing", Http.withKey(key), null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(new String(missing.body())).contains("not_found_error");
        assertThat(gw.records()).isEmpty();
    }

    @Test
    void v1_paths_that_could_be_billed_unmetered_are_refused_not_forwarded_with_the_servers_key() {
        String body = Http.messageBody("claude-opus-4-6", 64000, false);
        for (String path : List.of("/v1/messages;x", "/v1/messages%2F", "/v1/messages/other", "/v1/complete", "/v1/chat/completions",
                "/v1/experimental/generate_prompt", "/v1/Messages")) {
            HttpResponse<byte[]> resp = Http.post(gw.url() + path, Http.withKey(key), body);
            assertThat(resp.statusCode()).as(path).isEqualTo(404);
            assertThat(new String(resp.body())).as(path).contains("not_found_error").contains("could be billed without being metered");
        }
        assertThat(gw.upstream.seen).isEmpty();
        // batch status, list and cancel still cross
        assertThat(Http.send("GET", gw.url() + "/v1/messages/batches/msgbatch_01abc", Http.withKey(key), null).statusCode()).isEqualTo(200);
        Http.send("GET", gw.url() + "/v1/messages/batches?limit=5", Http.withKey(key), null);
        Http.post(gw.url() + "/v1/messages/batches/msgbatch_01abc/cancel", Http.withKey(key), "");
        assertThat(gw.upstream.seen).extracting(FakeAnthropic.Seen::uri).containsExactly("/v1/messages/batches/msgbatch_01abc",
                "/v1/messages/batches?limit=5", "/v1/messages/batches/msgbatch_01abc/cancel");
        assertThat(gw.records()).isEmpty();
    }

    @Test
    void a_compressed_request_body_is_refused_with_415_as_its_model_and_max_tokens_cannot_be_checked() throws Exception {
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
            out.write(Http.messageBody("claude-opus-4-6", 64000, false).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        for (String path : List.of("/v1/messages", "/v1/messages/batches")) {
            java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(gw.url() + path))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).header("content-encoding", "gzip");
            Http.withKey(key).forEach(b::header);
            HttpResponse<String> resp = Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(resp.statusCode()).as(path).isEqualTo(415);
            assertThat(resp.body()).as(path).contains("invalid_request_error").contains("'gzip'-encoded (Content-Encoding)");
        }
        assertThat(gw.upstream.seen).isEmpty();
    }

    @Test
    void HEAD_slash_is_answered_for_clients_that_probe_the_base_url() {
        HttpResponse<byte[]> resp = Http.send("HEAD", gw.url() + "/", Map.of(), null);
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(gw.upstream.seen).isEmpty();
    }

    @Test
    void upstream_errors_reach_the_client_unchanged_and_are_recorded_as_failed_with_their_status() {
        gw.upstream.errorStatus = 529;
        HttpResponse<byte[]> resp = Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody("claude-sonnet-4-5-20250929", 10, false));
        assertThat(resp.statusCode()).isEqualTo(529);
        assertThat(resp.body()).isEqualTo(gw.upstream.sent.get(resp.headers().firstValue("request-id").orElseThrow()));
        GatewayHarness.Rec r = gw.awaitRecords(1).get(0);
        assertThat(r.status()).isEqualTo(529);
        assertThat(r.tokens()).isEqualTo(TokenCounts.ZERO);
        assertThat(r.model()).isEqualTo("claude-sonnet-4-5-20250929");
    }

    @Test
    void a_mid_stream_error_event_is_recorded_with_its_status_and_the_usage_so_far() {
        gw.upstream.mode = FakeAnthropic.Mode.ERROR_EVENT;
        HttpResponse<byte[]> resp = Http.post(gw.url() + "/v1/messages", Http.withKey(key), Http.messageBody("claude-sonnet-4-5-20250929", 10, true));
        assertThat(resp.statusCode()).isEqualTo(200);
        assertThat(new String(resp.body())).contains("event: error");
        GatewayHarness.Rec r = gw.awaitRecords(1).get(0);
        assertThat(r.status()).isEqualTo(529);
        assertThat(r.tokens()).isEqualTo(new TokenCounts(25, 1500, 0, 12000, 3)); // the partial message_delta
    }
}
