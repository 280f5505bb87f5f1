package io.caracal.infra;

import com.fasterxml.jackson.databind.JsonNode;
import io.caracal.infra.kubernetes.Manifest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Finding things in rendered manifests (the chart's, infra/k8s's), failing with what there is instead. */
final class Workloads {
    /** Components whose containers run Caracal's code (the others are the bundled services). */
    static final Set<String> CARACAL_COMPONENTS = Set.of("gateway", "ledger-writer", "metrics-aggregator", "audit-logger", "mcp-adapter", "setup");

    private Workloads() {
    }

    static Manifest find(List<Manifest> manifests, String kind, String name) {
        return manifests.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " among "
                        + manifests.stream().map(m -> m.kind() + "/" + m.name()).toList()));
    }

    static JsonNode container(Manifest workload, String name) {
        return workload.containers().stream().filter(c -> c.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(workload.id() + " has no container " + name));
    }

    /** A container's ports, name to number. */
    static Map<String, Integer> ports(JsonNode container) {
        Map<String, Integer> out = new LinkedHashMap<>();
        container.path("ports").forEach(p -> out.put(p.path("name").asText(), p.path("containerPort").asInt()));
        return out;
    }

    static List<Integer> servicePorts(Manifest service) {
        List<Integer> out = new ArrayList<>();
        service.at("/spec/ports").forEach(p -> out.add(p.path("port").asInt()));
        return out;
    }

    /** A container's env entries by name. */
    static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        container.path("env").forEach(e -> out.put(e.path("name").asText(), e));
        return out;
    }

    /** The variables Caracal's containers get: their env and the keys of the ConfigMaps they take whole. */
    static Set<String> caracalEnv(List<Manifest> manifests) {
        Map<String, Manifest> configMaps = manifests.stream().filter(m -> m.kind().equals("ConfigMap"))
                .collect(Collectors.toMap(Manifest::name, m -> m));
        Set<String> out = new TreeSet<>();
        for (Manifest m : manifests) {
            String component = m.at("/spec/template/metadata/labels/app.kubernetes.io~1component").asText();
            if (!CARACAL_COMPONENTS.contains(component)) {
                continue;
            }
            for (JsonNode c : m.containers()) {
                c.path("env").forEach(e -> out.add(e.path("name").asText()));
                for (JsonNode from : c.path("envFrom")) {
                    Optional.ofNullable(configMaps.get(from.at("/configMapRef/name").asText()))
                            .orElseThrow(() -> new AssertionError(m.id() + " takes a ConfigMap that is not rendered: " + from))
                            .at("/data").fieldNames().forEachRemaining(out::add);
                }
            }
        }
        return out;
    }
}
