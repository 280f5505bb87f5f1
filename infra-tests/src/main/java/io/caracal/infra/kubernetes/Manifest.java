package io.caracal.infra.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One Kubernetes object of a rendered stream, with where it came from (Helm's "# Source:" comment).
 *
 * @param source the template that rendered it, or the document's index
 * @param node   the object
 */
public record Manifest(String source, ObjectNode node) {

    public String apiVersion() {
        return node.path("apiVersion").asText("");
    }

    public String kind() {
        return node.path("kind").asText("");
    }

    public String name() {
        return node.path("metadata").path("name").asText("");
    }

    /** apiVersion/kind/name, as an error message names it. */
    public String id() {
        return apiVersion() + " " + kind() + " " + name() + " (" + source + ")";
    }

    /** The value at a JSON pointer ("/spec/template/spec"), missing if absent. */
    public JsonNode at(String pointer) {
        return node.at(pointer);
    }

    /** The pod template's spec of a workload (Deployment, StatefulSet, Job), if it has one. */
    public Optional<JsonNode> podSpec() {
        JsonNode spec = node.at("/spec/template/spec");
        return spec.isObject() ? Optional.of(spec) : Optional.empty();
    }

    /** Every container of the pod template, init containers first. */
    public List<JsonNode> containers() {
        List<JsonNode> out = new ArrayList<>();
        podSpec().ifPresent(spec -> Stream.of("initContainers", "containers")
                .forEach(field -> spec.path(field).forEach(out::add)));
        return out;
    }
}
