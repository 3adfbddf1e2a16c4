package tally;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The captured payloads the tests replay; they live in the repository, under src/test/resources/fixtures. */
public final class Fixtures {
    /** Captures of Claude Code 2.1.197: OTLP exports, gateway requests, transcripts, Bedrock and Vertex modes. */
    public static final Path CLAUDE_CODE = resource("/fixtures/claude-code-2.1.197");

    private Fixtures() {
    }

    private static Path resource(String name) {
        URL url = Fixtures.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("test fixture " + name + " is missing from the test classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
