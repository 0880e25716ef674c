package org.crl4j.core.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON (RFC 8259) reader and writer.
 *
 * <p>Reading maps objects to {@link LinkedHashMap}{@code <String, Object>} (member order kept, duplicate keys
 * rejected), arrays to {@link List}, strings to {@link String}, {@code true}/{@code false} to {@link Boolean},
 * {@code null} to {@code null}, and numbers to {@link Long} when written without fraction or exponent and in range,
 * else to {@link Double}. Anything outside the grammar (comments, trailing commas, single quotes, NaN, leading
 * zeros, unescaped control characters, unpaired surrogate escapes) is an error.
 *
 * <p>Writing accepts the types above plus other {@link Number}s, {@link CharSequence}, {@link Collection},
 * object and primitive arrays and enums (as their name). Doubles are written with {@link Double#toString}, which
 * reads back to the identical double; floats are written in their short form when that reads back (through double)
 * to the identical float, otherwise as the exact double. NaN and infinities have no JSON form and are refused.
 * The compact form has no whitespace at all (as serde_json and {@code json.dumps(separators=(",", ":"))}), so a
 * header written here is byte-identical to one written by the safetensors reference implementation.
 */
public final class Json {
    /** Deepest nesting of arrays and objects accepted, so hostile input cannot overflow the stack. */
    public static final int MAX_DEPTH = 512;

    private Json() {
    }

    /** Parses one JSON value; only whitespace may surround it. */
    public static Object parse(String text) {
        return new Parser(text).document();
    }

    /** Parses a JSON text whose top-level value must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text) {
        Parser parser = new Parser(text);
        parser.skipWhitespace();
        if (parser.pos < text.length() && text.charAt(parser.pos) != '{') {
            throw parser.error("expected a JSON object ('{') at top level");
        }
        return (Map<String, Object>) parser.document();
    }

    /** Compact form: no spaces or newlines. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder();
        appendTo(out, value, false);
        return out.toString();
    }

    /** Pretty form: two-space indentation, one member or element per line, {@code "key": value}. */
    public static String writePretty(Object value) {
        StringBuilder out = new StringBuilder();
        appendTo(out, value, true);
        return out.toString();
    }

    /** Appends the JSON form of {@code value} to {@code out}. */
    public static void appendTo(StringBuilder out, Object value, boolean pretty) {
        new Writer(out, pretty).value(value, 0);
    }

    // ------------------------------------------------------------------------------------------------ reading

    private static final class Parser {
        private final String text;
        private int pos;
        private int depth;

        Parser(String text) {
            this.text = text;
        }

        Object document() {
            skipWhitespace();
            Object value = value();
            skipWhitespace();
            if (pos < text.length()) {
                throw error("expected end of input after the top-level value");
            }
            return value;
        }

        private Object value() {
            if (pos >= text.length()) {
                throw error("expected a value");
            }
            char c = text.charAt(pos);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    if (c == '-' || isDigit(c)) {
                        return number();
                    }
                    throw error("expected a value (object, array, string, number, true, false or null)");
            }
        }

        private Map<String, Object> object() {
            enter();
            pos++; // '{'
            Map<String, Object> members = new LinkedHashMap<>();
            skipWhitespace();
            if (peek() == '}') {
                pos++;
                depth--;
                return members;
            }
            while (true) {
                skipWhitespace();
                if (peek() != '"') {
                    throw error("expected a string key");
                }
                int keyPos = pos;
                String key = string();
                if (members.containsKey(key)) {
                    throw error(keyPos, "expected unique keys but found a duplicate key " + quoted(key));
                }
                skipWhitespace();
                if (peek() != ':') {
                    throw error("expected ':' after the object key");
                }
                pos++;
                skipWhitespace();
                members.put(key, value());
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == '}') {
                    pos++;
                    depth--;
                    return members;
                } else {
                    throw error("expected ',' or '}' after an object member");
                }
            }
        }

        private List<Object> array() {
            enter();
            pos++; // '['
            List<Object> elements = new ArrayList<>();
            skipWhitespace();
            if (peek() == ']') {
                pos++;
                depth--;
                return elements;
            }
            while (true) {
                skipWhitespace();
                elements.add(value());
                skipWhitespace();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    depth--;
                    return elements;
                } else {
                    throw error("expected ',' or ']' after an array element");
                }
            }
        }

        private String string() {
            pos++; // opening quote
            int start = pos;
            // Fast path: no escapes, the value is a plain substring.
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '"') {
                    return text.substring(start, pos++);
                }
                if (c == '\\' || c < 0x20) {
                    break;
                }
                pos++;
            }
            StringBuilder sb = new StringBuilder(pos - start + 16).append(text, start, pos);
            while (true) {
                if (pos >= text.length()) {
                    throw error("expected '\"' to close the string");
                }
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("expected a string character (control characters must be escaped)");
                }
                if (c != '\\') {
                    sb.append(c);
                    pos++;
                    continue;
                }
                int escapePos = pos;
                pos++;
                if (pos >= text.length()) {
                    throw error("expected an escape character after '\\'");
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case '"': sb.append('"'); break;
                    case '\\': sb.append('\\'); break;
                    case '/': sb.append('/'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'n': sb.append('\n'); break;
                    case 'r': sb.append('\r'); break;
                    case 't': sb.append('\t'); break;
                    case 'u': {
                        char unit = hex4();
                        if (Character.isHighSurrogate(unit)) {
                            if (!text.startsWith("\\u", pos)) {
                                throw error("expected a \\uDC00-\\uDFFF low surrogate escape after the high surrogate \\u"
                                        + hex(unit));
                            }
                            pos += 2;
                            int lowPos = pos - 2;
                            char low = hex4();
                            if (!Character.isLowSurrogate(low)) {
                                throw error(lowPos, "expected a \\uDC00-\\uDFFF low surrogate escape after the high "
                                        + "surrogate \\u" + hex(unit) + " but found \\u" + hex(low));
                            }
                            sb.append(unit).append(low);
                        } else if (Character.isLowSurrogate(unit)) {
                            throw error(escapePos, "expected a high surrogate before the low surrogate \\u" + hex(unit)
                                    + " (unpaired surrogate)");
                        } else {
                            sb.append(unit);
                        }
                        break;
                    }
                    default:
                        pos--;
                        throw error("expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX");
                }
            }
        }

        private char hex4() {
            int value = 0;
            for (int i = 0; i < 4; i++) {
                int digit = pos < text.length() ? Character.digit(text.charAt(pos), 16) : -1;
                if (digit < 0) {
                    throw error("expected 4 hex digits after \\u");
                }
                value = value * 16 + digit;
                pos++;
            }
            return (char) value;
        }

        private Object number() {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            char c = peek();
            if (c == '0') {
                pos++;
                if (isDigit(peek())) {
                    throw error("expected '.', 'e' or the end of the number after a leading 0 (leading zeros are "
                            + "not allowed)");
                }
            } else if (isDigit(c)) {
                skipDigits();
            } else {
                throw error("expected a digit");
            }
            boolean integral = true;
            if (peek() == '.') {
                pos++;
                integral = false;
                if (!isDigit(peek())) {
                    throw error("expected a digit after the decimal point");
                }
                skipDigits();
            }
            c = peek();
            if (c == 'e' || c == 'E') {
                pos++;
                integral = false;
                c = peek();
                if (c == '+' || c == '-') {
                    pos++;
                }
                if (!isDigit(peek())) {
                    throw error("expected a digit in the exponent");
                }
                skipDigits();
            }
            String literal = text.substring(start, pos);
            if (integral) {
                try {
                    return Long.parseLong(literal);
                } catch (NumberFormatException outOfLongRange) {
                    // Falls through: integers beyond ±2^63 become the nearest double.
                }
            }
            double value = Double.parseDouble(literal);
            if (Double.isInfinite(value)) {
                throw error(start, "expected a number within the range of a double but found " + literal);
            }
            return value;
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("expected a value (object, array, string, number, true, false or null)");
            }
            pos += word.length();
            return value;
        }

        private void enter() {
            if (++depth > MAX_DEPTH) {
                throw error("expected at most " + MAX_DEPTH + " levels of nesting");
            }
        }

        void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                    return;
                }
                pos++;
            }
        }

        private void skipDigits() {
            while (isDigit(peek())) {
                pos++;
            }
        }

        /** The current character, or NUL at end of input (NUL is never valid outside strings). */
        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        JsonException error(String expectation) {
            return error(pos, expectation);
        }

        private JsonException error(int at, String expectation) {
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at && i < text.length(); i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            String found = expectation.contains(" but found ") ? "" : " but found " + describe(at);
            return new JsonException("at line " + line + ", column " + (at - lineStart + 1)
                    + " (offset " + at + "): " + expectation + found, at);
        }

        private String describe(int at) {
            if (at >= text.length()) {
                return "end of input";
            }
            int cp = text.codePointAt(at);
            if (cp < 0x20 || cp == 0x7f || (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE)) {
                return String.format("U+%04X", cp);
            }
            return "'" + new String(Character.toChars(cp)) + "'";
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static String hex(char c) {
            return String.format("%04X", (int) c);
        }

        private static String quoted(String key) {
            return write(key);
        }
    }

    // ------------------------------------------------------------------------------------------------ writing

    private static final class Writer {
        private static final char[] HEX = "0123456789abcdef".toCharArray();

        private final StringBuilder out;
        private final boolean pretty;

        Writer(StringBuilder out, boolean pretty) {
            this.out = out;
            this.pretty = pretty;
        }

        void value(Object v, int level) {
            if (level > MAX_DEPTH) {
                throw new IllegalArgumentException("cannot write JSON nested deeper than " + MAX_DEPTH
                        + " levels (does a map or list contain itself?)");
            }
            if (v == null) {
                out.append("null");
            } else if (v instanceof CharSequence) {
                string((CharSequence) v);
            } else if (v instanceof Boolean) {
                out.append(((Boolean) v).booleanValue());
            } else if (v instanceof Double) {
                out.append(doubleText((Double) v));
            } else if (v instanceof Float) {
                out.append(floatText((Float) v));
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
                    || v instanceof BigInteger) {
                out.append(v);
            } else if (v instanceof BigDecimal) {
                out.append(((BigDecimal) v).toString()); // always a valid JSON number, e.g. 1E+3
            } else if (v instanceof Map) {
                object((Map<?, ?>) v, level);
            } else if (v instanceof Collection) {
                array(((Collection<?>) v).toArray(), level);
            } else if (v instanceof Object[]) {
                array((Object[]) v, level);
            } else if (v instanceof Enum) {
                string(((Enum<?>) v).name());
            } else if (v.getClass().isArray()) {
                primitiveArray(v, level);
            } else {
                throw new IllegalArgumentException("cannot write a " + v.getClass().getName() + " as JSON");
            }
        }

        private void object(Map<?, ?> map, int level) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof CharSequence)) {
                    throw new IllegalArgumentException("cannot write a JSON object key of type "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName()) + "; keys must be strings");
                }
                if (!first) {
                    out.append(',');
                }
                first = false;
                newline(level + 1);
                string((CharSequence) e.getKey());
                out.append(pretty ? ": " : ":");
                value(e.getValue(), level + 1);
            }
            newline(level);
            out.append('}');
        }

        private void array(Object[] elements, int level) {
            if (elements.length == 0) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < elements.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                newline(level + 1);
                value(elements[i], level + 1);
            }
            newline(level);
            out.append(']');
        }

        private void primitiveArray(Object array, int level) {
            int n = java.lang.reflect.Array.getLength(array);
            Object[] boxed = new Object[n];
            for (int i = 0; i < n; i++) {
                boxed[i] = java.lang.reflect.Array.get(array, i); // char[] elements become one-char strings
            }
            if (array instanceof char[]) {
                for (int i = 0; i < n; i++) {
                    boxed[i] = String.valueOf(boxed[i]);
                }
            }
            array(boxed, level);
        }

        private void newline(int level) {
            if (pretty) {
                out.append('\n');
                for (int i = 0; i < level; i++) {
                    out.append("  ");
                }
            }
        }

        private void string(CharSequence s) {
            out.append('"');
            int n = s.length();
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': out.append("\\\""); break;
                    case '\\': out.append("\\\\"); break;
                    case '\n': out.append("\\n"); break;
                    case '\r': out.append("\\r"); break;
                    case '\t': out.append("\\t"); break;
                    case '\b': out.append("\\b"); break;
                    case '\f': out.append("\\f"); break;
                    default:
                        if (c < 0x20) {
                            out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
                        } else if (Character.isSurrogate(c)) {
                            // A lone surrogate has no UTF-8 form; refuse rather than write text no reader accepts.
                            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                                out.append(c).append(s.charAt(++i));
                            } else {
                                throw new IllegalArgumentException("cannot write a JSON string with an unpaired "
                                        + "surrogate U+" + String.format("%04X", (int) c) + " at index " + i);
                            }
                        } else {
                            out.append(c);
                        }
                }
            }
            out.append('"');
        }
    }

    static String doubleText(double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException("cannot write " + d + " as JSON (it has no NaN or infinity); "
                    + "write null or a string instead");
        }
        return Double.toString(d); // shortest form that parses back to the same double; "1.0E-5" is valid JSON
    }

    static String floatText(float f) {
        if (!Float.isFinite(f)) {
            throw new IllegalArgumentException("cannot write " + f + " as JSON (it has no NaN or infinity); "
                    + "write null or a string instead");
        }
        String shortForm = Float.toString(f);
        // Readers parse to double and then narrow; keep the short form only if that path gives back f exactly.
        if (Float.floatToRawIntBits((float) Double.parseDouble(shortForm)) == Float.floatToRawIntBits(f)) {
            return shortForm;
        }
        return Double.toString(f);
    }
}
