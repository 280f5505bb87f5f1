package io.caracal.infra.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Secrets by reference only: Caracal's Kubernetes descriptions make no Secret (its values would be in the repository
 * or a release's history), put no password or token in a ConfigMap, and give every secret variable to a container
 * from a Secret (secretKeyRef), never as a value.
 */
public final class SecretReferences {
    /** The environment variables that hold a secret, by their names (DB_PASSWORD, STATS_TOKEN, REDISCLI_AUTH, ...). */
    public static final Pattern SECRET_VARIABLE = Pattern.compile(".*(PASSWORD|TOKEN|SECRET|_AUTH)$");

    private SecretReferences() {
    }

    /** What breaks the rule, one line per breach; empty when nothing does. */
    public static List<String> problems(List<Manifest> manifests) {
        List<String> problems = new ArrayList<>();
        for (Manifest m : manifests) {
            if (m.kind().equals("Secret")) {
                problems.add(m.id() + ": a Secret is made; secrets are referenced, never made");
            }
            if (m.kind().equals("ConfigMap")) {
                m.at("/data").fieldNames().forEachRemaining(name -> {
                    if (SECRET_VARIABLE.matcher(name).matches()) {
                        problems.add(m.id() + " holds " + name);
                    }
                });
            }
            for (JsonNode c : m.containers()) {
                for (JsonNode e : c.path("env")) {
                    String name = e.path("name").asText();
                    if (SECRET_VARIABLE.matcher(name).matches()
                            && !(e.path("value").isMissingNode() && e.at("/valueFrom/secretKeyRef/name").isTextual())) {
                        problems.add(m.id() + ": " + name + " is not read from a Secret");
                    }
                }
            }
        }
        return problems;
    }
}
