package tally.importers.bedrock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import tally.importers.Progress;
import tally.importers.aws.AwsAccess;
import tally.importers.aws.FakeAws;
import tally.ingest.IngestWriter;
import tally.ingest.Spool;
import tally.pricing.PriceCatalog;
import tally.store.ImportOffsets;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.TestStores;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static tally.importers.bedrock.BedrockImportTest.ALICE;
import static tally.importers.bedrock.BedrockImportTest.BOB;
import static tally.importers.bedrock.BedrockImportTest.DAY;
import static tally.importers.bedrock.BedrockImportTest.record;
import static tally.importers.bedrock.BedrockPullTest.MODEL;
import static tally.importers.bedrock.BedrockPullTest.gzip;

/**
 * {@code serve --bedrock-logs}: the poller pulls each source on its schedule into the server's own
 * store, with signed SDK calls; a source that fails is logged and retried without stopping the others.
 */
class BedrockLogPollerTest {
    @TempDir Path dir;
    private final FakeAws aws = BedrockPullTest.fake();
    private Store store;
    private IngestWriter writer;

    @AfterEach
    void close() {
        if (writer != null) writer.close();
        if (store != null) store.close();
        aws.close();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void eachRoundPullsEverySourceAndAFailingSourceDoesNotStopTheOthers(TestStores.Kind kind) throws Exception {
        store = Store.open(TestStores.config(kind, dir));
        Ledger ledger = new Ledger(store);
        PriceCatalog catalog = PriceCatalog.bundled();
        writer = new IngestWriter(ledger, new Spool(store.config().spoolDir()), catalog::price, IngestWriter.Options.DEFAULT);
        var creds = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret"));
        AwsAccess access = new AwsAccess("us-east-1", aws.endpoint(), creds);
        AwsAccess down = new AwsAccess("us-east-1", URI.create("http://127.0.0.1:9"), creds);
        ImportOffsets offsets = new ImportOffsets(store);

        aws.events.add(new FakeAws.LogEvent(Instant.parse(DAY + "T10:15:00Z").toEpochMilli(),
                record("c-1", DAY + "T10:15:00Z", ALICE, "us-east-1", MODEL).toString()));
        aws.objects.put("logs/AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2026/03/02/10/a.json.gz",
                gzip(record("s-1", DAY + "T10:16:00Z", BOB, "us-east-1", MODEL)));
        try (CloudWatchLogsClient logs = access.logs(); S3Client s3 = access.s3(); CloudWatchLogsClient unreachable = down.logs()) {
            CloudWatchLogsPull cw = new CloudWatchLogsPull(logs, offsets, writer, catalog);
            S3LogsPull bucket = new S3LogsPull(s3, offsets, writer, catalog);
            CloudWatchLogsPull broken = new CloudWatchLogsPull(unreachable, offsets, writer, catalog);
            List<BedrockLogPoller.Source> sources = List.of(
                    new BedrockLogPoller.Source("cloudwatch:down", () -> broken.run("down", null, Progress.none())),
                    new BedrockLogPoller.Source("cloudwatch:g", () -> cw.run("g", null, Progress.none())),
                    new BedrockLogPoller.Source("s3://b/logs", () -> bucket.run(S3LogsPull.Location.parse("s3://b/logs"), Progress.none())));
            try (BedrockLogPoller poller = new BedrockLogPoller(sources, Duration.ofMillis(200))) {
                poller.start();
                long deadline = System.currentTimeMillis() + 15_000;
                while (ledger.countRecords() < 2 && System.currentTimeMillis() < deadline) Thread.sleep(50);
                assertThat(ledger.countRecords()).isEqualTo(2);
                // A record delivered later is picked up by a later round, without a restart.
                aws.events.add(new FakeAws.LogEvent(Instant.parse(DAY + "T10:20:00Z").toEpochMilli(),
                        record("c-2", DAY + "T10:20:00Z", ALICE, "us-east-1", MODEL).toString()));
                while (ledger.countRecords() < 3 && System.currentTimeMillis() < deadline) Thread.sleep(50);
                assertThat(ledger.countRecords()).isEqualTo(3);
            }
            int calls = aws.calls.size();
            Thread.sleep(400);
            assertThat(aws.calls).as("stopped: no more pulls").hasSize(calls);
            assertThat(aws.authorizations).allSatisfy(a -> assertThat(a).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
            assertThat(offsets.load(CloudWatchLogsPull.KIND)).containsKey("logs:g").doesNotContainKey("logs:down");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void serveRefusesToStartWithALogSourceItCannotRead(TestStores.Kind kind) {
        tally.importers.Tally tally = new tally.importers.Tally(kind, dir);
        tally.importers.Tally.Result r = tally.run("serve", "--port", "0", "--bedrock-logs", "logs/my-group", "--aws-region", "us-east-1");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--bedrock-logs: expected cloudwatch:LOG_GROUP or s3://bucket/prefix, got 'logs/my-group'")
                .doesNotContain("\tat ");
    }
}
