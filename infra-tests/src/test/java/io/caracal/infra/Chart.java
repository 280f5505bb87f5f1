package io.caracal.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.caracal.infra.kubernetes.Manifest;
import io.caracal.infra.kubernetes.Manifests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * infra/helm/caracal through embedded Helm (helm-java: Helm's Go code as a native library, no helm binary, no
 * cluster): lint, and template with a values file and --set pairs, as `helm lint` and `helm template` do.
 */
final class Chart {
    static final String RELEASE = "caracal";
    static final String NAMESPACE = "caracal";
    /** The Kubernetes version templates render for: the schemas' (kubernetes-models 4.1.0, Kubernetes 1.24). */
    static final String KUBE_VERSION = "1.24.0";

    final Path dir;

    Chart(Path dir) {
        this.dir = dir;
    }

    Path valuesFile(String name) {
        return dir.resolve(name);
    }

    /** The manifests `helm template caracal infra/helm/caracal -n caracal [-f values] [--set k=v ...]` prints. */
    List<Manifest> template(Path values, Map<String, Object> set) {
        return Manifests.parse(render(values, set));
    }

    String render(Path values, Map<String, Object> set) {
        TemplateCommand command = new Helm(dir).template()
                .withName(RELEASE)
                .withNamespace(NAMESPACE)
                .withKubeVersion(KUBE_VERSION);
        if (values != null) {
            command = command.withValuesFile(values);
        }
        for (Map.Entry<String, Object> e : set.entrySet()) {
            command = command.set(e.getKey(), e.getValue());
        }
        return command.call();
    }

    /**
     * `helm lint --strict`, with a values file too: Helm's lint takes none through helm-java, so the chart is copied
     * with its values.yaml merged with the file (the file wins, maps merge deeply), as `helm lint -f` merges them.
     */
    LintResult lint(Path values) {
        if (values == null) {
            return new Helm(dir).lint().strict().call();
        }
        Path copy = null;
        try {
            copy = Files.createTempDirectory("caracal-chart-");
            Path target = copy.resolve(dir.getFileName());
            copyTree(dir, target);
            ObjectNode merged = (ObjectNode) Manifests.YAML.readTree(dir.resolve("values.yaml").toFile());
            merge(merged, Manifests.YAML.readTree(values.toFile()));
            Manifests.YAML.writeValue(target.resolve("values.yaml").toFile(), merged);
            return new Helm(target).lint().strict().call();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (copy != null) {
                deleteTree(copy);
            }
        }
    }

    static void merge(ObjectNode into, JsonNode from) {
        Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = into.get(field.getKey());
            if (existing instanceof ObjectNode object && field.getValue().isObject()) {
                merge(object, field.getValue());
            } else if (field.getValue().isNull()) {
                into.remove(field.getKey());
            } else {
                into.set(field.getKey(), field.getValue());
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it
        }
    }
}
