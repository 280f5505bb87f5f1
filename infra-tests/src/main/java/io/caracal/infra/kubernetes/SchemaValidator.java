package io.caracal.infra.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Validates Kubernetes objects against JSON schemas, as kubeconform does, offline: one standalone schema per kind
 * and API version, named as kubeconform names them ({@code deployment-apps-v1.json}, {@code service-v1.json},
 * {@code servicemonitor-monitoring-v1.json}), strict (an unknown field is an error). An object of a kind without a
 * schema is an error too, never skipped: a check that cannot run must not pass.
 */
public final class SchemaValidator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);

    /** Where the schemas come from: a file name to its content, or null when there is no such file. */
    private final Function<String, InputStream> schemas;
    private final Map<String, JsonSchema> loaded = new ConcurrentHashMap<>();

    public SchemaValidator(Function<String, InputStream> schemas) {
        this.schemas = schemas;
    }

    /** The schemas of a class path folder, for example "kubernetes-schemas". */
    public static SchemaValidator fromClasspath(String folder) {
        ClassLoader loader = SchemaValidator.class.getClassLoader();
        return new SchemaValidator(name -> loader.getResourceAsStream(folder + "/" + name));
    }

    /** kubeconform's file name of a kind's schema: {kind}-{group's first label}-{version}.json, lower case. */
    public static String schemaFile(String apiVersion, String kind) {
        String group = "";
        String version = apiVersion;
        int slash = apiVersion.indexOf('/');
        if (slash >= 0) {
            group = apiVersion.substring(0, slash);
            version = apiVersion.substring(slash + 1);
            int dot = group.indexOf('.');
            if (dot >= 0) {
                group = group.substring(0, dot);
            }
        }
        return (kind + (group.isEmpty() ? "" : "-" + group) + "-" + version).toLowerCase(Locale.ROOT) + ".json";
    }

    /** What is wrong with one object: empty when it is valid. */
    public List<String> validate(Manifest manifest) {
        List<String> problems = new ArrayList<>();
        if (manifest.apiVersion().isEmpty() || manifest.kind().isEmpty()) {
            problems.add(manifest.id() + ": no apiVersion or kind");
            return problems;
        }
        if (manifest.name().isEmpty()) {
            problems.add(manifest.id() + ": no metadata.name");
        }
        String file = schemaFile(manifest.apiVersion(), manifest.kind());
        JsonSchema schema;
        try {
            schema = loaded.computeIfAbsent(file, this::load);
        } catch (IllegalStateException missing) {
            problems.add(manifest.id() + ": " + missing.getMessage());
            return problems;
        }
        Set<ValidationMessage> messages = schema.validate(manifest.node());
        messages.stream().map(ValidationMessage::getMessage).collect(Collectors.toCollection(TreeSet::new))
                .forEach(message -> problems.add(manifest.id() + ": " + message));
        return problems;
    }

    /** What is wrong with every object of a stream. */
    public List<String> validate(List<Manifest> manifests) {
        return manifests.stream().flatMap(m -> validate(m).stream()).toList();
    }

    private JsonSchema load(String file) {
        try (InputStream in = schemas.apply(file)) {
            if (in == null) {
                throw new IllegalStateException("no schema " + file + " (add the kind to infra-tests/kubernetes-schemas/generate.cjs)");
            }
            JsonNode node = JSON.readTree(in);
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(false).build();
            return FACTORY.getSchema(node, config);
        } catch (IOException e) {
            throw new UncheckedIOException("schema " + file + ": " + e.getMessage(), e);
        }
    }
}
