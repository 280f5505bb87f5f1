package io.caracal.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * infra/monitoring/: the Grafana dashboards load as Grafana dashboard JSON, the alert rules cover seed 002's alerting
 * section, and every PromQL expression in either parses and selects only metrics the code exports
 * (exported-metrics.txt, which MetricsScrapeTest checks against what the four processes serve).
 */
class MonitoringTest {
    static final Path MONITORING = Path.of(System.getProperty("caracal.root", "..")).toAbsolutePath().normalize().resolve("infra/monitoring");
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Seed 002's alerting rules, as the seed writes them. */
    static final Map<String, String> SEED_ALERTS = Map.of(
            "HighErrorRate", "rate(caracal_requests_total{status=\"error\"}[5m]) > 0.05",
            "HighConsumerLag", "kafka_consumer_lag > 10000",
            "MerkleVerificationFailure", "caracal_merkle_verification_failures_total > 0");

    static Set<String> exported() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(MONITORING.resolve("exported-metrics.txt"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.trim());
            }
        }
        return names;
    }

    static Map<Path, JsonNode> dashboards() throws IOException {
        Map<Path, JsonNode> dashboards = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(MONITORING.resolve("grafana"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                dashboards.put(file, JSON.readTree(file.toFile()));
            }
        }
        return dashboards;
    }

    static JsonNode rules() throws IOException {
        return YAML.readTree(MONITORING.resolve("prometheus/caracal-alerts.yaml").toFile());
    }

    @Test
    void theDashboardsAreGrafanaDashboards() throws IOException {
        Map<Path, JsonNode> dashboards = dashboards();
        assertEquals(Set.of("gateway.json", "consumers.json", "merkle.json", "spend.json", "database.json"),
                dashboards.keySet().stream().map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        Set<String> uids = new HashSet<>();
        for (Map.Entry<Path, JsonNode> entry : dashboards.entrySet()) {
            String file = entry.getKey().getFileName().toString();
            JsonNode board = entry.getValue();
            assertTrue(uids.add(board.path("uid").asText()) && !board.path("uid").asText().isEmpty(), file + ": a unique uid");
            assertFalse(board.path("title").asText().isEmpty(), file + ": a title");
            assertTrue(board.path("schemaVersion").isInt(), file + ": schemaVersion");
            assertTrue(board.path("templating").path("list").findValuesAsText("name").contains("datasource"), file + ": the datasource variable its panels use");
            Set<Integer> ids = new HashSet<>();
            assertTrue(board.path("panels").size() >= 4, file + ": its panels");
            for (JsonNode panel : board.path("panels")) {
                String where = file + " panel " + panel.path("title").asText();
                assertTrue(ids.add(panel.path("id").asInt()), where + ": a unique id");
                assertTrue(Set.of("timeseries", "stat", "table", "gauge").contains(panel.path("type").asText()), where + ": a Grafana panel type");
                for (String field : List.of("x", "y", "w", "h")) {
                    assertTrue(panel.path("gridPos").path(field).isInt(), where + ": gridPos." + field);
                }
                assertTrue(panel.path("targets").size() >= 1, where + ": a query");
                for (JsonNode target : panel.path("targets")) {
                    assertEquals("prometheus", target.path("datasource").path("type").asText(), where);
                    assertFalse(target.path("expr").asText().isBlank(), where + ": an expression");
                }
            }
        }
    }

    @Test
    void theAlertRulesCoverSeed002() throws IOException {
        Map<String, JsonNode> alerts = new LinkedHashMap<>();
        for (JsonNode group : rules().path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                assertTrue(alerts.put(rule.path("alert").asText(), rule) == null, "one rule per alert name: " + rule.path("alert").asText());
                assertTrue(Set.of("critical", "warning").contains(rule.path("labels").path("severity").asText()), rule.path("alert").asText());
                assertFalse(rule.path("annotations").path("summary").asText().isBlank(), rule.path("alert").asText());
            }
        }
        SEED_ALERTS.forEach((name, expr) -> assertEquals(expr, alerts.get(name) == null ? null : alerts.get(name).path("expr").asText(), name));
        assertEquals("caracal_kafka_consumer_lag", PromQl.metricNames(alerts.get("KafkaConsumerLagHigh").path("expr").asText()).iterator().next(),
                "the runbook's alert (seed 003) on its own name");
    }

    @Test
    void everyExpressionParsesAndNamesOnlyExportedMetrics() throws IOException {
        List<String> expressions = new ArrayList<>();
        for (JsonNode board : dashboards().values()) {
            board.path("panels").forEach(panel -> panel.path("targets").forEach(target -> expressions.add(target.path("expr").asText())));
        }
        rules().path("groups").forEach(group -> group.path("rules").forEach(rule -> expressions.add(rule.path("expr").asText())));
        assertTrue(expressions.size() >= 30, expressions.size() + " expressions");
        Set<String> exported = exported();
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (String expr : expressions) {
            try {
                for (String name : PromQl.metricNames(expr)) {
                    String family = family(name, exported);
                    if (family == null) {
                        problems.add(name + " (not exported) in " + expr);
                    } else {
                        used.add(family);
                    }
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        assertEquals(List.of(), problems);
        assertEquals(exported, used, "every exported name listed is queried somewhere (else drop it from the list)");
    }

    /** The exported family {@code name} belongs to: itself, or the histogram whose _bucket, _count or _sum it is. */
    static String family(String name, Set<String> exported) {
        if (exported.contains(name)) {
            return name;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum")) {
            if (name.endsWith(suffix) && exported.contains(name.substring(0, name.length() - suffix.length()))) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return null;
    }

    @Test
    void theExtractorFindsMetricNamesAndRefusesWhatIsNotPromQl() {
        assertEquals(Set.of("caracal_gateway_request_duration_seconds_bucket"), PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(caracal_gateway_request_duration_seconds_bucket{job=~\"gw|x\", status!=\"a,b\"}[5m])))"));
        assertEquals(Set.of("a_total", "b"), PromQl.metricNames("sum(rate(a_total[$__rate_interval])) without (instance) / on (job) group_left b offset 1h > 1e-9"));
        assertEquals(Set.of("x"), PromQl.metricNames("topk(10, sum by (agent_id, currency) (increase(x[24h:5m])))"));
        for (String bad : List.of("sum(rate(a[5m])", "rate(a[5 minutes])", "a{job=gw}", "rte(a[5m])", "a{job=\"x}", "sum by (le (a)", "> 1")) {
            assertThrows(IllegalArgumentException.class, () -> PromQl.metricNames(bad), bad);
        }
    }
}
