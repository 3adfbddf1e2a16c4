package tally.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON trees read and written with Jackson's streaming parser and generator alone, as an {@code ObjectMapper}
 * would read and write them. Setting up a mapper (its configuration, type factory, date formats) costs a
 * short command ~30 ms of its ~250; a command that only reads a file into a tree or prints one need not pay it.
 */
public final class JsonTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory LENIENT = new JsonFactory();
    private static final JsonFactory STRICT = JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    private JsonTree() {}

    /** As {@code new ObjectMapper().readTree(json)}: fractions as doubles; a repeated key, the last wins; empty input, a missing node. */
    public static JsonNode read(byte[] json) throws IOException {
        try (JsonParser p = LENIENT.createParser(json)) {
            return root(p, false);
        }
    }

    /** As a mapper with decimals for floats and strict duplicate detection reads it: fractions exact, a repeated key refused. */
    public static JsonNode readExact(byte[] json) throws IOException {
        try (JsonParser p = STRICT.createParser(json)) {
            return root(p, true);
        }
    }

    /** As {@code ObjectMapper.writeValueAsString}: compact. */
    public static String compact(JsonNode node) {
        return write(node, false);
    }

    /** As a mapper with {@code INDENT_OUTPUT} (the default pretty printer) writes it. */
    public static String pretty(JsonNode node) {
        return write(node, true);
    }

    private static JsonNode root(JsonParser p, boolean exact) throws IOException {
        JsonToken t = p.nextToken();
        return t == null ? MissingNode.getInstance() : value(p, t, exact);
    }

    private static JsonNode value(JsonParser p, JsonToken t, boolean exact) throws IOException {
        switch (t) {
            case START_OBJECT:
                ObjectNode o = NODES.objectNode();
                for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                    String name = p.currentName();
                    o.set(name, value(p, p.nextToken(), exact));
                }
                return o;
            case START_ARRAY:
                ArrayNode a = NODES.arrayNode();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) a.add(value(p, e, exact));
                return a;
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return exact ? NODES.numberNode(normalized(p.getDecimalValue())) : NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new IOException("unexpected " + t + " at " + p.currentLocation());
        }
    }

    /** Trailing zeros stripped (1.50 -> 1.5), as a mapper's tree does by default. */
    private static java.math.BigDecimal normalized(java.math.BigDecimal d) {
        try {
            return d.stripTrailingZeros();
        } catch (ArithmeticException e) {
            return d; // a scale beyond an int: kept as written
        }
    }

    private static String write(JsonNode node, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = LENIENT.createGenerator(out)) {
            if (pretty) g.setPrettyPrinter(new DefaultPrettyPrinter());
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> f = it.next();
                    g.writeFieldName(f.getKey());
                    write(g, f.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode e : node) write(g, e);
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case NUMBER -> number(g, node);
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL -> g.writeNull();
            default -> throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " node");
        }
    }

    private static void number(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.numberType()) {
            case INT -> g.writeNumber(n.intValue());
            case LONG -> g.writeNumber(n.longValue());
            case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
            case FLOAT -> g.writeNumber(n.floatValue());
            case DOUBLE -> g.writeNumber(n.doubleValue());
            default -> g.writeNumber(n.decimalValue());
        }
    }
}
