package tally.alerts;

import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Email over SMTP: STARTTLS required unless configured otherwise, login when a username is given. */
public final class EmailChannel implements Channel {

    /** Where and how to send; {@code starttls} is required, optional or disabled; {@code ssl} is SMTPS (465). */
    public record Smtp(String host, int port, String starttls, boolean ssl, String username, String password,
                       String from, List<String> to, boolean trustAll) {}

    private final String name;
    private final Smtp smtp;
    private final MailClient client;

    EmailChannel(String name, Vertx vertx, Smtp smtp) {
        this.name = name;
        this.smtp = smtp;
        MailConfig config = new MailConfig().setHostname(smtp.host()).setPort(smtp.port()).setSsl(smtp.ssl())
                .setStarttls(switch (smtp.starttls()) {
                    case "optional" -> StartTLSOptions.OPTIONAL;
                    case "disabled" -> StartTLSOptions.DISABLED;
                    default -> StartTLSOptions.REQUIRED;
                })
                .setTrustAll(smtp.trustAll());
        if (smtp.username() != null) {
            config.setLogin(LoginOption.REQUIRED).setUsername(smtp.username()).setPassword(smtp.password());
        } else {
            config.setLogin(LoginOption.DISABLED);
        }
        this.client = MailClient.create(vertx, config);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletableFuture<Void> send(Notification n) {
        MailMessage m = new MailMessage().setFrom(smtp.from()).setTo(smtp.to()).setSubject("[Tally] " + n.title())
                .setText(text(n));
        return client.sendMail(m).<Void>map(r -> null).toCompletionStage().toCompletableFuture()
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(new IllegalStateException(name + ": " + e.getMessage(), e)));
    }

    static String text(Notification n) {
        StringBuilder sb = new StringBuilder(n.text()).append("\n\n");
        n.fields().forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
        if (n.preformatted() != null) sb.append('\n').append(n.preformatted());
        sb.append("\n-- \nTally").append(n.type() == Notification.Type.REPORT ? "" : ", rule " + n.rule()).append(", ").append(n.at()).append('\n');
        return sb.toString();
    }

    @Override
    public void close() {
        client.close();
    }
}
