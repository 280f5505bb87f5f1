package io.caracal.cli;

import io.caracal.core.error.InvalidInputException;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The CLI's YAML config file: top-level sections such as {@code database:} and {@code redis:}. */
final class ConfigFile {
    private ConfigFile() {
    }

    /** One section as a map; empty when the file or the section is absent (unless the file was named explicitly). */
    static Map<String, Object> section(Path file, String name, boolean required) {
        if (!Files.exists(file)) {
            if (required) {
                throw new InvalidInputException("config file not found: " + file);
            }
            return Map.of();
        }
        try (Reader reader = Files.newBufferedReader(file)) {
            Object root = new Yaml().load(reader);
            if (root == null) {
                return Map.of();
            }
            if (!(root instanceof Map<?, ?> map)) {
                throw new InvalidInputException("config file " + file + " must be a YAML mapping");
            }
            Object value = map.get(name);
            if (value == null) {
                return Map.of();
            }
            if (!(value instanceof Map<?, ?> section)) {
                throw new InvalidInputException("config file " + file + ": '" + name + "' must be a mapping");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) section;
            return typed;
        } catch (IOException | YAMLException e) {
            throw new InvalidInputException("cannot read config file " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }
}
