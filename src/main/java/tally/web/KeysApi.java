package tally.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tally.gateway.VirtualKey;

import java.time.Instant;

/** {@code /api/keys}: managed keys and their policy. Secrets are never stored, so never shown. */
final class KeysApi {
    private final WebData data;

    KeysApi(WebData data) {
        this.data = data;
    }

    JsonNode list(Params p) {
        p.allow();
        Instant now = data.clock().instant();
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("keys");
        for (VirtualKey k : data.keys().list()) {
            ObjectNode o = list.addObject().put("id", k.id()).put("person", k.person());
            text(o, "team", k.team());
            ArrayNode models = o.putArray("models");
            k.models().forEach(models::add);
            number(o, "max_tokens", k.maxTokens());
            text(o, "downgrade_model", k.downgradeModel());
            number(o, "rpm", k.rpm());
            number(o, "tpm", k.tpm());
            o.put("created_at", k.created().toString());
            text(o, "expires_at", k.expires() == null ? null : k.expires().toString());
            text(o, "revoked_at", k.revoked() == null ? null : k.revoked().toString());
            o.put("active", k.activeAt(now));
        }
        return out;
    }

    private static void text(ObjectNode o, String f, String v) {
        if (v == null) o.putNull(f); else o.put(f, v);
    }

    private static void number(ObjectNode o, String f, Long v) {
        if (v == null) o.putNull(f); else o.put(f, v);
    }
}
