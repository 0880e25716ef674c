package org.crl4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * A run configuration file (TOML, YAML or JSON) read into the nested map {@link org.crl4j.rl.config.RunConfigs#bind}
 * takes: Jackson parses the syntax; the options table checks keys, types and ranges.
 */
final class ConfigFile {
    private ConfigFile() {
    }

    static Map<String, Object> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = name.endsWith(".toml") ? new TomlMapper()
                : name.endsWith(".yaml") || name.endsWith(".yml") ? new YAMLMapper()
                : name.endsWith(".json") ? new ObjectMapper() : null;
        if (mapper == null) {
            throw new IllegalArgumentException("config file " + file + " must end in .toml, .yaml, .yml or .json");
        }
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = mapper.readValue(Files.readString(file), Map.class);
            return map == null ? Map.of() : map;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new IllegalArgumentException("config file " + file + " is malformed" + where + ": "
                    + e.getOriginalMessage().replace('\n', ' '));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
        }
    }
}
