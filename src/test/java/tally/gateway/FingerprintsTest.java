package tally.gateway;

import org.junit.jupiter.api.Test;
import tally.core.Secrets;

import static org.assertj.core.api.Assertions.assertThat;

/** A pass-through key's fingerprint is remembered, not recomputed per request, and the memory is bounded. */
class FingerprintsTest {
    @Test
    void aRememberedFingerprintIsTheKeysOwnFingerprint() {
        Fingerprints fps = new Fingerprints();
        String key = "sk-ant-api03-someone";
        assertThat(fps.of(key)).isEqualTo(Secrets.fingerprint(key));
        assertThat(fps.of(key)).as("asked again").isEqualTo(Secrets.fingerprint(key));
        assertThat(fps.of("sk-ant-api03-other")).isEqualTo(Secrets.fingerprint("sk-ant-api03-other"));
    }

    @Test
    void keysBeyondTheBoundDoNotGrowTheMemory() {
        Fingerprints fps = new Fingerprints();
        for (int i = 0; i < Fingerprints.MAX * 3; i++) {
            String key = "sk-ant-api03-key-" + i;
            assertThat(fps.of(key)).isEqualTo(Secrets.fingerprint(key));
        }
        assertThat(fps.size()).isLessThanOrEqualTo(Fingerprints.MAX);
    }
}
