package org.crl4j.rl.config;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads, checks and writes {@link RunConfig}s: the table of options is read off the records' components and their
 * {@link Field}s, so there is no second list to keep in step. Values come as a map from option key (or
 * {@code section.key}, or a section's own map, as a TOML/YAML/JSON file nests them) to a number, boolean or text (a
 * flag's text is parsed). Underscores in keys read as hyphens, so JaxGCRL's spellings ({@code critic_depth}) work in
 * files; everything crl4j writes uses the hyphen.
 */
public final class RunConfigs {
    private RunConfigs() {
    }

    /** One option: where it lives, its one spelling, type and {@link Field}. */
    public record Option(String section, String key, Class<?> type, Field field) {
        public boolean isSwitch() {
            return type == boolean.class;
        }

        /** The help line with its default and choices, as {@code train --help} prints it. */
        public String describe() {
            String d = field.value().isEmpty() ? "" : " (default " + field.value() + ")";
            String c = field.choices().length == 0 ? "" : " One of " + String.join(", ", field.choices()) + ".";
            return field.help() + c + d;
        }
    }

    private static final List<Option> OPTIONS = table();

    /** The source name of flags: errors then name the flag (--critic-depth) rather than a file's key. */
    public static final String COMMAND_LINE = "the command line";

    /** Every option, section by section, in declaration order. */
    public static List<Option> options() {
        return OPTIONS;
    }

    private static List<Option> table() {
        List<Option> out = new ArrayList<>();
        for (RecordComponent section : RunConfig.class.getRecordComponents()) {
            for (RecordComponent c : section.getType().getRecordComponents()) {
                Field f = c.getAnnotation(Field.class);
                if (f == null) {
                    throw new IllegalStateException(section.getType().getSimpleName() + "." + c.getName() + " has no @Field");
                }
                out.add(new Option(kebab(section.getName()), kebab(c.getName()), c.getType(), f));
            }
        }
        return Collections.unmodifiableList(out);
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The defaults. */
    public static RunConfig defaults() {
        return bind(Map.of(), "the defaults");
    }

    /**
     * A config from {@code values} over the defaults. Unknown keys, values of the wrong type and values out of range
     * fail with an {@link IllegalArgumentException} that names the key and {@code source} in one line.
     */
    public static RunConfig bind(Map<String, ?> values, String source) {
        return bind(List.of(new Layer(values, source)));
    }

    /**
     * What a saved run had for options whose default changed after it was written: its files do not name them (they
     * did not exist yet), so reading them with today's default would misdescribe the run.
     */
    static final Map<String, Object> BEFORE_THE_OPTION = Map.of("actor-init", "paper");

    /**
     * A saved run's config (its config.json tree or a checkpoint's options): as {@link #bind}, except that an option in
     * {@link #BEFORE_THE_OPTION} it does not name has the value runs had before the option existed, not today's default.
     */
    public static RunConfig bindSaved(Map<String, ?> values, String source) {
        return bind(List.of(new Layer(BEFORE_THE_OPTION, source), new Layer(values, source)));
    }

    /** Values from one place: a file, the command line, a saved run. */
    public record Layer(Map<String, ?> values, String source) {
    }

    /**
     * A config from layers of values over the defaults, later layers overriding earlier ones (a file, then flags);
     * an error names the key and the layer its value came from.
     */
    public static RunConfig bind(List<Layer> layers) {
        Map<String, Object> flat = new LinkedHashMap<>();
        Map<String, String> sourceOf = new LinkedHashMap<>();
        for (Layer layer : layers) {
            Map<String, Object> one = new LinkedHashMap<>();
            flatten(layer.values(), "", one, layer.source());
            flat.putAll(one);
            one.keySet().forEach(k -> sourceOf.put(k, layer.source()));
        }
        Map<String, Option> byKey = byKey();
        List<Object> sections = new ArrayList<>();
        for (RecordComponent section : RunConfig.class.getRecordComponents()) {
            List<Object> args = new ArrayList<>();
            for (RecordComponent c : section.getType().getRecordComponents()) {
                Option o = byKey.get(kebab(c.getName()));
                boolean given = flat.containsKey(o.key());
                args.add(convert(o, given ? flat.get(o.key()) : o.field().value(),
                        given ? sourceOf.get(o.key()) : "the defaults"));
            }
            sections.add(construct(section.getType(), args));
        }
        return (RunConfig) construct(RunConfig.class, sections);
    }

    /** {@code config} with some options changed (same rules as {@link #bind}). */
    public static RunConfig with(RunConfig config, Map<String, ?> changes, String source) {
        Map<String, Object> values = new LinkedHashMap<>(toFlatMap(config));
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten(changes, "", flat, source);
        values.putAll(flat);
        return bind(values, source);
    }

    private static void flatten(Map<String, ?> in, String section, Map<String, Object> out, String source) {
        for (Map.Entry<String, ?> e : in.entrySet()) {
            String key = String.valueOf(e.getKey()).strip().replace('_', '-');
            int dot = key.lastIndexOf('.');
            if (dot >= 0) { // "networks.critic-depth"
                key = key.substring(dot + 1);
            }
            Object v = e.getValue();
            if (!(v instanceof Map<?, ?>) && !byKey().containsKey(key)) {
                throw new IllegalArgumentException("unknown config key '" + e.getKey() + "' in " + source
                        + "; known keys: " + String.join(", ", new TreeSet<>(byKey().keySet())));
            }
            if (v instanceof Map<?, ?> m) {
                if (!section.isEmpty() || OPTIONS.stream().noneMatch(o -> o.section().equals(kebab(String.valueOf(e.getKey()))))) {
                    throw new IllegalArgumentException("unknown config section '" + e.getKey() + "' in " + source
                            + "; sections: " + String.join(", ", sections()));
                }
                @SuppressWarnings("unchecked")
                Map<String, ?> inner = (Map<String, ?>) m;
                flatten(inner, key, out, source);
                continue;
            }
            if (v instanceof List<?>) {
                throw new IllegalArgumentException("config key '" + key + "' in " + source + " must be a single value, not a list");
            }
            if (out.containsKey(key)) {
                throw new IllegalArgumentException("config key '" + key + "' is given twice in " + source);
            }
            out.put(key, v);
        }
    }

    private static Map<String, Option> byKey() {
        Map<String, Option> byKey = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            byKey.put(o.key(), o);
        }
        return byKey;
    }

    private static List<String> sections() {
        return OPTIONS.stream().map(Option::section).distinct().toList();
    }

    private static Object construct(Class<?> type, List<Object> args) {
        RecordComponent[] rc = type.getRecordComponents();
        Class<?>[] types = new Class<?>[rc.length];
        for (int i = 0; i < rc.length; i++) {
            types[i] = rc[i].getType();
        }
        try {
            Constructor<?> k = type.getDeclaredConstructor(types);
            return k.newInstance(args.toArray());
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object convert(Option o, Object raw, String source) {
        String where = source.equals(COMMAND_LINE) ? "--" + o.key() : "config key '" + o.key() + "' in " + source;
        Class<?> t = o.type();
        Object v;
        try {
            if (t == String.class) {
                v = raw == null ? "" : String.valueOf(raw).strip();
                if (o.field().choices().length > 0 && !List.of(o.field().choices()).contains(v)) {
                    throw new IllegalArgumentException(where + " is '" + v + "'; use one of "
                            + String.join(", ", o.field().choices()));
                }
                return v;
            }
            if (t == boolean.class) {
                if (raw instanceof Boolean b) {
                    return b;
                }
                String s = String.valueOf(raw).strip().toLowerCase(Locale.ROOT);
                if (!s.equals("true") && !s.equals("false")) {
                    throw new IllegalArgumentException(where + " must be true or false, got '" + raw + "'");
                }
                return Boolean.parseBoolean(s);
            }
            double d;
            if (raw instanceof Number n) {
                d = n.doubleValue();
                if ((t == int.class || t == long.class) && (d != Math.rint(d) || raw instanceof Double && Double.isInfinite(d))) {
                    throw new IllegalArgumentException(where + " must be a whole number, got " + raw);
                }
                v = t == int.class ? (Object) n.intValue() : t == long.class ? (Object) n.longValue() : (Object) d;
                if (t == int.class && (d > Integer.MAX_VALUE || d < Integer.MIN_VALUE)) {
                    throw new IllegalArgumentException(where + " is too large: " + raw);
                }
            } else {
                String s = String.valueOf(raw).strip().replace("_", "");
                if (t == int.class) {
                    v = Integer.parseInt(s);
                    d = (Integer) v;
                } else if (t == long.class) {
                    v = Long.parseLong(s);
                    d = (Long) v;
                } else {
                    d = Double.parseDouble(s);
                    v = d;
                }
            }
            if (!(d >= o.field().min() && d <= o.field().max())) {
                throw new IllegalArgumentException(where + " is " + raw + "; it must be " + range(o.field()));
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " must be " + (t == double.class ? "a number" : "a whole number")
                    + ", got '" + raw + "'");
        }
    }

    private static String range(Field f) {
        String lo = fmt(f.min());
        String hi = fmt(f.max());
        return Double.isInfinite(f.max()) ? "at least " + lo : Double.isInfinite(f.min()) ? "at most " + hi
                : "between " + lo + " and " + hi;
    }

    private static String fmt(double x) {
        return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
    }

    /** For a section's constructor: a one-line error naming the key when {@code ok} is false. */
    static void require(boolean ok, String key, Object got, String rule) {
        if (!ok) {
            throw new IllegalArgumentException("config key '" + key + "' is " + got + "; it " + rule);
        }
    }

    /** Every option's value, keyed by its key, in table order. */
    public static Map<String, Object> toFlatMap(RunConfig config) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            for (RecordComponent section : RunConfig.class.getRecordComponents()) {
                Object s = section.getAccessor().invoke(config);
                for (RecordComponent c : section.getType().getRecordComponents()) {
                    out.put(kebab(c.getName()), c.getAccessor().invoke(s));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Sections of options, as a JSON or TOML file nests them. */
    public static Map<String, Map<String, Object>> toMap(RunConfig config) {
        Map<String, Object> flat = toFlatMap(config);
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (Option o : OPTIONS) {
            out.computeIfAbsent(o.section(), k -> new LinkedHashMap<>()).put(o.key(), flat.get(o.key()));
        }
        return out;
    }

    /** The config as TOML with a comment per option (its help), re-usable with {@code train --config}. */
    public static String toToml(RunConfig config, String heading) {
        Map<String, Object> flat = toFlatMap(config);
        StringBuilder sb = new StringBuilder();
        for (String line : heading.split("\n")) {
            sb.append("# ").append(line).append('\n');
        }
        String section = null;
        for (Option o : OPTIONS) {
            if (!o.section().equals(section)) {
                section = o.section();
                sb.append('\n').append('[').append(section).append("]\n");
            }
            sb.append(o.key()).append(" = ").append(tomlValue(flat.get(o.key()))).append("  # ")
                    .append(o.describe()).append('\n');
        }
        return sb.toString();
    }

    static String tomlValue(Object v) {
        if (v instanceof String s) {
            StringBuilder q = new StringBuilder("\"");
            for (char ch : s.toCharArray()) {
                switch (ch) {
                    case '"' -> q.append("\\\"");
                    case '\\' -> q.append("\\\\");
                    case '\n' -> q.append("\\n");
                    case '\t' -> q.append("\\t");
                    default -> {
                        if (ch < 0x20) {
                            q.append(String.format("\\u%04x", (int) ch));
                        } else {
                            q.append(ch);
                        }
                    }
                }
            }
            return q.append('"').toString();
        }
        if (v instanceof Double d) {
            String s = Double.toString(d);
            return s; // Java's shortest round-trip form is valid TOML (1.0E-4 → TOML accepts 1.0E-4)
        }
        return String.valueOf(v);
    }

    /** The options as a Markdown table (docs/configuration.md). */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| section | key (flag: --key) | default | meaning |\n|---|---|---|---|\n");
        for (Option o : OPTIONS) {
            String c = o.field().choices().length == 0 ? "" : " One of " + String.join(", ", o.field().choices()) + ".";
            sb.append("| ").append(o.section()).append(" | `").append(o.key()).append("` | ")
                    .append(o.field().value().isEmpty() ? "(derived)" : "`" + o.field().value() + "`").append(" | ")
                    .append(o.field().help()).append(c).append(" |\n");
        }
        return sb.toString();
    }
}
