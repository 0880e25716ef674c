package org.crl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A run configuration file (TOML, YAML or JSON) as command-line options: every key is a flag of the command
 * ({@code critic_depth = 16} or {@code critic-depth: 16} means {@code --critic-depth 16}); the file's options
 * come first, so flags given on the command line override them.
 */
final class ConfigFile {
    private ConfigFile() {
    }

    static List<String> toArgs(Path file, CommandSpec command) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".toml") ? new TomlMapper()
                : name.endsWith(".yaml") || name.endsWith(".yml") ? new YAMLMapper()
                : name.endsWith(".json") ? new ObjectMapper() : null;
        if (mapper == null) {
            throw new IllegalArgumentException("config file " + file + " must end in .toml, .yaml, .yml or .json");
        }
        Map<?, ?> map;
        try {
            map = mapper.readValue(Files.readString(file), Map.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new IllegalArgumentException("config file " + file + " is malformed" + where + ": "
                    + e.getOriginalMessage().replace('\n', ' '));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
        }
        List<String> args = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            String flag = "--" + key.replace('_', '-');
            OptionSpec opt = command.findOption(flag);
            if (opt == null || flag.equals("--config")) {
                TreeSet<String> known = new TreeSet<>();
                for (OptionSpec o : command.options()) {
                    if (!o.usageHelp() && !o.versionHelp() && !o.longestName().equals("--config")) {
                        known.add(o.longestName().substring(2).replace('-', '_'));
                    }
                }
                throw new IllegalArgumentException("unknown config key '" + key + "' in " + file + "; known keys: "
                        + String.join(", ", known));
            }
            Object v = e.getValue();
            if (v instanceof Map || v instanceof List) {
                throw new IllegalArgumentException("config key '" + key + "' in " + file
                        + " must be a single value (tables and lists are not used)");
            }
            if (opt.arity().max() == 0) { // a switch
                if (!(v instanceof Boolean b)) {
                    throw new IllegalArgumentException("config key '" + key + "' in " + file + " must be true or false");
                }
                if (b) {
                    args.add(flag);
                }
            } else {
                args.add(flag);
                args.add(String.valueOf(v));
            }
        }
        return args;
    }
}
