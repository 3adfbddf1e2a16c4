package tally.app;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tally.core.Ids;
import tally.identity.People;
import tally.pricing.PriceCatalog;
import tally.store.IngestTokenStore;
import tally.store.Ledger;
import tally.store.Store;
import tally.store.TestStores;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** `tokens create|list|revoke` (the CLI's and POST /api/tokens/*'s use case): ingest tokens are listed by id, never shown again, and revoked by id or by the token. */
class TokensTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir Path dir;

    private static Tokens tokens(Store store) {
        PriceCatalog catalog = PriceCatalog.bundled();
        return new App(store, new Ledger(store), new People(store), () -> catalog, () -> null, Clock.fixed(NOW, ZoneOffset.UTC)).tokens();
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void tokensAreListedByAnIdFromTheirHashWithTheirPersonAndNeverTheSecret(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Tokens tokens = tokens(store);
            String alice = tokens.create(new Tokens.Create(" alice ")).token();
            String bob = tokens.create(new Tokens.Create("bob")).token();

            Tokens.Listing listing = tokens.list();
            assertThat(listing.tokens()).extracting(Tokens.Token::id, Tokens.Token::user, Tokens.Token::created, Tokens.Token::revoked)
                    .containsExactlyInAnyOrder(tuple("tok_" + Ids.sha256(alice).substring(0, 12), "alice", NOW, null),
                            tuple("tok_" + Ids.sha256(bob).substring(0, 12), "bob", NOW, null));
            assertThat(listing.toString()).doesNotContain(alice.substring(7, 19), bob.substring(7, 19));
            assertThat(listing.tokens()).extracting(Tokens.Token::lastUsed).as("not used yet").containsOnlyNulls();
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aTokenIsRevokedByItsIdByEnoughOfItOrByTheTokenItselfAndOnlyOnce(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            Tokens tokens = tokens(store);
            String alice = tokens.create(new Tokens.Create("alice")).token();
            String bob = tokens.create(new Tokens.Create("bob")).token();
            String carol = tokens.create(new Tokens.Create("carol")).token();
            String aliceId = "tok_" + Ids.sha256(alice).substring(0, 12);

            Tokens.Revoked byId = tokens.revoke(new Tokens.Revoke(aliceId));
            assertThat(byId.revoked()).isTrue();
            assertThat(byId.token().user()).isEqualTo("alice");
            assertThat(byId.token().revoked()).isEqualTo(NOW);
            assertThat(tokens.revoke(new Tokens.Revoke(Ids.sha256(bob).substring(0, 6))).token().user()).as("a prefix, without tok_").isEqualTo("bob");
            assertThat(tokens.revoke(new Tokens.Revoke(carol)).token().user()).as("the token itself").isEqualTo("carol");

            Tokens.Revoked again = tokens.revoke(new Tokens.Revoke(aliceId));
            assertThat(again.revoked()).as("already revoked").isFalse();
            assertThat(again.token().revoked()).isEqualTo(NOW);
            assertThat(tokens.list().tokens()).allSatisfy(t -> assertThat(t.revoked()).isEqualTo(NOW));
        }
    }

    @ParameterizedTest
    @MethodSource("tally.store.TestStores#kinds")
    void aNameThatMatchesNoTokenOrSeveralIsRefusedWithTheReason(TestStores.Kind kind) {
        try (Store store = Store.open(TestStores.config(kind, dir))) {
            IngestTokenStore stored = new IngestTokenStore(store);
            stored.insert("abcd1111" + "0".repeat(56), "alice", NOW.toEpochMilli());
            stored.insert("abcd2222" + "0".repeat(56), "bob", NOW.toEpochMilli());
            Tokens tokens = tokens(store);

            assertThatThrownBy(() -> tokens.revoke(new Tokens.Revoke("tok_abcd"))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("id tok_abcd names 2 tokens (tok_abcd11110000, tok_abcd22220000); give more of it");
            assertThatThrownBy(() -> tokens.revoke(new Tokens.Revoke("tok_ffff"))).hasMessage("no ingest token with id tok_ffff (see tally tokens list)");
            assertThatThrownBy(() -> tokens.revoke(new Tokens.Revoke("tok_ab"))).hasMessageStartingWith("id: expected a token id (tok_ and 4 to 12 hex digits");
            assertThatThrownBy(() -> tokens.revoke(new Tokens.Revoke("tly_ot_" + "9".repeat(48))))
                    .hasMessage("no ingest token is the one given (it was not made with this data)");
            assertThatThrownBy(() -> tokens.revoke(new Tokens.Revoke(" "))).hasMessageStartingWith("id: required");
            assertThat(tokens.list().tokens()).allSatisfy(t -> assertThat(t.revoked()).isNull());

            assertThat(tokens.revoke(new Tokens.Revoke("tok_ABCD2")).token().user()).isEqualTo("bob");
        }
    }
}
