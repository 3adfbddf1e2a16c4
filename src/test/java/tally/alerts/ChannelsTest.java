package tally.alerts;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Channels against real receivers on loopback: a webhook that fails first, and an SMTP server in this JVM. */
class ChannelsTest {
    @RegisterExtension
    static GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
            .withPerMethodLifecycle(true);

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    private static Notification alert() {
        return Notification.sample(Instant.parse("2026-03-10T10:00:00Z"));
    }

    @Test
    void aWebhookAnswering500IsRetriedWithGrowingBackoffAndEveryTryIsSigned() throws Exception {
        try (Receiver r = new Receiver()) {
            r.answer(500, 503);
            WebhookChannel hook = new WebhookChannel("hook", r.url(), "k", new HttpPoster(vertx, new HttpPoster.Retry(4, Duration.ofMillis(100))));
            hook.send(alert()).get(10, TimeUnit.SECONDS);
            assertThat(r.requests).hasSize(3);
            long firstGap = r.requests.get(1).atNanos() - r.requests.get(0).atNanos();
            long secondGap = r.requests.get(2).atNanos() - r.requests.get(1).atNanos();
            assertThat(firstGap).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(90));
            assertThat(secondGap).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
            for (Receiver.Request q : r.requests) {
                assertThat(q.header("X-Tally-Signature")).isEqualTo("sha256=" + WebhookChannel.sign("k", q.body().getBytes(StandardCharsets.UTF_8)));
            }
        }
    }

    @Test
    void aWebhookThatKeepsFailingGivesUpAfterItsTriesAndA4xxIsNotRetried() throws Exception {
        try (Receiver r = new Receiver()) {
            r.answer(500, 500, 500);
            WebhookChannel hook = new WebhookChannel("hook", r.url(), null, new HttpPoster(vertx, new HttpPoster.Retry(3, Duration.ofMillis(10))));
            assertThatThrownBy(() -> hook.send(alert()).get(10, TimeUnit.SECONDS)).hasMessageContaining("HTTP 500 after 3 tries");
            r.answer(404);
            assertThatThrownBy(() -> hook.send(alert()).get(10, TimeUnit.SECONDS)).hasMessageContaining("HTTP 404 after 1 try");
            assertThat(r.requests).hasSize(4);
        }
    }

    @Test
    void emailGoesOverSmtpWithLoginAndNamesWhoWhatHowMuchAndTheThreshold() throws Exception {
        smtp.setUser("tally@example.com", "tally", "pw");
        EmailChannel email = new EmailChannel("email", vertx, new EmailChannel.Smtp("127.0.0.1", smtp.getSmtp().getPort(),
                "optional", false, "tally", "pw", "tally@example.com", List.of("lead@example.com"), false));
        email.send(alert()).get(20, TimeUnit.SECONDS);
        MimeMessage[] got = smtp.getReceivedMessages();
        assertThat(got).hasSize(1);
        assertThat(got[0].getSubject()).isEqualTo("[Tally] Test alert from Tally: Team platform, cost today");
        String body = String.valueOf(got[0].getContent());
        assertThat(body).contains("Team platform spent $12.34 today, above the $10.00 daily threshold")
                .contains("Who: Team platform").contains("Amount: $12.34").contains("Threshold: $10.00");
        email.close();
    }
}
