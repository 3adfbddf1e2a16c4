package tally.importers;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson's parse errors in a skip's plain words: where on the line, and what, without the parser's
 * feature names, character codes and source notes (which name nothing a user can act on).
 */
public final class JsonErrors {
    private static final Pattern NON_NUMBER = Pattern.compile("Non-standard token '([^']*)'.*");
    private static final Pattern CHARACTER = Pattern.compile("\\('(.+?)' \\(code \\d+\\)\\)");
    private static final Pattern CONTROL = Pattern.compile("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)");
    private static final Pattern END = Pattern.compile("Unexpected end-of-input.*?(Object|Array|field name|String|VALUE_STRING).*");

    private JsonErrors() {}

    /** "not valid JSON at column 40: NaN is not a number". */
    public static String plain(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getColumnNr() < 1 ? "" : " at column " + at.getColumnNr();
        return "not valid JSON" + where + ": " + what(e.getOriginalMessage());
    }

    static String what(String message) {
        if (message == null || message.isBlank()) return "unreadable";
        String m = message.strip();
        int nl = m.indexOf('\n');
        if (nl >= 0) m = m.substring(0, nl);
        Matcher n = NON_NUMBER.matcher(m);
        if (n.matches()) return n.group(1) + " is not a number";
        Matcher end = END.matcher(m);
        if (end.matches()) {
            String open = switch (end.group(1)) {
                case "Object" -> "an object";
                case "Array" -> "an array";
                case "field name" -> "a field name";
                default -> "a string";
            };
            return "cut off inside " + open;
        }
        if (m.startsWith("Unexpected end-of-input")) return "cut off";
        m = cut(cut(m, " (start marker at"), ": enable `");
        m = CHARACTER.matcher(m).replaceAll("'$1'");
        m = CONTROL.matcher(m).replaceAll("(control character $1)");
        return Character.toLowerCase(m.charAt(0)) + m.substring(1);
    }

    private static String cut(String m, String from) {
        int i = m.indexOf(from);
        return i < 0 ? m : m.substring(0, i);
    }
}
