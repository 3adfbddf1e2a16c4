package tally.app;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import tally.budget.Budget;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.function.Function;

/** The JSON of use-case requests and results: records as objects, times as ISO-8601 strings. */
public final class AppJson {
    public static final ObjectMapper MAPPER = mapper();

    private AppJson() {}

    private static ObjectMapper mapper() {
        SimpleModule time = new SimpleModule("tally-time");
        text(time, Instant.class, TimeText::instant);
        text(time, LocalDate.class, TimeText::date);
        text(time, Duration.class, Duration::parse);
        text(time, ZoneId.class, ZoneId::of);
        text(time, YearMonth.class, TimeText::month);
        time.addKeyDeserializer(LocalDate.class, new KeyDeserializer() { // a report's days, as map keys
            @Override
            public Object deserializeKey(String key, DeserializationContext ctx) {
                return LocalDate.parse(key);
            }
        });
        SimpleModule strict = new SimpleModule("tally-strict-requests");
        strict.addDeserializer(Recording.Request.class, new RecordRequestJson()); // money: refused, never coerced
        strict.addDeserializer(Pruning.Request.class, new Pruning.Json()); // "90d" as on the command line, or "P90D"
        return new ObjectMapper().registerModule(time).registerModule(strict).addMixIn(Budget.class, BudgetJson.class)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES); // results; the API reads requests strictly
    }

    /** A budget's JSON is its fields: isDefault() is derived from them, and a request carrying it would be an unknown field. */
    private abstract static class BudgetJson {
        @JsonIgnore
        abstract boolean isDefault();
    }

    private static <T> void text(SimpleModule m, Class<T> type, Function<String, T> parse) {
        m.addSerializer(type, new JsonSerializer<T>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider p) throws IOException {
                gen.writeString(value.toString());
            }
        });
        m.addDeserializer(type, new JsonDeserializer<T>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
                return parse.apply(p.getValueAsString());
            }
        });
    }
}
