package tally.app;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.identity.People;
import tally.identity.Person;
import tally.pricing.PriceCatalog;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.TestStores;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** `people add` and `people alias` (the CLI's and POST /api/people/*'s use case): what they keep and what they refuse. */
class PeopleAdminTest {
    @TempDir Path dir;

    private static PeopleAdmin admin(Store store) {
        PriceCatalog catalog = PriceCatalog.bundled();
        App app = new App(store, new Ledger(store), new People(store), () -> catalog, () -> null,
                Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC));
        return app.people();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void addingAPersonAgainWithoutATeamKeepsTheirTeam(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            PeopleAdmin people = admin(store);
            people.add(new PeopleAdmin.Add("alice", "platform", List.of("alice@corp.com")));
            people.add(new PeopleAdmin.Add("alice", null, List.of("alice-laptop")));
            people.add(new PeopleAdmin.Add("bob", null, null));

            assertThat(people.list()).extracting(Person::name, Person::team)
                    .containsExactly(tuple("alice", "platform"), tuple("bob", null));
            assertThat(people.list().get(0).aliases()).containsExactlyInAnyOrder("alice@corp.com", "alice-laptop");

            people.add(new PeopleAdmin.Add("alice", "data", null));
            assertThat(people.list().get(0).team()).isEqualTo("data");
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void noTeamTakesAPersonsTeamAwayAndCannotComeWithOne(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            PeopleAdmin people = admin(store);
            people.add(new PeopleAdmin.Add("alice", "platform", null));
            people.add(new PeopleAdmin.Add("alice", null, List.of("alice@corp.com"), true));
            people.add(new PeopleAdmin.Add("carol", null, null, true));

            assertThat(people.list()).extracting(Person::name, Person::team, Person::aliases)
                    .containsExactly(tuple("alice", null, List.of("alice@corp.com")), tuple("carol", null, List.of()));
            assertThatThrownBy(() -> people.add(new PeopleAdmin.Add("alice", "data", null, true)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
            assertThat(people.list().get(0).team()).isNull();
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aRefusedAliasLeavesNothingSaved(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            PeopleAdmin people = admin(store);
            people.add(new PeopleAdmin.Add("alice", "platform", null));

            assertThatThrownBy(() -> people.add(new PeopleAdmin.Add("newguy", "x", List.of("good", " "))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("alias must not be empty");
            assertThatThrownBy(() -> people.add(new PeopleAdmin.Add("alice", "data", Arrays.asList("alice-2", null))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("alias must not be empty");
            assertThatThrownBy(() -> people.alias(new PeopleAdmin.Alias("alice", List.of("alice-3", ""))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("alias must not be empty");

            assertThat(people.list()).containsExactly(new Person("alice", "platform", List.of()));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void anEmptyTeamAReportsLabelOrAControlCharacterIsRefusedWithTheReason(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            PeopleAdmin people = admin(store);
            people.add(new PeopleAdmin.Add("alice", "platform", null));
            Map<PeopleAdmin.Add, String> refused = new LinkedHashMap<>(); // request -> the reason given
            refused.put(new PeopleAdmin.Add("bob", "", null), "team must not be empty (leave it out to keep the person's team; --no-team takes it away)");
            refused.put(new PeopleAdmin.Add("alice", " ", null), "team must not be empty (leave it out to keep the person's team; --no-team takes it away)");
            refused.put(new PeopleAdmin.Add("(none)", "x", null), "person name '(none)' is reserved: reports show it for no team, project or region");
            refused.put(new PeopleAdmin.Add("TOTAL", null, null), "person name 'TOTAL' is reserved: reports show it for their totals row");
            refused.put(new PeopleAdmin.Add("bob", "(none)", null), "team '(none)' is reserved: reports show it for no team, project or region");
            refused.put(new PeopleAdmin.Add("alice", "total", null), "team 'total' is reserved: reports show it for their totals row");
            refused.put(new PeopleAdmin.Add("bob", "(others)", null), "team '(others)' is reserved: split reports show it for the columns summed together");
            refused.put(new PeopleAdmin.Add("bob\nsmith", null, null), "person name contains a control character (U+000A) at character 3");
            refused.put(new PeopleAdmin.Add("bob", "data\tscience", null), "team contains a control character (U+0009) at character 4");
            refused.put(new PeopleAdmin.Add("bob", null, List.of("bob@corp.com\r")), "alias contains a control character (U+000D) at character 12");
            refused.put(new PeopleAdmin.Add("bob", null, List.of("bob\uD800")), "alias contains an unpaired surrogate (U+D800) at character 3");

            refused.forEach((add, why) -> assertThatThrownBy(() -> people.add(add)).as(add.toString())
                    .isInstanceOf(IllegalArgumentException.class).hasMessage(why));
            assertThatThrownBy(() -> people.alias(new PeopleAdmin.Alias("alice", List.of("a\u0000b"))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("alias contains a control character (U+0000) at character 1");

            assertThat(people.list()).containsExactly(new Person("alice", "platform", List.of()));
        }
    }
}
