package tally.cli;

import io.vertx.core.Vertx;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tally.alerts.AlertsConfig;
import tally.alerts.Channels;
import tally.alerts.Notification;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

@Command(name = "alerts", description = "Alert channels.", subcommands = {AlertsCommand.Test.class})
final class AlertsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "test", description = "Send a sample alert to a channel of the alerts file (log, or a name from its \"channels\").")
    static final class Test implements Runnable {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "CHANNEL", description = "The channel's name in the alerts file.")
        String channel;

        @Option(names = "--alerts", paramLabel = "FILE", description = "The alerts file (default $TALLY_ALERTS).")
        Path file;

        @Override
        public void run() {
            AlertsConfig config;
            try {
                config = AlertsConfig.load(file);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            Vertx vertx = Vertx.vertx();
            try (Channels channels = Channels.build(vertx, config.channels())) {
                channels.get(channel).send(Notification.sample(Instant.now())).get(2, TimeUnit.MINUTES);
                spec.commandLine().getOut().println("sent a sample alert to " + channel);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UserError("interrupted");
            } catch (Exception e) {
                Throwable c = e.getCause() != null ? e.getCause() : e;
                throw new UserError("could not send to " + channel + ": " + c.getMessage());
            } finally {
                vertx.close();
            }
        }
    }
}
