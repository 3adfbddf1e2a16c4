package tally.app;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.store.ProjectStore;
import tally.store.Store;
import tally.store.TestStores;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** `projects map` (the CLI's and POST /api/projects/map's use case): one rule per pattern. */
class ProjectsAdminTest {
    @TempDir Path dir;

    private static ProjectsAdmin admin(Store store) {
        return new ProjectsAdmin(store, Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC));
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aGlobThatReadsAsAnExistingRulesPatternIsRefusedNamingThatRule(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            ProjectsAdmin projects = admin(store);
            projects.map(new ProjectsAdmin.Map("*", "x"));
            projects.map(new ProjectsAdmin.Map("/home/*/acme*", "acme"));

            assertThatThrownBy(() -> projects.map(new ProjectsAdmin.Map("**", "y")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("projects map: '**' is the same pattern as the rule '*' (to x); map '*' again to change its project");
            assertThatThrownBy(() -> projects.map(new ProjectsAdmin.Map("/home/**/acme***", "other")))
                    .hasMessageContaining("the same pattern as the rule '/home/*/acme*' (to acme)");

            assertThat(projects.list().rules()).containsExactlyInAnyOrder(
                    new ProjectStore.Rule("*", "x"), new ProjectStore.Rule("/home/*/acme*", "acme"));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void theSameGlobAgainChangesItsProject(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            ProjectsAdmin projects = admin(store);
            projects.map(new ProjectsAdmin.Map("*", "x"));
            projects.map(new ProjectsAdmin.Map("*", "y"));

            assertThat(projects.list().rules()).containsExactly(new ProjectStore.Rule("*", "y"));
        }
    }
}
