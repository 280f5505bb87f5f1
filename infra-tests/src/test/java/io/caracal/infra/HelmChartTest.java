package io.caracal.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import io.caracal.infra.docs.ConfigurationDoc;
import io.caracal.infra.kubernetes.Hardening;
import io.caracal.infra.kubernetes.Manifest;
import io.caracal.infra.kubernetes.Manifests;
import io.caracal.infra.kubernetes.SecretReferences;
import io.caracal.infra.kubernetes.SchemaValidator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Stream;

import static io.caracal.infra.Workloads.caracalEnv;
import static io.caracal.infra.Workloads.container;
import static io.caracal.infra.Workloads.env;
import static io.caracal.infra.Workloads.find;
import static io.caracal.infra.Workloads.ports;
import static io.caracal.infra.Workloads.servicePorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * infra/helm/caracal as it is in the repository, through embedded Helm (helm-java): `helm lint --strict` and
 * `helm template` with the default, production and minimal values, every rendered object valid against the
 * Kubernetes JSON schemas in test resources (strict, as kubeconform -strict), and the rules the chart keeps:
 * the production gateway sized, probed, on TLS, autoscaled and protected by a disruption budget; no secret value
 * in any values file or render; environment variables named as docs/configuration.md names them; every value of
 * the seed chart's table (seeds/001) honoured.
 */
class HelmChartTest {
    /** The values files beside values.yaml, each linted and rendered; "" is values.yaml alone. */
    static final List<String> VALUES = List.of("", "values-production.yaml", "values-minimal.yaml");

    static Path repo;
    static Chart chart;
    static SchemaValidator validator;
    static final Map<String, List<Manifest>> renders = new LinkedHashMap<>();

    @BeforeAll
    static void render() {
        repo = Path.of(System.getProperty("caracal.root", "..")).toAbsolutePath().normalize();
        chart = new Chart(repo.resolve("infra/helm/caracal"));
        validator = SchemaValidator.fromClasspath("kubernetes-schemas");
        for (String values : VALUES) {
            renders.put(values, chart.template(values.isEmpty() ? null : chart.valuesFile(values), Map.of()));
        }
    }

    static String label(String values) {
        return values.isEmpty() ? "values.yaml" : values;
    }

    @ParameterizedTest(name = "helm lint --strict with {0}")
    @ValueSource(strings = {"", "values-production.yaml", "values-minimal.yaml"})
    void lintsClean(String values) {
        LintResult result = chart.lint(values.isEmpty() ? null : chart.valuesFile(values));
        List<String> problems = result.getMessages().stream().filter(m -> !m.startsWith("[INFO]")).toList();
        assertFalse(result.isFailed(), label(values) + ": helm lint failed: " + result.getMessages());
        assertTrue(problems.isEmpty(), label(values) + ": helm lint warns: " + problems);
    }

    @ParameterizedTest(name = "every manifest rendered with {0} is valid")
    @ValueSource(strings = {"", "values-production.yaml", "values-minimal.yaml"})
    void everyRenderedManifestMatchesItsKubernetesSchema(String values) {
        List<Manifest> manifests = renders.get(values);
        assertTrue(manifests.size() >= 10, label(values) + ": only " + manifests.size() + " objects rendered");
        List<String> problems = validator.validate(manifests);
        assertTrue(problems.isEmpty(), label(values) + ": " + problems.size() + " problem(s):\n" + String.join("\n", problems));
        Set<String> names = new TreeSet<>();
        for (Manifest m : manifests) {
            assertTrue(names.add(m.kind() + "/" + m.name()), label(values) + ": " + m.kind() + "/" + m.name() + " rendered twice");
            assertEquals(Chart.NAMESPACE, m.at("/metadata/namespace").asText(), m.id() + " is not in the release's namespace");
        }
    }

    @Test
    void productionGatewayIsSizedProbedOnTlsAutoscaledAndProtected() {
        List<Manifest> production = renders.get("values-production.yaml");
        Manifest gateway = find(production, "Deployment", "caracal-gateway");
        JsonNode container = container(gateway, "gateway");

        for (String bound : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                assertFalse(container.at("/resources/" + bound + "/" + resource).asText().isEmpty(),
                        "the gateway has no " + bound + "." + resource);
            }
        }
        assertEquals("1Gi", container.at("/resources/requests/memory").asText());
        assertEquals("4000m", container.at("/resources/limits/cpu").asText());

        assertEquals("/health", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("HTTPS", container.at("/livenessProbe/httpGet/scheme").asText());
        assertEquals("https", container.at("/readinessProbe/httpGet/port").asText());
        assertTrue(ports(container).containsKey("https") && ports(container).get("https") == 8443, "no https port 8443: " + ports(container));
        assertEquals(9090, ports(container).get("metrics"));
        Map<String, JsonNode> limits = env(container);
        assertEquals("1024", limits.get("MAX_CONNECTIONS").path("value").asText());
        assertEquals("1024", limits.get("MAX_INFLIGHT_UPSTREAM").path("value").asText());
        assertEquals("300", limits.get("IDLE_TIMEOUT_SECS").path("value").asText());

        // The TLS secret is a volume, mounted read-only where TLS_CERT_FILE and TLS_KEY_FILE point.
        JsonNode tlsVolume = null;
        for (JsonNode v : gateway.at("/spec/template/spec/volumes")) {
            if ("caracal-tls".equals(v.at("/secret/secretName").asText())) {
                tlsVolume = v;
            }
        }
        assertTrue(tlsVolume != null, "no volume of the secret caracal-tls");
        String mountPath = null;
        for (JsonNode mount : container.path("volumeMounts")) {
            if (mount.path("name").asText().equals(tlsVolume.path("name").asText())) {
                mountPath = mount.path("mountPath").asText();
                assertTrue(mount.path("readOnly").asBoolean(), "the TLS volume is writable");
            }
        }
        assertTrue(mountPath != null, "the TLS volume is not mounted in the gateway container");
        Map<String, JsonNode> env = env(container);
        assertTrue(env.get("TLS_CERT_FILE").path("value").asText().startsWith(mountPath + "/"), "TLS_CERT_FILE is not in " + mountPath);
        assertTrue(env.get("TLS_KEY_FILE").path("value").asText().startsWith(mountPath + "/"), "TLS_KEY_FILE is not in " + mountPath);
        assertEquals("8443", env.get("GATEWAY_TLS_PORT").path("value").asText());
        assertFalse(env.containsKey("GATEWAY_PORT") || env.containsKey("TLS_ENABLED"), "HTTPS is the default: no plain port to name or ask for");

        Manifest hpa = find(production, "HorizontalPodAutoscaler", "caracal-gateway");
        assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
        assertEquals("caracal-gateway", hpa.at("/spec/scaleTargetRef/name").asText());
        assertEquals(5, hpa.at("/spec/minReplicas").asInt());
        assertEquals(20, hpa.at("/spec/maxReplicas").asInt());
        assertTrue(gateway.at("/spec/replicas").isMissingNode(), "an autoscaled Deployment must leave replicas to the HPA");

        Manifest pdb = find(production, "PodDisruptionBudget", "caracal-gateway");
        assertEquals(3, pdb.at("/spec/minAvailable").asInt());
        assertEquals(gateway.at("/spec/selector/matchLabels"), pdb.at("/spec/selector/matchLabels"), "the PDB selects other pods than the gateway's");

        assertEquals("LoadBalancer", find(production, "Service", "caracal-gateway").at("/spec/type").asText());
        Manifest service = find(production, "Service", "caracal-gateway");
        assertEquals(List.of(8443), servicePorts(service), "the load balancer must expose 8443 only (metrics have their own Service)");
        assertEquals(List.of(9090), servicePorts(find(production, "Service", "caracal-gateway-metrics")));
    }

    /** Plain HTTP only when asked for: the minimal values' gateway says TLS_ENABLED=false, and is probed over HTTP. */
    @Test
    void theMinimalGatewayAsksForPlainHttp() {
        JsonNode container = container(find(renders.get("values-minimal.yaml"), "Deployment", "caracal-gateway"), "gateway");
        Map<String, JsonNode> env = env(container);
        assertEquals("false", env.get("TLS_ENABLED").path("value").asText());
        assertEquals("8080", env.get("GATEWAY_PORT").path("value").asText());
        assertFalse(env.containsKey("TLS_CERT_FILE"), "a certificate for a plain listener");
        assertEquals("HTTP", container.at("/readinessProbe/httpGet/scheme").asText());
        assertEquals(8080, ports(container).get(container.at("/readinessProbe/httpGet/port").asText()));
    }

    @Test
    void productionUsesManagedServicesNetworkPoliciesAndAServiceMonitor() {
        List<Manifest> production = renders.get("values-production.yaml");
        assertTrue(production.stream().noneMatch(m -> m.kind().equals("StatefulSet")), "production bundles a database, Redis or Kafka");
        Manifest monitor = find(production, "ServiceMonitor", "caracal");
        assertEquals("metrics", monitor.at("/spec/endpoints/0/port").asText());
        Set<String> policies = production.stream().filter(m -> m.kind().equals("NetworkPolicy")).map(Manifest::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("caracal-gateway", "caracal-mcp-adapter", "caracal-ledger-writer", "caracal-metrics-aggregator", "caracal-audit-logger"), policies);
        // Every metrics Service the monitor selects exposes a port named as its endpoint.
        for (Manifest m : production) {
            if (m.kind().equals("Service") && "true".equals(m.at("/metadata/labels/caracal.io~1metrics").asText())) {
                assertEquals("metrics", m.at("/spec/ports/0/name").asText(), m.id());
            }
        }
        for (String consumer : List.of("caracal-ledger-writer", "caracal-metrics-aggregator", "caracal-audit-logger")) {
            find(production, "PodDisruptionBudget", consumer);
        }
        find(production, "HorizontalPodAutoscaler", "caracal-mcp-adapter");
    }

    /** The PrometheusRule and the dashboards ConfigMap carry infra/monitoring/'s files as they are, only when enabled. */
    @Test
    void productionShipsTheAlertRulesAndDashboardsOfInfraMonitoring() throws IOException {
        List<Manifest> production = renders.get("values-production.yaml");
        Manifest rule = find(production, "PrometheusRule", "caracal");
        assertEquals("kube-prometheus-stack", rule.at("/metadata/labels/release").asText());
        JsonNode rules = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(repo.resolve("infra/monitoring/prometheus/caracal-alerts.yaml").toFile());
        assertEquals(rules.path("groups"), rule.at("/spec/groups"), "the rule file's groups, template expressions ({{ $labels... }}) untouched");
        Manifest dashboards = find(production, "ConfigMap", "caracal-dashboards");
        assertEquals("1", dashboards.at("/metadata/labels/grafana_dashboard").asText());
        for (String board : List.of("gateway", "consumers", "merkle", "spend", "database")) {
            assertEquals(Files.readString(repo.resolve("infra/monitoring/grafana/" + board + ".json")), dashboards.at("/data/" + board + ".json").asText(), board);
        }
        for (String values : List.of("", "values-minimal.yaml")) {
            assertTrue(renders.get(values).stream().noneMatch(m -> m.kind().equals("PrometheusRule") || m.name().equals("caracal-dashboards")), values);
        }
    }

    @Test
    void serviceMonitorAndNetworkPoliciesOnlyWhenEnabled() {
        for (String values : List.of("", "values-minimal.yaml")) {
            assertTrue(renders.get(values).stream().noneMatch(m -> m.kind().equals("ServiceMonitor") || m.kind().equals("NetworkPolicy")),
                    label(values) + " renders a ServiceMonitor or a NetworkPolicy though they are off");
        }
        List<Manifest> on = chart.template(null, Map.of("metrics.serviceMonitor.enabled", true, "networkPolicy.enabled", true));
        assertTrue(validator.validate(on).isEmpty(), validator.validate(on).toString());
        find(on, "ServiceMonitor", "caracal");
        // With the bundled services, each admits the release's pods only.
        for (String name : List.of("caracal-database", "caracal-redis", "caracal-kafka")) {
            Manifest policy = find(on, "NetworkPolicy", name);
            assertEquals("caracal", policy.at("/spec/ingress/0/from/0/podSelector/matchLabels/app.kubernetes.io~1instance").asText(), policy.id());
        }
    }

    @Test
    void eachConsumerIsItsOwnDeploymentWithProbesAndTheMcpAdapterHasItsService() {
        List<Manifest> defaults = renders.get("");
        for (String consumer : List.of("ledger-writer", "metrics-aggregator", "audit-logger")) {
            Manifest deployment = find(defaults, "Deployment", "caracal-" + consumer);
            assertEquals(consumer, deployment.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText());
            assertEquals(2, deployment.at("/spec/replicas").asInt());
            JsonNode container = deployment.containers().get(0);
            assertEquals("/health", container.at("/livenessProbe/httpGet/path").asText(), consumer);
            assertEquals("/ready", container.at("/readinessProbe/httpGet/path").asText(), consumer);
            // The probes read the port the function serves them on.
            int probed = ports(container).get(container.at("/readinessProbe/httpGet/port").asText());
            assertEquals(8080, probed, consumer);
            assertEquals(Integer.toString(probed), env(container).get("HEALTH_PORT").path("value").asText(), consumer);
        }
        JsonNode moved = find(chart.template(null, Map.of("consumers.auditLogger.probes.port", 8099)), "Deployment", "caracal-audit-logger")
                .containers().get(0);
        assertEquals(8099, ports(moved).get(moved.at("/livenessProbe/httpGet/port").asText()));
        assertEquals("8099", env(moved).get("HEALTH_PORT").path("value").asText());
        JsonNode ledger = find(defaults, "Deployment", "caracal-ledger-writer").containers().get(0);
        Map<String, JsonNode> ledgerEnv = env(ledger);
        assertEquals("1000", ledgerEnv.get("MERKLE_BATCH_SIZE_LIMIT").path("value").asText());
        assertEquals("300", ledgerEnv.get("MERKLE_BATCH_TIMEOUT_SECONDS").path("value").asText());
        assertTrue(ledgerEnv.get("MERKLE_SIGNING_KEY_PATH").path("value").asText().startsWith("/etc/caracal/merkle/"));
        // Every consumer serves /metrics on its own port, behind a Service the ServiceMonitor selects.
        for (Map.Entry<String, Integer> consumer : Map.of("ledger-writer", 9092, "metrics-aggregator", 9091, "audit-logger", 9093).entrySet()) {
            JsonNode container = find(defaults, "Deployment", "caracal-" + consumer.getKey()).containers().get(0);
            assertEquals(consumer.getValue(), ports(container).get("metrics"), consumer.getKey());
            assertEquals(consumer.getValue().toString(), env(container).get("METRICS_PORT").path("value").asText(), consumer.getKey());
            Manifest service = find(defaults, "Service", "caracal-" + consumer.getKey());
            assertEquals(List.of(consumer.getValue()), servicePorts(service), consumer.getKey());
            assertEquals("true", service.at("/metadata/labels/caracal.io~1metrics").asText(), consumer.getKey());
        }

        find(defaults, "Deployment", "caracal-mcp-adapter");
        assertEquals(List.of(8080), servicePorts(find(defaults, "Service", "caracal-mcp-adapter")));
        assertTrue(renders.get("values-minimal.yaml").stream().noneMatch(m -> m.name().equals("caracal-mcp-adapter")), "the minimal values turn the MCP adapter off");
        // The seed's my-values: the adapter autoscaled 2..8.
        List<Manifest> scaled = chart.template(null, Map.of("mcpAdapter.autoscaling.enabled", true));
        Manifest hpa = find(scaled, "HorizontalPodAutoscaler", "caracal-mcp-adapter");
        assertEquals(2, hpa.at("/spec/minReplicas").asInt());
        assertEquals(8, hpa.at("/spec/maxReplicas").asInt());
    }

    @Test
    void everyContainerRunsAsNonRootOnAReadOnlyRoot() {
        for (String values : VALUES) {
            List<String> problems = Hardening.problems(renders.get(values));
            assertTrue(problems.isEmpty(), label(values) + ":\n" + String.join("\n", problems));
        }
        // Images are values: a registry prefix and a tag can be set without editing a template.
        Manifest gateway = find(chart.template(null, Map.of("global.imageRegistry", "registry.internal.example/team", "gateway.image.tag", "1.2.3")),
                "Deployment", "caracal-gateway");
        assertEquals("registry.internal.example/team/caracal/gateway:1.2.3", container(gateway, "gateway").path("image").asText());
    }

    /** Secrets by reference only: no values file holds one, no render carries one, every secret variable is a secretKeyRef. */
    @Test
    void noSecretIsWrittenInValuesOrRendered() throws IOException {
        Pattern secretKey = Pattern.compile("(?i).*(password|passwd|token|apikey|api_key|secretvalue)$");
        for (String values : VALUES) {
            Path file = chart.dir.resolve(values.isEmpty() ? "values.yaml" : values);
            List<String> literals = new ArrayList<>();
            walk(Manifests.YAML.readTree(file.toFile()), "", (path, node) -> {
                String key = path.substring(path.lastIndexOf('.') + 1);
                if (node.isValueNode() && !node.asText().isEmpty() && secretKey.matcher(key).matches()) {
                    literals.add(path + " = " + node.asText());
                }
            });
            assertTrue(literals.isEmpty(), label(values) + " holds secret values: " + literals);
        }
        for (String values : VALUES) {
            String rendered = chart.render(values.isEmpty() ? null : chart.valuesFile(values), Map.of());
            assertFalse(rendered.contains("CHANGE_ME"), label(values) + ": a seed's placeholder password is rendered");
            List<String> problems = SecretReferences.problems(renders.get(values));
            assertTrue(problems.isEmpty(), label(values) + ":\n" + String.join("\n", problems));
        }
        // The seeds' values files set postgresql.auth.password and redis.auth.password: refused, with what to do.
        for (String key : List.of("postgresql.auth.password", "redis.auth.password")) {
            Exception refused = assertThrows(Exception.class, () -> chart.render(null, Map.of(key, "hunter2")));
            assertTrue(refused.getMessage().contains("secrets by reference only"), key + ": " + refused.getMessage());
        }
    }

    @Test
    void valuesSchemaRefusesWrongValues() {
        for (Map.Entry<String, Object> wrong : Map.<String, Object>of(
                "gateway.authMode", "basic",
                "gateway.replicaCount", "three",
                "gateway.service.type", "Ingress",
                "externalKafka.securityProtocol", "TLS",
                "gateway.resources.limits.cpu", "two cores",
                "gatway.replicaCount", 3).entrySet()) {
            Exception refused = assertThrows(Exception.class, () -> chart.render(null, Map.of(wrong.getKey(), wrong.getValue())),
                    wrong + " was accepted");
            assertTrue(refused.getMessage().toLowerCase().contains("schema"), wrong + ": " + refused.getMessage());
        }
        // Managed services without their address are refused with the value to set.
        Exception noHost = assertThrows(Exception.class, () -> chart.render(null, Map.of("postgresql.enabled", false)));
        assertTrue(noHost.getMessage().contains("externalDatabase.host"), noHost.getMessage());
    }

    @Test
    void environmentVariablesAreTheDocumentedOnes() {
        Set<String> passed = new TreeSet<>();
        for (String values : VALUES) {
            passed.addAll(caracalEnv(renders.get(values)));
        }
        passed.addAll(caracalEnv(chart.template(null, Map.of("gateway.authMode", "mtls", "gateway.statsToken.enabled", true,
                "consumers.ledgerWriter.migrateOnStart", true))));
        assertTrue(passed.size() > 20, "expected the processes' variables, found " + passed);
        assertEquals(Set.of(), ConfigurationDoc.undocumented(repo, passed), "passed to a Caracal container but not in docs/configuration.md");
        for (String name : List.of("DB_HOST", "DB_PORT", "DB_NAME", "DB_USER", "DB_PASSWORD", "REDIS_HOST", "REDIS_PORT",
                "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_USERNAME",
                "KAFKA_SASL_PASSWORD", "AUTH_MODE", "JWT_PUBLIC_KEY_PATH", "TLS_CA_FILE", "METRICS_PORT", "STATS_TOKEN",
                "MERKLE_SIGNING_KEY_PATH", "MIGRATE_ON_START")) {
            assertTrue(passed.contains(name), name + " is never passed");
        }
    }

    /**
     * Every parameter of the seed chart's table (seeds/001, copied to test resources) is a value of values.yaml with
     * the table's default, except the two passwords, which are references to a Secret instead.
     */
    @Test
    void everyValueOfTheSeedTableIsHonoured() throws IOException {
        String table;
        try (var in = HelmChartTest.class.getResourceAsStream("/helm/seed-001-values-table.md")) {
            table = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonNode values = Manifests.YAML.readTree(chart.dir.resolve("values.yaml").toFile());
        Matcher row = Pattern.compile("(?m)^\\| `([a-zA-Z.]+)` \\| [^|]* \\| `([^`]*)` \\|$").matcher(table);
        int rows = 0;
        List<String> problems = new ArrayList<>();
        while (row.find()) {
            rows++;
            String parameter = row.group(1);
            String expected = row.group(2);
            JsonNode actual = values.at("/" + parameter.replace('.', '/'));
            if (parameter.endsWith(".password")) {
                String parent = "/" + parameter.substring(0, parameter.lastIndexOf('.')).replace('.', '/');
                if (!actual.isMissingNode() || !values.at(parent).has("existingSecret")) {
                    problems.add(parameter + ": should be replaced by " + parent + "/existingSecret");
                }
                continue;
            }
            if (actual.isMissingNode()) {
                problems.add(parameter + ": not in values.yaml");
                continue;
            }
            String text = actual.isContainerNode() ? actual.toString() : actual.asText();
            if (expected.equals("\"\"")) {
                expected = "";
            }
            if (!text.equals(expected)) {
                problems.add(parameter + ": " + text + " instead of the table's " + expected);
            }
        }
        assertEquals(52, rows, "the table copied from seeds/001 has changed");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * docs/deploy/kubernetes.md names what the chart renders: every svc/, deployment/ and job/ its commands use, the
     * pods of the bundled StatefulSets, the components of its label selectors, the Secrets it creates (the values'
     * defaults) and the values its --set flags change.
     */
    @Test
    void theKubernetesGuideNamesWhatTheChartRenders() throws IOException {
        String guide = Files.readString(repo.resolve("docs/deploy/kubernetes.md"));
        List<Manifest> all = new ArrayList<>(renders.get(""));
        all.addAll(renders.get("values-production.yaml"));
        Set<String> objects = all.stream().map(m -> m.kind() + "/" + m.name()).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        Map<String, String> kinds = Map.of("svc", "Service", "deployment", "Deployment", "job", "Job");
        Matcher ref = Pattern.compile("\\b(svc|deployment|job)/([a-z0-9-]+(?:<revision>)?)").matcher(guide);
        int refs = 0;
        while (ref.find()) {
            refs++;
            String name = ref.group(1).equals("job") ? ref.group(2).replaceAll("-(1|<revision>)$", "-1") : ref.group(2);
            if (!objects.contains(kinds.get(ref.group(1)) + "/" + name)) {
                problems.add(ref.group() + " is not rendered");
            }
        }
        Matcher pod = Pattern.compile("\\b(caracal-(?:postgres|redis|kafka))-\\d\\b").matcher(guide);
        while (pod.find()) {
            refs++;
            if (!objects.contains("StatefulSet/" + pod.group(1))) {
                problems.add(pod.group() + ": no StatefulSet " + pod.group(1));
            }
        }
        Set<String> components = all.stream().map(m -> m.at("/metadata/labels/app.kubernetes.io~1component").asText()).collect(Collectors.toSet());
        Matcher component = Pattern.compile("app\\.kubernetes\\.io/component=([a-z-]+)").matcher(guide);
        while (component.find()) {
            refs++;
            if (!components.contains(component.group(1))) {
                problems.add(component.group() + ": no such component");
            }
        }
        JsonNode values = Manifests.YAML.readTree(chart.dir.resolve("values.yaml").toFile());
        Set<String> secretDefaults = Set.of(values.at("/secrets/existingSecret").asText(), values.at("/gateway/tls/secretName").asText(),
                values.at("/consumers/ledgerWriter/merkle/signingKeySecretName").asText());
        Matcher secret = Pattern.compile("kubectl create secret generic ([a-z0-9-]+)").matcher(guide);
        while (secret.find()) {
            refs++;
            if (!secretDefaults.contains(secret.group(1))) {
                problems.add(secret.group() + ": the chart reads no such Secret by default (" + secretDefaults + ")");
            }
        }
        Matcher set = Pattern.compile("--set ([a-zA-Z.]+)=").matcher(guide);
        while (set.find()) {
            refs++;
            if (values.at("/" + set.group(1).replace('.', '/')).isMissingNode()) {
                problems.add(set.group() + ": no such value");
            }
        }
        assertTrue(refs > 20, "expected the guide's commands, found " + refs + " references");
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** A broken manifest fails the check: the chart's own gateway, rendered, then spoiled three ways. */
    @Test
    void aSpoiledRenderIsRefused() {
        Manifest gateway = find(renders.get(""), "Deployment", "caracal-gateway");
        assertTrue(validator.validate(gateway).isEmpty(), validator.validate(gateway).toString());

        Manifest wrongType = copy(gateway);
        wrongType.node().with("spec").put("replicas", "three");
        assertTrue(validator.validate(wrongType).stream().anyMatch(p -> p.contains("replicas")), validator.validate(wrongType).toString());

        Manifest misspelt = copy(gateway);
        ((ObjectNode) misspelt.node().at("/spec/template/spec/containers/0")).set("livenesProbe", misspelt.node().at("/spec/template/spec/containers/0/livenessProbe"));
        assertTrue(validator.validate(misspelt).stream().anyMatch(p -> p.contains("livenesProbe")), validator.validate(misspelt).toString());

        Manifest badQuantity = copy(gateway);
        ((ObjectNode) badQuantity.node().at("/spec/template/spec/containers/0/resources/limits")).put("cpu", "two cores");
        assertFalse(validator.validate(badQuantity).isEmpty(), "a cpu limit of 'two cores' passed");
    }

    // ------------------------------------------------------------------------------------------------------------

    static Manifest copy(Manifest m) {
        return new Manifest(m.source(), m.node().deepCopy());
    }

    interface Visitor {
        void visit(String path, JsonNode node);
    }

    static void walk(JsonNode node, String path, Visitor visitor) {
        visitor.visit(path, node);
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                walk(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), visitor);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", visitor);
            }
        }
    }
}
