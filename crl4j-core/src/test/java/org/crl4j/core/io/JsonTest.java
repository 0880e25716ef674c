package org.crl4j.core.io;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void numbersAreLongWhenIntegralAndDoubleOtherwise() {
        assertThat(Json.parse("0")).isEqualTo(0L);
        assertThat(Json.parse("-0")).isEqualTo(0L);
        assertThat(Json.parse("-42")).isEqualTo(-42L);
        assertThat(Json.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(Json.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(Json.parse("1.0")).isEqualTo(1.0);
        assertThat(Json.parse("1e2")).isEqualTo(100.0);
        assertThat(Json.parse("1E+2")).isEqualTo(100.0);
        assertThat(Json.parse("-2.5e-3")).isEqualTo(-0.0025);
        assertThat(Json.parse("-0.0")).isEqualTo(-0.0);
        // Beyond the long range an integer becomes the nearest double rather than failing.
        assertThat(Json.parse("18446744073709551616")).isEqualTo(1.8446744073709552E19);
    }

    @Test
    void parsesLiteralsContainersAndKeepsMemberOrder() {
        Object v = Json.parse(" {\"z\": [true, false, null, {}], \"a\": {\"k\": []}, \"m\": \"x\"} ");
        assertThat(v).isInstanceOf(LinkedHashMap.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) v;
        assertThat(map.keySet()).containsExactly("z", "a", "m");
        assertThat(map.get("z")).isEqualTo(java.util.Arrays.asList(true, false, null, Map.of()));
        assertThat(map.get("a")).isEqualTo(Map.of("k", List.of()));
        assertThat(Json.parse("null")).isNull();
    }

    @Test
    void decodesEveryEscapeAndSurrogatePairs() {
        assertThat(Json.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"")).isEqualTo("\" \\ / \b \f \n \r \t");
        assertThat(Json.parse("\"caf\\u00e9 \\u00E9\"")).isEqualTo("café é");
        assertThat(Json.parse("\"\\ud83d\\ude00\"")).isEqualTo("😀");
        assertThat(Json.parse("\"raw 😀 ünïcode\"")).isEqualTo("raw 😀 ünïcode");
        assertThat(Json.parse("\"\\u0000\"")).isEqualTo("\0");
    }

    @Test
    void compactAndPrettyFormsAreExact() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("n", 1L);
        inner.put("list", List.of(1.5, "s", true));
        inner.put("empty", List.of());
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("a", inner);
        doc.put("b", null);
        doc.put("o", Map.of());
        assertThat(Json.write(doc))
                .isEqualTo("{\"a\":{\"n\":1,\"list\":[1.5,\"s\",true],\"empty\":[]},\"b\":null,\"o\":{}}");
        assertThat(Json.writePretty(doc)).isEqualTo(String.join("\n",
                "{",
                "  \"a\": {",
                "    \"n\": 1,",
                "    \"list\": [",
                "      1.5,",
                "      \"s\",",
                "      true",
                "    ],",
                "    \"empty\": []",
                "  },",
                "  \"b\": null,",
                "  \"o\": {}",
                "}"));
        assertThat(Json.parse(Json.write(doc))).isEqualTo(doc);
        assertThat(Json.parse(Json.writePretty(doc))).isEqualTo(doc);
    }

    @Test
    void writesOtherJavaTypes() {
        assertThat(Json.write(new float[] {1.5f, -0.0f})).isEqualTo("[1.5,-0.0]");
        assertThat(Json.write(new int[] {1, 2})).isEqualTo("[1,2]");
        assertThat(Json.write(new long[] {})).isEqualTo("[]");
        assertThat(Json.write(new Object[] {"a", 1})).isEqualTo("[\"a\",1]");
        assertThat(Json.write(java.util.Set.of(3))).isEqualTo("[3]");
        assertThat(Json.write(DType.F32)).isEqualTo("\"F32\"");
        assertThat(Json.write(new StringBuilder("sb"))).isEqualTo("\"sb\"");
        assertThat(Json.write(1e-5)).isEqualTo("1.0E-5"); // valid JSON exponent form
        assertThat(Json.parse("1.0E-5")).isEqualTo(1e-5);
    }

    @Test
    void escapesWhatJsonRequiresAndNothingElse() {
        assertThat(Json.write("q\" b\\ n\n t\t \u0001 \u001f / é 😀"))
                .isEqualTo("\"q\\\" b\\\\ n\\n t\\t \\u0001 \\u001f / é 😀\"");
        String all = new String(new char[] {0, 8, 12, 10, 13, 9, 0x1f, 0x7f, 'x'});
        assertThat(Json.parse(Json.write(all))).isEqualTo(all);
    }

    @Test
    void doublesRoundTripExactly() {
        SplittableRandom random = new SplittableRandom(1);
        double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, Double.MIN_NORMAL,
            0.1, 1.0 / 3, 1e23, 9007199254740993.0, 123456789.0, 1e-300};
        for (double d : special) {
            assertRoundTrip(d);
        }
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(random.nextLong());
            if (Double.isFinite(d)) {
                assertRoundTrip(d);
            }
        }
    }

    private static void assertRoundTrip(double d) {
        Object back = Json.parse(Json.write(List.of(d)));
        assertThat(Double.doubleToRawLongBits((Double) ((List<?>) back).get(0)))
                .as("%s", d).isEqualTo(Double.doubleToRawLongBits(d));
    }

    @Test
    void floatsRoundTripExactlyThroughDouble() {
        SplittableRandom random = new SplittableRandom(2);
        float[] special = {0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.MIN_NORMAL, 0.1f, 1f / 3, 16777217f,
            3.4028235e38f, 1.17549435E-38f};
        for (float f : special) {
            assertFloatRoundTrip(f);
        }
        for (int i = 0; i < 50_000; i++) {
            float f = Float.intBitsToFloat(random.nextInt());
            if (Float.isFinite(f)) {
                assertFloatRoundTrip(f);
            }
        }
        assertThat(Json.write(0.1f)).isEqualTo("0.1"); // short form where it is exact
    }

    private static void assertFloatRoundTrip(float f) {
        Number back = (Number) Json.parse(Json.write(f));
        assertThat(Float.floatToRawIntBits(back.floatValue())).as("%s", f).isEqualTo(Float.floatToRawIntBits(f));
    }

    @Test
    void writerRefusesWhatJsonCannotHold() {
        assertThatThrownBy(() -> Json.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN");
        assertThatThrownBy(() -> Json.write(Float.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Infinity");
        assertThatThrownBy(() -> Json.write("a\ud800b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate U+D800 at index 1");
        assertThatThrownBy(() -> Json.write(Map.of(1, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keys must be strings");
        assertThatThrownBy(() -> Json.write(new Object())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Object");
        List<Object> cyclic = new java.util.ArrayList<>();
        cyclic.add(cyclic);
        assertThatThrownBy(() -> Json.write(cyclic)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("contain itself");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``                 | line 1, column 1 (offset 0): expected a value but found end of input",
        "`  `               | line 1, column 3 (offset 2): expected a value but found end of input",
        "{\"a\":1,}         | line 1, column 8 (offset 7): expected a string key but found '}'",
        "[1,2,]             | line 1, column 6 (offset 5): expected a value (object, array, string, number, true, false or null) but found ']'",
        "{\"a\" 1}          | line 1, column 6 (offset 5): expected ':' after the object key but found '1'",
        "{\"a\":1 \"b\":2}  | line 1, column 8 (offset 7): expected ',' or '}' after an object member but found '\"'",
        "[1 2]              | line 1, column 4 (offset 3): expected ',' or ']' after an array element but found '2'",
        "{'a':1}            | line 1, column 2 (offset 1): expected a string key but found '''",
        "{\"a\":1,\"a\":2}  | line 1, column 8 (offset 7): expected unique keys but found a duplicate key \"a\"",
        "01                 | line 1, column 2 (offset 1): expected '.', 'e' or the end of the number after a leading 0",
        "-                  | line 1, column 2 (offset 1): expected a digit but found end of input",
        "1.                 | line 1, column 3 (offset 2): expected a digit after the decimal point",
        ".5                 | line 1, column 1 (offset 0): expected a value",
        "1e                 | line 1, column 3 (offset 2): expected a digit in the exponent",
        "+1                 | line 1, column 1 (offset 0): expected a value",
        "1e999              | line 1, column 1 (offset 0): expected a number within the range of a double but found 1e999",
        "NaN                | line 1, column 1 (offset 0): expected a value (object, array, string, number, true, false or null) but found 'N'",
        "tru                | line 1, column 1 (offset 0): expected a value",
        "nulls              | line 1, column 5 (offset 4): expected end of input after the top-level value but found 's'",
        "{} {}              | line 1, column 4 (offset 3): expected end of input after the top-level value but found '{'",
        "\"abc              | line 1, column 5 (offset 4): expected '\"' to close the string but found end of input",
        "\"a\\x\"           | line 1, column 4 (offset 3): expected one of",
        "\"\\u12G4\"        | line 1, column 6 (offset 5): expected 4 hex digits after \\u but found 'G'",
        "\"\\ud83d\"        | line 1, column 8 (offset 7): expected a \\uDC00-\\uDFFF low surrogate escape after the high surrogate \\uD83D but found '\"'",
        "\"\\ud83d\\u0041\" | line 1, column 8 (offset 7): expected a \\uDC00-\\uDFFF low surrogate escape after the high surrogate \\uD83D but found \\u0041",
        "\"\\ude00\"        | line 1, column 2 (offset 1): expected a high surrogate before the low surrogate \\uDE00 (unpaired surrogate)",
        "// c\\n1           | line 1, column 1 (offset 0): expected a value",
    })
    void errorsNameThePositionAndTheExpectation(String input, String expected) {
        String text = input.replace("\\n", "\n");
        assertThatThrownBy(() -> Json.parse(text))
                .isInstanceOf(JsonException.class)
                .hasMessageStartingWith("invalid JSON at " + expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void rawControlCharacterInStringIsReportedAsCodePoint() {
        assertThatThrownBy(() -> Json.parse("[\"a\nb\"]"))
                .hasMessage("invalid JSON at line 1, column 4 (offset 3): expected a string character (control "
                        + "characters must be escaped) but found U+000A");
    }

    @Test
    void positionCountsLinesAndColumns() {
        JsonException e = (JsonException) org.assertj.core.api.Assertions.catchThrowable(
                () -> Json.parse("{\n  \"a\": 1,\n  \"b\": tru\n}"));
        assertThat(e.getMessage()).startsWith("invalid JSON at line 3, column 8 (offset 19): expected a value");
        assertThat(e.offset()).isEqualTo(19);
        assertThat(e.detail()).startsWith("at line 3, column 8");
    }

    @Test
    void nestingIsBounded() {
        String deepOk = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        assertThat(Json.parse(deepOk)).isInstanceOf(List.class);
        String tooDeep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertThatThrownBy(() -> Json.parse(tooDeep)).hasMessageContaining("expected at most 512 levels of nesting");
    }

    @Test
    void parseObjectRequiresAnObject() {
        assertThat(Json.parseObject(" {\"a\": 1} ")).containsEntry("a", 1L);
        assertThatThrownBy(() -> Json.parseObject("[1]"))
                .hasMessage("invalid JSON at line 1, column 1 (offset 0): expected a JSON object ('{') at top level "
                        + "but found '['");
    }

    @Test
    void metricsLineRoundTrip() {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", 1200L);
        line.put("loss", 0.6931471805599453);
        line.put("lr", 3e-4f);
        line.put("sizes", Arrays.asList(256L, 256L));
        String text = Json.write(line);
        assertThat(text).isEqualTo("{\"step\":1200,\"loss\":0.6931471805599453,\"lr\":3.0E-4,\"sizes\":[256,256]}");
        Map<String, Object> back = Json.parseObject(text);
        assertThat(((Number) back.get("lr")).floatValue()).isEqualTo(3e-4f);
        assertThat(back.get("loss")).isEqualTo(0.6931471805599453);
    }
}
