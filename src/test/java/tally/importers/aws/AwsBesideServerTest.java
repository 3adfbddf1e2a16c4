package tally.importers.aws;

import tally.cli.BesideServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tally.app.Ops;
import tally.cli.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Beside a running server that owns the data, {@code import bedrock --cloudwatch}, {@code import
 * aws-costs} and {@code reconcile --provider aws} pull from AWS where the command runs (with its own
 * credentials) and store through the server: they print what they print on the store itself, and a
 * second pull resumes from where the server's store says the first stopped.
 */
class AwsBesideServerTest {
    @TempDir Path dir;
    @TempDir Path elsewhere;
    private final FakeAws aws = AwsCostsTest.fake();

    private String tally(Path data, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--data", data.toString(), "--tz", "UTC"));
        all.addAll(List.of(args));
        assertThat(Main.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err))).as(err.toString()).isZero();
        return out.toString();
    }

    private void serve(Path data) throws Exception {
        beside = BesideServer.start(data);
    }

    private BesideServer beside;

    @AfterEach
    void stop() {
        if (beside != null) beside.close();
        aws.close();
    }

    private void event(String id, String time) {
        aws.events.add(new FakeAws.LogEvent(Instant.parse(time).toEpochMilli(), AwsCostsTest.record(id, time)));
    }

    @Test
    void pullsAndTheBillGoThroughTheServerAndReadTheSame() throws Exception {
        event("r-1", AwsCostsTest.DAY1 + "T10:00:00Z");
        event("r-2", AwsCostsTest.DAY2 + "T10:00:00Z");
        event("r-3", AwsCostsTest.DAY2 + "T11:00:00Z");
        aws.costPages.add("{\"ResultsByTime\":[" + AwsCostsTest.day(AwsCostsTest.DAY1, false,
                AwsCostsTest.group("Amazon Bedrock", "USE1-Claude4.5Sonnet-input-tokens", "0.315")) + ","
                + AwsCostsTest.day(AwsCostsTest.DAY2, false, AwsCostsTest.group("Amazon Bedrock", "USE1-Claude4.5Sonnet-input-tokens", "0.7")) + "]}");
        String[] pull = {"import", "bedrock", "--cloudwatch", "g", "--region", "us-east-1", "--endpoint", aws.endpoint().toString(), "--no-sign-request"};
        String[] costs = {"import", "aws-costs", "--since", AwsCostsTest.DAY1, "--until", AwsCostsTest.DAY2, "--region", "us-east-1",
                "--endpoint", aws.endpoint().toString(), "--no-sign-request"};
        String[] reconcile = {"reconcile", "--provider", "aws", "--month", "2026-03"};

        String alone = tally(elsewhere, pull) + tally(elsewhere, costs) + tally(elsewhere, reconcile);
        serve(dir);
        String there = tally(dir, pull) + tally(dir, costs) + tally(dir, reconcile);
        assertThat(there).isEqualTo(alone).containsPattern("records added: +3\n").containsPattern("2026-03-03 .*OFF");
        assertThat(beside.calls(Ops.IMPORT_AWS_COSTS)).isEqualTo(1);
        assertThat(beside.calls(Ops.RECONCILE_AWS)).isEqualTo(1);
        assertThat(beside.calls(Ops.IMPORT_SAVE_OFFSETS)).isEqualTo(2); // after each page of two

        String again = tally(dir, pull);
        assertThat(again).containsPattern("records added: +0\n");
        long resume = Instant.parse(AwsCostsTest.DAY2 + "T10:45:00Z").toEpochMilli();
        assertThat(aws.calls.get(aws.calls.size() - 1)).contains("\"startTime\":" + resume);
    }
}
