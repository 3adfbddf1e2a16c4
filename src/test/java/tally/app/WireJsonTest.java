package tally.app;

import com.fasterxml.jackson.databind.DeserializationFeature;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command beside a server writes requests and reads results with {@link WireJson}; the server reads
 * and writes them with {@link AppJson}. For every use case, a request made of sample values reaches
 * the server's strict reader as it was sent, and a result the server writes reads back as it was.
 */
class WireJsonTest {
    private final WireJson wire = new WireJson();

    @Test
    void everyRequestReachesTheServerAsTheCommandSentIt() throws Exception {
        List<String> differ = new ArrayList<>();
        for (Op<?, ?> op : ops()) {
            Object request;
            Object read;
            try {
                request = Samples.of(op.request(), op.name());
            } catch (IllegalArgumentException e) {
                differ.add(e.getMessage());
                continue;
            }
            try {
                read = AppJson.MAPPER.readerFor(op.request()).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                        .readValue(wire.write(request));
            } catch (Exception e) {
                differ.add(op.name() + ": " + e.getMessage());
                continue;
            }
            if (!request.equals(read)) differ.add(op.name() + ": sent " + request + ", read " + read);
        }
        assertThat(differ).isEmpty();
    }

    @Test
    void aRequestWithItsOptionalFieldsLeftOutReachesTheServerAsSent() throws Exception {
        List<String> differ = new ArrayList<>();
        for (Op<?, ?> op : ops()) {
            Object request;
            try {
                request = Samples.sparse(op.request(), op.name());
            } catch (IllegalArgumentException e) {
                differ.add(e.getMessage());
                continue;
            }
            // jackson-jr leaves a null out, databind writes it: the server reads both alike (or refuses both alike)
            String fromWire = serverReads(op, wire.write(request));
            String fromDatabind = serverReads(op, AppJson.MAPPER.writeValueAsBytes(request));
            if (!fromWire.equals(fromDatabind)) differ.add(op.name() + ": " + fromWire + " against " + fromDatabind);
        }
        assertThat(differ).isEmpty();
    }

    /** What the server makes of a request's JSON: the value read, or its refusal. */
    private static String serverReads(Op<?, ?> op, byte[] json) {
        try {
            return String.valueOf((Object) AppJson.MAPPER.readerFor(op.request())
                    .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(json));
        } catch (Exception e) {
            return "refused: " + e.getMessage();
        }
    }

    @Test
    void everyResultReadsBackAsTheServerWroteIt() throws Exception {
        List<String> differ = new ArrayList<>();
        for (Op<?, ?> op : ops()) {
            Object one;
            try {
                one = Samples.of(op.resultClass(), op.name());
            } catch (IllegalArgumentException e) {
                differ.add(e.getMessage());
                continue;
            }
            Object result = switch (op.shape()) {
                case ONE -> one;
                case LIST -> List.of(one, one);
                case MAP -> Map.of("a", one);
            };
            Object read;
            try {
                read = wire.read(op, AppJson.MAPPER.writeValueAsBytes(result));
            } catch (Exception e) {
                differ.add(op.name() + ": " + e.getMessage());
                continue;
            }
            if (!result.equals(read)) differ.add(op.name() + ": wrote " + result + ", read " + read);
        }
        assertThat(differ).isEmpty();
    }

    @Test
    void anErrorBodyReadsAsAnObject() throws Exception {
        Map<String, Object> error = wire.object("{\"error\":{\"type\":\"x\",\"message\":\"no such key\"}}".getBytes());
        assertThat(error).extractingByKey("error").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("message", "no such key");
        assertThat(wire.object("[1]".getBytes())).isNull();
    }

    @Test
    void aTimeOutOfRangeIsRefusedAsTheServerRefusesIt() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> wire.read(Ops.KEYS_LIST,
                "{\"keys\":[],\"now\":\"+1000000000-01-01T00:00:00Z\"}".getBytes())).hasMessageContaining("out of range");
    }

    private static List<Op<?, ?>> ops() throws IllegalAccessException {
        List<Op<?, ?>> ops = new ArrayList<>();
        for (Field f : Ops.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.get(null) instanceof Op<?, ?> op) ops.add(op);
        }
        assertThat(ops).hasSizeGreaterThan(30);
        return ops;
    }

    /** A value of every field, none of them a type's default: a field a codec drops or mistypes then shows. */
    static final class Samples {
        /** Types whose constructors check their values together: a sample made by hand. */
        private static final Map<Class<?>, Object> BY_HAND = Map.of(
                tally.report.ReportRange.class, new tally.report.ReportRange(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 11, 30),
                        ZoneId.of("Europe/Paris"), Instant.parse("2026-11-05T10:15:30.123456789Z"), Instant.parse("2026-11-06T10:00:00Z")));

        static Object of(Type type, String where) throws ReflectiveOperationException {
            if (BY_HAND.containsKey(type)) return BY_HAND.get(type);
            if (type instanceof ParameterizedType p) {
                Class<?> raw = (Class<?>) p.getRawType();
                Type[] args = p.getActualTypeArguments();
                if (List.class.isAssignableFrom(raw)) return List.of(of(args[0], where));
                if (java.util.Set.class.isAssignableFrom(raw)) return java.util.Set.of(of(args[0], where));
                if (Map.class.isAssignableFrom(raw)) return Map.of(of(args[0], where), of(args[1], where));
                throw new IllegalArgumentException("no sample of " + type + " in " + where);
            }
            Class<?> c = (Class<?>) type;
            if (c == String.class) return "text";
            if (c == long.class || c == Long.class) return 7L;
            if (c == int.class || c == Integer.class) return 3;
            if (c == boolean.class || c == Boolean.class) return true;
            if (c == double.class || c == Double.class) return 1.5;
            if (c.isEnum()) return c.getEnumConstants()[c.getEnumConstants().length - 1];
            if (c == Instant.class) return Instant.parse("2026-11-05T10:15:30.123456789Z");
            if (c == LocalDate.class) return LocalDate.of(2026, 11, 5);
            if (c == Duration.class) return Duration.ofDays(90);
            if (c == java.math.BigDecimal.class) return new java.math.BigDecimal("12.25");
            if (c == YearMonth.class) return YearMonth.of(2026, 11);
            if (c == ZoneId.class) return ZoneId.of("Europe/Paris");
            if (c.isRecord()) return record(c, where);
            throw new IllegalArgumentException("no sample of " + c.getName() + " in " + where);
        }

        /** A request record with every field its constructor lets be null left null, one after another. */
        static Object sparse(Class<?> c, String where) throws ReflectiveOperationException {
            Object sample = of(c, where);
            RecordComponent[] parts = c.getRecordComponents();
            Object[] values = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                values[i] = parts[i].getAccessor().invoke(sample);
            }
            Constructor<?> make = c.getDeclaredConstructor(types);
            make.setAccessible(true);
            for (int i = 0; i < parts.length; i++) {
                if (types[i].isPrimitive()) continue;
                Object kept = values[i];
                values[i] = null;
                try {
                    sample = make.newInstance(values);
                } catch (InvocationTargetException refused) {
                    values[i] = kept; // required
                }
            }
            return sample;
        }

        private static Object record(Class<?> c, String where) throws ReflectiveOperationException {
            RecordComponent[] parts = c.getRecordComponents();
            Object[] values = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                values[i] = of(parts[i].getGenericType(), where + "." + c.getSimpleName() + "." + parts[i].getName());
                types[i] = parts[i].getType();
            }
            Constructor<?> make = c.getDeclaredConstructor(types);
            make.setAccessible(true);
            try {
                return make.newInstance(values);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException("no sample of " + c.getName() + " in " + where + ": " + e.getCause(), e);
            }
        }
    }
}
