package io.caracal.core.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/configuration.md's table of environment variables says what the YAML of every process says: the same
 * variables, each with its default, for the same process, and no variable defined twice for one process.
 */
class ConfigurationDocsTest {
    private static final Path REPOSITORY = Path.of("..");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):([^}]*)}");
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z][A-Z0-9_]*)` \\| ([^|]*) \\| ([a-z]+) \\|", Pattern.MULTILINE);
    private static final Pattern FILE = Pattern.compile("application-([a-z]+)\\.yml");

    @Test
    void theTableMatchesTheYamlOfEveryProcess() throws IOException {
        Map<String, String> code = fromYaml();
        assertTrue(code.size() > 30, "read the YAML: " + code.keySet());
        assertEquals(code, fromDocs(), "variable@process -> default, in the YAML (expected) and in docs/configuration.md");
    }

    /** "VARIABLE@process" → default, from every process's application-*.yml; "all" for the shared services. */
    private static Map<String, String> fromYaml() throws IOException {
        Map<String, String> found = new TreeMap<>();
        List<String> twice = new ArrayList<>();
        try (Stream<Path> files = Files.walk(REPOSITORY, 6)) {
            for (Path file : files.filter(p -> p.toString().contains("/src/main/resources/")).toList()) {
                Matcher name = FILE.matcher(file.getFileName().toString());
                if (!name.matches()) {
                    continue;
                }
                String process = name.group(1).equals("services") ? "all" : name.group(1);
                Matcher placeholder = PLACEHOLDER.matcher(Files.readString(file));
                while (placeholder.find()) {
                    String key = placeholder.group(1) + "@" + process;
                    String previous = found.put(key, placeholder.group(2).isEmpty() ? "—" : placeholder.group(2));
                    if (previous != null) {
                        twice.add(key);
                    }
                }
            }
        }
        assertEquals(List.of(), twice, "variables defined more than once for one process");
        return found;
    }

    private static Map<String, String> fromDocs() throws IOException {
        String docs = Files.readString(REPOSITORY.resolve("docs/configuration.md"));
        String table = docs.substring(docs.indexOf("## Environment variables"), docs.indexOf("## Read directly by the code"));
        Map<String, String> rows = new TreeMap<>();
        Matcher row = ROW.matcher(table);
        while (row.find()) {
            rows.put(row.group(1) + "@" + row.group(3), row.group(2).trim());
        }
        return rows;
    }
}
