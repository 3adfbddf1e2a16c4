package tally.store;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * E-mail addresses are kept in lower case from V5 on: an alias saved before with capitals gets its
 * lower-case twin (new records carry the address so), and keeps its spelling for the records stored before.
 */
class EmailAliasMigrationTest {
    @TempDir Path dir;

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anAliasSpeltWithCapitalsGetsItsLowerCaseTwin(TestStores.Kind kind) {
        StoreConfig config = TestStores.config(kind, dir);
        try (Store store = Store.open(config)) {
            AliasStore aliases = new AliasStore(store); // as saved before addresses were kept in lower case
            aliases.save("Dave@Corp.com", "dave", 1L);
            aliases.save("Erin@Corp.com", "erin", 2L);
            aliases.save("erin@corp.com", "erin-too", 3L); // already there: kept as it is
            aliases.save("KEY_Abc", "carol", 4L);
            aliases.save("arn:aws:iam::1:user/Bob@Corp.com", "bob", 5L);
            Jdbc.update(store, e -> new StoreException(e.getMessage(), e), "DELETE FROM schema_migrations WHERE version = 5");
        }
        try (Store store = Store.open(config)) {
            Map<String, List<String>> byPerson = new AliasStore(store).byPerson();
            assertThat(byPerson.get("dave")).containsExactly("Dave@Corp.com", "dave@corp.com");
            assertThat(byPerson.get("erin")).containsExactly("Erin@Corp.com");
            assertThat(byPerson.get("erin-too")).containsExactly("erin@corp.com");
            assertThat(byPerson.get("carol")).containsExactly("KEY_Abc");
            assertThat(byPerson.get("bob")).containsExactly("arn:aws:iam::1:user/Bob@Corp.com");
        }
    }
}
