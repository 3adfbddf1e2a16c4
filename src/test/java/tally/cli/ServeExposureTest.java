package tally.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** OTLP ingest tokens are required by default exactly when serving beyond loopback; either way can be asked for. */
class ServeExposureTest {
    private static ServeCommand parse(String... args) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs(args);
        return serve;
    }

    @Test
    void otlpTokensAreRequiredBeyondLoopbackUnlessTurnedOff() {
        assertThat(parse().otlpRequiresToken()).isFalse();
        assertThat(parse("--host", "0.0.0.0").otlpRequiresToken()).isTrue();
        assertThat(parse("--host", "0.0.0.0", "--otlp-require-token=false").otlpRequiresToken()).isFalse();
        assertThat(parse("--otlp-require-token").otlpRequiresToken()).isTrue();
        assertThat(parse("--host", "127.0.0.1", "--otlp-require-token=true").otlpRequiresToken()).isTrue();
    }

    @Test
    void tlsNeedsBothTheCertificateAndTheKey() {
        Cli.Result r = Cli.run(new String[] {"serve", "--port", "0", "--tls-cert", "/nonexistent/cert.pem"});
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("--tls-cert and --tls-key go together");
    }
}
