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

    @Test
    void anEmailAddressIsOneIdentityWhateverItsCase() {
        assertThat(AliasKeys.normal("Dave@Corp.com")).isEqualTo("dave@corp.com");
        assertThat(AliasKeys.of("Dave@Corp.com")).containsExactly("dave@corp.com");
        assertThat(AliasKeys.shown("DAVE@corp.com")).isEqualTo("dave@corp.com");
        // an assumed-role session named by an address: the session in lower case, the role as it is
        assertThat(AliasKeys.normal("arn:aws:sts::1:assumed-role/DevOps/Alice@Corp.com")).isEqualTo("arn:aws:sts::1:assumed-role/DevOps/alice@corp.com");
        assertThat(AliasKeys.of("arn:aws:sts::1:assumed-role/DevOps/Alice@Corp.com")).containsExactly(
                "arn:aws:sts::1:assumed-role/DevOps/alice@corp.com", "alice@corp.com",
                "arn:aws:sts::1:assumed-role/DevOps", "arn:aws:iam::1:role/DevOps");
    }

    @Test
    void anythingNotShapedLikeAnAddressKeepsItsCase() {
        for (String id : new String[] {"Dave", "key_ABC", "fp_0A1B", "arn:aws:iam::1:user/Dave@Corp.com", "arn:aws:sts::1:assumed-role/Dev/Bob",
                "a@b@C", "@Corp.com", "Dave@", "Dave Smith@Corp.com", "https://Corp.com/@Dave", "arn:aws:sts::1:assumed-role/Dev/X@Y.com/more"}) {
            assertThat(AliasKeys.normal(id)).as(id).isEqualTo(id);
        }
    }
}
