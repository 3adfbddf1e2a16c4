package tally.gateway;

import tally.core.Secrets;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pass-through keys' fingerprints, remembered: a SHA-256 per request is work the event loop repeats
 * for the same few keys. Bounded: past {@link #MAX} keys it starts over rather than grow with every
 * key a client tries.
 */
final class Fingerprints {
    static final int MAX = 4_096;

    private final Map<String, String> known = new ConcurrentHashMap<>();

    /** The same as {@link Secrets#fingerprint}, computed once per key while it is remembered. */
    String of(String key) {
        String fp = known.get(key);
        if (fp != null) return fp;
        fp = Secrets.fingerprint(key);
        if (known.size() >= MAX) known.clear();
        known.put(key, fp);
        return fp;
    }

    int size() {
        return known.size();
    }
}
