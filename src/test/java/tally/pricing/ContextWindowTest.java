package tally.pricing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog knows the largest prompt each model takes: what bounds a request whatever its body. */
class ContextWindowTest {
    @TempDir
    Path dir;

    static final PriceCatalog CATALOG = PriceCatalog.bundled();

    @Test
    void claude_models_take_200K_and_the_long_context_ones_a_million() {
        assertThat(CATALOG.model("claude-haiku-4-5").context()).isEqualTo(new ContextWindow(200_000, 200_000));
        assertThat(CATALOG.model("claude-3-opus-20240229").context()).isEqualTo(ContextWindow.STANDARD);
        // Sonnet 4 and 4.5: a million only with the context-1m beta
        assertThat(CATALOG.model("claude-sonnet-4-5").context()).isEqualTo(new ContextWindow(200_000, 1_000_000));
        assertThat(CATALOG.model("claude-sonnet-4-0").context()).isEqualTo(new ContextWindow(200_000, 1_000_000));
        // 4.6 and later: the full window without a beta
        assertThat(CATALOG.model("claude-opus-4-6").context().forRequest(false)).isEqualTo(1_000_000);
        assertThat(CATALOG.model("claude-sonnet-4-6").context().forRequest(false)).isEqualTo(1_000_000);
        assertThat(CATALOG.model("claude-opus-5").context().forRequest(false)).isEqualTo(1_000_000);
    }

    @Test
    void an_override_file_sets_a_window_and_a_new_model_gets_200K() throws IOException {
        PriceCatalog c = PriceCatalog.load(file("""
                {"models": [{"id": "claude-haiku-4-5", "context_window": 400000},
                            {"id": "claude-opus-5-5", "prices": [{"input": "6", "output": "30"}]}]}
                """));
        assertThat(c.model("claude-haiku-4-5").context()).isEqualTo(new ContextWindow(400_000, 400_000));
        assertThat(c.model("claude-opus-5-5").context()).isEqualTo(ContextWindow.STANDARD);
        assertThat(c.model("claude-sonnet-4-5").context()).isEqualTo(new ContextWindow(200_000, 1_000_000)); // kept
    }

    @Test
    void a_window_that_is_not_a_positive_number_of_tokens_is_refused_with_where() throws IOException {
        Path f = file("{\"models\": [{\"id\": \"claude-haiku-4-5\", \"context_window\": \"200k\"}]}");
        assertThatThrownBy(() -> PriceCatalog.load(f)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("prices.json").hasMessageContaining("model 'claude-haiku-4-5': context_window");
        Path g = file("{\"models\": [{\"id\": \"claude-haiku-4-5\", \"context_window\": 300000, \"context_window_beta\": 100000}]}");
        assertThatThrownBy(() -> PriceCatalog.load(g)).hasMessageContaining("context_window_beta must not be smaller");
    }

    private Path file(String json) throws IOException {
        Path f = dir.resolve("prices.json");
        Files.writeString(f, json);
        return f;
    }
}
