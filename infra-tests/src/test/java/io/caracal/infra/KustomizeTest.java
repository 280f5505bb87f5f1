package io.caracal.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.infra.docs.ConfigurationDoc;
import io.caracal.infra.kubernetes.Hardening;
import io.caracal.infra.kubernetes.Manifest;
import io.caracal.infra.kubernetes.SchemaValidator;
import io.caracal.infra.kubernetes.SecretReferences;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.caracal.infra.Workloads.caracalEnv;
import static io.caracal.infra.Workloads.container;
import static io.caracal.infra.Workloads.env;
import static io.caracal.infra.Workloads.find;
import static io.caracal.infra.Workloads.ports;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * infra/k8s, the plain manifests for `kubectl apply -k`, as `kubectl kustomize` renders them: infra/k8s (the workloads)
 * and infra/k8s/dev (with PostgreSQL, Redis and Kafka). Every object is valid against the Kubernetes JSON schemas the
 * Helm chart's renders are checked with, keeps the same hardening and secrets-by-reference rules, passes only
 * documented variables, and is what the chart renders for the same settings.
 */
class KustomizeTest {
    /** The kustomizations under infra/k8s, each rendered. */
    static final List<String> DIRS = List.of("infra/k8s", "infra/k8s/dev");

    static Path repo;
    static SchemaValidator validator;
    static final Map<String, List<Manifest>> renders = new LinkedHashMap<>();

    @BeforeAll
    static void render() {
        repo = Path.of(System.getProperty("caracal.root", "..")).toAbsolutePath().normalize();
        validator = SchemaValidator.fromClasspath("kubernetes-schemas");
        for (String dir : DIRS) {
            renders.put(dir, new Kustomization(repo.resolve(dir)).render());
        }
    }

    @ParameterizedTest(name = "every object of kubectl kustomize {0} is valid")
    @ValueSource(strings = {"infra/k8s", "infra/k8s/dev"})
    void everyRenderedObjectMatchesItsKubernetesSchema(String dir) {
        List<Manifest> manifests = renders.get(dir);
        List<String> problems = validator.validate(manifests);
        assertTrue(problems.isEmpty(), dir + ": " + problems.size() + " problem(s):\n" + String.join("\n", problems));
        Set<String> names = new TreeSet<>();
        for (Manifest m : manifests) {
            assertTrue(names.add(m.kind() + "/" + m.name()), dir + ": " + m.kind() + "/" + m.name() + " rendered twice");
            assertTrue(m.at("/metadata/namespace").isMissingNode(), m.id() + " names a namespace: -n or an overlay chooses it");
            assertEquals("caracal", m.at("/metadata/labels/app.kubernetes.io~1instance").asText(), m.id() + " is not labelled as Caracal's");
        }
    }

    @Test
    void theWorkloadsAreTheGatewayTheConsumersAndTheMcpAdapter() {
        Set<String> objects = renders.get("infra/k8s").stream().map(m -> m.kind() + "/" + m.name()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("ConfigMap/caracal-config", "ConfigMap/caracal-mcp-adapter",
                "Deployment/caracal-gateway", "Service/caracal-gateway", "Service/caracal-gateway-metrics",
                "Deployment/caracal-ledger-writer", "Service/caracal-ledger-writer", "Deployment/caracal-metrics-aggregator",
                "Service/caracal-metrics-aggregator", "Deployment/caracal-audit-logger", "Service/caracal-audit-logger",
                "Deployment/caracal-mcp-adapter", "Service/caracal-mcp-adapter")), objects);

        Set<String> dev = renders.get("infra/k8s/dev").stream().map(m -> m.kind() + "/" + m.name()).collect(Collectors.toSet());
        assertTrue(dev.containsAll(objects), "infra/k8s/dev leaves out some of infra/k8s");
        for (String bundled : List.of("caracal-postgres", "caracal-redis", "caracal-kafka")) {
            assertTrue(dev.contains("StatefulSet/" + bundled) && dev.contains("Service/" + bundled), "infra/k8s/dev has no " + bundled);
        }
        // What the base's ConfigMap connects to is what dev bundles.
        Manifest config = find(renders.get("infra/k8s"), "ConfigMap", "caracal-config");
        assertTrue(dev.contains("Service/" + config.at("/data/DB_HOST").asText()));
        assertTrue(dev.contains("Service/" + config.at("/data/REDIS_HOST").asText()));
        assertTrue(dev.contains("Service/" + config.at("/data/KAFKA_BOOTSTRAP_SERVERS").asText().replace(":9092", "")));
    }

    @Test
    void everyServiceReachesAPortOfItsPods() {
        for (String dir : DIRS) {
            List<Manifest> manifests = renders.get(dir);
            for (Manifest service : manifests.stream().filter(m -> m.kind().equals("Service")).toList()) {
                List<Manifest> selected = manifests.stream().filter(m -> m.podSpec().isPresent() && selects(service, m)).toList();
                assertFalse(selected.isEmpty(), service.id() + " selects no pods");
                for (JsonNode port : service.at("/spec/ports")) {
                    String target = port.path("targetPort").asText();
                    for (Manifest workload : selected) {
                        boolean named = workload.containers().stream().anyMatch(c -> ports(c).containsKey(target));
                        assertTrue(named, service.id() + ": no port " + target + " in " + workload.id());
                    }
                }
            }
        }
    }

    @Test
    void everyContainerRunsAsNonRootOnAReadOnlyRootAndReadsSecretsByReference() {
        for (String dir : DIRS) {
            List<String> problems = new ArrayList<>(Hardening.problems(renders.get(dir)));
            problems.addAll(SecretReferences.problems(renders.get(dir)));
            assertTrue(problems.isEmpty(), dir + ":\n" + String.join("\n", problems));
        }
        Map<String, JsonNode> gateway = env(container(find(renders.get("infra/k8s"), "Deployment", "caracal-gateway"), "gateway"));
        assertEquals("caracal-secrets", gateway.get("DB_PASSWORD").at("/valueFrom/secretKeyRef/name").asText());
        assertFalse(gateway.get("DB_PASSWORD").at("/valueFrom/secretKeyRef/optional").asBoolean(), "the database password may be missing");
        Manifest ledger = find(renders.get("infra/k8s"), "Deployment", "caracal-ledger-writer");
        List<String> secretVolumes = new ArrayList<>();
        ledger.at("/spec/template/spec/volumes").forEach(v -> secretVolumes.add(v.at("/secret/secretName").asText()));
        assertTrue(secretVolumes.contains("caracal-merkle-keys"), "the ledger writer does not mount the signing key: " + secretVolumes);
        assertTrue(env(container(ledger, "ledger")).get("MERKLE_SIGNING_KEY_PATH").path("value").asText().startsWith("/etc/caracal/merkle/"));
    }

    @Test
    void everyCaracalContainerIsSizedAndTheServersAreProbed() {
        for (String dir : DIRS) {
            for (Manifest m : renders.get(dir)) {
                for (JsonNode c : m.containers()) {
                    for (String bound : List.of("requests", "limits")) {
                        for (String resource : List.of("cpu", "memory")) {
                            assertFalse(c.at("/resources/" + bound + "/" + resource).asText().isEmpty(),
                                    m.id() + " container " + c.path("name").asText() + " has no " + bound + "." + resource);
                        }
                    }
                }
            }
        }
        // The servers and the consumers' health ports (HEALTH_PORT, 8080 by default) alike.
        for (String dir : DIRS) {
            for (String name : List.of("caracal-gateway", "caracal-mcp-adapter", "caracal-ledger-writer", "caracal-metrics-aggregator",
                    "caracal-audit-logger")) {
                JsonNode c = find(renders.get(dir), "Deployment", name).containers().get(0);
                assertEquals("/health", c.at("/livenessProbe/httpGet/path").asText(), dir + " " + name);
                assertEquals("/ready", c.at("/readinessProbe/httpGet/path").asText(), dir + " " + name);
                assertEquals(8080, ports(c).get(c.at("/readinessProbe/httpGet/port").asText()), dir + " " + name + " is not probed on 8080");
                assertEquals(8080, ports(c).get(c.at("/livenessProbe/httpGet/port").asText()), dir + " " + name + " is not probed on 8080");
            }
        }
    }

    @Test
    void environmentVariablesAreTheDocumentedOnes() {
        Set<String> passed = caracalEnv(renders.get("infra/k8s"));
        assertTrue(passed.containsAll(List.of("DB_HOST", "DB_PASSWORD", "REDIS_HOST", "KAFKA_BOOTSTRAP_SERVERS",
                "MERKLE_SIGNING_KEY_PATH", "CARACAL_MCP_SERVERS", "AUTH_MODE")), "expected the processes' variables, found " + passed);
        assertEquals(Set.of(), ConfigurationDoc.undocumented(repo, passed), "passed to a Caracal container but not in docs/configuration.md");
    }

    /**
     * The plain manifests are the chart's defaults with plain HTTP and API keys, without autoscaling: the same
     * connections, and for each workload the same ports, probes, resources and security contexts, and at least the
     * chart's environment. A change to one that is not made to the other fails here.
     */
    @Test
    void theWorkloadsAreWhatTheHelmChartRendersForTheSameSettings() {
        Chart chart = new Chart(repo.resolve("infra/helm/caracal"));
        List<Manifest> helm = chart.template(null, Map.of("gateway.tls.enabled", false, "gateway.authMode", "api_key"));
        List<Manifest> plain = renders.get("infra/k8s");
        assertEquals(find(helm, "ConfigMap", "caracal-config").at("/data"), find(plain, "ConfigMap", "caracal-config").at("/data"));
        for (Manifest workload : plain.stream().filter(m -> m.kind().equals("Deployment")).toList()) {
            Manifest chartWorkload = find(helm, "Deployment", workload.name());
            assertEquals(chartWorkload.at("/spec/template/spec/securityContext"), workload.at("/spec/template/spec/securityContext"), workload.id());
            JsonNode ours = workload.containers().get(0);
            JsonNode theirs = chartWorkload.containers().get(0);
            assertEquals(theirs.path("name"), ours.path("name"), workload.id());
            assertEquals(theirs.path("image").asText().replaceAll(":.*", ""), ours.path("image").asText().replaceAll(":.*", ""), workload.id());
            for (String field : List.of("ports", "securityContext", "resources", "livenessProbe", "readinessProbe", "volumeMounts")) {
                assertEquals(theirs.path(field), ours.path(field), workload.id() + ": " + field + " differs from the chart's");
            }
            Set<String> missing = new TreeSet<>(env(theirs).keySet());
            missing.removeAll(env(ours).keySet());
            assertTrue(missing.isEmpty(), workload.id() + " lacks the chart's " + missing);
        }
    }

    /** docs/deploy/kubernetes.md's plain-manifest commands name kustomizations and objects that exist. */
    @Test
    void theGuideNamesWhatIsRendered() throws IOException {
        String guide = Files.readString(repo.resolve("docs/deploy/kubernetes.md"));
        Matcher apply = Pattern.compile("kubectl (?:apply|delete) -k (infra/k8s[a-z/]*)").matcher(guide);
        int found = 0;
        while (apply.find()) {
            found++;
            assertTrue(renders.containsKey(apply.group(1).replaceAll("/$", "")), apply.group() + ": not a kustomization of this test");
        }
        assertTrue(found >= 2, "the guide applies no kustomization");
    }

    /** The guide's own overlay (managed services, a registry, MCP servers, a LoadBalancer) renders and is valid. */
    @Test
    void theGuidesOverlayRenders() throws IOException {
        String guide = Files.readString(repo.resolve("docs/deploy/kubernetes.md"));
        Matcher block = Pattern.compile("cat > my-caracal/kustomization.yaml <<'YAML'\n(.*?)\nYAML\n", Pattern.DOTALL).matcher(guide);
        assertTrue(block.find(), "the guide's overlay is missing");
        Path dir = Files.createTempDirectory("caracal-overlay-");
        Path checkout = dir.resolve("caracal");
        Path overlay = dir.resolve("my-caracal");
        try {
            // As in the guide: the overlay's directory beside a checkout named caracal.
            Files.createSymbolicLink(checkout, repo);
            Files.createDirectory(overlay);
            Files.writeString(overlay.resolve("kustomization.yaml"), block.group(1));
            List<Manifest> manifests = new Kustomization(overlay).render();
            List<String> problems = validator.validate(manifests);
            assertTrue(problems.isEmpty(), String.join("\n", problems));
            manifests.forEach(m -> assertEquals("caracal", m.at("/metadata/namespace").asText(), m.id()));
            assertEquals("LoadBalancer", find(manifests, "Service", "caracal-gateway").at("/spec/type").asText());
            assertEquals(2, find(manifests, "Deployment", "caracal-mcp-adapter").at("/spec/replicas").asInt());
            assertTrue(find(manifests, "ConfigMap", "caracal-mcp-adapter").at("/data/CARACAL_MCP_SERVERS").asText().contains("\"github\""));
            Manifest config = find(manifests, "ConfigMap", "caracal-config");
            assertEquals("SASL_SSL", config.at("/data/KAFKA_SECURITY_PROTOCOL").asText());
            assertEquals("caracal", config.at("/data/DB_USER").asText(), "the merge lost the base's settings");
            assertEquals(Set.of(), ConfigurationDoc.undocumented(repo, caracalEnv(manifests)), "the overlay passes undocumented variables");
        } finally {
            // The link only, never what it points to.
            Files.deleteIfExists(checkout);
            Files.deleteIfExists(overlay.resolve("kustomization.yaml"));
            Files.deleteIfExists(overlay);
            Files.deleteIfExists(dir);
        }
    }

    private static boolean selects(Manifest service, Manifest workload) {
        JsonNode labels = workload.at("/spec/template/metadata/labels");
        Iterator<Map.Entry<String, JsonNode>> selector = service.at("/spec/selector").fields();
        boolean any = false;
        while (selector.hasNext()) {
            Map.Entry<String, JsonNode> label = selector.next();
            any = true;
            if (!label.getValue().equals(labels.path(label.getKey()))) {
                return false;
            }
        }
        return any;
    }
}
