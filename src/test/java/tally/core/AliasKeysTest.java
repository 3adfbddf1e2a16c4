package tally.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The aliases an identity is looked up by, in memory as the reports do in SQL. */
class AliasKeysTest {
    @Test
    void anAssumedRoleArnIsLookedUpByItselfItsSessionNameItsRoleAndItsIamRole() {
        assertThat(AliasKeys.of("arn:aws:sts::1:assumed-role/Dev/alice@corp.com")).containsExactly(
                "arn:aws:sts::1:assumed-role/Dev/alice@corp.com", "alice@corp.com",
                "arn:aws:sts::1:assumed-role/Dev", "arn:aws:iam::1:role/Dev");
        assertThat(AliasKeys.shown("arn:aws:sts::1:assumed-role/Dev/alice@corp.com")).isEqualTo("alice@corp.com");
    }

    @Test
    void anyOtherIdentityIsLookedUpAndShownAsItIs() {
        for (String id : new String[] {"alice@corp.com", "key_abc", "fp_0123", "arn:aws:iam::1:user/dave",
                "arn:aws:sts::1:assumed-role/Dev", "arn:aws:sts::1:assumed-role/Dev/"}) {
            assertThat(AliasKeys.of(id)).containsExactly(id);
            assertThat(AliasKeys.shown(id)).isEqualTo(id);
        }
    }
}
