package io.caracal.infra.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/configuration.md, the one list of the environment variables Caracal's processes read: every deployment
 * description (the Helm chart, infra/k8s, docker-compose.v03.yml) must pass only names from it.
 */
public final class ConfigurationDoc {
    /** Read by the JVM itself, not by Caracal: any container may be given them. */
    public static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");
    /** A table row whose first cell is one variable: "| `DB_HOST` | ...". */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([A-Z0-9_]+)` \\|");

    private ConfigurationDoc() {
    }

    /** The variables of both tables (read through the configuration, and read directly by the code). */
    public static Set<String> variables(Path repository) {
        Path doc = repository.resolve("docs/configuration.md");
        Set<String> variables = new TreeSet<>();
        try {
            Matcher row = ROW.matcher(Files.readString(doc));
            while (row.find()) {
                variables.add(row.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(doc + ": " + e.getMessage(), e);
        }
        if (!variables.contains("DB_HOST") || !variables.contains("MERKLE_SIGNING_KEY_PATH")) {
            throw new IllegalStateException(doc + ": the table of environment variables was not found");
        }
        return variables;
    }

    /** Of the variables a description passes, those neither in docs/configuration.md nor read by the JVM. */
    public static Set<String> undocumented(Path repository, Collection<String> passed) {
        Set<String> documented = variables(repository);
        Set<String> out = new TreeSet<>(passed);
        out.removeIf(name -> documented.contains(name) || JVM_VARIABLES.contains(name));
        return out;
    }
}
