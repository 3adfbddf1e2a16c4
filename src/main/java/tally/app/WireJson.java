package tally.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.ob.JacksonJrExtension;
import com.fasterxml.jackson.jr.ob.api.ExtensionContext;
import com.fasterxml.jackson.jr.ob.api.ReaderWriterModifier;
import com.fasterxml.jackson.jr.ob.api.ReaderWriterProvider;
import com.fasterxml.jackson.jr.ob.api.ValueReader;
import com.fasterxml.jackson.jr.ob.api.ValueWriter;
import com.fasterxml.jackson.jr.ob.impl.JSONReader;
import com.fasterxml.jackson.jr.ob.impl.JSONWriter;
import com.fasterxml.jackson.jr.type.ResolvedType;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The API's JSON as a command beside a running server writes its requests and reads the answers, with
 * jackson-jr instead of databind ({@link AppJson}, which the server uses). Databind's start (its
 * mapper, a serializer built per type, and the JDK calendar data its default date format loads) cost
 * such a command about a quarter of its CPU. The conventions are AppJson's: records as objects by
 * component name, enums by name, times as ISO-8601 text read with the same range checks, maps keyed
 * by dates or enums read with their keys' types; unknown fields in a result are skipped. A test holds
 * the two to the same values for every use case, both ways.
 */
public final class WireJson {
    private final JSON json = JSON.builder().register(new AppConventions()).build()
            .without(JSON.Feature.FAIL_ON_UNKNOWN_BEAN_PROPERTY, JSON.Feature.USE_DEFERRED_MAPS,
                    JSON.Feature.USE_IS_GETTERS); // a record's isX() is derived (Budget.isDefault), never a field

    /**
     * A codec that has written and read once, so that the classes both need are loaded (on another thread
     * while the command's own starts up).
     */
    public static WireJson warmed() {
        WireJson json = new WireJson();
        try {
            json.object(json.write(Map.of("warm", List.of(1L, "up"))));
        } catch (IOException | RuntimeException e) {
            // nothing is lost: the command's own call loads what it needs, and reports what fails
        }
        return json;
    }

    /** A use case's request as JSON. */
    public byte[] write(Object request) throws IOException {
        return json.asBytes(request);
    }

    /** A use case's result from its JSON. */
    @SuppressWarnings("unchecked")
    public <R> R read(Op<?, R> op, byte[] body) throws IOException {
        return (R) switch (op.shape()) {
            case ONE -> json.beanFrom(op.resultClass(), body);
            case LIST -> json.listOfFrom(op.resultClass(), body);
            case MAP -> json.mapOfFrom(op.resultClass(), body);
        };
    }

    /** Any JSON object as maps, lists and scalars (an error's body); null when it is not an object. */
    public Map<String, Object> object(byte[] body) throws IOException {
        Object any = json.anyFrom(body);
        if (!(any instanceof Map<?, ?> m)) return null;
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) m;
        return object;
    }

    /** AppJson's conventions where jackson-jr's own differ. */
    private static final class AppConventions extends JacksonJrExtension {
        @Override
        protected void register(ExtensionContext ctx) {
            ctx.insertProvider(new Values());
            ctx.insertModifier(new Typed());
        }
    }

    /**
     * Enums written by name, not by a toString() of their own (Source's is its label); a record whose maps
     * are keyed by dates or enums made again with its keys' types (jackson-jr reads every key as text).
     */
    private static final class Typed extends ReaderWriterModifier {
        @Override
        public ValueWriter overrideStandardValueWriter(JSONWriter ctx, Class<?> type, int stdTypeId) {
            return Enum.class.isAssignableFrom(type) ? new AsText(type, value -> ((Enum<?>) value).name()) : null;
        }

        @Override
        public ValueReader modifyValueReader(JSONReader ctx, Class<?> type, ValueReader reader) {
            return KeyedRecord.needed(type) ? new KeyedRecord(type, reader) : reader;
        }
    }

    /** Times as text both ways, enums read by name, and sets as sets. */
    private static final class Values extends ReaderWriterProvider {
        private static final List<Class<?>> TEXT = List.of(Instant.class, LocalDate.class, Duration.class, YearMonth.class);

        @Override
        public ValueWriter findValueWriter(JSONWriter ctx, Class<?> type) {
            return TEXT.contains(type) || ZoneId.class.isAssignableFrom(type) ? new AsText(type, Object::toString) : null;
        }

        @Override
        public ValueReader findValueReader(JSONReader ctx, Class<?> type) {
            if (type == Instant.class) return new FromText(type, TimeText::instant);
            if (type == LocalDate.class) return new FromText(type, TimeText::date);
            if (type == Duration.class) return new FromText(type, Duration::parse);
            if (type == YearMonth.class) return new FromText(type, TimeText::month);
            if (type == ZoneId.class) return new FromText(type, ZoneId::of);
            if (type.isEnum()) return new FromText(type, name -> enumNamed(type, name));
            return null;
        }

        @Override
        public ValueReader findCollectionReader(JSONReader ctx, Class<?> type, ResolvedType elements, ValueReader values) {
            return Set.class.isAssignableFrom(type) ? new SetOf(type, values) : null;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumNamed(Class<?> type, String name) {
        return Enum.valueOf((Class<Enum>) type, name);
    }

    /** A value written as text: the mirror of {@link FromText}. */
    private static final class AsText implements ValueWriter {
        private final Class<?> type;
        private final Function<Object, String> text;

        AsText(Class<?> type, Function<Object, String> text) {
            this.type = type;
            this.text = text;
        }

        @Override
        public void writeValue(JSONWriter ctx, JsonGenerator g, Object value) throws IOException {
            g.writeString(text.apply(value));
        }

        @Override
        public Class<?> valueType() {
            return type;
        }
    }

    private static final class FromText extends ValueReader {
        private final Function<String, Object> parse;

        FromText(Class<?> type, Function<String, Object> parse) {
            super(type);
            this.parse = parse;
        }

        @Override
        public Object read(JSONReader ctx, JsonParser p) throws IOException {
            return p.currentToken() == JsonToken.VALUE_NULL ? null : parse.apply(p.getValueAsString());
        }
    }

    private static final class SetOf extends ValueReader {
        private final ValueReader values;

        SetOf(Class<?> type, ValueReader values) {
            super(type);
            this.values = values;
        }

        @Override
        public Object read(JSONReader ctx, JsonParser p) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) return null;
            Set<Object> set = new LinkedHashSet<>();
            while (p.nextToken() != JsonToken.END_ARRAY) set.add(values.read(ctx, p));
            return set;
        }
    }

    /** A record read as jackson-jr reads it, then made again with its maps' keys as their declared types. */
    private static final class KeyedRecord extends ValueReader {
        private final ValueReader plain;
        private final RecordComponent[] parts;

        KeyedRecord(Class<?> type, ValueReader plain) {
            super(type);
            this.plain = plain;
            this.parts = type.getRecordComponents();
        }

        /** Whether a record has a map keyed by anything but text. */
        static boolean needed(Class<?> type) {
            if (!type.isRecord()) return false;
            for (RecordComponent c : type.getRecordComponents()) if (keyType(c) != String.class) return true;
            return false;
        }

        private static Class<?> keyType(RecordComponent c) {
            if (!Map.class.isAssignableFrom(c.getType()) || !(c.getGenericType() instanceof ParameterizedType p)) return String.class;
            return p.getActualTypeArguments()[0] instanceof Class<?> k ? k : String.class;
        }

        @Override
        public Object read(JSONReader ctx, JsonParser p) throws IOException {
            Object read = plain.read(ctx, p);
            if (read == null) return null;
            try {
                Object[] values = new Object[parts.length];
                Class<?>[] types = new Class<?>[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    types[i] = parts[i].getType();
                    values[i] = keyed(parts[i], parts[i].getAccessor().invoke(read));
                }
                return read.getClass().getDeclaredConstructor(types).newInstance(values);
            } catch (ReflectiveOperationException e) {
                throw new IOException("cannot read " + valueType().getSimpleName() + ": " + e.getMessage(), e);
            }
        }

        private static Object keyed(RecordComponent part, Object value) {
            Class<?> key = keyType(part);
            if (key == String.class || !(value instanceof Map<?, ?> map)) return value;
            Map<Object, Object> typed = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String text = String.valueOf(e.getKey());
                typed.put(key == LocalDate.class ? LocalDate.parse(text) : key.isEnum() ? enumNamed(key, text) : text, e.getValue());
            }
            return typed;
        }
    }
}
