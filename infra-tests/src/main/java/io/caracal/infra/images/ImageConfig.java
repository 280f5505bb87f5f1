package io.caracal.infra.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a built image says about how it runs: the OCI configuration {@code buildah inspect --type image} prints
 * (its {@code OCIv1.config}).
 *
 * @param exposedPorts "8080/tcp", ...
 */
public record ImageConfig(String user, List<String> entrypoint, List<String> cmd, Set<String> exposedPorts, String workingDir,
                          Map<String, String> env, Map<String, String> labels) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The configuration in {@code buildah inspect --type image <image>}'s output. */
    public static ImageConfig fromInspect(String inspectJson) {
        JsonNode config;
        try {
            config = JSON.readTree(inspectJson).at("/OCIv1/config");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!config.isObject()) {
            throw new IllegalArgumentException("no OCIv1.config in buildah inspect's output");
        }
        Map<String, String> env = new LinkedHashMap<>();
        config.path("Env").forEach(e -> {
            String[] pair = e.asText().split("=", 2);
            env.put(pair[0], pair.length > 1 ? pair[1] : "");
        });
        Map<String, String> labels = new LinkedHashMap<>();
        config.path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        Set<String> ports = new TreeSet<>();
        config.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
        return new ImageConfig(config.path("User").asText(""), strings(config.path("Entrypoint")), strings(config.path("Cmd")), ports,
                config.path("WorkingDir").asText(""), env, labels);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(s -> out.add(s.asText()));
        return out;
    }

    /** The numeric user id the process runs as ("10001" of "10001:10001"); -1 when the user is a name or unset (root). */
    public int uid() {
        String id = user.split(":", 2)[0];
        return id.matches("\\d+") ? Integer.parseInt(id) : -1;
    }
}
